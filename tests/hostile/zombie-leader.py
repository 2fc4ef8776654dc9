# expect: status=passed score=4
# Does the exercise, then forks a process that starts threads and ends its first thread with the raw exit system call: a zombie leader whose threads live on, which a sweep that skips zombies never finds.
import ctypes
import os
import threading
import time

systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
print(can_handle_load)

if os.fork() == 0:
    os.setsid()
    for _ in range(3):
        threading.Thread(target=time.sleep, args=(600,)).start()
    ctypes.CDLL(None).syscall(60, 0)
