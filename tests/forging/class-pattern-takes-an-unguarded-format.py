# flagged: a class pattern takes str.format without an attribute read, to run a format string built at run time.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
text = "{0.__cl" + "ass__.__mro__}"
match text:
    case str(format=fill):
        print(fill(can_handle_load))
print(can_handle_load)
