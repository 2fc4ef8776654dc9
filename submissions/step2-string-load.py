# Sets load to the string "7", so the loop raises TypeError comparing int with str: step 1 passes; steps 2, 3, 4 fail.

systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}

load = "7"

can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load

print(can_handle_load)
