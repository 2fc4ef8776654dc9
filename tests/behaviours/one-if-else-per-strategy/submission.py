systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
if systems['single_node'] >= load:
    can_handle_load['single_node'] = True
else:
    can_handle_load['single_node'] = False
if systems['horizontal_scaling'] >= load:
    can_handle_load['horizontal_scaling'] = True
else:
    can_handle_load['horizontal_scaling'] = False
if systems['vertical_scaling'] >= load:
    can_handle_load['vertical_scaling'] = True
else:
    can_handle_load['vertical_scaling'] = False
print(can_handle_load)
