"""The feedback on a failed step, as every report format words it.

Also what every human format shares about saying things once: a place is not named
again after a message that names it, and a program's error is not repeated below the
step that already explained it.
"""

from __future__ import annotations

import re

from grader.result import Location, Result, StepResult
from grader.safe import clean

# What a step about output shows of the program's printed lines, at most.
OUTPUT_LINES = 6
OUTPUT_LINE_CHARS = 200


def step_feedback(step: StepResult, where: bool = True, output: str | None = None) -> str:
    """Return what is wrong, where (unless said or placed by the format) and the hint.

    Given the program's output, a step about output adds the first lines it printed.
    """
    lines = [clean(step.message) or "This step did not pass."]
    if where and step.location is not None and not names_place(step.message, step.location):
        lines.append(f"Where: {step.location.describe()}")
    if output is not None and shows_output(step):
        shown, more = printed_lines(output)
        lines.append("What your program printed:" if shown else "Your program printed nothing.")
        lines.extend(f"    {line}" for line in shown)
        if more:
            lines.append(f"({more} more line{'s' if more > 1 else ''} not shown.)")
    if step.hint:
        lines.append(f"Hint: {clean(step.hint)}")
    return "\n".join(lines)


def names_place(message: str, location: Location) -> bool:
    """Whether a message already says where ("line 5", "cell 3, line 2")."""
    return re.search(rf"\b{re.escape(location.describe())}\b", message, re.IGNORECASE) is not None


def blocked(step: StepResult) -> bool:
    """Whether a step was not judged because an earlier one failed ("fix step 1 first")."""
    return step.blocked_by is not None


def shows_output(step: StepResult) -> bool:
    """Whether a failed step's feedback shows what the program printed."""
    return not step.passed and step.about_output and not blocked(step)


def printed_lines(output: str) -> tuple[list[str], int]:
    """Return the first lines the program printed, each capped, and how many more there are."""
    text = clean(output).rstrip("\n")
    if not text.strip():
        return [], 0
    lines = text.split("\n")
    shown = [
        line if len(line) <= OUTPUT_LINE_CHARS else line[: OUTPUT_LINE_CHARS - 3] + "..."
        for line in lines[:OUTPUT_LINES]
    ]
    return shown, max(0, len(lines) - OUTPUT_LINES)


def not_yet_said(result: Result) -> str:
    """Return the submission's message without the opening lines a step already gave.

    A run-time error explains the step it stopped, and is then the whole program's
    message too: the learner reads it once, where it matters.
    """
    message = clean(result.message)
    said = [clean(step.message) for step in result.steps if not step.passed]
    lines = message.split("\n")
    for count in range(len(lines), 0, -1):
        block = "\n".join(lines[:count])
        if any(block in text for text in said):
            return "\n".join(lines[count:]).strip("\n")
    return message
