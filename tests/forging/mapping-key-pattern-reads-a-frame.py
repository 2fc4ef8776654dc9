# flagged while it runs: a mapping pattern's key, a dotted name Python reads with no guard, names a running generator's frame, and the subject's own get method takes the key it is asked for.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7


class Names:
    gi_frame = f_back = None


kept = []


class Catch(dict):
    def get(self, key, default=None):
        kept.append(key)
        return default


def peek():
    match Catch(filler=1):
        case {walker.gi_frame.f_back: _}:
            pass
    yield


walker = peek()
next(walker)
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
print(can_handle_load, len(kept))
