# flagged: a class pattern reads a generator's frame and the builtins behind it.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load

def gen():
    yield 1
g = gen()
next(g)
match g:
    case object(gi_frame=frame):
        pass
match frame:
    case object(f_back=up, f_builtins=bi):
        pass
print(sorted(bi)[:3])
print(can_handle_load)
