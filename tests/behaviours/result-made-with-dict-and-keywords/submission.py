systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = dict(single_node=systems['single_node'] >= load, horizontal_scaling=systems['horizontal_scaling'] >= load, vertical_scaling=systems['vertical_scaling'] >= load)
print(can_handle_load)
