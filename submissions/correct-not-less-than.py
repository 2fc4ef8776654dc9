# Writes the comparison as "not capacity < load", which is the same as >=: steps 1, 2, 3, 4 pass.

# Step 1
systems = {'single_node':1, 'horizontal_scaling':5, 'vertical_scaling':2}

# Step 2
load = 7

# Step 3
# a strategy is OK when its capacity is NOT smaller than the load
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = not capacity < load

# Step 4
print(can_handle_load)
