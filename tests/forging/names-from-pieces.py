# flagged: builds the names of attributes from pieces and reaches them with getattr.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
evaluate = getattr(__builtins__, "ev" + "al")
can_handle_load = evaluate("{k: False for k in systems}")
print(can_handle_load)
