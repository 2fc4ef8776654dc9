"""The GitHub Classroom format: the ``result`` that Classroom's grading reporter reads.

GitHub Classroom's autograding workflow runs grader actions that each set an output
named ``result`` (base64 of a JSON document); then the reporter action
(classroom-resources/autograding-grading-reporter) reads each one from an environment
variable, prints it, and posts ``sum(tests[].score)`` out of ``max_score`` to
Classroom. Its console line counts differently, ``passed tests / all tests *
max_score``, so every test here is worth one point and ``max_score`` is the number of
tests: both counts agree.

The document has the shape that Classroom's Python grader
(classroom-resources/autograding-python-grader, built on exercism's Python test
runner) writes::

    {"version": 3, "status": "pass" | "fail" | "error", "max_score": 4,
     "tests": [{"name": ..., "status": "pass" | "fail" | "error", "message": ...,
                "test_code": ..., "task_id": 1, "filename": ..., "line_no": 4,
                "duration": 0, "score": 1}]}

``test_code`` is the step's instruction in one line, ``task_id`` its number,
``duration`` 0 since the report keeps no timings; there is no ``output``, since what
the program printed would repeat in every test. A submission that could not be graded
has its four steps as tests with status ``error``, the reason in the first one.

A value must fit one environment variable (Linux refuses one over 128 KiB), so a large
batch is folded: first messages shortened to their first line, then one test per
submission worth its steps (the console line then counts the files that passed every
step; the points posted stay the steps passed), then one test for the whole batch.

The reporter prints each ``message`` to the job log, where GitHub would execute a
line starting with ``::``; such lines are defused here.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from typing import Any

from grader.report.feedback import step_feedback
from grader.result import Report, Result, Status, StepResult
from grader.safe import defuse_commands, one_line

VERSION = 3

# The longest ``result`` value written: GitHub hands it to the reporter as
# NAME_RESULTS=value, and Linux refuses an environment string over 131,072 bytes
# (MAX_ARG_STRLEN); this leaves room for a long runner name.
MAX_ENCODED = 120_000
# A shortened message keeps this many characters of its first line.
SHORT_MESSAGE = 200

_STATUS = {Status.PASSED: "pass", Status.FAILED: "fail", Status.ERROR: "error"}


def overall(report: Report) -> str:
    """Sum the report up as the reporter's status: pass, fail or error."""
    if not report.results or any(r.status is Status.ERROR for r in report.results):
        return "error"
    return "pass" if report.all_passed else "fail"


def payload(report: Report) -> dict[str, Any]:
    """Build the document the reporter reads, folded until its encoding fits."""
    for build in _LEVELS:
        document = build(report)
        if len(_encode(document)) <= MAX_ENCODED:
            return document
    return document


def encode(report: Report) -> str:
    """Give the value of the ``result`` output: base64 of the compact JSON."""
    return _encode(payload(report))


def render(report: Report) -> str:
    """Render the ``result`` value on one line, ready for ``$GITHUB_OUTPUT``."""
    return encode(report) + "\n"


def _encode(document: dict[str, Any]) -> str:
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _document(report: Report, tests: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "version": VERSION,
        "status": overall(report),
        "max_score": len(tests),
        "tests": tests,
    }


def _full(report: Report) -> dict[str, Any]:
    """One test per step of every submission, with the whole feedback."""
    several = len(report.results) > 1
    tests = [
        test
        for result in report.results
        for test in _step_tests(result, several, report.instructions)
    ]
    return _document(report, tests)


def _short(report: Report) -> dict[str, Any]:
    """The same tests, each message cut to its first line."""
    document = _full(report)
    for test in document["tests"]:
        if test["message"]:
            first = test["message"].split("\n", 1)[0]
            test["message"] = first[:SHORT_MESSAGE]
        test["test_code"] = ""
    return document


def _per_submission(report: Report) -> dict[str, Any]:
    """One test per submission, worth the steps it passed."""
    tests = []
    for result in report.results:
        failed = [str(step.step) for step in result.steps if not step.passed]
        message = None
        if failed:
            message = (
                f"{result.score}/{result.max_score} steps passed; to fix: step {', '.join(failed)}."
            )
        tests.append(
            {
                **_test(one_line(result.submission), _STATUS[result.status], message, result.score),
                "filename": one_line(result.submission),
            }
        )
    document = _document(report, tests)
    document["max_score"] = sum(result.max_score for result in report.results)
    return document


def _batch(report: Report) -> dict[str, Any]:
    """One test for the whole batch: too many files for anything finer."""
    summary = report.summary()
    message = (
        f"{summary.submissions} files, {summary.passed} passed every step. Too many to list "
        "here: grade fewer files per run to see each one."
    )
    status = overall(report)
    test = _test("All submissions", status, message, summary.score)
    return {"version": VERSION, "status": status, "max_score": summary.max_score, "tests": [test]}


_LEVELS: tuple[Callable[[Report], dict[str, Any]], ...] = (
    _full,
    _short,
    _per_submission,
    _batch,
)


def _step_tests(
    result: Result, several: bool, instructions: Mapping[int, str]
) -> list[dict[str, Any]]:
    """Turn a result into one test per step; an error's reason goes in the first."""
    prefix = f"{one_line(result.submission)}: " if several else ""
    tests = [_step_test(step, result, prefix, instructions) for step in result.steps]
    if result.status is Status.ERROR and tests:
        reason = result.message or "This submission could not be graded."
        if result.location is not None:
            reason = f"{reason}\nWhere: {result.location.describe()}"
        first = tests[0]
        first["message"] = defuse_commands(f"{reason}\n{first['message'] or ''}".rstrip("\n"))
        if result.location is not None and result.location.cell is None:
            first["line_no"] = result.location.line
    return tests


def _step_test(
    step: StepResult, result: Result, prefix: str, instructions: Mapping[int, str]
) -> dict[str, Any]:
    """Turn one step into one test worth one point."""
    location = step.location
    message = None
    if not step.passed:
        text = step_feedback(step, where=False, output=result.output)
        if location is not None and location.cell is not None:
            # line_no cannot point into a notebook's cell: say where in words.
            text = f"In {location.describe()}: {text}"
        message = defuse_commands(text)
    status = "error" if result.status is Status.ERROR else ("pass" if step.passed else "fail")
    test = _test(f"{prefix}Step {step.step}: {one_line(step.title)}", status, message, 0)
    test["score"] = 1 if step.passed else 0
    test["test_code"] = one_line(instructions.get(step.step) or step.title)
    test["task_id"] = step.step
    test["filename"] = one_line(result.submission)
    test["line_no"] = location.line if location is not None and location.cell is None else 0
    return test


def _test(name: str, status: str, message: str | None, score: int) -> dict[str, Any]:
    """Lay out one test with the Python grader's fields, in its order."""
    return {
        "name": name,
        "status": status,
        "message": message,
        "test_code": "",
        "task_id": 0,
        "filename": "",
        "line_no": 0,
        "duration": 0,
        "score": score,
    }
