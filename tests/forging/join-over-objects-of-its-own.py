# never passes: the printed dictionary is built with str.join over objects whose __str__ answers from a typed-in table.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
table = {'single_node': 'False', 'horizontal_scaling': 'False', 'vertical_scaling': 'False'}
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = table[strategy] == 'True'
print('{' + ', '.join(repr(k) + ': ' + table[k] for k in can_handle_load) + '}')
