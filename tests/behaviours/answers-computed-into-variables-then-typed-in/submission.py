systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
single = systems['single_node'] >= load
horizontal = systems['horizontal_scaling'] >= load
vertical = systems['vertical_scaling'] >= load
can_handle_load = {'single_node': single, 'horizontal_scaling': horizontal, 'vertical_scaling': vertical}
print(can_handle_load)
