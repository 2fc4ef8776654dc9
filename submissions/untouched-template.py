# Submits the starter template with only the step comments and no code: steps 1, 2, 3, 4 fail.

# Step 1: Create the initial system capacities
# Create a dictionary called `systems` ...

# Step 2: Set the current load value

# Step 3: Determine which strategies can handle the load
# Hint: Start with an empty dictionary can_handle_load = {}

# Step 4: Print the results
