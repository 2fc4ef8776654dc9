# Sets load to 70 instead of 7 (a typo): steps 1, 4 pass; steps 2, 3 fail (step 3 as "fix step 2 first").

# Step 1: Create the initial system capacities
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}

# Step 2: Set the current load value
load = 70

# Step 3: Determine which strategies can handle the load
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load

# Step 4: Print the results
print(can_handle_load)
