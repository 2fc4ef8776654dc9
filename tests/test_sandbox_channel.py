"""The answer channel and the parent's bounds: only the genuine path answers, and no
answer costs the grader more than a genuine one.

A variant's answer counts only when its process ended through the harness's
``deliver``: a frame opened by a secret only that closure holds, and the exit status
the harness drew. Programs that find the pipe and forge an answer, then leave another
way, count for nothing, in every tier; and whatever an answer claims, the parent keeps
no more lines, bytes or depth than the harness ever sends.
"""

from __future__ import annotations

import json
import textwrap
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from grader.load import Cell, Program, load
from grader.sandbox import Limits, Run, Sandbox
from grader.sandbox.answer import Bounds, parse_run
from grader.sandbox.harness.channel import (
    ANSWER_GARBLED,
    ANSWER_GENUINE,
    ANSWER_NONE,
    ANSWER_OVERSIZED,
    FRAME_ANSWER,
    FRAME_OVERSIZED,
    SIZE_BYTES,
    VARIANT_CAP,
    new_ending,
    unframe,
)
from grader.sandbox.values import decode
from grader.sandbox.wire import Ended
from tests.conftest import TIERS

pytestmark = pytest.mark.linux

HOSTILE = Path(__file__).resolve().parent / "hostile"
FORGERIES = ["forge-fd-open", "forge-fileio", "forge-subprocess", "forge-then-finish"]
NOTHING_CAME_BACK = {Ended.EXIT_STATUS, Ended.SIGNAL, Ended.GARBLED_ANSWER}


def program(source: str) -> Program:
    """Make a script Program out of source text."""
    text = textwrap.dedent(source)
    return Program(path="test.py", kind="script", cells=(Cell(None, text, text),))


def run_in(tier: str, source: str, variants: int = 1) -> Run:
    """Run source text in a tier, with this many variants."""
    return Sandbox(tier).run(program(source), [{}] * variants, Limits(timeout=5))


def frame(secret: bytes, data: bytes) -> bytes:
    """Frame an answer as deliver does."""
    return secret + FRAME_ANSWER + len(data).to_bytes(SIZE_BYTES, "big") + data


# -- the frame ------------------------------------------------------------------------


def test_a_frame_with_the_secret_from_a_process_that_ended_with_the_status_is_genuine() -> None:
    """The one way an answer counts."""
    secret, status = new_ending()
    assert unframe(frame(secret, b"{}"), secret, status, status) == (ANSWER_GENUINE, b"{}")


def test_the_same_frame_from_a_process_that_ended_another_way_counts_for_nothing() -> None:
    """os._exit(0), an exception that escaped, a signal: not the genuine path."""
    secret, status = new_ending()
    for ended in (0, 1, -9, status + 1):
        assert unframe(frame(secret, b"{}"), secret, status, ended) == (ANSWER_NONE, b"")


def test_bytes_before_or_after_the_frame_or_another_secret_garble_it() -> None:
    """A forged answer written first, a thread still writing after, a guessed secret."""
    secret, status = new_ending()
    good = frame(secret, b"{}")
    for data in (b"forged" + good, good + b"more", frame(bytes(16), b"{}"), b"", good[:-1]):
        assert unframe(data, secret, status, status) == (ANSWER_GARBLED, b"")


def test_an_answer_too_large_to_send_is_said_to_be_so() -> None:
    """deliver sends a note in place of an answer over the cap."""
    secret, status = new_ending()
    note = secret + FRAME_OVERSIZED + bytes(SIZE_BYTES)
    assert unframe(note, secret, status, status) == (ANSWER_OVERSIZED, b"")


def test_every_variant_draws_its_own_secret() -> None:
    """No two variants, and no two submissions, share one."""
    assert len({new_ending()[0] for _ in range(100)}) == 100


# -- in a real child --------------------------------------------------------------------


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("case", FORGERIES)
def test_a_forged_answer_counts_for_nothing_however_the_program_leaves(
    tier: str, case: str
) -> None:
    """Found the pipe, wrote a full answer, left by os._exit, a signal, or its own end."""
    ran = Sandbox(tier).run(load(HOSTILE / f"{case}.py"), [{}, {"load": 2}], Limits(timeout=5))
    for execution in ran.executions:
        assert execution.missing
        assert execution.ended in NOTHING_CAME_BACK
        assert execution.values == {}


