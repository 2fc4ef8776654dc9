# never passes: a table of answers for every setting a program could predict, and the loop only for loads beyond any the table holds.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
table = {}
for value in range(0, 100):
    table[value] = {'single_node': 1 >= value, 'horizontal_scaling': 5 >= value, 'vertical_scaling': 2 >= value}
if load < 100 and sorted(systems) == sorted(table[0]):
    can_handle_load = dict(table[load])
else:
    can_handle_load = {}
    for strategy, capacity in systems.items():
        can_handle_load[strategy] = capacity >= load
print(can_handle_load)
