systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
run = exec
run("can_handle_load = {s: c >= load for s, c in systems.items()}")
print(can_handle_load)
