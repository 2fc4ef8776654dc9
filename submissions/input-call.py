# Reads load with input(), which gets no input when graded and raises EOFError: step 1 passes; steps 2, 3, 4 fail.

systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}

load = int(input("Enter the current load: "))

can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load

print(can_handle_load)
