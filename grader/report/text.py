"""The text report: what a learner reads in a terminal, step by step."""

from __future__ import annotations

from grader.report._safe import defuse_commands
from grader.result import Report, Result, Status

_MARK = {Status.PASSED: "✓", Status.FAILED: "✗", Status.ERROR: "!"}


def _indent(text: str, prefix: str = "      ") -> str:
    return "\n".join(prefix + line if line else line for line in text.split("\n"))


def render_result(result: Result) -> str:
    """Write one submission's feedback."""
    lines = [f"{result.submission}"]
    if result.status is Status.ERROR and result.message:
        lines.append(_indent(result.message, "  "))
    for step in result.steps:
        lines.append(f"  {_MARK[step.status]} Step {step.step}: {step.title}")
        if step.passed or (
            result.status is Status.ERROR
            and not result.steps[0].passed
            and step.message.startswith("Not graded")
        ):
            continue
        lines.append(_indent(step.message))
        if step.hint:
            lines.append(_indent(f"Hint: {step.hint}"))
    if result.status is not Status.ERROR and result.message:
        lines.append(_indent(result.message, "  "))
    for note in result.notes:
        lines.append(_indent(f"Note: {note}", "  "))
    lines.append(f"  Progress: {result.score} / {result.max_score} steps")
    return "\n".join(lines)


def render(report: Report) -> str:
    """Write every submission's feedback, then totals when there are several."""
    parts = [render_result(result) for result in report.results]
    if len(report.results) > 1:
        summary = report.summary()
        parts.append(
            f"{summary.submissions} submissions: {summary.passed} passed, "
            f"{summary.failed} failed, {summary.errors} could not be graded."
        )
    if report.sandbox_note:
        parts.append(report.sandbox_note)
    # Learner text (quoted lines, error messages) lands in terminals and CI logs: no
    # escape sequence may recolour them and no line may become a workflow command.
    return defuse_commands("\n\n".join(parts)) + "\n"