@pytest.mark.parametrize("tier", TIERS)
def test_the_answer_pipe_is_a_high_descriptor_closed_on_exec(tier: str) -> None:
    """The one descriptor a variant holds past the standard streams is far from them."""
    ran = run_in(
        tier,
        """
        import os
        held = []
        for fd in range(3, 4096):
            try:
                os.fstat(fd)
            except OSError:
                continue
            held.append([fd, os.get_inheritable(fd)])
        """,
    )
    held = decode(ran.main.values["held"])
    assert len(held) == 1
    fd, inheritable = held[0]
    assert fd >= 200
    assert inheritable is False


@pytest.mark.parametrize("tier", TIERS)
def test_a_process_the_program_forked_never_answers_for_it(tier: str) -> None:
    """A fork that runs on to the program's end leaves without a word; the variant answers."""
    ran = run_in(
        tier,
        """
        import os
        pid = os.fork()
        if pid:
            os.waitpid(pid, 0)
        who = "child" if pid == 0 else "parent"
        """,
        variants=3,
    )
    for execution in ran.executions:
        assert not execution.missing
        assert decode(execution.values["who"]) == "parent"


# -- the parent's bounds ----------------------------------------------------------------


def genuine(data: dict[str, Any], bounds: Bounds | None = None) -> Any:
    """Read one run's answer as if it came through the genuine path."""
    meta = {"timed_out": False, "exit_status": 0, "answer": ANSWER_GENUINE}
    return parse_run(meta, json.dumps(data).encode(), {}, bounds)


def answer(**fields: Any) -> dict[str, Any]:
    """Return a run's data with these fields over an empty run's."""
    empty = {"values": {}, "names": [], "stdout": "", "lines": [], "errors": []}
    return {**empty, **fields}


def test_more_lines_than_the_harness_keeps_are_not_its_answer() -> None:
    """The harness keeps 2,000 line origins; more were not written by it."""
    assert not genuine(answer(lines=[[None, 1]] * 2000)).missing
    assert genuine(answer(lines=[[None, 1]] * 2001)).ended is Ended.GARBLED_ANSWER


def test_more_output_than_the_run_may_keep_is_not_its_answer() -> None:
    """stdout beyond the run's own cap."""
    bounds = Bounds(stdout_chars=100)
    assert not genuine(answer(stdout="x" * 100), bounds).missing
    assert genuine(answer(stdout="x" * 101), bounds).ended is Ended.GARBLED_ANSWER


def test_values_nested_deeper_than_any_answer_are_too_large_to_read() -> None:
    """Depth and the number of nodes are bounded whatever the fields are called."""
    deep: Any = 1
    for _ in range(50):
        deep = {"type": "list", "items": [deep]}
    assert genuine(answer(values={"x": deep})).ended is Ended.UNREADABLE_VALUES
    wide = {"type": "list", "items": [1] * 150_000}
    assert genuine(answer(extra=wide)).ended is Ended.UNREADABLE_VALUES


def test_an_answer_over_the_byte_cap_is_not_decoded() -> None:
    """The cap is checked before any decoding."""
    huge = answer(stdout="", names=[], extra="x" * (VARIANT_CAP + 1))
    assert genuine(huge).ended is Ended.UNREADABLE_VALUES


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("case", ["answer-flood-lines", "output-flood-lines"])
def test_a_flood_of_lines_costs_the_grader_a_bounded_memory(tier: str, case: str) -> None:
    """Whatever the program prints or makes its answer claim, the parent keeps at most
    what the harness sends: 2,000 line origins, the run's output cap, and the memory to
    read that (what used to cost hundreds of megabytes)."""
    limits = Limits(timeout=10)
    tracemalloc.start()
    try:
        ran = Sandbox(tier).run(load(HOSTILE / f"{case}.py"), [{}] * 7, limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Whether the flood reached the answer (the print capture keeps its state out of
    # reach, so the encoder it aimed at is not there) or not, the parent keeps no more.
    for execution in ran.executions:
        assert len(execution.line_origins) <= 2000
        assert len(execution.stdout) <= limits.stdout_bytes
    assert len(ran.raw_output) <= 1_000_000
    assert peak < 64 * 1024 * 1024
