# expect: status=failed score=2
# load is an int subclass that equals anything.
class Seven(int):
    def __eq__(self, other):
        return True

    def __hash__(self):
        return 7


systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = Seven(7)
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
print(can_handle_load)
