"""The GitHub Actions format: annotations on the learner's file, a job summary, outputs.

``render`` prints one ``::error`` workflow command per failed step (and one per
submission that could not be graded), so that GitHub shows the feedback on the
pull request's diff, followed by one plain line per submission.

``write_workflow_files`` is for the command line to call when it runs inside a
workflow: it appends the Markdown report to the job summary and sets the step's
outputs.

GitHub drops what goes past its limits without a word, so the format stays within
them (GitHub's documentation, "Workflow commands for GitHub Actions" and "Adding a
job summary"): at most 10 error annotations a step (50 a job), and a step summary of
at most 1 MiB. With more mistakes than that, each submission gets one annotation, and a
notice says how many more the summary lists; a summary too long is cut between two
blocks, never inside a code block or a ``<details>`` block, with a note that says so.
``cut_markdown`` does the same for a pull request comment (65,536 characters).

Learner text reaches the runner's log here, and the runner executes any line of a
step's output that starts with ``::``. Every piece of it is therefore escaped the way
GitHub's own toolkit escapes command data and properties, so that a newline in a
message cannot begin a command of its own.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping

from grader.report import classroom, markdown
from grader.report.feedback import incomplete_note, step_feedback
from grader.result import Location, Report, Result, Status
from grader.safe import clean, defuse_commands, one_line, shown_name

# At most this many error annotations of a step are kept by GitHub; the rest are lost.
MAX_ERRORS = 10
# A step's summary is refused beyond 1 MiB; keep a margin for what other steps append.
SUMMARY_BYTES = 1024 * 1024 - 16 * 1024
# GitHub refuses a comment over 65,536 characters (UTF-16 code units, as JavaScript
# counts); the pull request comment is cut well before.
COMMENT_CHARS = 60_000

CUT_NOTE = "*The report was cut short here: the workflow run's log has all of it.*"


class WorkflowFileError(Exception):
    """A file that GitHub names in the environment cannot be written; says which, in one line."""


def escape_data(text: str) -> str:
    """Escape the message of a workflow command, as @actions/core does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value of a workflow command, as @actions/core does."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(
    message: str,
    *,
    file: str,
    title: str,
    line: int | None = None,
    level: str = "error",
) -> str:
    """Build one annotation command; the arguments may hold any text."""
    properties = [f"file={escape_property(file)}"]
    if line is not None:
        properties.append(f"line={max(line, 1)}")
    properties.append(f"title={escape_property(title)}")
    return f"::{level} {','.join(properties)}::{escape_data(message)}"


def overall_status(report: Report) -> Status:
    """Sum a report up in one status; a report that graded nothing is an error."""
    if not report.results or any(r.status is Status.ERROR for r in report.results):
        return Status.ERROR
    return Status.PASSED if report.all_passed else Status.FAILED


def render(report: Report) -> str:
    """Render the annotations, then one summary line per submission."""
    lines = _within_limit([_annotations(result) for result in report.results])
    if report.incomplete:
        lines.append(f"::warning title=Incomplete::{escape_data(incomplete_note(report))}")
    if report.sandbox_note:
        lines.append(f"::notice title=Sandbox::{escape_data(clean(report.sandbox_note))}")
    lines.extend(_summary_line(result) for result in report.results)
    if not report.results:
        lines.append("No submission was graded.")
    elif len(report.results) > 1:
        summary = report.summary()
        lines.append(
            f"Total: {summary.score}/{summary.max_score} steps passed"
            f" over {summary.submissions} submissions."
        )
    return "\n".join(lines) + "\n"


def _within_limit(per_result: list[list[str]]) -> list[str]:
    """Keep to GitHub's annotations a step: all of them, or one per submission and a notice."""
    total = sum(len(annotations) for annotations in per_result)
    if total <= MAX_ERRORS:
        return [line for annotations in per_result for line in annotations]
    firsts = [annotations[0] for annotations in per_result if annotations][:MAX_ERRORS]
    left = total - len(firsts)
    noun = "mistake is" if left == 1 else "mistakes are"
    notice = (
        f"{left} more {noun} not annotated: GitHub shows at most {MAX_ERRORS} a step."
        " The job summary lists every one."
    )
    return [*firsts, f"::notice title=More in the job summary::{escape_data(notice)}"]


def write_workflow_files(report: Report, environ: Mapping[str, str]) -> None:
    """Append the job summary and the step outputs to the files GitHub names.

    Raise WorkflowFileError, with one line naming the variable and the path, when
    one of them cannot be written.
    """
    summary_file = environ.get("GITHUB_STEP_SUMMARY")
    if summary_file:
        summary = cut_markdown(markdown.render(report), SUMMARY_BYTES, _utf8_size)
        _append("GITHUB_STEP_SUMMARY", summary_file, summary)
    output_file = environ.get("GITHUB_OUTPUT")
    if output_file:
        totals = report.summary()
        outputs = {
            "score": str(totals.score),
            "max-score": str(totals.max_score),
            "status": overall_status(report).value,
            "result": classroom.encode(report),
        }
        _append("GITHUB_OUTPUT", output_file, format_outputs(outputs))


