# Names the dictionary `system` instead of `systems` everywhere: steps 2, 4 pass; steps 1, 3 fail (step 3 as "fix step 1 first").

# Step 1: the system capacities
system = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}

# Step 2: the load
load = 7

# Step 3
can_handle_load = {}
for strategy, capacity in system.items():
    can_handle_load[strategy] = capacity >= load

# Step 4
print(can_handle_load)
