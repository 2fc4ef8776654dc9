systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
def build(capacities, current):
    result = {}
    for strategy, capacity in capacities.items():
        result[strategy] = capacity >= current
    return result
can_handle_load = build(systems, load)
print(can_handle_load)
