# flagged while it runs: a decorator and a default value, evaluated as the function is made, read a running generator's frame under attribute names the program defines for itself.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7


class Names:
    gi_frame = f_back = None


kept = []


def keep(value):
    kept.append(value)
    return value


def peek():
    @keep
    def inner(frame=walker.gi_frame.f_back):
        return frame
    yield


walker = peek()
next(walker)
can_handle_load = {'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False}
print(can_handle_load)
