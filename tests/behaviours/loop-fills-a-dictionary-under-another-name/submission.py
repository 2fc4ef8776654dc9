systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
results = {}
for strategy, capacity in systems.items():
    results[strategy] = capacity >= load
print(results)
