# expect: status=passed score=4
# Adds a key (its harness's pid) to its user's keyring, which outlives its processes;
# refuses the exercise if an earlier grading left one there for it.
import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
NUMBERS = {"x86_64": (248, 250), "aarch64": (217, 219)}  # add_key, keyctl
KEYCTL_SEARCH, KEYCTL_READ, USER_KEYRING = 10, 11, -4
add_key, keyctl = NUMBERS.get(os.uname().machine, (-1, -1))
mine = str(os.getppid()).encode()  # the same for every run of this grading
if add_key > 0:
    key = libc.syscall(keyctl, KEYCTL_SEARCH, USER_KEYRING, b"user", b"grader-hostile", 0)
    if key >= 0:
        found = ctypes.create_string_buffer(64)
        size = libc.syscall(keyctl, KEYCTL_READ, key, found, 64)
        if size > 0 and found.raw[:size] != mine:
            raise SystemExit("found a key an earlier grading left")
    libc.syscall(add_key, b"user", b"grader-hostile", mine, len(mine), USER_KEYRING)
systems = {"single_node": 1, "horizontal_scaling": 5, "vertical_scaling": 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
print(can_handle_load)
