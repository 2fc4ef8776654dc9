# Writes the single_node capacity as the float 1.0 instead of the int 1: steps 2, 4 pass; steps 1, 3 fail (step 3 as "fix step 1 first").

# capacities (in "units" of load)
systems = {'single_node': 1.0, 'horizontal_scaling': 5, 'vertical_scaling': 2}

load = 7

can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load

print(can_handle_load)
