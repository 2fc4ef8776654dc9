# flagged while it runs: an exception group's exceptions and a split by a function of its own hand over a traceback, whose frame is read under a name the program defines.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
class Names:
    tb_frame = exceptions = None
seen = []
def keep(error):
    seen.append(error)
    return False
try:
    raise ExceptionGroup('g', [ValueError('x')])
except ExceptionGroup as group:
    group.split(keep)
    inner = group.exceptions[0]
can_handle_load = {'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False}
print(can_handle_load)
