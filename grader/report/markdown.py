"""The Markdown format: a report for a pull request comment or a job summary.

It opens with a hidden marker, ``<!-- grader-report -->``, so that a workflow can find
the comment it wrote before and update it instead of adding another. Then comes a table
of submissions by steps, and the feedback on each failed step.

Learner text (file names, messages quoting the learner's code, what the program
printed) is escaped: it can neither inject HTML nor Markdown, nor mention a person or
an issue. What the program printed goes in a fenced block longer than any run of
backticks inside it, so it cannot close the block early.
"""

from __future__ import annotations

import re

from grader.report.chart import pass_rate_chart
from grader.report.feedback import (
    MARKS,
    WAIT_MARK,
    Line,
    StepView,
    incomplete_note,
    more_lines,
    praise,
    view_of,
)
from grader.result import Report, Result, Status, StepResult
from grader.safe import clean, one_line, shown_name

MARKER = "<!-- grader-report -->"

# The marks of the text report, the same in every format.
PASS_MARK = MARKS[Status.PASSED]
FAIL_MARK = MARKS[Status.FAILED]
NO_MARK = "—"

# Characters with a meaning in GitHub Markdown, escaped with a backslash. `<`, `>` and
# `&` become entities instead, so that no tag and no entity can be formed.
_SPECIAL = frozenset("\\`*_{}[]()#+-.!|~=$:")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# A zero-width joiner after `@` (and after `#` before a digit) keeps GitHub from
# turning learner text into a mention that notifies someone, or a cross-reference.
_ZWJ = "\u200d"
_BACKTICKS = re.compile("`+")
_CODE_SPAN = re.compile("`([^`]+)`")
_WHITESPACE = re.compile(r"\s+")


def escape(text: str) -> str:
    """Escape learner text for Markdown on one line."""
    out: list[str] = []
    # Whitespace runs, newlines included, fold to one space; the ends are kept, as
    # this also escapes the pieces between code spans.
    text = _WHITESPACE.sub(" ", clean(text))
    for index, char in enumerate(text):
        if char in _ENTITIES:
            out.append(_ENTITIES[char])
        elif char == "@":
            out.append("@" + _ZWJ)
        elif char == "#" and text[index + 1 : index + 2].isdigit():
            out.append("\\#" + _ZWJ)
        elif char in _SPECIAL:
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def escape_lines(text: str) -> str:
    """Escape learner text that may span lines, keeping line breaks and code spans.

    Text between a pair of single backticks on one line stays a code span, as the
    feedback writes names that way: inside a code span nothing is HTML, Markdown or a
    mention, and the span cannot hold a backtick to close it early.
    """
    lines = clean(text).strip("\n").split("\n")
    return "<br>".join(_escape_with_code(line.strip()) for line in lines)


def _escape_with_code(line: str) -> str:
    """Escape one line, keeping its `code spans`."""
    out: list[str] = []
    position = 0
    for match in _CODE_SPAN.finditer(line):
        out.append(escape(line[position : match.start()]))
        # GitHub splits table rows on `|` even inside code spans.
        code = one_line(match.group(1)).replace("|", "\\|")
        out.append(f"`{code}`" if code.strip() else escape(match.group(0)))
        position = match.end()
    out.append(escape(line[position:]))
    return "".join(out)


def fenced(text: str, info: str = "text") -> str:
    """Put text in a fenced code block that nothing inside it can close."""
    text = clean(text).rstrip("\n")
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text}\n{fence}"


def render(report: Report) -> str:
    """Render the whole report as GitHub-flavoured Markdown."""
    blocks = [MARKER, "## Grading report"]
    if report.incomplete:
        blocks.append(f"> **Incomplete:** {escape(incomplete_note(report))}")
    if not report.results:
        blocks.append("No submission was graded.")
        return "\n\n".join(blocks) + "\n"
    blocks.append(_totals(report))
    blocks.append(_table(report))
    if len(report.results) > 1:
        blocks.append(pass_rate_chart(report))
    for result in report.results:
        if result.status is not Status.PASSED or result.message:
            blocks.extend(_feedback(result))
    if report.sandbox_note:
        # The note may already open with its subject; the label says it once.
        note = re.sub(r"^\s*sandbox:\s*", "", report.sandbox_note, flags=re.IGNORECASE)
        blocks.append(f"> **Sandbox:** {escape_lines(note)}")
    return "\n\n".join(blocks) + "\n"


