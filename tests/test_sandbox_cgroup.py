"""Control groups: the whole submission, every process it forks, shares one memory bound.

Skipped with the reason where the grader cannot make a cgroup leaf here (an ordinary
user without a delegated subtree, a container without cgroup access).
"""

from __future__ import annotations

import os
import subprocess
import textwrap
import time

import pytest

from grader.load import Cell, Program
from grader.sandbox import SUBMISSION_MEMORY_FACTOR, Limits, Sandbox, cgroup
from grader.sandbox.janitor import Janitor
from grader.sandbox.values import decode
from tests.conftest import TIERS

PROBE = cgroup.create(64 * 1024 * 1024, 16)
if PROBE is not None:
    PROBE.remove()
pytestmark = pytest.mark.skipif(PROBE is None, reason="the grader cannot make a cgroup here")

# Ten children that each fill 100 MB (well within --memory-limit), say so, and wait. When
# every child has either said so or died, `held` counts those still alive: the memory
# held at one time. (Counting what was said would count a child the OOM killer took
# after it spoke, and make the count depend on timing.)
FORKS = """
import os, select, time
read, write = os.pipe()
children = {}
for number in range(10):
    pid = os.fork()
    if pid == 0:
        block = bytearray(100_000_000)
        for index in range(0, len(block), 4096):
            block[index] = 1
        os.write(write, bytes([number]))
        time.sleep(60)
        os._exit(0)
    children[pid] = number
os.close(write)
spoke, dead = set(), set()

def reap():
    try:
        while (pid := os.waitpid(-1, os.WNOHANG)[0]):
            dead.add(children[pid])
    except ChildProcessError:
        pass

while len(spoke | dead) < 10:
    for ready in select.select([read], [], [], 0.05)[0]:
        spoke.update(os.read(read, 10))
    reap()
time.sleep(0.5)
reap()
held = 10 - len(dead)
"""


def run(tier: str, source: str, limits: Limits) -> tuple[list[str], object]:
    """Run source once in a tier; return the run's layers and its value `held`."""
    program = Program(
        path="t.py", kind="script", cells=(Cell(None, source, textwrap.dedent(source)),)
    )
    ran = Sandbox(tier).run(program, [{}], limits)
    data = ran.main.values.get("held")
    return list(ran.layers), None if data is None else decode(data)


@pytest.mark.parametrize("tier", TIERS)
def test_forked_processes_share_the_submissions_memory_bound(tier: str) -> None:
    """Ten forks of 100 MB each, under a 128 MB limit: at most 3 x 128 MB is ever held."""
    limits = Limits(timeout=20, memory_mb=128)
    layers, held = run(tier, textwrap.dedent(FORKS), limits)
    assert any(layer.startswith("cgroup") for layer in layers)
    assert isinstance(held, int), (layers, held)
    assert held * 100 < 128 * SUBMISSION_MEMORY_FACTOR


@pytest.mark.parametrize("tier", TIERS)
def test_with_room_for_them_all_ten_forks_hold_their_memory(tier: str) -> None:
    """The same program under a larger bound holds all ten: the bound above is what stops them."""
    _, held = run(tier, textwrap.dedent(FORKS), Limits(timeout=20, memory_mb=512))
    assert held == 10


def mine() -> list[str]:
    """Every leaf this process made that is still there, in any hierarchy."""
    prefix = cgroup.leaf_name().rsplit("-", 1)[0] + "-"
    return [
        os.path.join(root, name)
        for mount in set(cgroup._mounts().values())
        for root, folders, _ in os.walk(mount)
        for name in folders
        if name.startswith(prefix)
    ]


@pytest.mark.parametrize("tier", TIERS)
def test_no_leaf_is_left_once_the_sandbox_is_shut_down(tier: str) -> None:
    """Leaves made ahead and leaves of finished children all go with the sandbox."""
    with Sandbox(tier) as sandbox:
        for _ in range(3):
            ran = sandbox.run(Program("t.py", "script", (Cell(None, "x = 1\n", ""),)), [{}])
            assert any(layer.startswith("cgroup") for layer in ran.layers)
    assert mine() == []


def test_a_leaf_name_says_which_namespace_process_and_start_made_it() -> None:
    """grader-<pid namespace inode>-<pid>-<start time>-<random>."""
    _, namespace, pid, started, _ = cgroup.leaf_name().split("-")
    assert int(namespace) == os.stat("/proc/self/ns/pid").st_ino
    assert int(pid) == os.getpid()
    with open("/proc/self/stat", "rb") as handle:
        assert int(started) == int(handle.read().rsplit(b")", 1)[1].split()[19])


def test_only_leaves_provably_left_by_a_gone_grader_are_stale() -> None:
    """Ours and dead, or of an older grader and old; never another namespace's."""
    _, namespace, pid, started, _ = cgroup.leaf_name().split("-")
    now = time.time()
    assert not cgroup.is_stale(f"grader-{namespace}-{pid}-{started}-ab12", now)
    # This process's pid, started at another time: the grader that made it is gone.
    assert cgroup.is_stale(f"grader-{namespace}-{pid}-{int(started) - 1}-ab12", now)
    # No process has this pid here.
    assert cgroup.is_stale(f"grader-{namespace}-4194304-1-ab12", now)
    # Another PID namespace: its pids say nothing here.
    assert not cgroup.is_stale(f"grader-{int(namespace) + 1}-4194304-1-ab12", now)
    assert not cgroup.is_stale("grader-1234-abcdef12", now - 60, now)
    assert cgroup.is_stale("grader-1234-abcdef12", now - cgroup.OLD_LEAF_AGE - 1, now)
    assert not cgroup.is_stale("something-else", 0.0)


def test_an_empty_stale_leaf_is_swept_and_a_busy_or_foreign_one_kept() -> None:
    """Only empty leaves go, and only those is_stale proves are leftovers."""
    leaf = cgroup.create(64 * 1024 * 1024, 16)
    assert leaf is not None
    _, namespace, _, _, _ = cgroup.leaf_name().split("-")
    parent = os.path.dirname(leaf.folders[-1])
    stale = os.path.join(parent, f"grader-{namespace}-4194304-1-0bad")
    foreign = os.path.join(parent, f"grader-{int(namespace) + 1}-4194304-1-0bad")
    os.mkdir(stale)
    os.mkdir(foreign)
    busy = cgroup.Leaf((os.path.join(parent, f"grader-{namespace}-4194303-1-0bad"),), 1)
    os.mkdir(busy.folders[0])
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        busy.add(sleeper.pid)
        cgroup.remove_stale()
        assert (os.path.exists(stale), os.path.exists(foreign)) == (False, True)
        assert os.path.exists(busy.folders[0])
    finally:
        sleeper.kill()
        sleeper.wait()
        os.rmdir(foreign)
        busy.remove()
        leaf.remove()


def test_the_janitor_removes_a_busy_leaf_once_it_empties() -> None:
    """A leaf still holding a process is retried off the caller's path, and goes."""
    janitor = Janitor()
    leaf = janitor.take(64 * 1024 * 1024, 16)
    assert leaf is not None
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        leaf.add(sleeper.pid)
        janitor.discard(leaf)
        assert janitor.pending() == 1
        sleeper.kill()
        sleeper.wait()
        # A wait for the janitor's thread, not a timing: a loaded machine may take long.
        deadline = time.monotonic() + 60
        while janitor.pending() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert janitor.pending() == 0
    finally:
        sleeper.kill()
        sleeper.wait()
        # Whatever failed above, no leaf of this test is left for the tests after it.
        assert janitor.close() == []
    assert mine() == []
