# Names the loop variables `name, cap` instead of `strategy, capacity`: steps 1, 2, 4 pass; step 3 fails.

systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7

can_handle_load = {}
for name, cap in systems.items():
    can_handle_load[name] = cap >= load

print(can_handle_load)
