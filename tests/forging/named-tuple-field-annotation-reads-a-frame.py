# flagged: the annotations of a typing.NamedTuple's fields, evaluated as its class body runs, read the module's frame and the builtins behind it to find eval.
from typing import NamedTuple

systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7


class Names:
    gi_frame = f_back = f_builtins = None


kept = []


def peek():
    class Row(NamedTuple):
        field: kept.append(walker.gi_frame.f_back.f_back.f_builtins) = 0
    yield


walker = peek()
next(walker)
run = kept[0]["eval"]
can_handle_load = run("{'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False}")
for strategy, capacity in systems.items():
    pass
print(can_handle_load)
