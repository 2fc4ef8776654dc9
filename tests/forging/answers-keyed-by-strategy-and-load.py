# never passes: the answers looked up by the strategy's name and the load, never by its capacity.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
answers = {
    0: (True, True, True), 1: (True, True, True), 2: (False, True, True),
    5: (False, True, False), 6: (False, False, False), 7: (False, False, False),
}
names = ['single_node', 'horizontal_scaling', 'vertical_scaling']
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = answers.get(load, (False, False, False))[names.index(strategy)]
print(can_handle_load)
