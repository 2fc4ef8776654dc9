# expect: status=passed score=4
# Does the exercise, then writes a forged answer to every low file descriptor: none reaches the answer channel, so the honest work is what counts.
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
