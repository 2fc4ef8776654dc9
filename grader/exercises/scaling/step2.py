"""Step 2: `load` is the reference's int."""

from __future__ import annotations

from grader.checks.kit import Case, Verdict, equals
from grader.exercise import Step
from grader.exercises.scaling.spec import LOAD

INSTRUCTION = "Create a variable called `load` and set it to 7."


def check(case: Case) -> Verdict:
    """Step 2: `load` is the reference's int."""
    return equals(case, LOAD, case.expected.load, INSTRUCTION)


STEP = Step(
    number=2,
    title="Set the current load value",
    instruction=INSTRUCTION,
    hint="Just assign the number 7 to the variable named `load`.",
    rule=check,
    hinted=("missing", "bool-value", "float-value", "string-value", "wrong-value"),
    mistakes={
        "missing": "There is no variable named load.",
        "name": "The load exists under another name than load.",
        "not-top-level": "load is only created inside a function.",
        "bool-value": "load is True/False instead of the number 7.",
        "float-value": "load is 7.0, a float, instead of the whole number 7.",
        "string-value": "load is the string '7' instead of the number 7.",
        "wrong-value": "load has another value than 7.",
    },
)
