"""The HTML report: what `%grade` shows in a notebook, one block per submission.

It draws the same View as the text report (grader.report.feedback): the same blocks in
the same order, the same marks (✓ ✗ ! ○) and the same words. The learner's code and
Python's caret under it are set in a monospace block, so the caret points at the
character it means; `code` in a sentence is set as code.

Self-contained (inline styles only, no script), so that it shows the same in Jupyter,
JupyterLab, VS Code and Colab; every learner-derived text is escaped.
"""

from __future__ import annotations

import re
from html import escape

from grader.report.feedback import Line, StepView, View, incomplete_note, more_lines, view_of
from grader.result import Report, Result, Status

_COLOURS = {Status.PASSED: "#1a7f37", Status.FAILED: "#cf222e", Status.ERROR: "#9a6700"}
_WAITING = "#57606a"
_BOX = "font-family: sans-serif; line-height: 1.45; margin: 0.5em 0;"
_LINE = "margin: 0.15em 0;"
_MONO = "font-family: SFMono-Regular, Consolas, 'Liberation Mono', Menlo, monospace;"
_QUOTED = (
    f"{_MONO} white-space: pre; margin: 0.2em 0; padding: 0.1em 0.6em; overflow-x: auto; "
    "border-left: 3px solid #d0d7de; background: #f6f8fa; color: #1f2328;"
)
_CODE = f"{_MONO} font-size: 0.95em; background: #eff1f3; padding: 0 0.2em; border-radius: 3px;"
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
# Where a step's and a message's text sit, as the text report indents them.
_MESSAGE, _STEP, _FEEDBACK = "1.2em", "0.6em", "2.4em"


def render(report: Report, notes: tuple[str, ...] = ()) -> str:
    """Write every submission's feedback as HTML, with notes for the reader on top."""
    said = (*notes, incomplete_note(report)) if report.incomplete else notes
    parts = [f'<p style="color: #9a6700; {_LINE}"><b>Note:</b> {prose(note)}</p>' for note in said]
    parts.extend(render_result(result) for result in report.results)
    return f'<div class="grader-report" style="{_BOX}">' + "".join(parts) + "</div>"


def prose(text: str) -> str:
    """Escape a sentence of the grader's, setting its `code spans` as code."""
    out: list[str] = []
    position = 0
    for match in _CODE_SPAN.finditer(text):
        out.append(escape(text[position : match.start()]))
        out.append(f'<code style="{_CODE}">{escape(match.group(1))}</code>')
        position = match.end()
    out.append(escape(text[position:]))
    return "".join(out)


def _message(lines: tuple[Line, ...], indent: str) -> str:
    """A message: its sentences as lines, its quoted lines in one monospace block each run."""
    out: list[str] = []
    quoted: list[str] = []
    for text, is_quoted in [*lines, ("", False)]:
        if is_quoted:
            quoted.append(escape(text))
            continue
        if quoted:
            out.append(
                f'<pre class="grader-code" style="{_QUOTED}">' + "\n".join(quoted) + "</pre>"
            )
            quoted = []
        if text:
            out.append(f'<div style="{_LINE}">{prose(text)}</div>')
    if not out:
        return ""
    return f'<div style="margin-left: {indent};">' + "".join(out) + "</div>"


def _mark(status: Status | None, mark: str) -> str:
    colour = _WAITING if status is None else _COLOURS[status]
    return f'<span class="grader-mark" style="color: {colour}; font-weight: bold;">{mark}</span>'


def _step(step: StepView) -> str:
    """One step: its mark and title, and for a failed step what is wrong and the hint."""
    colour = f" color: {_WAITING};" if step.status is None else ""
    out = [
        f'<div class="grader-step" style="{_LINE} margin-left: {_STEP};{colour}">'
        f"{_mark(step.status, step.mark)} {escape(step.heading)}</div>"
    ]
    lines: list[Line] = list(step.message)
    if step.printed:
        lines.append(("What your program printed:", False))
        lines.extend((line, True) for line in step.printed)
    if step.more:
        lines.append((more_lines(step.more), False))
    if step.hint:
        lines.append((f"Hint: {step.hint}", False))
    out.append(_message(tuple(lines), _FEEDBACK))
    return "".join(out)


def render_result(result: Result) -> str:
    """Write one submission's feedback: the same blocks as the text report, in its order."""
    view: View = view_of(result)
    parts = [
        f'<div class="grader-name" style="{_LINE} font-weight: bold;">{escape(view.name)}</div>'
    ]
    parts.append(_message(view.opening, _MESSAGE))
    parts.extend(_step(step) for step in view.steps)
    parts.append(_message(view.closing, _MESSAGE))
    parts.extend(
        f'<div style="{_LINE} margin-left: {_MESSAGE};">Note: {prose(note)}</div>'
        for note in view.notes
    )
    parts.append(f'<div style="{_LINE} margin-left: {_STEP};">{escape(view.progress)}</div>')
    return (
        '<div class="grader-result" style="margin: 0.4em 0 0.8em 0;">' + "".join(parts) + "</div>"
    )
