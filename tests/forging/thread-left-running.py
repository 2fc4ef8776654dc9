# flagged: starts a thread that never ends, so the program never exits.
import threading
import time

threading.Thread(target=lambda: time.sleep(100_000)).start()
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
print(can_handle_load)
