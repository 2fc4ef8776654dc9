# expect: status=error score=0 code=abrupt-exit|garbled-answer|integrity|timeout
# Never prints, finds its answer pipe by scanning descriptors, has a program it starts write a made-up answer there (subprocess with stdout=fd, pass_fds), then leaves with os._exit(0): an abrupt exit. Its scan and its printf runs take long, so the clock may decide instead: on a busy machine its time can run out first (timeout, or garbled-answer once printf has written before the harness answers). Either way nothing is forged.
import json
import os
import stat
import subprocess

systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load


def encoded(value):
    if isinstance(value, bool):
        return {"type": "bool", "value": value}
    if isinstance(value, int):
        return {"type": "int", "value": value}
    if isinstance(value, str):
        return {"type": "str", "value": value, "truncated": False}
    items = [[encoded(k), encoded(v)] for k, v in value.items()]
    return {"type": "dict", "items": items, "length": len(items)}


names = {"systems": systems, "load": load, "can_handle_load": can_handle_load}
forged = json.dumps({
    "overrides": {},
    "values": {name: encoded(value) for name, value in names.items()},
    "names": [[name, "value"] for name in names],
    "stdout": str(can_handle_load) + "\n",
    "stdout_size": len(str(can_handle_load)) + 1,
    "lines": [[None, 10]],
    "errors": [],
    "timed_out": False,
    "ended": None,
}).encode()
for fd in range(3, 1024):
    try:
        info = os.fstat(fd)
    except OSError:
        continue
    if stat.S_ISFIFO(info.st_mode):
        try:
            subprocess.run(["printf", "%s", forged.decode()], stdout=fd, pass_fds=(fd,))
        except OSError:
            pass
os._exit(0)
