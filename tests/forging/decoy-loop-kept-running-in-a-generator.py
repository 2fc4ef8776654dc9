# never passes: keeps a loop over systems.items() suspended in a generator while a comprehension fills the dictionary.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7


def pretend():
    for strategy, capacity in systems.items():
        yield


running = pretend()
next(running)
can_handle_load = {}
can_handle_load.update({s: c >= load for s, c in systems.items()})
print(can_handle_load)
