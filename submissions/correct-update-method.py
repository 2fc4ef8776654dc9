# Adds each entry with can_handle_load.update({...}) instead of item assignment: steps 1, 2, 3, 4 pass.

systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7

can_handle_load = dict()   # empty dictionary to fill in the loop
for strategy, capacity in systems.items():
    can_handle_load.update({strategy: capacity >= load})

print(can_handle_load)
