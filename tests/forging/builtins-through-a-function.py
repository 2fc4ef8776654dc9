# flagged: reaches the builtins through a function's globals, to get eval back.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
table = (lambda: 0).__globals__["__builtins__"]
can_handle_load = table["eval"]("{k: False for k in systems}")
print(can_handle_load)
