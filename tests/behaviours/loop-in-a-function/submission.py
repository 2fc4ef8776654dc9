systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
def build(systems, load):
    result = {}
    for strategy, capacity in systems.items():
        result[strategy] = capacity >= load
    return result
can_handle_load = build(systems, load)
print(can_handle_load)
