# never passes: a list of answers from a comprehension, read by position inside the loop.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
answers = [c >= load for c in systems.values()]
can_handle_load = {}
for place, (strategy, capacity) in enumerate(systems.items()):
    can_handle_load[strategy] = answers[place]
print(can_handle_load)
