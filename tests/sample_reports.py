"""Small literal reports for the CI formats' tests, independent of the grading core."""

from __future__ import annotations

from dataclasses import replace

from grader.exercise import builtin
from grader.result import Location, Report, Result, Status, StepResult

TITLES = {
    1: "Create the initial system capacities",
    2: "Set the current load value",
    3: "Determine which strategies can handle the load",
    4: "Print the results",
}

# Learner text as hostile as it gets: a newline that starts a workflow command, an
# already-escaped newline, property separators, an escape sequence, a mention, HTML.
HOSTILE = (
    "line one\n::add-mask::x\n%0A::warning::forged, a:b\r\n"
    "\x1b[31mred\x1b[0m @octocat <img src=x onerror=alert(1)> #12"
)

# File names a pull request or an upload can carry, each of which a CI log once read, or
# could read, as a workflow command: legacy ##[...] commands anywhere in a line (any
# case), :: commands after leading white space, newlines and carriage returns that start
# a line of their own, stop-commands, invisible characters around the markers, escapes
# already written, and bytes that are not UTF-8 (a latin-1 machine's caf\xe9).
HOSTILE_NAMES = (
    "submissions/##[warning title=Forged]readme.md",
    "docs/##[error]x.txt",
    "submissions/##[add-mask]secret.py",
    "submissions/##[ADD-MASK]loud.py",
    "##[set-output name=score;]4.py",
    "::add-mask::x.py",
    "  ::warning file=a.py::indented.py",
    "\u3000::error::wide-space.py",
    "::stop-commands::tok",
    "a\n::error::after-a-newline.py",
    "a\r##[error]after-a-return.py",
    "%0A::error::pre-escaped.py",
    "#\u00ad#[error]soft-hyphen.py",
    "\u00ad::add-mask::soft.py",
    "\u200d  ::notice::joiner.py",
    "::echo::on",
    "caf\udce9.py",
    "x\ud800.py",
)


def passed(number: int) -> StepResult:
    """A step that passed."""
    return StepResult(step=number, title=TITLES[number], status=Status.PASSED)


def failed(
    number: int,
    message: str = "",
    *,
    hint: str = "",
    location: Location | None = None,
    code: str | None = None,
) -> StepResult:
    """A step that failed, with its feedback."""
    return StepResult(
        step=number,
        title=TITLES[number],
        status=Status.FAILED,
        message=message,
        hint=hint,
        location=location,
        code=code,
    )


CORRECT = Result(
    submission="submissions/correct.py",
    status=Status.PASSED,
    steps=tuple(passed(n) for n in range(1, 5)),
    output="{'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False}\n",
)

WRONG_KEY = Result(
    submission="submissions/wrong-key.py",
    status=Status.FAILED,
    steps=(
        failed(
            1,
            "`systems` is missing the key 'vertical_scaling'.",
            hint="Use curly braces to create a dictionary with the exact keys and values.",
            location=Location(line=4),
            code="step1.missing-key",
        ),
        passed(2),
        failed(
            3, "Fix step 1 first: this step uses `systems`.", hint="Start with an empty dictionary."
        ),
        passed(4),
    ),
    output="{'single_node': False}\n",
)

NOTEBOOK = Result(
    submission="submissions/strict.ipynb",
    status=Status.FAILED,
    steps=(
        passed(1),
        passed(2),
        failed(
            3,
            "`can_handle_load['vertical_scaling']` is False, but 2 >= 7 is... also False.",
            hint="Compare with >=.",
            location=Location(line=2, cell=3),
            code="step3.strict-greater",
        ),
        passed(4),
    ),
)

EMPTY = Result(
    submission="submissions/empty.py",
    status=Status.ERROR,
    steps=tuple(
        failed(n, "Not graded: the file could not be read as a program.") for n in range(1, 5)
    ),
    message="submissions/empty.py is empty. Write the code for the steps in it.",
    code="load.empty",
)

HOSTILE_RESULT = Result(
    submission="submissions/hostile.py",
    status=Status.FAILED,
    steps=(
        failed(1, HOSTILE, hint=HOSTILE, location=Location(line=3)),
        passed(2),
        passed(3),
        passed(4),
    ),
    output="```\n```` still inside\n</details><script>alert(1)</script>\n@octocat",
)


def report(*results: Result) -> Report:
    """A report of the given results, with the built-in exercise's explanations."""
    exercise = builtin()
    return Report(
        results=results,
        glossary=exercise.registry(),
        instructions={step.number: step.instruction for step in exercise.steps},
    )


def about_output(message: str, *, location: Location | None = None, code: str) -> StepResult:
    """Step 4 failed: a step about what the program prints, whose feedback shows it."""
    return StepResult(
        step=4,
        title=TITLES[4],
        status=Status.FAILED,
        message=message,
        location=location,
        code=code,
        about_output=True,
    )


PRINT_IN_LOOP = Result(
    submission="submissions/print-in-loop.py",
    status=Status.FAILED,
    steps=(
        passed(1),
        passed(2),
        passed(3),
        about_output(
            "`print(can_handle_load)` at line 9 is inside a loop, so it printed 3 times.",
            location=Location(line=9),
            code="step4.print-in-loop",
        ),
    ),
    output="{'single_node': False}\n" * 3,
    sandbox="process",
    layers=("uid", "no-new-privs"),
)

SILENT = Result(
    submission="submissions/silent.py",
    status=Status.FAILED,
    steps=(
        passed(1),
        passed(2),
        passed(3),
        about_output("`can_handle_load` is never printed.", code="step4.no-print"),
    ),
    sandbox="process",
    layers=("uid",),
)

# A program that passed every step and then crashed: the whole program's message stays.
CRASHED_AFTER = Result(
    submission="submissions/crash-after.py",
    status=Status.PASSED,
    steps=tuple(passed(n) for n in range(1, 5)),
    message="Your program stopped at line 15 with ZeroDivisionError: division by zero.",
    location=Location(line=15),
    output="{'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False}\n",
    sandbox="process",
)


def as_graded(result: Result) -> Result:
    """The result as the grading leaves it: the learner's text made safe to show.

    The name is shown on one line (grader.grade.collect), and the messages, notes and
    output are defused (grader.checks.outcome); reading a JSON report does the same.
    """
    from grader.checks.outcome import cleaned
    from grader.safe import log_line, safe_text

    return replace(
        cleaned(result), submission=log_line(result.submission), output=safe_text(result.output)
    )


# The hostile result as a real grading would report it.
HOSTILE_GRADED = as_graded(HOSTILE_RESULT)
