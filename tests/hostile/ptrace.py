# expect: status=passed score=4 code=not-permitted
# Does the exercise, then asks to be traced (ptrace), in a child of its own.
import os
import ctypes

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def syscall(number, *args):
    if libc.syscall(ctypes.c_long(number), *args) < 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))


systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
print(can_handle_load)

pid = os.fork()
if pid == 0:
    ctypes.set_errno(0)
    result = libc.syscall(ctypes.c_long(101), ctypes.c_long(0), None, None, None)  # PTRACE_TRACEME
    os._exit(ctypes.get_errno() if result < 0 else 0)
code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
if code:
    raise OSError(code, os.strerror(code))
