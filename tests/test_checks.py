"""The grading rules of the four steps, as a catalogue of learner behaviours.

One folder per behaviour under tests/behaviours/: the learner's program and the report
the learner reads (with each failure's code and place). Every program is graded through
the real grader (child process, pytest checks), all in one batch. A behaviour that has a
sample in submissions/ is stated once, by the sample's golden file (tests/test_golden.py).
Add a behaviour: write NAME/submission.py, run ``python -m tests.golden``, read the diff.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from grader.exercise import builtin
from grader.grade import Options, Submission, grade
from grader.result import Result, Status
from tests.conftest import TEST_TIMEOUT
from tests.golden import BEHAVIOURS, REPORT, behaviours, golden_of, grade_behaviours

HEAD = """\
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
"""
LOOP = """\
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
"""
PRINT = "print(can_handle_load)\n"


@pytest.fixture(scope="module")
def results() -> dict[str, Result]:
    """Grade every behaviour of the catalogue in one batch."""
    return grade_behaviours()


@pytest.mark.parametrize("name", [p.name for p in behaviours()])
def test_each_behaviour_gets_exactly_its_recorded_report(
    name: str, results: dict[str, Result]
) -> None:
    """The steps that pass, each failure's code and place, and the words the learner reads."""
    expected = (BEHAVIOURS / name / REPORT).read_text(encoding="utf-8")
    assert golden_of(results[name]) == expected


def test_every_behaviour_folder_holds_a_submission_and_its_report() -> None:
    """No folder of the catalogue lacks its program or its golden report."""
    folders = [p for p in BEHAVIOURS.iterdir() if p.is_dir()]
    incomplete = [p.name for p in folders if not (p / "submission.py").is_file()]
    unrecorded = [p.name for p in folders if not (p / REPORT).is_file()]
    assert (bool(folders), incomplete, unrecorded) == (True, [], [])


def test_every_failed_step_has_a_message_and_a_code(results: dict[str, Result]) -> None:
    """No failed step is left without words for the learner, or a code for staff."""
    empty = [
        (result.submission, step.step)
        for result in results.values()
        for step in result.steps
        if step.status is Status.FAILED and not (step.message and step.code)
    ]
    assert empty == []


def test_a_hint_is_given_only_where_it_fits(results: dict[str, Result]) -> None:
    """No hint under a blocked step or a program's error; one under a step not attempted."""
    hinted = {
        (step.code or "").split(".", 1)[-1]
        for result in results.values()
        for step in result.steps
        if step.hint
    }
    unhinted = {
        (step.code or "").split(".", 1)[-1]
        for result in results.values()
        for step in result.steps
        if not step.passed and not step.hint
    }
    assert "missing" in hinted
    assert not hinted & {"syntax-error", "name-error", "strict-greater", "not-dict"}
    assert "needs-step1" in unhinted


def test_a_step_blocked_by_an_earlier_one_says_which(results: dict[str, Result]) -> None:
    """A step that cannot be judged says which step to fix first, not the same error again."""
    step3 = results["missing-key"].steps[2]
    assert (step3.code, step3.message.startswith("Fix step 1 first")) == ("step3.needs-step1", True)


def test_a_check_that_breaks_costs_one_step_not_the_batch(tmp_path: Path) -> None:
    """A bug in one step's check fails that step with grader-error; the rest is graded."""
    from grader.checks.case import Case, Verdict

    def broken(case: Case) -> Verdict:
        raise KeyError("a bug")

    scaling = builtin()
    steps = tuple(replace(s, rule=broken) if s.number == 3 else s for s in scaling.steps)
    path = tmp_path / "ok.py"
    path.write_text(HEAD + LOOP + PRINT, encoding="utf-8")
    report = grade(
        [Submission("ok.py", path), Submission("ok2.py", path)],
        Options(timeout=TEST_TIMEOUT),
        exercise=replace(scaling, steps=steps),
    )
    codes = [[step.code for step in result.steps] for result in report.results]
    assert codes == [[None, None, "grader-error", None]] * 2
