# never passes: an empty loop, then map with a lambda fills the dictionary.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    pass
can_handle_load.update(zip(systems, map(lambda c: c >= load, systems.values())))
print(can_handle_load)
