# Scaling strategies
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
names = list(systems)
n = 0
while n < 3:
    can_handle_load[names[n]] = systems[names[n]] >= load
    n = n + 1
print(can_handle_load)
