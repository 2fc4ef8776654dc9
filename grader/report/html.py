"""The HTML report: what `%grade` shows in a notebook, one block per submission.

Self-contained (inline styles only, no script), so that it shows the same in Jupyter,
JupyterLab, VS Code and Colab; every learner-derived text is escaped.
"""

from __future__ import annotations

from html import escape

from grader.result import Report, Result, Status, StepResult

_MARKS = {
    Status.PASSED: ("✓", "#1a7f37"),
    Status.FAILED: ("✗", "#cf222e"),
    Status.ERROR: ("!", "#9a6700"),
}
_BOX = "font-family: sans-serif; line-height: 1.4; margin: 0.5em 0;"
_PRE = "white-space: pre-wrap; margin: 0.3em 0 0.3em 1.6em; font-family: inherit;"
_CODE = "white-space: pre-wrap; margin: 0.3em 0 0.3em 1.6em;"


def render(report: Report, notes: tuple[str, ...] = ()) -> str:
    """Write every submission's feedback as HTML, with notes for the reader on top."""
    parts = [
        f'<p style="color: #9a6700; margin: 0.3em 0;"><b>Note:</b> {escape(note)}</p>'
        for note in notes
    ]
    parts.extend(render_result(result) for result in report.results)
    return f'<div class="grader-report" style="{_BOX}">' + "".join(parts) + "</div>"


def render_result(result: Result) -> str:
    """Write one submission's marks per step, its feedback and where to fix it."""
    mark, colour = _MARKS[result.status]
    lines = [
        f'<p style="margin: 0.3em 0;"><b>{escape(result.submission)}</b> '
        f'<span style="color: {colour};">{mark}</span> '
        f"Progress: {result.score} / {result.max_score} steps</p>"
    ]
    if result.message:
        where = f" ({escape(result.location.describe())})" if result.location else ""
        lines.append(f'<div style="{_PRE}">{escape(result.message)}{where}</div>')
    lines.append('<ul style="list-style: none; padding-left: 0; margin: 0.3em 0;">')
    lines.extend(_step(step) for step in result.steps)
    lines.append("</ul>")
    lines.extend(f'<p style="margin: 0.3em 0;">{escape(note)}</p>' for note in result.notes)
    if result.output:
        lines.append(
            "<details><summary>What your program printed</summary>"
            f'<pre style="{_CODE}">{escape(result.output)}</pre></details>'
        )
    return "".join(lines)


def _step(step: StepResult) -> str:
    """Write one step: its mark and title, and for a failed step the feedback and hint."""
    mark, colour = _MARKS[step.status]
    item = (
        f'<li style="margin: 0.2em 0;"><span style="color: {colour}; font-weight: bold;">'
        f"{mark}</span> Step {step.step}: {escape(step.title)}"
    )
    if not step.passed:
        if step.location is not None:
            item += f' <span style="color: #57606a;">({escape(step.location.describe())})</span>'
        item += f'<div style="{_PRE}">{escape(step.message)}</div>'
        if step.hint:
            item += f'<div style="{_PRE} color: #57606a;">Hint: {escape(step.hint)}</div>'
    return item + "</li>"
