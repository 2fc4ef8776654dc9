"""Interrupt a grading at a chosen moment, inside private namespaces, and see what it left.

tests/test_stopping.py starts this module as root through ``unshare -m -i -p -f
--mount-proc --propagation private python -m tests.interrupted TIER MOMENT SIGNALS``. Like
tests/contained.py it mounts fresh tmpfs on /tmp, /var/tmp and /dev/shm; then it grades a
small batch with ``python -m grader --jobs 2`` in a child process, waits for the moment,
sends the signals, and prints one JSON line: the grader's exit code, standard error and
report, and what was left behind (files in the temporary folders, processes of the
sandbox's uids, the grader's cgroup leaves, uid locks left marked in use).

The moments, each a state of the grader seen from outside, never a guess of time:

- ``start``: every submission sleeps long; both of the first two are asleep in their
  children and every thread of the grader waits.
- ``middle``: two quick submissions, then two that sleep long: the two sleepers are
  asleep (the sandbox starts a batch's children in its order, one per slot freed: so
  the quick ones ran) and every thread of the grader waits (so it judged them: nothing
  is left to do but wait for the sleepers).
- ``write``: two quick submissions with ``--format github``, the job summary a FIFO:
  the main thread waits for a reader of that FIFO; after the signals it gets one.

SIGNALS is ``INT``, ``TERM`` or ``INT,INT`` (a second Ctrl-C right after the first).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from grader.sandbox import cgroup, isolation
from tests.contained import TEMP_FOLDERS, cover

ROOT = Path(__file__).resolve().parent.parent
CORRECT = ROOT / "submissions" / "correct-script.py"
WRONG = ROOT / "submissions" / "step1-bool-value.py"
# Long beside any grading here: a sleeper is only ever ended by the stop.
SLEEP = "\nimport time\ntime.sleep(60)\n"
# Generous: these bound a broken grader, they measure nothing.
GIVE_UP = 240.0


def batch(moment: str, folder: Path) -> None:
    """Write the moment's submissions into folder, named in the order they are graded."""
    folder.mkdir(mode=0o755)
    sleeper = CORRECT.read_text(encoding="utf-8") + SLEEP
    if moment == "start":
        for name in ("1-sleeps.py", "2-sleeps.py", "3-sleeps.py"):
            (folder / name).write_text(sleeper, encoding="utf-8")
        return
    shutil.copy(CORRECT, folder / "1-correct.py")
    shutil.copy(WRONG, folder / "2-wrong.py")
    if moment == "middle":
        (folder / "3-sleeps.py").write_text(sleeper, encoding="utf-8")
        (folder / "4-sleeps.py").write_text(sleeper, encoding="utf-8")


def sandbox_processes() -> list[int]:
    """Every process of the sandbox's uids alive in this PID namespace."""
    return [pid for uid in isolation.free_ids() for pid in isolation.processes_of(uid)]


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _read(path: str) -> str:
    try:
        with open(path, encoding="ascii", errors="replace") as handle:
            return handle.read().strip()
    except OSError:
        return ""


def asleep() -> int:
    """How many processes of the sandbox's uids sleep in time.sleep."""
    return sum(
        1
        for pid in sandbox_processes()
        if _read(f"/proc/{pid}/wchan") in ("hrtimer_nanosleep", "do_nanosleep")
    )


def _threads(pid: int) -> dict[str, tuple[str, int]]:
    """The state of each thread of a process and the CPU time it used, in ticks."""
    found = {}
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            fields = _read(f"/proc/{pid}/task/{task}/stat").rpartition(")")[2].split()
            if fields:
                found[task] = (fields[0], int(fields[11]) + int(fields[12]))
    return found


