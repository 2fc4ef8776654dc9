# expect: status=passed score=4 code=not-permitted
# Does the exercise, then mounts a tmpfs over its own folder.
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

syscall(165, b"none", os.getcwd().encode(), b"tmpfs", ctypes.c_long(0), None)  # mount
