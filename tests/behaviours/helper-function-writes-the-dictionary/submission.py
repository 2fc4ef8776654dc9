systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}


def record(name, size):
    can_handle_load[name] = size >= load


for strategy, capacity in systems.items():
    record(strategy, capacity)
print(can_handle_load)
