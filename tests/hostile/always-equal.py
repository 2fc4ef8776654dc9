# expect: status=failed score=0
# Objects equal to anything, with a repr that looks like the right answer.
class Anything:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __hash__(self):
        return 0

    def __repr__(self):
        return "{'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False}"

    def __getitem__(self, key):
        return self

    def __setitem__(self, key, value):
        pass

    def items(self):
        return []


systems = Anything()
load = Anything()
can_handle_load = Anything()
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
print(can_handle_load)
