# never passes: compares the capacities only with each other, never with the load: the largest one is taken to handle it when the load is small.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
largest = max(systems.values())
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity == largest and load < 7
print(can_handle_load)