def idle(pid: int, samples: int = 5) -> bool:
    """Whether every thread of a process sleeps and uses no CPU over several samples.

    A thread that judges, prepares a run or cleans up after one runs, or waits to run;
    only a grader that has nothing left to do but wait (for a run to finish, for a
    reader) sleeps this long in all its threads without using the CPU.
    """
    seen = [_threads(pid)]
    for _ in range(samples):
        time.sleep(0.2)
        seen.append(_threads(pid))
    return (
        bool(seen[0])
        and all(now == seen[0] for now in seen[1:])
        and all(state == "S" for state, _ in seen[0].values())
    )


def wait_for(condition: Callable[[], bool], grader: subprocess.Popen[bytes]) -> None:
    """Poll until condition holds; fail if the grader ends first or never gets there."""
    deadline = time.monotonic() + GIVE_UP
    while not condition():
        if grader.poll() is not None:
            raise SystemExit(f"the grader ended before the moment: {grader.returncode}")
        if time.monotonic() > deadline:
            raise SystemExit("the grader never reached the moment")
        time.sleep(0.1)


def dirty_locks() -> set[str]:
    """The sandbox's uid lock files marked in use (or retired) that nobody holds."""
    found = set()
    for folder in isolation.LOCK_DIRS:
        with contextlib.suppress(OSError):
            for name in os.listdir(folder):
                path = os.path.join(folder, name)
                fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    if os.pread(fd, 1, 0) in (isolation.DIRTY, isolation.RETIRED):
                        found.add(path)
                except BlockingIOError:
                    pass  # held: a grader at work, maybe another one on this machine
                finally:
                    os.close(fd)
    return found


def leaves_of(pid: int) -> list[str]:
    """The cgroup leaves that the grader process with this pid made and left."""
    namespace = cgroup.leaf_name().split("-")[1]
    prefix = f"grader-{namespace}-{pid}-"
    return [
        os.path.join(parent, name)
        for parent in cgroup.parents()
        for name in os.listdir(parent)
        if name.startswith(prefix)
    ]


def main(argv: list[str]) -> None:
    tier, moment, signals = argv
    bound: list[str] = []
    for folder in TEMP_FOLDERS:
        bound.extend(cover(folder))
    work = Path("/tmp/interrupted")
    work.mkdir(mode=0o755)
    batch(moment, work / "batch")
    report = work / "report"
    environ = dict(os.environ)
    form = "json"
    fifo = work / "summary"
    if moment == "write":
        form = "github"
        os.mkfifo(fifo)
        environ["GITHUB_STEP_SUMMARY"] = str(fifo)
    locks_before = dirty_locks()
    command = [sys.executable, "-m", "grader", "--jobs", "2", "--timeout", "60"]
    command += ["--sandbox", tier, "--format", form, "-o", str(report), str(work / "batch")]
    grader = subprocess.Popen(
        command, cwd=work, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    if moment == "write":
        wait_for(
            lambda: _read(f"/proc/{grader.pid}/task/{grader.pid}/wchan") == "wait_for_partner",
            grader,
        )
    else:
        wait_for(lambda: asleep() >= 2 and idle(grader.pid), grader)
    for name in signals.split(","):
        grader.send_signal(getattr(signal, f"SIG{name}"))
    summary = ""
    if moment == "write":
        summary = fifo.read_text(encoding="utf-8")
    try:
        out, err = grader.communicate(timeout=GIVE_UP)
    except subprocess.TimeoutExpired:
        grader.kill()
        out, err = grader.communicate()
    left = sorted(
        str(Path(folder) / name)
        for folder in TEMP_FOLDERS
        for name in os.listdir(folder)
        if Path(folder) / name != work
        and not any(_inside(path, os.path.join(folder, name)) for path in bound)
    )
    print(
        json.dumps(
            {
                "exit": grader.returncode,
                "stdout": out.decode("utf-8", "replace"),
                "stderr": err.decode("utf-8", "replace"),
                "report": report.read_text(encoding="utf-8") if report.exists() else None,
                "summary": summary,
                "left": left,
                "processes": [str(pid) for pid in sandbox_processes()],
                "leaves": leaves_of(grader.pid),
                "locks": sorted(dirty_locks() - locks_before),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
