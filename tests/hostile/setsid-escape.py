# expect: status=passed score=4
# Leaves processes behind in new sessions (a subprocess and a double fork), then does the exercise.
import os
import subprocess

subprocess.Popen(["sh", "-c", "sleep 600; : __MARK__"], start_new_session=True)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execvp("sh", ["sh", "-c", "sleep 600; : __MARK__"])
    os._exit(0)
os.wait()

systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
print(can_handle_load)
