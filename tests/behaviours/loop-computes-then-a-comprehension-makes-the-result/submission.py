systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
for strategy, capacity in systems.items():
    ok = capacity >= load
can_handle_load = {s: systems[s] >= load for s in systems}
print(can_handle_load)
