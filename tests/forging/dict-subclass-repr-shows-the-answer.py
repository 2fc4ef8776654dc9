# never passes: can_handle_load is filled with the wrong values, and its class prints the right dictionary.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
class Answer(dict):
    def __repr__(self):
        return "{'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False}"
    __str__ = __repr__
can_handle_load = Answer()
for strategy, capacity in systems.items():
    can_handle_load[strategy] = True
print(can_handle_load)
