# Stores the comparison in a temporary variable before putting it in the dict: steps 1, 2, 3, 4 pass.

# Step 1: Create the initial system capacities
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}

# Step 2: Set the current load value
load = 7

# Step 3: Determine which strategies can handle the load
can_handle_load = {}
for strategy, capacity in systems.items():
    enough_capacity = capacity >= load
    can_handle_load[strategy] = enough_capacity

# Step 4: Print the results
print(can_handle_load)
