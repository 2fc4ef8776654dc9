systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for name, size in systems.items():
    can_handle_load[name] = size >= load
print('last checked:', name)
print(can_handle_load)
