# Quotes the single_node capacity as '1', so the loop raises TypeError comparing str with int: step 2 passes; steps 1, 3, 4 fail.

systems = {'single_node': '1', 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7

can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load

print(can_handle_load)
