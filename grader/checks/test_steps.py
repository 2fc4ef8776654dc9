"""The four steps of the exercise as pytest tests, one per step, marked with its number.

Each test judges one submission (the ``case`` fixture, one per submission in the run)
and records its verdict in the JSON report's metadata, where the result model reads it.
"""

from __future__ import annotations

from typing import Any

import pytest

from grader.checks.steps import Case, Verdict, judge


def _judge(number: int, case: Case, json_metadata: dict[str, Any]) -> None:
    """Apply one step's rule, record the verdict, and fail the test if the step failed."""
    try:
        verdict = judge(case, number)
    except Exception as error:  # a bug of a check must cost one step, not the batch
        verdict = Verdict(
            False,
            f"The grader could not check this step ({type(error).__name__}). This is a bug "
            "in the grader, not in your work; please report it.",
            "grader-error",
        )
    location = verdict.location
    json_metadata["verdict"] = {
        "step": number,
        "passed": verdict.passed,
        "message": verdict.message,
        "code": verdict.code,
        "location": None if location is None else [location.cell, location.line],
    }
    if not verdict.passed:
        pytest.fail(verdict.message, pytrace=False)


@pytest.mark.step(1)
def test_step_1_systems(case: Case, json_metadata: dict[str, Any]) -> None:
    """`systems` holds the three strategies with their capacities."""
    _judge(1, case, json_metadata)


@pytest.mark.step(2)
def test_step_2_load(case: Case, json_metadata: dict[str, Any]) -> None:
    """`load` holds the current load."""
    _judge(2, case, json_metadata)


@pytest.mark.step(3)
def test_step_3_loop(case: Case, json_metadata: dict[str, Any]) -> None:
    """A loop over `systems.items()` computes `can_handle_load` for any load."""
    _judge(3, case, json_metadata)


@pytest.mark.step(4)
def test_step_4_print(case: Case, json_metadata: dict[str, Any]) -> None:
    """`print(can_handle_load)` shows the finished dictionary once."""
    _judge(4, case, json_metadata)
