systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
results = []
for strategy, capacity in systems.items():
    results.append(capacity >= load)
can_handle_load = dict(zip(systems, results))
print(can_handle_load)
