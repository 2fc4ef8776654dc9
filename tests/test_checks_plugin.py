"""The pytest plugin: one item per submission and step, each outcome a verdict, results from
pytest's report alone.

The session is a real pytest session over plain-data cases of a three-step exercise:
no child process runs, so each test takes milliseconds.
"""

from __future__ import annotations

import gc
import json
import weakref
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from grader.analysis.source import Source
from grader.checks import test_steps
from grader.checks.case import PASS, Case, Verdict, first_failed, fix_first
from grader.checks.judge import Unloaded
from grader.checks.outcome import results_from_report
from grader.checks.plugin import run_checks
from grader.exercise import Exercise, Step
from grader.load import Cell, Program
from grader.result import Result, Status
from grader.sandbox import Error, Execution, Run


def _first(case: Case) -> Verdict:
    """Pass when the program's path says so: the rule of step 1."""
    return PASS if "good" in case.program.path else Verdict(False, "Not good.", "bad")


def _second(case: Case) -> Verdict:
    """Break on a program named 'broken': a bug of the rule of step 2."""
    if "broken" in case.program.path:
        raise ValueError("a bug")
    return PASS


def _third(case: Case) -> Verdict:
    """Ask whether step 1 failed, as a rule may, and say to fix it first."""
    if first_failed(case, (1,)) is not None:
        return fix_first(1, "the third step reads the first.")
    return PASS


EXERCISE = Exercise(
    title="plugin",
    steps=(
        Step(1, "First", "Do it.", "Try.", _first, mistakes={"bad": "Not good."}),
        Step(2, "Second", "Then this.", "Try again.", _second, requires={1: "it"}),
        Step(3, "Third", "And this.", "Once more.", _third, after=(1,)),
    ),
    reference=Path("."),
    names=(),
    expect=lambda run: None,
)


def case(path: str, exercise: Exercise = EXERCISE) -> Case:
    """A case of a one-line script named by its path."""
    program = Program(path=path, kind="script", cells=(Cell(None, "x = 1\n", "x = 1\n"),))
    return Case(exercise, program, Run((Execution(overrides={}),)), None, Source(program), 1.0)


def graded(*cases: Case | Unloaded) -> list[Result]:
    """Judge the cases in one session and build their results from its report."""
    checked = run_checks(EXERCISE, iter(cases), len(cases))
    return list(results_from_report(checked.report, EXERCISE))


def codes(result: Result) -> list[str | None]:
    """The code of each step of a result."""
    return [step.code for step in result.steps]


def test_each_submission_gets_a_program_item_and_one_item_per_step() -> None:
    """Items run submission by submission: the program first, then steps 1, 2, 3."""
    checked = run_checks(EXERCISE, iter([case("good.py"), case("poor.py")]), 2)
    names = [test["nodeid"].split("::", 1)[1] for test in checked.report["tests"]]
    assert names == [
        "test_program[0]",
        "test_step[0-step1]",
        "test_step[0-step2]",
        "test_step[0-step3]",
        "test_program[1]",
        "test_step[1-step1]",
        "test_step[1-step2]",
        "test_step[1-step3]",
    ]


def test_an_item_s_outcome_is_its_step_s_verdict() -> None:
    """A step that fails is a failed item; one that passes, a passed item."""
    checked = run_checks(EXERCISE, iter([case("poor.py")]), 1)
    outcomes = [test["outcome"] for test in checked.report["tests"]]
    assert outcomes == ["passed", "failed", "failed", "failed"]


def test_a_failed_item_s_report_is_its_verdict_s_line() -> None:
    """A failed step reports the verdict it failed with, and no traceback."""
    checked = run_checks(EXERCISE, iter([case("poor.py")]), 1)
    call = checked.report["tests"][1]["call"]
    assert (call["longrepr"], "traceback" in call) == ("step 1: step1.bad", False)


def test_each_item_is_placed_at_the_test_it_runs() -> None:
    """The program's item is at test_program's line, each step's at test_step's."""
    checked = run_checks(EXERCISE, iter([case("good.py")]), 1)
    lines = [test["lineno"] for test in checked.report["tests"]]
    tests = (test_steps.test_program, test_steps.test_step)
    program, step = (test.__code__.co_firstlineno - 1 for test in tests)
    assert lines == [program, step, step, step]


def test_results_come_from_the_report_alone() -> None:
    """The report, written to JSON and read back, gives the same results."""
    checked = run_checks(EXERCISE, iter([case("good.py"), case("poor.py")]), 2)
    again = json.loads(json.dumps(checked.report))
    assert list(results_from_report(again, EXERCISE)) == list(
        results_from_report(checked.report, EXERCISE)
    )


def test_a_submission_that_passes_every_step_passes() -> None:
    """Every item passed: the result is passed, with full marks."""
    (result,) = graded(case("good.py"))
    assert (result.status, result.score, result.max_score) == (Status.PASSED, 3, 3)


def test_a_failed_prerequisite_blocks_the_next_step_with_the_engine_s_words() -> None:
    """Step 2 requires step 1: it is not judged, and says which step to fix first."""
    step2 = graded(case("poor.py"))[0].steps[1]
    expected = ("step2.needs-step1", 1, "Fix step 1 first: this step uses `it`.")
    assert (step2.code, step2.blocked_by, step2.message) == expected


def test_a_rule_reads_the_earlier_steps_verdicts_from_their_items() -> None:
    """Step 3 asks whether step 1 failed; it is told what step 1's item reported."""
    assert [codes(r)[2] for r in graded(case("good.py"), case("poor.py"))] == [
        None,
        "step3.needs-step1",
    ]


