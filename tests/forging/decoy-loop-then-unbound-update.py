# never passes: a loop that does nothing, then dict's own update with a comprehension, to fill the dictionary.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    pass
dict.update(can_handle_load, {s: c >= load for s, c in systems.items()})
print(can_handle_load)
