# flagged while it runs: __class_getitem__, called by a subscript of a class, reads a generator's frame.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
class Names:
    gi_frame = None
def steps():
    yield 1
class Box:
    def __class_getitem__(cls, item):
        return item.gi_frame
frame = Box[steps()]
can_handle_load = {'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False}
print(can_handle_load)
