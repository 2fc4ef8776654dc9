# expect: status=any
# Sends SIGKILL to every process it may signal and to its parent, then does the exercise.
import os
import signal

for target in (-1, os.getppid()):
    try:
        os.kill(target, signal.SIGKILL)
    except OSError:
        pass
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
print(can_handle_load)
