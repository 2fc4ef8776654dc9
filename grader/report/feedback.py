"""The feedback on a failed step, as every report format words it."""

from __future__ import annotations

from grader.result import StepResult
from grader.safe import clean


def step_feedback(step: StepResult, where: bool = True) -> str:
    """Return what is wrong, where (unless the format places it itself) and the hint."""
    lines = [clean(step.message) or "This step did not pass."]
    if where and step.location is not None:
        lines.append(f"Where: {step.location.describe()}")
    if step.hint:
        lines.append(f"Hint: {clean(step.hint)}")
    return "\n".join(lines)
