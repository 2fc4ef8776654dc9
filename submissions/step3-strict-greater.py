# Uses > instead of >= in the comparison: steps 1, 2, 4 pass; step 3 fails.

systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7

can_handle_load = {}
for strategy, capacity in systems.items():
    # the strategy works if it has more capacity than the load
    can_handle_load[strategy] = capacity > load

print(can_handle_load)
