systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
names = list(systems.keys())
can_handle_load = {}
i = 0
while i < len(names):
    can_handle_load[names[i]] = systems[names[i]] >= load
    i += 1
print(can_handle_load)
