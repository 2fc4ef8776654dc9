"""The exercise "Retry with exponential backoff": a second exercise, and the tutorial's example.

The learner sets how many attempts a client makes, writes the function that says how
long to wait before each one, collects the waits with a while loop, and prints one
sentence. Every expected value comes from running reference/solution.py; the program
is also run with other values of ``max_attempts``, so the learner's function is called
with other arguments in the child and a hard-coded list or sentence is caught.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.checks.kit import (
    PASS,
    Case,
    Run,
    Verdict,
    broke_with,
    decode,
    defines,
    describe,
    equals,
    exists,
    fail,
    fix_first,
    output_lines,
    same,
    show,
    shows,
    variant_values,
    while_loops,
)
from grader.exercise import Exercise, ReferenceError_, Step

ATTEMPTS = "max_attempts"
FUNCTION = "wait_time"
WAITS = "waits"


@dataclass(frozen=True)
class Expected:
    """What the reference does, for the value of max_attempts it was run with."""

    attempts: int
    # max_attempts -> the reference's waits, and the last line it printed.
    waits: dict[int, list[int]]
    sentence: dict[int, str]


def expect(run: Run) -> Expected:
    """Read the expected values out of the reference's runs."""
    main = run.main
    attempts = decode(main.values.get(ATTEMPTS))
    if type(attempts) is not int:
        raise ReferenceError_("the reference does not set max_attempts")
    waits: dict[int, list[int]] = {}
    sentence: dict[int, str] = {}
    for execution in run.executions:
        chosen = execution.overrides.get(ATTEMPTS, attempts)
        value = decode(execution.values.get(WAITS))
        lines = execution.stdout.splitlines()
        if type(value) is not list or not lines or execution.errors:
            raise ReferenceError_(f"the reference failed with max_attempts = {chosen}")
        waits[chosen] = value
        sentence[chosen] = lines[-1]
    return Expected(attempts, waits, sentence)


def variants(expected: Expected) -> list[dict[str, Any]]:
    """Run every program as written, then with no attempts, one, and more than asked."""
    others = sorted({0, 1, expected.attempts + 3} - {expected.attempts})
    return [{}] + [{ATTEMPTS: n} for n in others]


# -- step 1 -------------------------------------------------------------------------

SET_ATTEMPTS = "Create a variable called `max_attempts` and set it to 4."


def check_attempts(case: Case) -> Verdict:
    """`max_attempts` is the reference's int."""
    return equals(case, ATTEMPTS, case.expected.attempts, SET_ATTEMPTS)


# -- step 2 -------------------------------------------------------------------------

DEFINE = (
    "Define a function `wait_time(attempt)` that returns how many seconds to wait before "
    "an attempt: 2 to the power of the attempt's number."
)


def check_function(case: Case) -> Verdict:
    """`wait_time` is a function of the program's top level."""
    return defines(case, FUNCTION, "function", DEFINE) or PASS


# -- step 3 -------------------------------------------------------------------------

COLLECT = (
    "Start with `waits = []` and `attempt = 0`; while `attempt` is less than "
    "`max_attempts`, append `wait_time(attempt)` to `waits` and add 1 to `attempt`."
)


def check_waits(case: Case) -> Verdict:
    """A while loop fills `waits` with the waits, for any number of attempts."""
    if not while_loops(case):
        loop = next(iter(case.source.for_loops()), None)
        return fail(
            "This step asks for a `while` loop, which repeats while a condition holds. " + COLLECT,
            "no-while",
            loop.location if loop else None,
        )
    missing = exists(case, WAITS, COLLECT, guess=False)
    if missing is not None:
        return missing
    value, wanted = case.value(WAITS), case.expected.waits[case.expected.attempts]
    at = case.source.first_assignment(WAITS)
    if type(value) is not list:
        return fail(f"`{WAITS}` should be a list, but it is {describe(value)}.", "not-list", at)
    if not same(value, wanted):
        return fail(
            f"`{WAITS}` should be {show(wanted)}, but it is {show(value)}. Check what "
            f"`{FUNCTION}` returns: 2 to the power of the attempt (`2 ** attempt`).",
            "wrong-values",
            at,
        )
    found, broken = variant_values(case, WAITS, ATTEMPTS)
    if broken is not None:
        return broke_with(case, broken, ATTEMPTS, WAITS, "fails-other-value", at)
    for attempts, got in found.items():
        if not same(got, case.expected.waits[attempts]):
            return fail(
                f"With `{ATTEMPTS} = {attempts}`, `{WAITS}` should be "
                f"{show(case.expected.waits[attempts])}, but it is {show(got)}. Let the loop's "
                f"condition use `{ATTEMPTS}`, so the list follows it.",
                "hardcoded",
                at,
            )
    return PASS


