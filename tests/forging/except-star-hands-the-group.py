# flagged while it runs: except* hands a new exception group made by the interpreter; its traceback's frame is read under names the program defines.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
class Names:
    exceptions = tb_frame = None
try:
    raise ExceptionGroup('g', [ValueError('x')])
except* ValueError as group:
    trace = group.exceptions[0]
can_handle_load = {'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False}
print(can_handle_load)
