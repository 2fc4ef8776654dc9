# flagged: a class body defines a helper's name as a method of its own, which the loops of that body then find first.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7


class Sheet:
    def __grader_write__(target, site):
        return {}
    table = {}
    for strategy, capacity in systems.items():
        table[strategy] = capacity > load


can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
print(can_handle_load)
