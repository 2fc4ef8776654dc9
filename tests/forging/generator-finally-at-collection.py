# never passes: the loop runs in a generator left suspended; its finally writes the answers only when the generator is collected, after the program ended.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
def later():
    try:
        yield
    finally:
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
pending = later()
next(pending)
print({'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False})