# -- step 4 -------------------------------------------------------------------------

REPORT = (
    "Print one sentence: `Gave up after 4 attempts, waiting 15 seconds in all`, with "
    "the numbers taken from `max_attempts` and the sum of `waits`."
)


def check_sentence(case: Case) -> Verdict:
    """The printed sentence is the reference's, for every number of attempts."""
    wanted = case.expected.sentence[case.expected.attempts]
    lines = output_lines(case.run.main)
    if not any(shows(line, wanted) for line in lines):
        if not case.value(WAITS) or not same(
            case.value(WAITS), case.expected.waits[case.expected.attempts]
        ):
            return fix_first(3, f"`{WAITS}` is not right yet, so neither is its sum.")
        found = f"the last line printed is `{lines[-1].text}`" if lines else "nothing was printed"
        return fail(
            f"The program should print `{wanted}`, but {found}. {REPORT}",
            "wrong-sentence",
            lines[-1].location if lines else None,
        )
    for execution in case.run.executions[1:]:
        attempts = execution.overrides.get(ATTEMPTS)
        right = case.expected.sentence.get(attempts)
        if right is not None and not any(shows(ln, right) for ln in output_lines(execution)):
            return fail(
                f"With `{ATTEMPTS} = {attempts}` the program should print `{right}`, but it "
                f"printed the sentence for {case.expected.attempts} attempts. Build the sentence "
                "from the variables "
                '(an f-string: `f"... {max_attempts} ..."`), not by hand.',
                "hardcoded-sentence",
            )
    return PASS


EXERCISE = Exercise(
    title="Retry with exponential backoff",
    steps=(
        Step(
            1,
            "Set the number of attempts",
            SET_ATTEMPTS,
            "Assign the whole number 4 to `max_attempts`.",
            check_attempts,
            mistakes={
                "missing": "There is no variable named max_attempts.",
                "name": "The number of attempts is under another name.",
                "not-top-level": "max_attempts is only created inside a function.",
                "bool-value": "max_attempts is True/False instead of a number.",
                "float-value": "max_attempts is a float instead of a whole number.",
                "string-value": "max_attempts is a string instead of a number.",
                "wrong-value": "max_attempts has the wrong number.",
            },
        ),
        Step(
            2,
            "Write the backoff function",
            DEFINE,
            "`def wait_time(attempt):` then `return 2 ** attempt` on the next, indented line.",
            check_function,
            mistakes={
                "missing": "There is no function named wait_time.",
                "not-function": "wait_time is a value, not a function defined with def.",
            },
        ),
        Step(
            3,
            "Collect the waits with a while loop",
            COLLECT,
            "`while attempt < max_attempts:` repeats the indented lines below it.",
            check_waits,
            requires={1: ATTEMPTS, 2: FUNCTION},
            mistakes={
                "no-while": "There is no while loop (a for loop does not count here).",
                "missing": "There is no variable named waits.",
                "not-top-level": "waits is only created inside a function.",
                "not-list": "waits is not a list.",
                "wrong-values": "waits does not hold 2 ** attempt for each attempt.",
                "fails-other-value": "The program breaks with another number of attempts.",
                "hardcoded": "waits does not follow max_attempts.",
            },
        ),
        Step(
            4,
            "Report how long the client waited",
            REPORT,
            'Use an f-string: `f"Gave up after {max_attempts} attempts, ..."`.',
            check_sentence,
            after=(3,),
            about_output=True,
            mistakes={
                "wrong-sentence": "The printed sentence is not the one asked for.",
                "hardcoded-sentence": "The sentence is written by hand and does not follow max_attempts.",
            },
        ),
    ),
    reference=Path(__file__).resolve().parent / "reference",
    names=(ATTEMPTS, FUNCTION, WAITS, "attempt"),
    expect=expect,
    variants=variants,
)
