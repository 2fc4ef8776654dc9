"""The text report: what a learner reads in a terminal, step by step.

The grader's own lines sit at fixed places: the file's name at the margin, a mark and a
step's title (and the progress line) two columns in. Everything that may quote the
learner starts deeper: the submission's own message four columns in, a step's feedback
six. So learner text never starts a line at the grader's places: a file name is escaped
onto one line, and every quoted line of the learner's (their code, a caret under it,
what their program printed) hangs behind a ``|`` gutter, so no message, name or output
can draw a line that looks like the grader's ("✓ Step 3", "Progress: 4 / 4 steps").

Prose is wrapped to the width of the terminal with a hanging indent; quoted lines are
never wrapped, as a learner must see their code as they wrote it.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TextIO

from grader.report.feedback import (
    DEFAULT_WIDTH,
    FEEDBACK_INDENT,
    HANG,
    WAIT_MARK,
    Line,
    StepView,
    incomplete_note,
    more_lines,
    view_of,
)
from grader.result import Report, Result, Status
from grader.safe import defuse_commands, shown_name

# The narrowest width wrapped to (the default, DEFAULT_WIDTH, is the page's).
MIN_WIDTH = 40

# Where the grader's lines start: marks, then the feedback under them.
MARK_INDENT = 2
# A submission's own message and notes: deeper than any line of the grader's, as they
# quote the learner (a file name, an error's message, a notebook's metadata).
MESSAGE_INDENT = 4
# What marks a quoted line of the learner's.
GUTTER = "| "

_MARKS = {Status.PASSED: "✓", Status.FAILED: "✗", Status.ERROR: "!"}
# For a stream that cannot encode the marks (a cp1252 console, a file on Windows).
_ASCII_MARKS = {Status.PASSED: "PASS", Status.FAILED: "FAIL", Status.ERROR: "!"}
# A step not checked yet, because an earlier one must pass first: not a second failure.
ASCII_WAIT_MARK = "WAIT"
_COLOURS = {Status.PASSED: "\x1b[32m", Status.FAILED: "\x1b[31m", Status.ERROR: "\x1b[33m"}
_RESET = "\x1b[0m"

# A `code span` in the grader's prose: wrapped as one word, never split at its spaces.
_CODE_SPAN = re.compile(r"`[^`\n]+`")
_KEEP_TOGETHER = "\x00"
# A dictionary shown in a sentence breaks between its entries, never inside one.
_ENTRY = re.compile(r"(?<=:) (?=[^{}\n]*\})")
# A line of carets under a quoted line of code.
_CARET = re.compile(r" *[\^~]+ *")
# The narrowest piece a quoted line is cut into.
MIN_CODE = 20
# The reason a step waits, in brackets at the end of its line.
_REASON = re.compile(r"\([^()]*\)$")
# A line that opens with a label ("Expected: ", "Found:    ") continues under its value.
_LABEL = re.compile(r"[A-Z][a-z]*: +(?=\S)")


@dataclass(frozen=True)
class Style:
    """How the report is drawn for where it goes: width, colour and marks."""

    width: int = DEFAULT_WIDTH
    colour: bool = False
    unicode: bool = True
    # On a terminal, a quoted line wider than the width is cut into pieces that each keep
    # the gutter (the terminal would otherwise wrap it to its left margin); elsewhere
    # (a file, a pipe) it stays whole.
    wrap_code: bool = False


PLAIN = Style()


def style_for(stream: TextIO, environ: Mapping[str, str] | None = None) -> Style:
    """Choose the style for a stream: a terminal's width and colour, marks it can encode."""
    environ = os.environ if environ is None else environ
    tty = _isatty(stream)
    width = DEFAULT_WIDTH
    if tty:
        with contextlib.suppress(OSError, ValueError):  # not a real file descriptor
            width = os.get_terminal_size(stream.fileno()).columns
        if environ.get("COLUMNS", "").isdigit():
            width = int(environ["COLUMNS"])
    return Style(
        width=max(MIN_WIDTH, width),
        colour=wants_colour(tty, environ),
        unicode=can_encode(getattr(stream, "encoding", None), "✓✗" + WAIT_MARK),
        wrap_code=tty,
    )


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (OSError, ValueError):  # a closed or detached stream
        return False


