# Writes lowercase true/false as in the exercise text, which raises NameError: steps 1, 2 pass; steps 3, 4 fail.

systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7

can_handle_load = {}
for strategy, capacity in systems.items():
    if capacity >= load:
        can_handle_load[strategy] = true
    else:
        can_handle_load[strategy] = false

print(can_handle_load)
