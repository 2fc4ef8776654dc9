"""Grade hostile cases inside private mount, IPC and PID namespaces, away from the machine.

tests/test_hostile.py starts this module as root through
``unshare -m -i -p -f --mount-proc --propagation private python -m tests.contained TIER
CASE CORRECT`` for the cases that could harm the machine that runs the tests if the
grader failed (deep trees and millions of files in temporary folders, System V IPC
objects, keys, threads that outlive a sweep). It mounts fresh tmpfs on /tmp, /var/tmp
and /dev/shm, then grades the case alone, the case in a batch with a correct
submission, and the correct submission after them, and prints one JSON line: each
grading's verdicts and time, and what was left behind (files in the temporary folders,
IPC objects, their modes, processes of the sandbox's uids, cgroup leaves of this
grader). Whatever the grader left running dies with the PID namespace when this module
ends; it is seen, and reported, first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from grader.analysis.allowlist import UNRESTRICTED
from grader.exercise import builtin
from grader.grade import Options, Submission, grade
from grader.sandbox import cgroup, isolation

TEMP_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm")
TIMEOUT = 2.0
MEMORY_MB = 256


def _ipc_objects() -> list[str]:
    """Every System V IPC object of this IPC namespace, one line each."""
    found = []
    for kind in ("shm", "msg", "sem"):
        with open(f"/proc/sysvipc/{kind}", encoding="ascii") as handle:
            found.extend(f"{kind}: {line.strip()}" for line in list(handle)[1:])
    return found


def _processes() -> list[str]:
    """Every process of the sandbox's uids still alive in this PID namespace, with its threads.

    Nothing else runs in the namespace but this module, so each one is a leftover.
    """
    found = []
    for uid in isolation.free_ids():
        for pid in isolation.processes_of(uid):
            threads = len(os.listdir(f"/proc/{pid}/task")) if os.path.isdir(f"/proc/{pid}") else 0
            found.append(f"pid {pid} of uid {uid}, {threads} threads")
    return found


def _leaves() -> list[str]:
    """The cgroup leaves this process made that are still there."""
    mine = cgroup.leaf_name().rsplit("-", 1)[0] + "-"
    return [
        os.path.join(parent, name)
        for parent in cgroup.parents()
        for name in os.listdir(parent)
        if name.startswith(mine)
    ]


def _grade(paths: list[Path], tier: str) -> dict[str, object]:
    started = time.monotonic()
    report = grade(
        [Submission(path.name, path) for path in paths],
        Options(timeout=TIMEOUT, memory_mb=MEMORY_MB, jobs=2, sandbox=tier),
        # The allowlist off: every attack runs as far as the system's layers let it.
        exercise=replace(builtin(), allowlist=UNRESTRICTED),
    )
    return {
        "seconds": time.monotonic() - started,
        "results": {r.submission: [r.status.value, r.score, r.code] for r in report.results},
    }


# What the grading needs to go on seeing: the checkout (the grader, the reference, the
# correct submission), the interpreter's prefixes (a virtual environment) and the
# suite's cache folder for the reference's run (see conftest). Any of them may live in a
# temporary folder (a clone in /tmp): it is bound back after the fresh tmpfs covers
# that folder.
NEEDED = tuple(
    dict.fromkeys(
        os.path.realpath(p)
        for p in (
            Path(__file__).resolve().parent.parent,
            sys.prefix,
            sys.base_prefix,
            *[d for d in [os.environ.get("XDG_CACHE_HOME", "")] if os.path.isdir(d)],
        )
    )
)


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def cover(folder: str) -> list[str]:
    """Mount a fresh tmpfs on folder, binding back what the grading needs from under it."""
    needed = [path for path in NEEDED if _inside(path, folder)]
    # A descriptor keeps each covered folder reachable (through /proc) once it is hidden.
    kept = {path: os.open(path, os.O_PATH | os.O_DIRECTORY) for path in needed}
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256m,mode=1777", "none", folder], check=True
    )
    for path, fd in kept.items():
        os.makedirs(path, exist_ok=True)
        subprocess.run(
            ["mount", "--no-canonicalize", "--bind", f"/proc/{os.getpid()}/fd/{fd}", path],
            check=True,
        )
        os.close(fd)
    return needed


def main(argv: list[str]) -> None:
    tier, case, correct = argv
    source = Path(case).read_bytes()  # before /tmp, where it lives, is covered
    bound: list[str] = []
    for folder in TEMP_FOLDERS:
        bound.extend(cover(folder))
    cases = Path("/tmp/cases")
    cases.mkdir(mode=0o755)
    path = cases / Path(case).name
    path.write_bytes(source)
    gradings = [
        _grade([path], tier),
        _grade([path, Path(correct)], tier),
        _grade([Path(correct)], tier),
    ]
    left = sorted(
        str(Path(folder) / name)
        for folder in TEMP_FOLDERS
        for name in os.listdir(folder)
        if Path(folder) / name != cases
        and not any(_inside(path, os.path.join(folder, name)) for path in bound)
    )
    print(
        json.dumps(
            {
                "gradings": gradings,
                "left": left,
                "ipc": _ipc_objects(),
                "modes": {f: oct(os.stat(f).st_mode & 0o7777) for f in TEMP_FOLDERS},
                "processes": _processes(),
                "leaves": _leaves(),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
