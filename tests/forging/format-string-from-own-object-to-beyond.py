# flagged: a format field made at run time starts on the program's own object and goes on to what it holds: the builtins module behind print.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
class Box:
    def __init__(self, label):
        self.label = label
box = Box(print)
field = "{0.label.__se" + "lf__}"
print(field.format(box)[:60])
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
print(can_handle_load)