def wants_colour(tty: bool, environ: Mapping[str, str]) -> bool:
    """Decide on colour as CPython does: NO_COLOR, then FORCE_COLOR, then a terminal."""
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    if environ.get("TERM") == "dumb":
        return False
    # A Windows console shows escape codes as text unless it is a modern terminal.
    if os.name == "nt" and not environ.get("WT_SESSION"):
        return False
    return tty


def can_encode(encoding: str | None, text: str) -> bool:
    """Whether a stream with this encoding can write the text."""
    if not encoding:
        return False
    try:
        codecs.lookup(encoding)
        text.encode(encoding)
    except (LookupError, UnicodeEncodeError):
        return False
    return True


class _Page:
    """Lines of a report being laid out, and which of them carry a mark to colour."""

    def __init__(self, style: Style) -> None:
        self.style = style
        self.lines: list[str] = []
        self.marked: dict[int, Status] = {}

    def prose(self, text: str, indent: int, hang: int = HANG) -> None:
        """Add the grader's sentences, wrapped with a hanging indent."""
        protected = _CODE_SPAN.sub(lambda m: m.group().replace(" ", _KEEP_TOGETHER), text)
        protected = _ENTRY.sub(_KEEP_TOGETHER, protected)
        wrapped = textwrap.wrap(
            protected,
            width=self.style.width,
            initial_indent=" " * indent,
            subsequent_indent=" " * (indent + hang),
            break_long_words=False,
            break_on_hyphens=False,
        )
        self.lines.extend(line.replace(_KEEP_TOGETHER, " ") for line in wrapped or [""])

    def quoted(self, text: str, indent: int) -> None:
        """Add one line of the learner's behind the gutter, as it is, never wrapped."""
        self.lines.append(" " * indent + GUTTER + text.rstrip())

    def message(self, lines: tuple[Line, ...], indent: int) -> None:
        """Add a message: its sentences wrapped, its quoted lines behind the gutter."""
        run: list[str] = []
        for text, quoted in [*lines, ("", False)]:
            if quoted:
                run.append(text)
                continue
            if run:
                self.code(run, indent)
                run = []
            if text:
                label = _LABEL.match(text)
                self.prose(text, indent, hang=len(label.group()) if label else HANG)

    def code(self, lines: list[str], indent: int) -> None:
        """Add the learner's lines behind the gutter, cut to the width on a terminal.

        A caret line under a line of code is cut at the same columns, so that each piece
        of the caret stays under its piece of code.
        """
        room = self.style.width - indent - len(GUTTER)
        if not self.style.wrap_code or room < MIN_CODE or all(len(t) <= room for t in lines):
            for text in lines:
                self.quoted(text, indent)
            return
        index = 0
        while index < len(lines):
            text = lines[index]
            caret = (
                lines[index + 1]
                if index + 1 < len(lines) and _CARET.fullmatch(lines[index + 1])
                else None
            )
            for start in range(0, max(len(text), 1), room):
                self.quoted(text[start : start + room], indent)
                if caret is not None and caret[start : start + room].strip():
                    self.quoted(caret[start : start + room], indent)
            index += 2 if caret is not None else 1

    def mark(self, status: Status | None, text: str) -> None:
        """Add a step's line: its mark (None: not checked yet), then its title."""
        if status is None:
            mark = WAIT_MARK if self.style.unicode else ASCII_WAIT_MARK
        else:
            mark = (_MARKS if self.style.unicode else _ASCII_MARKS)[status]
            self.marked[len(self.lines)] = status
        # Why a step waits, "(checked once step 3 passes)", is read as one: never split.
        kept = _REASON.sub(lambda m: m.group().replace(" ", _KEEP_TOGETHER), text)
        self.prose(f"{mark} {kept}", MARK_INDENT, hang=len(mark) + 1)

    def text(self) -> str:
        """Return the page, its marks coloured if the style asks for it."""
        # Learner text may still hold something a CI runner reads as a command.
        lines = defuse_commands("\n".join(self.lines)).split("\n")
        if self.style.colour:
            for index, status in self.marked.items():
                line = lines[index]
                mark = line[MARK_INDENT:].split(" ", 1)[0]
                start, end = MARK_INDENT, MARK_INDENT + len(mark)
                lines[index] = f"{line[:start]}{_COLOURS[status]}{mark}{_RESET}{line[end:]}"
        return "\n".join(lines)


