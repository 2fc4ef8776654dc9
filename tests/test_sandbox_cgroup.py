"""Control groups: the whole submission, every process it forks, shares one memory bound.

Skipped with the reason where the grader cannot make a cgroup leaf here (an ordinary
user without a delegated subtree, a container without cgroup access).
"""

from __future__ import annotations

import os
import textwrap

import pytest

from grader.load import Cell, Program
from grader.sandbox import SUBMISSION_MEMORY_FACTOR, Limits, Sandbox, cgroup
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


def test_a_leaf_is_removed_with_its_child() -> None:
    """No leaf of this grader's is left in any hierarchy after its children ran."""
    mine = f"grader-{os.getpid()}-"
    layers, _ = run("process", "held = 1\n", Limits(timeout=5))
    assert any(layer.startswith("cgroup") for layer in layers)
    left = [
        os.path.join(root, name)
        for mount in set(cgroup._mounts().values())
        for root, folders, _ in os.walk(mount)
        for name in folders
        if name.startswith(mine)
    ]
    assert left == []
