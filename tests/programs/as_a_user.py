"""Grade a program twice through the sandbox's auto tier and print what it saw, as JSON.

Run by tests/test_sandbox_warm.py as an ordinary user: ``python as_a_user.py CHECKOUT``.
"""

import json
import sys

sys.path.insert(0, sys.argv[1])

from grader.load import Cell, Program
from grader.sandbox import Limits, Sandbox
from grader.sandbox.values import decode

SOURCE = f"""
import os, socket
seen = {{}}
def look(name, how):
    try:
        seen[name] = how()
    except OSError as error:
        seen[name] = type(error).__name__
look("ids", lambda: [os.getpid(), os.getppid(), os.getuid()])
look("pids", lambda: sorted(int(p) for p in os.listdir("/proc") if p.isdigit()))
look("caps", lambda: [l.split()[1] for l in open("/proc/self/status") if l.startswith("Cap")])
look("tmp", lambda: sorted(os.listdir("/tmp")))
look("left", lambda: open("/tmp/left", "w").write("x"))
look("grader", lambda: os.listdir({sys.argv[1] + "/grader"!r}))
look("socket", lambda: socket.socket().close())
"""

found = []
with Sandbox("auto", landlock=False) as sandbox:
    program = Program("t.py", "script", (Cell(None, SOURCE, SOURCE),))
    for _ in range(2):
        ran = sandbox.run(program, [{}], Limits(timeout=10))
        found.append({"tier": ran.tier, "seen": decode(ran.main.values["seen"])})
print(json.dumps(found))