def _append(variable: str, path: str, text: str) -> None:
    """Append text to a file a workflow variable names, or say in one line why not."""
    try:
        # A lone surrogate the formats missed is escaped rather than left to fail half-way.
        with open(path, "a", encoding="utf-8", errors="backslashreplace") as stream:
            stream.write(text)
    except OSError as error:
        reason = error.strerror or str(error)
        raise WorkflowFileError(f"cannot write {variable} ({path}): {reason}.") from None


def _utf8_size(text: str) -> int:
    return len(text.encode("utf-8"))


def utf16_size(text: str) -> int:
    """Count text as JavaScript, and so GitHub's comment limit, counts it."""
    return len(text.encode("utf-16-le")) // 2


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def cut_markdown(
    text: str, limit: int, size: Callable[[str], int] = utf16_size, note: str = CUT_NOTE
) -> str:
    """Cut Markdown to at most ``limit`` by ``size``, between two top-level blocks.

    A block boundary is a blank line outside any code fence and any ``<details>``
    block, so the text that is kept renders as it would have in full; the note
    says that it was cut.
    """
    if size(text) <= limit:
        return text
    budget = limit - size(f"\n\n{note}\n")
    lines = text.split("\n")
    cut = 0  # how many lines are kept: those before the last boundary that fits
    fence, depth, used = "", 0, 0
    for index, line in enumerate(lines):
        fence, depth = _block_state(line, fence, depth)
        if not (line.strip() or fence or depth):
            if used > budget:
                break
            cut = index
        used += size(line) + 1
    kept = "\n".join(lines[:cut]).rstrip("\n")
    return f"{kept}\n\n{note}\n" if kept else note + "\n"


def _block_state(line: str, fence: str, depth: int) -> tuple[str, int]:
    """Follow code fences and <details> nesting from one line to the next."""
    match = _FENCE.match(line)
    if fence:
        # Only a fence of the same character, at least as long, with nothing after it closes.
        mark = match.group(1) if match else ""
        closes = mark[:1] == fence[0] and len(mark) >= len(fence)
        if closes and not line.strip()[len(mark) :].strip():
            return "", depth
        return fence, depth
    if match:
        return match.group(1), depth
    depth += line.count("<details") - line.count("</details>")
    return "", max(depth, 0)


def format_outputs(outputs: Mapping[str, str]) -> str:
    """Write step outputs in the ``name<<DELIMITER`` form, safe for any value."""
    chunks = []
    for name, value in outputs.items():
        # A fresh random delimiter per value, as @actions/core does; a value that
        # contains it would end the value early, so draw again (never in practice).
        delimiter = f"ghadelimiter_{uuid.uuid4()}"
        while delimiter in value:
            delimiter = f"ghadelimiter_{uuid.uuid4()}"
        chunks.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
    return "".join(chunks)


def _annotations(result: Result) -> list[str]:
    """Annotate each failed step, or the whole file once when it could not be graded."""
    if result.status is Status.ERROR:
        # The steps of such a submission were not judged: one annotation says why.
        message = clean(result.message) or "This submission could not be graded."
        return [_annotate(result, "Could not grade this submission", message, result.location)]
    lines = []
    if result.message:
        # The program ran but stopped early (an exception in a cell, say).
        message = clean(result.message)
        lines.append(_annotate(result, "The program as a whole", message, result.location))
    lines.extend(
        _annotate(
            result,
            f"Step {step.step}: {step.title}",
            step_feedback(step, where=False, output=result.output),
            step.location,
        )
        for step in result.steps
        if not step.passed
    )
    return lines


def _annotate(result: Result, title: str, message: str, location: Location | None) -> str:
    """Place a message on the submission's file, at its line when it is a script line."""
    line = None
    if location is not None:
        if location.cell is None:
            line = location.line
        else:
            # GitHub counts the lines of the notebook's JSON, not of its cells: put
            # the annotation on the file's first line and say where in the message.
            line = 1
            message = f"In {location.describe()}:\n{message}"
    # The file as every report names it: on one line, escapes visible (grader.safe).
    return annotation(message, file=shown_name(result.submission), title=one_line(title), line=line)


def _summary_line(result: Result) -> str:
    """Say in one plain line how a submission did."""
    name = shown_name(result.submission)
    if result.status is Status.ERROR:
        text = f"{name}: could not be graded."
    else:
        text = f"{name}: {result.score}/{result.max_score} steps passed."
    return defuse_commands(text)
