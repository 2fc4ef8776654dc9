"""The pytest plugin: one item per case and step, the step read from its marker, typed verdicts.

The session is a real pytest session over plain-data cases of a two-step exercise: no
child process runs, so each test takes milliseconds.
"""

from __future__ import annotations

from pathlib import Path

from grader.analysis.source import Source
from grader.checks.case import PASS, Case, Verdict
from grader.checks.plugin import run_checks
from grader.exercise import Exercise, Step
from grader.load import Cell, Program
from grader.sandbox import Execution, Run


def _first(case: Case) -> Verdict:
    """Pass when the program's path says so: the rule of step 1."""
    return PASS if "good" in case.program.path else Verdict(False, "Not good.", "bad")


def _second(case: Case) -> Verdict:
    """Break on a program named 'broken': a bug of the rule of step 2."""
    if "broken" in case.program.path:
        raise ValueError("a bug")
    return PASS


EXERCISE = Exercise(
    title="plugin",
    steps=(
        Step(1, "First", "Do it.", "Try.", _first, mistakes={"bad": "Not good."}),
        Step(2, "Second", "Then this.", "Try again.", _second, requires={1: "it"}),
    ),
    reference=Path("."),
    names=(),
    expect=lambda run: None,
)


def case(path: str) -> Case:
    """A case of a one-line script named by its path."""
    program = Program(path=path, kind="script", cells=(Cell(None, "x = 1\n", "x = 1\n"),))
    return Case(EXERCISE, program, Run((Execution(overrides={}),)), None, Source(program), 1.0)


def test_each_case_gets_a_typed_verdict_per_step() -> None:
    """Verdicts come back keyed by case index and step number, as Verdict objects."""
    checked = run_checks(EXERCISE, [case("good.py"), case("good-too.py")])
    assert checked.verdicts == {0: {1: PASS, 2: PASS}, 1: {1: PASS, 2: PASS}}


def test_a_failed_prerequisite_blocks_the_next_step_with_the_engine_s_words() -> None:
    """Step 2 requires step 1: it is not judged, and says which step to fix first."""
    verdict = run_checks(EXERCISE, [case("poor.py")]).verdicts[0][2]
    expected = Verdict(
        False, "Fix step 1 first: this step uses `it`.", "step2.needs-step1", None, 1
    )
    assert verdict == expected


def test_a_rule_that_raises_costs_its_step_only() -> None:
    """A bug in step 2's rule fails that step with grader-error; step 1 keeps its verdict."""
    verdicts = run_checks(EXERCISE, [case("good-but-broken.py")]).verdicts[0]
    assert (verdicts[1], verdicts[2].code) == (PASS, "grader-error")


def test_a_case_that_could_not_be_loaded_gets_no_verdict() -> None:
    """A case source that returns None is skipped: its result is built from the load error."""
    checked = run_checks(EXERCISE, [lambda: None, case("good.py")])
    assert checked.verdicts == {1: {1: PASS, 2: PASS}}


def test_done_is_told_each_case_in_order_once_its_steps_are_checked() -> None:
    """done(index) follows the cases' order, so the grader can let go of each in turn."""
    told: list[int] = []
    run_checks(EXERCISE, [case("good.py"), case("poor.py"), case("good.py")], done=told.append)
    assert told == [0, 1, 2]


def test_no_cases_means_no_session() -> None:
    """An empty batch checks nothing and says so."""
    assert run_checks(EXERCISE, []).verdicts == {}
