"""The GitHub Actions format: annotations on the learner's file, a job summary, outputs.

``render`` prints one ``::error`` workflow command per failed step (and one per
submission that could not be graded), so that GitHub shows the feedback on the
pull request's diff, followed by one plain line per submission.

``write_workflow_files`` is for the command line to call when it runs inside a
workflow: it appends the Markdown report to the job summary and sets the step's
outputs.

Learner text reaches the runner's log here, and the runner executes any line of a
step's output that starts with ``::``. Every piece of it is therefore escaped the way
GitHub's own toolkit escapes command data and properties, so that a newline in a
message cannot begin a command of its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from grader.report import classroom, markdown
from grader.report.feedback import step_feedback
from grader.result import Location, Report, Result, Status
from grader.safe import clean, defuse_commands, one_line


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
    lines: list[str] = []
    for result in report.results:
        lines.extend(_annotations(result))
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


def write_workflow_files(report: Report, environ: Mapping[str, str]) -> None:
    """Append the job summary and the step outputs to the files GitHub names."""
    summary_file = environ.get("GITHUB_STEP_SUMMARY")
    if summary_file:
        with open(summary_file, "a", encoding="utf-8") as stream:
            stream.write(markdown.render(report))
    output_file = environ.get("GITHUB_OUTPUT")
    if output_file:
        summary = report.summary()
        outputs = {
            "score": str(summary.score),
            "max-score": str(summary.max_score),
            "status": overall_status(report).value,
            "result": classroom.encode(report),
        }
        with open(output_file, "a", encoding="utf-8") as stream:
            stream.write(format_outputs(outputs))


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
            step_feedback(step, where=False),
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
    return annotation(message, file=clean(result.submission), title=one_line(title), line=line)


def _summary_line(result: Result) -> str:
    """Say in one plain line how a submission did."""
    name = one_line(result.submission)
    if result.status is Status.ERROR:
        text = f"{name}: could not be graded."
    else:
        text = f"{name}: {result.score}/{result.max_score} steps passed."
    return defuse_commands(text)
