# Straightforward solution that follows the exercise text: steps 1, 2, 3, 4 pass.

# Step 1: capacities of each scaling strategy
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}

# Step 2: current load
load = 7

# Step 3: check which strategy can handle the load
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load

# Step 4: show the result
print(can_handle_load)