def _totals(report: Report) -> str:
    """Say in one sentence how the submission, or the batch, did."""
    summary = report.summary()
    if summary.submissions == 1:
        # One learner's own report: in their words, not a batch's.
        result = report.results[0] if report.results else None
        status = result.status if result is not None else Status.FAILED
        end = praise(status, bool(result and result.message), "below").removeprefix(".")
        return f"**{summary.score} of {summary.max_score} steps pass.**{end}"
    parts = [f"{summary.passed} passed", f"{summary.failed} failed"]
    if summary.errors:
        parts.append(f"{summary.errors} could not be graded")
    return (
        f"**{summary.score}/{summary.max_score}** steps passed"
        f" in {summary.submissions} submissions: {', '.join(parts)}."
    )


def _table(report: Report) -> str:
    """Tabulate every submission against every step that any of them has."""
    numbers = sorted({step.step for result in report.results for step in result.steps})
    header = ["Submission", *(f"Step {n}" for n in numbers), "Score"]
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for result in report.results:
        marks = {step.step: _mark(step, result) for step in result.steps}
        if result.status is Status.ERROR:
            score = f"{result.score}/{result.max_score} (could not be graded)"
        else:
            score = f"{result.score}/{result.max_score}"
        name = escape(shown_name(result.submission))
        cells = [name, *(marks.get(n, NO_MARK) for n in numbers), score]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _feedback(result: Result) -> list[str]:
    """Explain what a submission got wrong: the text report's blocks, in its order."""
    view = view_of(result)
    mark = MARKS[view.status]
    out = _Paragraphs()
    out.block(f"### {mark} {escape(shown_name(view.name))}")
    out.message(view.opening)
    out.close()
    for step in view.steps:
        _step(out, step)
    out.message(view.closing)
    out.close()
    for note in view.notes:
        out.line(escape_lines(f"Note: {note}"))
    out.close()
    out.line(escape(view.progress))
    return out.done()


class _Paragraphs:
    """Blocks of Markdown built line by line: lines join with hard breaks, code is fenced."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self._lines: list[str] = []

    def line(self, text: str) -> None:
        """Add a line to the current paragraph."""
        self._lines.append(text)

    def block(self, text: str) -> None:
        """End the current paragraph and add a block of its own."""
        self.close()
        self.blocks.append(text)

    def message(self, lines: tuple[Line, ...]) -> None:
        """Add a message: its sentences as lines, its quoted lines (code, caret) fenced."""
        quoted: list[str] = []
        for text, is_quoted in [*lines, ("", False)]:
            if is_quoted:
                quoted.append(text)
                continue
            if quoted:
                self.block(fenced("\n".join(quoted)))
                quoted = []
            if text:
                self.line(_escape_with_code(text.strip()))

    def done(self) -> list[str]:
        """Return the blocks, the last paragraph closed."""
        self.close()
        return self.blocks

    def close(self) -> None:
        """End the current paragraph."""
        if self._lines:
            # A trailing backslash is a hard line break in GitHub Markdown and, unlike
            # two trailing spaces, survives editors that strip whitespace.
            self.blocks.append("\\\n".join(self._lines))
            self._lines = []


def _step(out: _Paragraphs, step: StepView) -> None:
    """Give a step's line and, if it failed, what is wrong, what was printed, the hint."""
    heading = escape(one_line(step.heading))
    out.line(
        f"{step.mark} **{heading}**" if step.status is Status.FAILED else f"{step.mark} {heading}"
    )
    if not step.message:
        return
    out.close()
    lines: list[Line] = list(step.message)
    if step.printed:
        lines.append(("What your program printed:", False))
        lines.extend((line, True) for line in step.printed)
    if step.more:
        lines.append((more_lines(step.more), False))
    out.message(tuple(lines))
    if step.hint:
        out.line(escape_lines(f"Hint: {step.hint}"))
    out.close()


def _mark(step: StepResult, result: Result) -> str:
    """A step's mark in the table, as the text report marks it: ✓, ✗, or ○ when waiting."""
    if step.passed:
        return PASS_MARK
    waiting = step.blocked_by is not None or result.status is Status.ERROR
    return WAIT_MARK if waiting else FAIL_MARK
