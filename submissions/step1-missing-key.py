# Leaves 'vertical_scaling' out of systems: steps 2, 4 pass; steps 1, 3 fail (step 3 as "fix step 1 first").

# Step 1
systems = {'single_node': 1, 'horizontal_scaling': 5}

# Step 2
load = 7

# Step 3
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load

# Step 4
print(can_handle_load)
