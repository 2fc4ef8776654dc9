# flagged while it runs: defines attributes named like a frame's, so that reading them on a real frame looks like its own.
class Decoy:
    def __init__(self):
        self.gi_frame = None
        self.f_back = None
        self.f_globals = {}


def steps():
    yield 1


Decoy()
walker = steps()
frame = walker.gi_frame
harness = frame.f_back.f_back.f_globals
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False}
print(can_handle_load)