def test_a_rule_that_raises_costs_its_step_only() -> None:
    """A bug in step 2's rule fails that step with grader-error; the others keep theirs."""
    assert codes(graded(case("good-but-broken.py"))[0]) == [None, "grader-error", None]


def test_a_program_that_cannot_run_fails_every_step_alike() -> None:
    """A script Python cannot read: the program's item fails, and every step with it."""
    program = Program(path="good.py", kind="script", cells=(Cell(None, "x = (\n", "x = (\n"),))
    syntax = Error("SyntaxError", "'(' was never closed", None, 1, syntax=True)
    unreadable = Case(
        EXERCISE,
        program,
        Run((Execution(overrides={}, errors=(syntax,)),)),
        None,
        Source(program),
        1.0,
    )
    (result,) = graded(unreadable)
    assert (result.status, result.code, codes(result)) == (
        Status.ERROR,
        "syntax-error",
        ["syntax-error"] * 3,
    )


def test_a_submission_that_could_not_be_loaded_is_an_error_and_its_steps_are_skipped() -> None:
    """An unloaded submission: the program's item fails with the reason, the steps skip."""
    checked = run_checks(
        EXERCISE, iter([Unloaded("a.ipynb", "Not a notebook.", "bad-notebook")]), 1
    )
    outcomes = [test["outcome"] for test in checked.report["tests"]]
    (result,) = results_from_report(checked.report, EXERCISE)
    assert outcomes == ["failed", "skipped", "skipped", "skipped"]
    assert (result.submission, result.status, result.code, result.message) == (
        "a.ipynb",
        Status.ERROR,
        "bad-notebook",
        "Not a notebook.",
    )


def test_submissions_are_taken_from_the_stream_one_at_a_time() -> None:
    """The second submission is taken only once the first one has been judged."""
    said: list[str] = []

    def noted(path: str) -> Case:
        said.append(f"take {path}")
        return case(path, exercise)

    def rule(case: Case) -> Verdict:
        said.append(f"judge {case.program.path}")
        return PASS

    exercise = Exercise(
        "one", (Step(1, "One", "Do.", "Try.", rule),), Path("."), (), lambda r: None
    )

    def stream() -> Iterator[Case]:
        yield noted("a.py")
        yield noted("b.py")

    run_checks(exercise, stream(), 2)
    assert said == ["take a.py", "judge a.py", "take b.py", "judge b.py"]


def test_a_stream_that_breaks_is_raised_after_the_session() -> None:
    """A bug while preparing a submission stops the session and surfaces as itself."""

    def stream() -> Iterator[Case]:
        yield case("good.py")
        raise OSError("the disk is gone")

    with pytest.raises(OSError, match="the disk is gone"):
        run_checks(EXERCISE, stream(), 2)


def test_the_session_ignores_the_surrounding_project_s_pytest_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """PYTEST_ADDOPTS, an ini file and a conftest.py where the grader runs change nothing."""
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = --no-such-option\n")
    (tmp_path / "conftest.py").write_text("raise SystemExit('a conftest ran')\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PYTEST_ADDOPTS", "--no-such-option -x")
    assert codes(graded(case("poor.py"))[0]) == [
        "step1.bad",
        "step2.needs-step1",
        "step3.needs-step1",
    ]


def test_no_submissions_means_no_session() -> None:
    """An empty batch checks nothing and says so."""
    assert run_checks(EXERCISE, iter([]), 0).report == {}


def test_a_submission_is_let_go_once_its_items_have_run() -> None:
    """While one submission is judged, the one before it is no longer held by anyone."""
    alive: list[bool] = []
    earlier: list[weakref.ref[Case]] = []

    def rule(case: Case) -> Verdict:
        gc.collect()
        alive.extend(ref() is not None for ref in earlier)
        return PASS

    exercise = Exercise(
        "one", (Step(1, "One", "Do.", "Try.", rule),), Path("."), (), lambda r: None
    )

    def stream() -> Iterator[Case]:
        for name in ("a.py", "b.py", "c.py"):
            made = case(name, exercise)
            earlier.append(weakref.ref(made))
            yield made
            del made

    run_checks(exercise, stream(), 3)
    # Judging a.py: a.py alive; b.py: a.py gone, b.py alive; c.py: only c.py alive.
    assert alive == [True, False, True, False, False, True]


class _BrokenAdvice(dict[str, str]):
    """An exercise's advice that breaks when read: a bug of the exercise."""

    def get(self, key: object, default: object = None) -> str:  # type: ignore[override]
        raise ValueError("a bug")


def test_a_program_the_grader_cannot_read_costs_that_submission_alone() -> None:
    """A bug while the program as a whole is explained (here: the exercise's advice
    breaks on an error of the program) makes that submission a grader error; the next
    one, without an error, is judged as usual."""
    exercise = replace(EXERCISE, advice=_BrokenAdvice({"name-error": "Define x first."}))
    program = Program(path="odd.py", kind="script", cells=(Cell(None, "y = x\n", "y = x\n"),))
    error = Error("NameError", "name 'x' is not defined", None, 1)
    run = Run((Execution(overrides={}, errors=(error,)),))
    odd = Case(exercise, program, run, None, Source(program), 1.0)
    broken, fine = graded(odd, case("good.py", exercise))
    assert (broken.code, codes(broken), fine.score) == ("grader-error", ["grader-error"] * 3, 3)
