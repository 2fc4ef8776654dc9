# Scaling strategies
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7


def build_results():
    can_handle_load = {}
    for strategy, capacity in systems.items():
        can_handle_load[strategy] = capacity >= load
    return can_handle_load


build_results()
print(can_handle_load)
