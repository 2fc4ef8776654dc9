# flagged: a class of its own with __match_args__ and a metaclass that matches anything reads a traceback and its frame by name.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
class Meta(type):
    def __instancecheck__(cls, other):
        return True
class Frame(metaclass=Meta):
    __match_args__ = ("tb_frame",)
try:
    1 / 0
except ZeroDivisionError as error:
    tb = None
    class Trace(metaclass=Meta):
        __match_args__ = ("__traceback__",)
    match error:
        case Trace(tb):
            pass
match tb:
    case Frame(frame):
        print(type(frame).__name__)
print(can_handle_load)
