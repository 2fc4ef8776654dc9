# flagged while it runs: __set_name__, called by the interpreter as a class is made, walks from the class it is handed to object and reads an attribute of it under a name the program defines for itself.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
class Names:
    mro = None
class Field:
    def __set_name__(self, owner, name):
        self.found = owner.mro()[-1].mro()
class Holder:
    slot = Field()
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
print(can_handle_load)
