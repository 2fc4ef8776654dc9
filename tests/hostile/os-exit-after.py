# expect: status=error score=0 code=abrupt-exit
# Does the exercise, then leaves with os._exit(0) before the grader can look.
import os

systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
print(can_handle_load)
os._exit(0)
