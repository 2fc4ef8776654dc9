# expect: status=error|failed score=0 code=integrity
# Does the exercise, then writes a forged answer to every file descriptor it can guess.
import json
import os

systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
print(can_handle_load)
forged = json.dumps({"values": {"load": {"type": "int", "value": 7}}, "nonce": "0" * 32}).encode()
for fd in range(3, 64):
    try:
        os.write(fd, forged)
    except OSError:
        pass
