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
from grader.result import Report, Result, Status, StepResult
from grader.safe import clean, one_line

MARKER = "<!-- grader-report -->"

PASS_MARK = "✅"
FAIL_MARK = "❌"
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
        blocks.append(f"> **Sandbox:** {escape_lines(report.sandbox_note)}")
    return "\n\n".join(blocks) + "\n"


def _totals(report: Report) -> str:
    """Say in one sentence how the batch did."""
    summary = report.summary()
    parts = [f"{summary.passed} passed", f"{summary.failed} failed"]
    if summary.errors:
        parts.append(f"{summary.errors} could not be graded")
    noun = "submission" if summary.submissions == 1 else "submissions"
    return (
        f"**{summary.score}/{summary.max_score}** steps passed"
        f" in {summary.submissions} {noun}: {', '.join(parts)}."
    )


def _table(report: Report) -> str:
    """Tabulate every submission against every step that any of them has."""
    numbers = sorted({step.step for result in report.results for step in result.steps})
    header = ["Submission", *(f"Step {n}" for n in numbers), "Score"]
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for result in report.results:
        marks = {step.step: (PASS_MARK if step.passed else FAIL_MARK) for step in result.steps}
        if result.status is Status.ERROR:
            score = f"{result.score}/{result.max_score} (could not be graded)"
        else:
            score = f"{result.score}/{result.max_score}"
        name = escape(one_line(result.submission))
        cells = [name, *(marks.get(n, NO_MARK) for n in numbers), score]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _feedback(result: Result) -> list[str]:
    """Explain what a submission got wrong, step by step."""
    mark = PASS_MARK if result.status is Status.PASSED else FAIL_MARK
    blocks = [f"### {mark} {escape(one_line(result.submission))}"]
    if result.message:
        where = f"\\\n*Where:* {result.location.describe()}" if result.location else ""
        blocks.append(f"{escape_lines(result.message)}{where}")
    failed = [step for step in result.steps if not step.passed]
    if result.status is Status.ERROR:
        # The steps were not judged; their shared message is said once, without
        # hints, since the learner must first make the file run.
        blocks.extend(_grouped(failed))
    else:
        blocks.extend(_step_feedback(step) for step in failed)
    if result.notes:
        blocks.append("\n".join(f"- {escape_lines(note)}" for note in result.notes))
    if clean(result.output).strip():
        blocks.append(
            "<details><summary>What the program printed</summary>\n\n"
            f"{fenced(result.output)}\n\n</details>"
        )
    return blocks


def _grouped(steps: list[StepResult]) -> list[str]:
    """Say each distinct message of unjudged steps once, naming the steps."""
    groups: dict[str, list[int]] = {}
    for step in steps:
        groups.setdefault(step.message or "This step was not graded.", []).append(step.step)
    return [
        f"**{'Step' if len(numbers) == 1 else 'Steps'} {', '.join(map(str, numbers))}:**"
        f" {escape_lines(message)}"
        for message, numbers in groups.items()
    ]


def _step_feedback(step: StepResult) -> str:
    """Give a failed step's title, message, place and hint."""
    lines = [f"**Step {step.step}: {escape(one_line(step.title))}**"]
    lines.append(escape_lines(step.message) if step.message else "This step did not pass.")
    if step.location is not None:
        lines.append(f"*Where:* {step.location.describe()}")
    if step.hint:
        lines.append(f"*Hint:* {escape_lines(step.hint)}")
    # A trailing backslash is a hard line break in GitHub Markdown and, unlike two
    # trailing spaces, survives editors that strip whitespace.
    return "\\\n".join(lines)
