"""The exercise's facts, and expected values that come from running the reference."""

from __future__ import annotations

from grader import exercise
from grader.result import Status
from tests.conftest import REFERENCE, grade_file


def test_the_reference_script_scores_full_marks() -> None:
    """reference/solution.py passes every step."""
    result = grade_file(REFERENCE / "solution.py")
    assert (result.status, result.score) == (Status.PASSED, 4)


def test_the_reference_notebook_scores_full_marks() -> None:
    """reference/solution.ipynb passes every step."""
    result = grade_file(REFERENCE / "solution.ipynb")
    assert (result.status, result.score) == (Status.PASSED, 4)


def test_expected_values_are_read_from_the_reference_run() -> None:
    """The expected dictionary for each load is what the reference computed and printed."""
    expected = exercise.compute_expected()
    printed = {load: lines[-1] for load, lines in expected.printed.items()}
    assert printed[expected.load] == repr(expected.result)
    assert all(repr(expected.results[load]) == printed[load] for load in expected.results)


def test_other_loads_cover_zero_each_capacity_and_one_above_all() -> None:
    """The loads that catch `>` and hard-coding are derived from the reference's systems."""
    expected = exercise.compute_expected()
    capacities = set(expected.systems.values())
    loads = set(expected.other_loads())
    assert {0, max(capacities) + 1} | (capacities - {expected.load}) == loads


def test_the_steps_are_the_exercise_text() -> None:
    """Four steps, numbered 1 to 4, each with a title, an instruction and a hint."""
    assert [(s.number, bool(s.title and s.instruction and s.hint)) for s in exercise.STEPS] == [
        (1, True),
        (2, True),
        (3, True),
        (4, True),
    ]
