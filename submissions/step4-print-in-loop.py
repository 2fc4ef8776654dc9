# Indents print(can_handle_load) into the loop, so it prints three growing dicts: steps 1, 2, 3 pass; step 4 fails.

systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7

can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
    print(can_handle_load)
