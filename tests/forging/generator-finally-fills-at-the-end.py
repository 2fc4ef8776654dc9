# never passes: a generator left suspended inside the loop fills the dictionary from typed-in answers when it is collected, after the program's last line.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
def later():
    try:
        yield
    finally:
        can_handle_load.update({'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False})
for strategy, capacity in systems.items():
    pending = later()
    next(pending)
print({'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False})
