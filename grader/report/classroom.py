"""The GitHub Classroom format: the ``result`` that Classroom's grading reporter reads.

GitHub Classroom's autograding workflow runs one or more grader actions, each of which
sets an output named ``result``: base64 of a JSON document. The reporter action
(github-education-resources/autograding-grading-reporter) decodes those, prints them,
and posts ``sum(tests[].score)`` out of ``max_score`` to Classroom. This module writes
that document in the shape that Classroom's own Python grader
(classroom-resources/autograding-python-grader) emits::

    {"version": 1, "status": "pass" | "fail" | "error", "max_score": 4,
     "tests": [{"name": ..., "status": "pass" | "fail" | "error", "message": ...,
                "line_no": 5, "execution_time": "0.00", "score": 1}]}

The report holds no timings (reports must not change from run to run), so every
``execution_time`` is ``"0.00"``. Each step is a test worth one point; a submission
that could not be graded is one test with status ``error`` and no points.

The reporter prints each ``message`` to the job log, where GitHub would execute a
line starting with ``::``; such lines are defused here.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from grader.report.feedback import step_feedback
from grader.result import Report, Result, Status, StepResult
from grader.safe import defuse_commands, one_line

VERSION = 1

_STATUS = {Status.PASSED: "pass", Status.FAILED: "fail", Status.ERROR: "error"}


def payload(report: Report) -> dict[str, Any]:
    """Build the document Classroom's reporter reads, as plain data."""
    several = len(report.results) > 1
    tests: list[dict[str, Any]] = []
    for result in report.results:
        prefix = f"{one_line(result.submission)}: " if several else ""
        tests.extend(_tests(result, prefix))
    if not report.results or any(r.status is Status.ERROR for r in report.results):
        status = "error"
    elif report.all_passed:
        status = "pass"
    else:
        status = "fail"
    return {
        "version": VERSION,
        "status": status,
        "max_score": sum(result.max_score for result in report.results),
        "tests": tests,
    }


def encode(report: Report) -> str:
    """Give the value of the ``result`` output: base64 of the compact JSON."""
    text = json.dumps(payload(report), separators=(",", ":"))
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def render(report: Report) -> str:
    """Render the ``result`` value on one line, ready for ``$GITHUB_OUTPUT``."""
    return encode(report) + "\n"


def _tests(result: Result, prefix: str) -> list[dict[str, Any]]:
    """Turn a result into Classroom tests: one per step, and one for an error."""
    tests = [_step_test(step, prefix, result.output) for step in result.steps]
    if result.status is Status.ERROR:
        location = result.location
        message = result.message or "This submission could not be graded."
        line_no = location.line if location is not None and location.cell is None else 0
        where = location.describe() if location is not None else ""
        tests.insert(0, _test(f"{prefix}Grading", "error", _message(message, where), line_no, 0))
    return tests


def _step_test(step: StepResult, prefix: str, printed: str) -> dict[str, Any]:
    """Turn one step into one Classroom test worth one point."""
    name = f"{prefix}Step {step.step}: {one_line(step.title)}"
    location = step.location
    line_no = location.line if location is not None and location.cell is None else 0
    if step.passed:
        return _test(name, "pass", None, line_no, 1)
    text = step_feedback(step, where=False, output=printed)
    return _test(name, "fail", _message(text, location.describe() if location else ""), line_no, 0)


def _message(text: str, where: str) -> str:
    """Say where first when it is a notebook cell, which line_no cannot express."""
    if where.startswith("cell"):
        text = f"In {where}: {text}"
    return defuse_commands(text)


def _test(name: str, status: str, message: str | None, line_no: int, score: int) -> dict[str, Any]:
    """Lay out one test with exactly the fields the Python grader writes."""
    return {
        "name": name,
        "status": status,
        "message": message,
        "line_no": line_no,
        "execution_time": "0.00",
        "score": score,
    }
