# expect: status=failed score=0
# Starts a thread that never ends, then does the exercise: Python never exits, so no step passes.
import threading
import time

threading.Thread(target=lambda: time.sleep(100_000)).start()

systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
print(can_handle_load)
