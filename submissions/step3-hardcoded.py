# Writes can_handle_load by hand with the right values for load 7 and no loop: steps 1, 2, 4 pass; step 3 fails.

# Step 1
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}

# Step 2
load = 7

# Step 3
# none of them is >= 7 so they are all False
can_handle_load = {'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False}

# Step 4
print(can_handle_load)
