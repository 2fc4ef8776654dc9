systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for key, value in systems.items():
    ok = value >= load
    can_handle_load[key] = ok
print(can_handle_load)
