# never passes: a lambda defined before the loop does the comparing and the writing; the loop calls it through map after it has ended.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
fill = lambda s, c: can_handle_load.setdefault(s, c >= load)
can_handle_load = {}
for strategy, capacity in systems.items():
    pass
list(map(fill, systems, systems.values()))
print(can_handle_load)
