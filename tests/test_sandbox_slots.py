"""Slots: a sandbox runs at most ``slots`` children at once, however many threads ask.

A grading has more threads than children (one prepares a request while another's child
runs); the bound on what runs at once is the sandbox's, and it holds in every tier.
"""

from __future__ import annotations

import os
import threading
import time

import pytest

from grader.load import Cell, Program
from grader.sandbox import Limits, Run, Sandbox
from tests.conftest import TIERS

pytestmark = pytest.mark.linux

MARK = f"grader-test-slots-{os.getpid()}"


def waits_long(number: int) -> Program:
    """A script that starts a marked process and outlives its time limit."""
    source = f"""
import subprocess, time
subprocess.Popen(["sh", "-c", "sleep 600; : {MARK}-{number}-"], start_new_session=True)
time.sleep(600)
"""
    return Program(path="t.py", kind="script", cells=(Cell(None, source, source),))


def running() -> set[int]:
    """Which of the marked programs have a process on the machine now."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    line = handle.read()
            except OSError:
                continue
            start = line.find(MARK.encode() + b"-")
            if start != -1:
                found.add(int(line[start + len(MARK) + 1 :].split(b"-")[0]))
    return found


@pytest.mark.parametrize("tier", TIERS)
def test_threads_beyond_the_slots_wait_for_a_child_to_end(tier: str) -> None:
    """Three threads, two slots: never three programs at once, and every one runs."""
    runs: list[Run | BaseException] = []
    seen: list[set[int]] = []
    with Sandbox(tier, slots=2) as sandbox:
        sandbox.check()

        def one(number: int) -> None:
            try:
                runs.append(sandbox.run(waits_long(number), [{}], Limits(timeout=2)))
            except BaseException as error:
                runs.append(error)

        threads = [threading.Thread(target=one, args=(n,)) for n in range(3)]
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            seen.append(running())
            time.sleep(0.01)
    assert len(runs) == 3
    for ran in runs:
        assert isinstance(ran, Run)
        assert ran.main.timed_out
    assert max(len(now) for now in seen) == 2
    assert set().union(*seen) == {0, 1, 2}


@pytest.mark.parametrize("tier", TIERS)
def test_ordered_runs_start_in_their_order_whichever_was_ready_first(tier: str) -> None:
    """One slot: the run of position 2 asks first, position 0 later, position 1 is
    skipped (it did not load). The children start 0 then 2: a later position waits for
    every earlier one, and a skipped one holds nobody up."""
    first_seen: list[int] = []
    runs: list[Run | BaseException] = []
    with Sandbox(tier, slots=1) as sandbox:
        sandbox.check()

        def one(number: int) -> None:
            try:
                ran = sandbox.run(waits_long(number), [{}], Limits(timeout=1), order=number)
                runs.append(ran)
            except BaseException as error:
                runs.append(error)

        threads = [threading.Thread(target=one, args=(n,)) for n in (2, 0)]
        threads[0].start()
        time.sleep(0.5)  # position 2 asks alone first
        threads[1].start()
        time.sleep(0.2)
        sandbox.skip(1)
        while any(thread.is_alive() for thread in threads):
            first_seen.extend(n for n in sorted(running()) if n not in first_seen)
            time.sleep(0.01)
    assert [isinstance(ran, Run) and ran.main.timed_out for ran in runs] == [True, True]
    assert first_seen == [0, 2]
