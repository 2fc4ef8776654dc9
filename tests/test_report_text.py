"""The text report, from small literal results: what a learner reads in a terminal."""

from __future__ import annotations

from grader.report.text import render, render_result
from grader.result import Location, Report, Result, Status, StepResult

PASSED = StepResult(1, "Create the initial system capacities", Status.PASSED)
FAILED = StepResult(
    2,
    "Set the current load value",
    Status.FAILED,
    message="`load` is 70 (an int); it should be 7 (line 3).",
    hint="Just assign the number 7 to the variable named `load`.",
    location=Location(3),
    code="step2.wrong-value",
)


def test_each_step_gets_a_mark_and_failed_steps_their_message_and_hint() -> None:
    """A passed step is one line; a failed one adds what is wrong and the hint."""
    text = render_result(Result("a.py", Status.FAILED, (PASSED, FAILED), max_score=2))
    assert text.split("\n") == [
        "a.py",
        "  ✓ Step 1: Create the initial system capacities",
        "  ✗ Step 2: Set the current load value",
        "      `load` is 70 (an int); it should be 7 (line 3).",
        "      Hint: Just assign the number 7 to the variable named `load`.",
        "  Progress: 1 / 2 steps",
    ]


def test_a_file_that_could_not_be_loaded_says_why_once() -> None:
    """The reason comes first; steps without a code are not repeated below it."""
    not_graded = StepResult(1, "Create", Status.FAILED, message="Not graded.", hint="h")
    result = Result("e.py", Status.ERROR, (not_graded,), max_score=1, message="e.py is empty.")
    assert render_result(result).split("\n") == [
        "e.py",
        "  e.py is empty.",
        "  ✗ Step 1: Create",
        "  Progress: 0 / 1 steps",
    ]


def test_learner_text_cannot_colour_the_terminal_or_command_a_ci_runner() -> None:
    """Escape sequences are dropped and a line starting with :: is defused."""
    step = StepResult(1, "T", Status.FAILED, message="\x1b[2J::add-mask::x", hint="h", code="c")
    text = render(Report((Result("a.py", Status.FAILED, (step,), max_score=1),)))
    assert ("\x1b" in text, any(line.lstrip().startswith("::") for line in text.split("\n"))) == (
        False,
        False,
    )
