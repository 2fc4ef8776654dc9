"""Shutdown: a sandbox stopped from another thread or a signal handler leaves nothing.

``Sandbox.shutdown()`` is what a grader that receives SIGTERM or SIGINT calls: no more
children start, those running are killed, and every folder, uid lock and cgroup leaf
the sandbox made is gone when it returns.
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.load import Cell, Program
from grader.sandbox import Closed, Limits, Run, Sandbox, cgroup, isolation
from tests.conftest import TIERS

pytestmark = pytest.mark.linux

MARK = f"grader-test-shutdown-{os.getpid()}"
# Runs far longer than the test: only shutdown ends it early.
LONG = f"""
import subprocess, time
subprocess.Popen(["sh", "-c", "sleep 600; : {MARK}"], start_new_session=True)
time.sleep(600)
"""


def program(source: str) -> Program:
    """Make a script Program out of source text."""
    return Program(path="t.py", kind="script", cells=(Cell(None, source, source),))


def marked() -> list[int]:
    """The processes the long program started that are still there."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    if MARK.encode() in handle.read():
                        found.append(int(entry))
            except OSError:
                pass
    return found


def uids_of(runs: list[Run]) -> list[int]:
    """The pool uids these runs had, from their layers."""
    return [
        int(layer.split()[1]) for ran in runs for layer in ran.layers if layer.startswith("uid ")
    ]


def left_on(uid: int) -> list[int]:
    """The processes of a uid, if no grader holds it now (another may have taken it since)."""
    import fcntl

    lock = Path(isolation.LOCK_DIRS[0]) / str(uid)
    fd = os.open(lock, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return []
    else:
        return isolation.processes_of(uid)
    finally:
        os.close(fd)


def leaves() -> list[str]:
    """Every cgroup leaf this process made that is still there."""
    prefix = cgroup.leaf_name().rsplit("-", 1)[0] + "-"
    return [
        os.path.join(parent, name)
        for parent in cgroup.parents()
        for name in os.listdir(parent)
        if name.startswith(prefix)
    ]


@pytest.fixture
def folder(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A temporary folder of the test's own, where the children's folders are made."""
    made = Path(tempfile.mkdtemp(prefix="grader-test-", dir="/tmp"))
    made.chmod(0o755)
    monkeypatch.setattr(tempfile, "tempdir", str(made))
    try:
        yield made
    finally:
        os.rmdir(made)


def nothing_left(folder: Path, runs: list[Run]) -> None:
    """No child's folder, process, held uid or cgroup leaf of this process's."""
    assert list(folder.iterdir()) == []
    deadline = time.monotonic() + 5
    while marked() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marked() == []
    assert leaves() == []
    assert [pid for uid in uids_of(runs) for pid in left_on(uid)] == []


@pytest.mark.parametrize("tier", TIERS)
def test_shutdown_from_another_thread_stops_the_runs_and_cleans_up(tier: str, folder: Path) -> None:
    """Two long runs in flight: both end at once, and nothing of theirs is left."""
    sandbox = Sandbox(tier)
    sandbox.check()
    runs: list[Run | BaseException] = []

    def one() -> None:
        try:
            runs.append(sandbox.run(program(LONG), [{}, {}], Limits(timeout=120)))
        except BaseException as error:
            runs.append(error)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while len(marked()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sandbox.shutdown() == []
    for thread in threads:
        thread.join(60)
    assert len(runs) == 2
    for ran in runs:
        assert isinstance(ran, Run)
        assert ran.main.missing
    nothing_left(folder, [ran for ran in runs if isinstance(ran, Run)])


@pytest.mark.parametrize("tier", TIERS)
def test_no_run_starts_after_shutdown(tier: str, folder: Path) -> None:
    """A shut-down sandbox refuses, with its own error, and makes nothing."""
    sandbox = Sandbox(tier)
    sandbox.shutdown()
    with pytest.raises(Closed):
        sandbox.run(program("x = 1\n"), [{}], Limits(timeout=5))
    nothing_left(folder, [])


@pytest.mark.parametrize("tier", TIERS)
def test_shutdown_from_a_signal_handler_in_the_running_thread(tier: str, folder: Path) -> None:
    """SIGALRM arrives while this very thread waits for its child: the handler's shutdown
    cleans up at once, and the interrupted run comes back saying it was shut down."""
    sandbox = Sandbox(tier)
    sandbox.check()
    problems: list[list[str]] = []

    def handler(signum: int, frame: object) -> None:
        problems.append(sandbox.shutdown())

    previous = signal.signal(signal.SIGALRM, handler)
    try:
        signal.setitimer(signal.ITIMER_REAL, 1.5)
        ran = sandbox.run(program(LONG), [{}], Limits(timeout=30))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert problems == [[]]
    assert ran.main.missing
    assert "shut down" in ran.cleanup
    nothing_left(folder, [ran])


def test_shutdown_is_safe_to_repeat() -> None:
    """A second call finds nothing to do."""
    sandbox = Sandbox("process")
    assert sandbox.shutdown() == []
    assert sandbox.shutdown() == []
