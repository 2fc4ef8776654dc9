"""Said once: one fact, one sentence, wherever in a report it would otherwise appear again.

A report is written by several hands: the step that failed, the error that stopped the
program, the program's own message after the steps. Each is right alone; together they
can say one thing twice in different words ("`load` was never created" above
"NameError: name 'load' is not defined"), or say the same error under every step it
kept from running. The functions here keep each fact in the one place it matters most.
"""

from __future__ import annotations

import re
from dataclasses import replace

from grader.result import Result, StepResult
from grader.sandbox import Error


def said_once(steps: tuple[StepResult, ...]) -> tuple[StepResult, ...]:
    """Point a step failed by the same error of the program as an earlier step to that step.

    One error that stops the program early (a missing module) fails every step whose
    name it kept from being created; the learner reads its explanation once, under the
    first of them, and the others wait for that step, as blocked steps do.
    """
    first: dict[tuple[str, object], int] = {}
    out = []
    for step in steps:
        key = (step.code or "", step.location)
        own = step.code is None or step.code.startswith(f"step{step.step}.")
        if step.passed or own or step.blocked_by is not None:
            out.append(step)
            continue
        if key in first:
            step = replace(step, blocked_by=first[key], hint="")
        else:
            first[key] = step.step
        out.append(step)
    return tuple(out)


# "`load` was never created." before the NameError that says why, about the same name.
_NEVER_CREATED = re.compile(r"^`(\w+)` was never created\. (?=.*name '\1' is not defined)", re.S)


# "`table` at line 2 is a set, not a dictionary": what a value is, and is not.
_KIND_OF = re.compile(r"`(\w+)`[^.`]*? is an? (\w+), not an? (\w+)")


def say_once(result: Result) -> Result:
    """Drop what a report says twice.

    A step's hint, when its message already says where and what to write; a name's
    absence, before the error saying so; and the program's error, when it explains
    what a value is (a set, not a dictionary) that a failed step has said already: the
    step says it where the mistake is, and the error is its consequence.
    """
    steps = tuple(
        replace(
            s,
            message=_NEVER_CREATED.sub("", s.message),
            hint="" if names_the_change(s.message) else s.hint,
        )
        for s in result.steps
    )
    message, location = _NEVER_CREATED.sub("", result.message), result.location
    said = {fact for s in steps if not s.passed for fact in _KIND_OF.findall(s.message)}
    if said and said & set(_KIND_OF.findall(message)):
        message, location = "", None
    if _consequence(steps, message):
        message, location = "", None
    return replace(result, steps=steps, message=message, location=location)


# "`load` is [7] (a list)": the kind of a value a failed step said was wrong.
_KIND_SAID = re.compile(r"\((an? [a-z]+)\)")


def _consequence(steps: tuple[StepResult, ...], message: str) -> bool:
    """Whether the program's type error is about a value of the kind a failed step said.

    "`load` is [7] (a list)" under a step, then "`>=` cannot compare a whole number with
    a list" below the steps: the error follows from the step's mistake, which its step
    says where it is; the error said again would be the same fact twice.
    """
    if "TypeError" not in message:
        return False
    kinds = {kind for s in steps if not s.passed for kind in _KIND_SAID.findall(s.message)}
    return any(re.search(rf"\b{re.escape(kind)}\b", message) for kind in kinds)


_PLACE = re.compile(r"\b(?:line|cell) \d+", re.IGNORECASE)
_CODE = re.compile(r"`[^`\n]+`")
# A message that gives the very code to add: "Add `print(x)` after the loop".
_TO_WRITE = re.compile(r"\b(?:Add|Write)\s+`[^`\n]+`")


def names_the_change(message: str) -> bool:
    """Whether a step's message says where the mistake is and quotes the code to write,
    or gives the code to add (something missing has no place of its own).

    Such a message already gives what a step's hint gives (where to start, what to
    write), for this very program: the hint beside it would be the same advice again.
    """
    return bool(_PLACE.search(message) and _CODE.search(message)) or bool(_TO_WRITE.search(message))


def more_cells(errors: tuple[Error, ...], first: int | None = None) -> str:
    """Name the other notebook cells that stopped with an error, after the first one's explanation.

    ``first`` is the cell whose error was explained: named, so that the note says which
    one to fix, whichever step it is read under. Running the cells again is the first
    explanation's to say, or a matter of course once that cell is fixed: not said twice.
    """
    cells = sorted({e.cell for e in errors if e.cell is not None} - {first})
    if not cells:
        count = len(errors)
        return f"({count} more error{'s' if count > 1 else ''} followed; fix this one first.)"
    named = _joined([str(c) for c in cells])
    one = len(cells) == 1
    cause = f"the error in cell {first}" if first is not None else "this one"
    return (
        f"(Cell{'' if one else 's'} {named} stopped with an error as well, often because of "
        f"{cause}: fix that one first.)"
    )


def _joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
