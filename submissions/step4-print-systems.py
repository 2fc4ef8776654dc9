# Prints `systems` instead of `can_handle_load`: steps 1, 2, 3 pass; step 4 fails.

# Step 1
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}

# Step 2
load = 7

# Step 3
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load

# Step 4
print(systems)
