"""The checks' tests: a submission's program as a whole, then each step of the exercise.

This is what each item of the checks' pytest session does. The plugin
(grader.checks.plugin) collects this file into items of its own: one per submission that
runs ``test_program``, and one per submission and step that runs ``test_step``, in that
order, handing each its submission, its step, the verdicts of the earlier items and the
item's ``record_property``. Each records its verdict and fails when the verdict does: the
item's outcome is the verdict, and pytest's report carries the rest of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest

from grader.checks.case import Case, Verdict
from grader.checks.judge import Unloaded, judge_program, judge_step
from grader.checks.outcome import program_properties, step_properties

Record = Callable[[str, object], None]


def test_program(submission: Case | Unloaded, record_property: Record) -> None:
    """The program could be loaded, and it ran to its end: its steps can be judged."""
    judged = judge_program(submission)
    for key, value in program_properties(submission, judged):
        record_property(key, value)
    if not judged.verdict.passed:
        pytest.fail(f"not judged: {judged.verdict.code}", pytrace=False)


def test_step(
    submission: Case | Unloaded, step: int, earlier: Mapping[int, Verdict], record_property: Record
) -> None:
    """One step of the exercise, judged by its rule after the steps before it."""
    if isinstance(submission, Unloaded):
        pytest.skip("the file could not be loaded as a program")
    verdict = judge_step(submission, step, earlier)
    for key, value in step_properties(verdict):
        record_property(key, value)
    if not verdict.passed:
        pytest.fail(f"step {step}: {verdict.code}", pytrace=False)
