systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for name, cap in systems.items():
    if cap >= load:
        can_handle_load[name] = True
    else:
        can_handle_load[name] = False
print(can_handle_load)
