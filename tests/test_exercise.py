"""The built-in exercise's facts, and expected values that come from running the reference."""

from __future__ import annotations

import re

import pytest

from grader.exercise import builtin
from grader.exercises.scaling.spec import Setting
from grader.result import Status
from tests.conftest import REFERENCE, ROOT, STEP_COUNT, grade_file


def test_the_reference_script_scores_full_marks() -> None:
    """reference/solution.py passes every step."""
    result = grade_file(REFERENCE / "solution.py")
    assert (result.status, result.score) == (Status.PASSED, STEP_COUNT)


def test_the_reference_notebook_scores_full_marks() -> None:
    """reference/solution.ipynb passes every step."""
    result = grade_file(REFERENCE / "solution.ipynb")
    assert (result.status, result.score) == (Status.PASSED, STEP_COUNT)


def test_expected_values_are_read_from_the_reference_run() -> None:
    """The expected dictionary for each setting is what the reference computed and printed."""
    expected = builtin().compute_expected()
    printed = {setting: lines[-1] for setting, lines in expected.printed.items()}
    assert printed[Setting(expected.load)] == repr(expected.result)
    assert all(repr(expected.results[s]) == printed[s] for s in expected.results)


def test_other_loads_cover_zero_each_capacity_and_one_above_all() -> None:
    """The loads that catch `>` and hard-coding are derived from the reference's systems."""
    expected = builtin().compute_expected()
    capacities = set(expected.systems.values())
    loads = set(expected.other_loads())
    assert {0, max(capacities) + 1} | (capacities - {expected.load}) == loads


def test_other_capacities_keep_the_keys_and_rank_them_unlike_the_exercise() -> None:
    """The other capacities have the exercise's keys in its order, put some at or above
    the setting's load and some below, one equal to it, and rank the keys the other way
    round; the load is the exercise's, and the largest capacity has more digits than
    it, so numbers compared as text ("10" >= "7") answer otherwise than numbers."""
    expected = builtin().compute_expected()
    settings = [s for s in expected.other_systems() if s.systems]
    ranking = sorted(expected.systems, key=expected.systems.__getitem__)
    assert len(settings) == 1
    systems, load = dict(settings[0].systems or ()), settings[0].load
    assert list(expected.systems) == list(systems)
    assert ranking[::-1] == sorted(systems, key=systems.__getitem__)
    assert min(systems.values()) < load < max(systems.values())
    assert load == expected.load
    assert load in systems.values()
    as_text = {c: str(c) >= str(load) for c in systems.values()}
    assert as_text != {c: c >= load for c in systems.values()}


def test_the_reference_runs_with_the_other_capacities_too() -> None:
    """Expected values exist for every variant a program runs with, capacities included."""
    expected = builtin().compute_expected()
    settings = {expected.setting(overrides) for overrides in expected.variants()}
    assert settings == set(expected.results)


EXERCISE_TEXT = ROOT.parent / "shared" / "exercise.md"


def _published_steps() -> list[tuple[int, str, str]]:
    """Read (number, title, hint) of each step from the exercise as learners see it."""
    text = EXERCISE_TEXT.read_text(encoding="utf-8")
    steps = []
    for block in re.split(r"^### Step ", text, flags=re.MULTILINE)[1:]:
        head, _, body = block.partition("\n")
        number, _, title = head.partition(": ")
        hint = " ".join(body.split("Hint:", 1)[1].split())
        steps.append((int(number), title.strip(), hint))
    return steps


@pytest.mark.skipif(
    not EXERCISE_TEXT.is_file(), reason="the exercise text is not beside this checkout"
)
def test_step_titles_and_hints_are_the_published_exercise_text() -> None:
    """Titles and hints are word for word what the learner reads in the exercise."""
    ours = [(s.number, s.title, " ".join(s.hint.split())) for s in builtin().steps]
    assert ours == _published_steps()
