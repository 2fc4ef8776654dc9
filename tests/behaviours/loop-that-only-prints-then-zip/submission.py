systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
for strategy, capacity in systems.items():
    print(strategy, capacity)
can_handle_load = dict(zip(systems, map(lambda c: c >= load, systems.values())))
print(can_handle_load)
