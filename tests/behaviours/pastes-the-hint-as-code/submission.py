# Scaling strategies
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
Start with an empty dictionary can_handle_load = {}. Then use a for loop to fill it.
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
print(can_handle_load)
