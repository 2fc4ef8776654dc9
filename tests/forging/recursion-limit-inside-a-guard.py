# never passes: a recursion that exhausts the stack just as the guards run, to make a guard fail open and let an attribute read through.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
class Names:
    gi_frame = None
def steps():
    yield 1
walker = steps()
def deep(n):
    try:
        return deep(n + 1)
    except RecursionError:
        return walker.gi_frame
frame = deep(0)
can_handle_load = {'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False}
print(can_handle_load)
