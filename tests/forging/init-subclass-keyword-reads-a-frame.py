# flagged while it runs: a class keyword argument, evaluated as the class statement runs, and __init_subclass__ read a generator's frame under names the program defines.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
class Names:
    gi_frame = f_back = None
class Base:
    def __init_subclass__(cls, seen=None):
        cls.seen = seen
def steps():
    yield 1
walker = steps()
class Child(Base, seen=walker.gi_frame):
    pass
can_handle_load = {'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False}
print(can_handle_load)
