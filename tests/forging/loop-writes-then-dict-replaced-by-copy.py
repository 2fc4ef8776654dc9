# never passes: the loop fills a dictionary with wrong values; a copy made by dict() of a comprehension replaces it.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = False
can_handle_load = dict({s: c >= load for s, c in systems.items()})
print(can_handle_load)
