# never passes: an if asks __bool__ of an object of the program's that answers from a typed-in table by the strategy's name, not from capacity and load.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
table = {'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False}
class Decide:
    def __init__(self, name):
        self.name = name
    def __bool__(self):
        return table[self.name]
can_handle_load = {}
for strategy, capacity in systems.items():
    if Decide(strategy):
        can_handle_load[strategy] = True
    else:
        can_handle_load[strategy] = False
print(can_handle_load)
