# Saved by a Windows editor with a UTF-8 BOM and CRLF line endings: steps 1, 2, 3, 4 pass.

# Step 1 - capacities
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}

# Step 2 - load
load = 7

# Step 3 - which ones can handle it?
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load

# Step 4 - print
print(can_handle_load)
