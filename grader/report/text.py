"""The text report: what a learner reads in a terminal, step by step."""

from __future__ import annotations

from grader.mistakes import explain_code
from grader.result import Report, Result, Status
from grader.safe import defuse_commands

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
        # A file that could not be loaded has no mistake per step: its message says all.
        not_graded = result.status is Status.ERROR and step.code is None
        if step.passed or not_graded:
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


# How many of the most common mistakes the batch summary lists.
TOP_MISTAKES = 5


def batch_summary(report: Report) -> str:
    """Write the pass rate of each step and the most common mistakes of a batch."""
    summary = report.summary()
    titles = {step.step: step.title for result in report.results for step in result.steps}
    lines = ["Pass rate per step:"]
    for number, passes in summary.step_passes.items():
        rate = 100 * passes / summary.submissions if summary.submissions else 0
        lines.append(
            f"  Step {number}: {passes} / {summary.submissions} ({rate:.0f}%)  "
            f"{titles.get(number, '')}".rstrip()
        )
    # "Fix step 1 first" follows from another mistake; count the mistakes themselves.
    mistakes = [(code, n) for code, n in summary.mistakes if ".needs-step" not in code]
    if mistakes:
        shown = mistakes[:TOP_MISTAKES]
        lines.append("Most common mistakes (submissions, code, what it means):")
        count_width = len(str(shown[0][1]))
        code_width = max(len(code) for code, _ in shown)
        for code, count in shown:
            lines.append(
                f"  {count:>{count_width}}  {code:<{code_width}}  {explain_code(code)}".rstrip()
            )
        if len(mistakes) > TOP_MISTAKES:
            lines.append(
                f"  ... and {len(mistakes) - TOP_MISTAKES} more (--format csv or json lists "
                "every submission's codes)."
            )
    return "\n".join(lines)


def render(report: Report) -> str:
    """Write every submission's feedback, then totals when there are several."""
    parts = [render_result(result) for result in report.results]
    if len(report.results) > 1:
        summary = report.summary()
        parts.append(
            f"{summary.submissions} submissions: {summary.passed} passed, "
            f"{summary.failed} failed, {summary.errors} could not be graded.\n"
            + batch_summary(report)
        )
    if report.sandbox_note:
        parts.append(report.sandbox_note)
    # Learner text (quoted lines, error messages) lands in terminals and CI logs: no
    # escape sequence may recolour them and no line may become a workflow command.
    return defuse_commands("\n\n".join(parts)) + "\n"
