"""The Gradescope format: the ``results.json`` a Gradescope autograder must write.

Gradescope grades one submission at a time, so only the first result of the report is
rendered; a batch of several gives the first submission's verdict. Each step is one
test worth one point; a submission that could not be graded gets one test worth all
its points, with the reason as its output.

Texts use the ``text`` output format, which Gradescope shows verbatim, so learner text
cannot inject HTML or Markdown into the results page. ``stdout_visibility`` is
``hidden``: the autograder's own log is for course staff. Which sandbox tier ran the
program, with its layers and the note on a weaker tier, is for staff too: it goes in
``extra_data``, which Gradescope stores with the submission and does not show the
learner. The field list follows Gradescope's published specification
(tests/schemas/gradescope-results.schema.json holds it as a JSON Schema); there is
no top-level ``max_score`` in that specification, so none is written: Gradescope
takes the total from the assignment.
"""

from __future__ import annotations

from typing import Any

from grader.report.feedback import incomplete_note, step_feedback
from grader.report.json import dumps
from grader.result import Report, Result, Status, StepResult
from grader.safe import clean, one_line

TEXT = "text"


def results(report: Report) -> dict[str, Any]:
    """Build the results.json document, as plain data."""
    stopped = incomplete_note(report)
    if not report.results:
        return {
            "score": 0,
            "output": stopped or "No submission was found to grade.",
            "output_format": TEXT,
            "tests": [],
            "visibility": "visible",
            "stdout_visibility": "hidden",
            "extra_data": staff_data(report, None),
        }
    result = report.results[0]
    return {
        "score": result.score,
        "output": f"{stopped}\n\n{_overall(result)}" if stopped else _overall(result),
        "output_format": TEXT,
        "tests": _tests(result),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "extra_data": staff_data(report, result),
    }


def staff_data(report: Report, result: Result | None) -> dict[str, Any]:
    """What staff need and the learner does not see: the tier, its layers, its note."""
    return {
        # The tier that ran this program; empty when it never ran (see the JSON report).
        "sandbox": result.sandbox if result is not None else "",
        "layers": list(result.layers) if result is not None else [],
        "sandbox_note": report.sandbox_note,
    }


def render(report: Report) -> str:
    """Render results.json for the first submission of the report."""
    return dumps(results(report)) + "\n"


def _overall(result: Result) -> str:
    """Say how the submission did as a whole, with what it printed."""
    if result.status is Status.ERROR:
        lines = [clean(result.message) or "This submission could not be graded."]
        if result.location is not None:
            lines.append(f"Where: {result.location.describe()}")
    else:
        lines = [f"{result.score}/{result.max_score} steps passed."]
        if result.message:
            lines.append(clean(result.message))
    lines.extend(clean(note) for note in result.notes)
    output = clean(result.output).rstrip("\n")
    if output:
        lines.extend(["", "What your program printed:", output])
    return "\n".join(lines)


def _tests(result: Result) -> list[dict[str, Any]]:
    """One test per step; one test for all the points when nothing could be graded."""
    if result.status is Status.ERROR and not result.steps:
        return [
            {
                "name": "Grading",
                "number": "0",
                "score": 0,
                "max_score": result.max_score,
                "status": "failed",
                "output": clean(result.message) or "This submission could not be graded.",
                "output_format": TEXT,
            }
        ]
    return [_test(step, result.output) for step in result.steps]


def _test(step: StepResult, printed: str) -> dict[str, Any]:
    """Turn one step into one test worth one point."""
    output = "Passed." if step.passed else step_feedback(step, output=printed)
    return {
        "name": f"Step {step.step}: {one_line(step.title)}",
        "number": str(step.step),
        "score": 1 if step.passed else 0,
        "max_score": 1,
        "status": "passed" if step.passed else "failed",
        "output": output,
        "output_format": TEXT,
    }
