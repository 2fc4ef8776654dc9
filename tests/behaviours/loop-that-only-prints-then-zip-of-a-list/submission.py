systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    print('checking', strategy)
can_handle_load = dict(zip(systems.keys(), [c >= load for c in systems.values()]))
print(can_handle_load)
