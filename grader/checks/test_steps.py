"""The one pytest test of the checks: a step of the exercise, judged on one submission.

The plugin (grader.checks.plugin) runs it once per submission and per step of the exercise it
was given, marks each item with its step, and collects the typed verdict it records.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from grader.checks.case import Case, Verdict, judge


def test_step(case: Case, step: int, record: Callable[[Verdict], None]) -> None:
    """Apply one step's rule to one submission, record the verdict, fail if the step did."""
    verdict = judge(case, step)
    record(verdict)
    if not verdict.passed:
        pytest.fail(verdict.message, pytrace=False)
