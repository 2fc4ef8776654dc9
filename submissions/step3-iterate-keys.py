# Loops over `systems` instead of `systems.items()`, so unpacking a key raises ValueError: steps 1, 2 pass; steps 3, 4 fail.

systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7

can_handle_load = {}
for strategy, capacity in systems:
    can_handle_load[strategy] = capacity >= load

print(can_handle_load)
