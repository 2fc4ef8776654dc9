# expect: status=passed score=4
# Leaves System V shared memory (marked with its harness's pid) and a message queue;
# refuses the exercise if an earlier grading left them for it, readable by anyone.
import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
KEY = 0x47524144
mine = str(os.getppid()).encode().ljust(16, b"\0")  # the same for every run of this grading
segment = libc.shmget(KEY, 4096, 0o1666)
address = libc.shmat(segment, None, 0) if segment >= 0 else None
if address not in (None, ctypes.c_void_p(-1).value):
    found = ctypes.string_at(address, 16)
    if found.strip(b"\0") and found != mine:
        raise SystemExit("found what an earlier grading left")
    ctypes.memmove(address, mine, 16)
libc.msgget(KEY, 0o1666)
systems = {"single_node": 1, "horizontal_scaling": 5, "vertical_scaling": 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
print(can_handle_load)
