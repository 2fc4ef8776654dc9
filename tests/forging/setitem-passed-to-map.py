# flagged: fills the dictionary through its __setitem__, passed to map, after a loop that does nothing.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    print(strategy)
list(map(can_handle_load.__setitem__, systems, [c >= load for c in systems.values()]))
print(can_handle_load)
