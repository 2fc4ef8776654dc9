# never passes: a comprehension before the loop compares; the loop only copies its answers.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
answers = {s: c >= load for s, c in systems.items()}
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = answers[strategy]
print(can_handle_load)
