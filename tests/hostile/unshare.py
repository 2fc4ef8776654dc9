# expect: status=passed score=4 code=not-permitted
# Does the exercise, then enters new user and network namespaces (unshare), then another
# process's namespace (setns).
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

syscall(272, ctypes.c_long(0x10000000 | 0x40000000))  # unshare(CLONE_NEWUSER | CLONE_NEWNET)
syscall(308, ctypes.c_long(os.open("/proc/1/ns/net", os.O_RDONLY)), ctypes.c_long(0))
