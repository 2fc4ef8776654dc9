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
from grader.report.feedback import names_place, not_yet_said, printed_lines, shows_output
from grader.result import Location, Report, Result, Status, StepResult
from grader.safe import clean, one_line, shown_name

MARKER = "<!-- grader-report -->"

PASS_MARK = "✅"
FAIL_MARK = "❌"
NO_MARK = "—"
# A step not checked yet, because an earlier one must pass first.
WAIT_MARK = "⏳"

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
        praise = " Well done!" if summary.passed else ""
        return f"**{summary.score} of {summary.max_score} steps pass.**{praise}"
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
        marks = {step.step: _mark(step) for step in result.steps}
        if result.status is Status.ERROR:
            score = f"{result.score}/{result.max_score} (could not be graded)"
        else:
            score = f"{result.score}/{result.max_score}"
        name = escape(shown_name(result.submission))
        cells = [name, *(marks.get(n, NO_MARK) for n in numbers), score]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _feedback(result: Result) -> list[str]:
    """Explain what a submission got wrong, step by step."""
    mark = PASS_MARK if result.status is Status.PASSED else FAIL_MARK
    blocks = [f"### {mark} {escape(shown_name(result.submission))}"]
    failed = [step for step in result.steps if not step.passed]
    could_not_run = result.status is Status.ERROR
    if could_not_run and result.message:
        blocks.extend(_message(result.message, result.location))
    if not could_not_run:
        # A submission that could not run has its reason above and the table's marks:
        # its steps were not judged and have nothing of their own to say.
        for step in failed:
            blocks.extend(_step_feedback(step, result.output))
        rest = not_yet_said(result) if result.message else ""
        place = result.location
        if place is not None and names_place(result.message, place):
            place = None
        if rest:
            blocks.extend(_message(rest, place))
    if result.notes:
        blocks.append("\n".join(f"- {escape_lines(note)}" for note in result.notes))
    shown = any(shows_output(step) for step in result.steps)
    if clean(result.output).strip() and not (shown and not printed_lines(result.output)[1]):
        # The whole output, folded away, unless a step already showed all of it.
        blocks.append(
            "<details><summary>What the program printed</summary>\n\n"
            f"{fenced(result.output)}\n\n</details>"
        )
    return blocks


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
        self._close()
        self.blocks.append(text)

    def message(self, text: str) -> None:
        """Add a message: its sentences as lines, its quoted lines (code, caret) fenced."""
        quoted: list[str] = []
        for line in [*clean(text).strip("\n").split("\n"), ""]:
            if line[:1].isspace():
                quoted.append(line[4:] if line.startswith("    ") else line.lstrip())
                continue
            if quoted:
                self.block(fenced("\n".join(quoted)))
                quoted = []
            if line.strip():
                self.line(_escape_with_code(line.strip()))

    def done(self) -> list[str]:
        """Return the blocks, the last paragraph closed."""
        self._close()
        return self.blocks

    def _close(self) -> None:
        if self._lines:
            # A trailing backslash is a hard line break in GitHub Markdown and, unlike
            # two trailing spaces, survives editors that strip whitespace.
            self.blocks.append("\\\n".join(self._lines))
            self._lines = []


def _message(text: str, location: Location | None) -> list[str]:
    """Give a submission's message, with its place unless it names it already."""
    out = _Paragraphs()
    out.message(text)
    if location is not None and not names_place(text, location):
        out.line(f"*Where:* {location.describe()}")
    return out.done()


def _mark(step: StepResult) -> str:
    """A step's mark in the table: passed, failed, or waiting for an earlier step."""
    if step.passed:
        return PASS_MARK
    return WAIT_MARK if step.blocked_by is not None else FAIL_MARK


def _step_feedback(step: StepResult, output: str) -> list[str]:
    """Give a failed step's title, message, place, what was printed if it is about that, hint."""
    out = _Paragraphs()
    title = f"**Step {step.step}: {escape(one_line(step.title))}**"
    if step.blocked_by is not None:
        # Its reason is the earlier step's failure, said under that step.
        out.line(f"{WAIT_MARK} {title}: checked once step {step.blocked_by} passes\\.")
        return out.done()
    out.line(title)
    out.message(step.message or "This step did not pass.")
    if step.location is not None and not names_place(step.message, step.location):
        out.line(f"*Where:* {step.location.describe()}")
    if shows_output(step):
        shown, more = printed_lines(output)
        if shown:
            out.line("What your program printed:")
            out.block(fenced("\n".join(shown)))
            if more:
                out.line(f"({more} more line{'s' if more > 1 else ''} not shown\\.)")
        else:
            out.line("Your program printed nothing\\.")
    if step.hint:
        out.line(f"*Hint:* {escape_lines(step.hint)}")
    return out.done()