def render_result(result: Result, style: Style = PLAIN) -> str:
    """Write one submission's feedback."""
    view = view_of(result)
    page = _Page(style)
    page.lines.append(shown_name(view.name))
    page.message(view.opening, MESSAGE_INDENT)
    for step in view.steps:
        page.mark(step.status, step.heading)
        _step_feedback(page, step)
    page.message(view.closing, MESSAGE_INDENT)
    for note in view.notes:
        page.prose(f"Note: {note}", MESSAGE_INDENT, hang=len("Note: "))
    page.prose(view.progress, MARK_INDENT)
    return page.text()


def _step_feedback(page: _Page, step: StepView) -> None:
    """Say what is wrong with a step, what the program printed, and the hint."""
    page.message(step.message, FEEDBACK_INDENT)
    if step.printed:
        page.prose("What your program printed:", FEEDBACK_INDENT)
        for line in step.printed:
            page.quoted(line, FEEDBACK_INDENT)
    if step.more:
        page.prose(more_lines(step.more), FEEDBACK_INDENT)
    if step.hint:
        page.prose(f"Hint: {step.hint}", FEEDBACK_INDENT, hang=len("Hint: "))


# How many of the most common mistakes the batch summary lists.
TOP_MISTAKES = 5


def batch_summary(report: Report, style: Style = PLAIN) -> str:
    """Write the pass rate of each step and the most common mistakes of a batch."""
    summary = report.summary()
    titles = {step.step: step.title for result in report.results for step in result.steps}
    page = _Page(style)
    page.prose("Pass rate per step:", 0)
    for number, passes in summary.step_passes.items():
        rate = 100 * passes / summary.submissions if summary.submissions else 0
        head = f"Step {number}: {passes} / {summary.submissions} ({rate:.0f}%)  "
        page.prose(f"{head}{titles.get(number, '')}".rstrip(), MARK_INDENT, hang=len(head))
    # "Fix step 1 first" follows from another mistake; count the mistakes themselves.
    mistakes = [(code, n) for code, n in summary.mistakes if ".needs-step" not in code]
    if mistakes:
        shown = mistakes[:TOP_MISTAKES]
        page.prose("Most common mistakes (submissions, code, what it means):", 0)
        count_width = len(str(shown[0][1]))
        code_width = max(len(code) for code, _ in shown)
        for code, count in shown:
            head = f"{count:>{count_width}}  {code:<{code_width}}  "
            page.prose(
                f"{head}{report.glossary.get(code, '')}".rstrip(), MARK_INDENT, hang=len(head)
            )
        if len(mistakes) > TOP_MISTAKES:
            page.prose(
                f"... and {len(mistakes) - TOP_MISTAKES} more (--format csv or json lists "
                "every submission's codes).",
                MARK_INDENT,
            )
    return page.text()


def render(report: Report, style: Style = PLAIN) -> str:
    """Write every submission's feedback, then totals when there are several.

    The sandbox tier is for course staff, not for the learner: the command line says it
    on standard error, and the JSON and CI formats carry it.
    """
    parts = [render_result(result, style) for result in report.results]
    if len(report.results) > 1:
        summary = report.summary()
        totals = _Page(style)
        totals.prose(
            f"{summary.submissions} submissions: {summary.passed} passed, "
            f"{summary.failed} failed, {summary.errors} could not be graded.",
            0,
        )
        parts.append(totals.text() + "\n" + batch_summary(report, style))
    if report.incomplete:
        stopped = _Page(style)
        stopped.prose(incomplete_note(report), 0)
        parts.append(stopped.text())
    return "\n\n".join(parts) + "\n"
