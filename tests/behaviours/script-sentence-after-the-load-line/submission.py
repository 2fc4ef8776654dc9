# Step 1: Create the initial system capacities
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}

# Step 2: Set the current load value
load = 7 is the current load

# Step 3: Determine which strategies can handle the load
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load

# Step 4: Print the results
print(can_handle_load)
