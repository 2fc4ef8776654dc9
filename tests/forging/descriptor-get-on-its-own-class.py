# flagged while it runs: a descriptor's __get__, which the interpreter calls for an attribute read the guard lets through (the program's own class), reads a generator's frame.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
class Names:
    gi_frame = None
def steps():
    yield 1
walker = steps()
class Peek:
    def __get__(self, obj, owner):
        return walker.gi_frame
class Holder:
    frame = Peek()
found = Holder().frame
can_handle_load = {'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False}
print(can_handle_load)
