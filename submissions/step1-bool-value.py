# Writes True for single_node's capacity instead of 1 (a single node is "on"): steps 2, 4 pass; steps 1, 3 fail (step 3 as "fix step 1 first").

systems = {'single_node': True, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7

can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load

print(can_handle_load)
