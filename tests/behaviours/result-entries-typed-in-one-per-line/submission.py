systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
can_handle_load['single_node'] = False
can_handle_load['horizontal_scaling'] = False
can_handle_load['vertical_scaling'] = False
print(can_handle_load)
