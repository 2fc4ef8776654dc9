"""The GitHub Classroom format: the ``result`` that Classroom's grading reporter reads.

GitHub Classroom's autograding workflow runs grader actions that each set an output
named ``result`` (base64 of a JSON document); then the reporter action
(classroom-resources/autograding-grading-reporter, v1) reads each one from an
environment variable and does two things with it (its dist/main.js):

- it prints each test to the job's log: "✅ name" or "❌ name", with " - line N" when
  ``line_no`` is not 0; for a test whose status is ``error`` only "Error: " and its
  ``message``; then, for any test with a ``test_code``, "Test code:" and that text.
  So ``message`` reaches the log only for errors. It ends with "Total points for
  RUNNER: X/max_score" where X is passed tests / all tests * ``max_score``;
- it sends Classroom the sum of the tests' ``score`` out of ``max_score`` (as a
  notice, "Points S/M").

The document has the shape that Classroom's Python grader
(classroom-resources/autograding-python-grader, built on exercism's Python test
runner) writes::

    {"version": 3, "status": "pass" | "fail" | "error", "max_score": 4,
     "tests": [{"name": ..., "status": "pass" | "fail" | "error", "message": ...,
                "test_code": ..., "task_id": 1, "filename": ..., "line_no": 4,
                "duration": 0, "score": 1}]}

Every test is worth exactly one point, scored 1 when it passes and 0 when not, and
``max_score`` is the number of tests: so the score the reporter prints and the points
it sends are the same number, at every size. ``test_code`` is what the reporter
shows for a failed test: the step's instruction and, below it, why the step failed
(the feedback, as the learner reads it elsewhere); ``message`` holds the same feedback,
and for a submission that could not be graded, the reason, which the reporter prints
as the error. ``task_id`` is the step's number, ``duration`` 0 since the report keeps
no timings; there is no ``output``, since what the program printed would repeat in
every test.

A value must fit one environment variable (Linux refuses one over 128 KiB), so a
large batch is folded, each level keeping one point per test: first each text is cut
to its first line; then the tests keep their names only (one per step still: the
points are the steps passed); then one test per file, passed when the file passed
every step (the points are then the files that passed every step, out of the files);
then one test for the whole batch, passed when every file passed every step. The
last three keep only the fields the reporter reads (``name``, ``status``,
``line_no``, ``score``, and the texts it prints).

The reporter prints names and texts to the job log, where GitHub would run a line
that starts with ``::`` or holds ``##[``: every text is defused (grader.safe).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from grader.report.feedback import step_feedback
from grader.result import Report, Result, Status, StepResult
from grader.safe import defuse_commands, log_line, one_line, writable_data

VERSION = 3

# The longest ``result`` value written: GitHub hands it to the reporter as
# NAME_RESULTS=value, and Linux refuses an environment string over 131,072 bytes
# (MAX_ARG_STRLEN); this leaves room for a long runner name.
MAX_ENCODED = 120_000
# A shortened text keeps this many characters of its first line.
SHORT_MESSAGE = 200

_STATUS = {Status.PASSED: "pass", Status.FAILED: "fail", Status.ERROR: "error"}


def overall(report: Report) -> str:
    """Sum the report up as the reporter's status: pass, fail or error.

    A grading stopped early is an error, whatever its results so far: it is not whole.
    """
    if (
        report.incomplete
        or not report.results
        or any(r.status is Status.ERROR for r in report.results)
    ):
        return "error"
    return "pass" if report.all_passed else "fail"


def payload(report: Report) -> dict[str, Any]:
    """Build the document the reporter reads, at the finest fold whose encoding fits."""
    # The encoded size grows test by test: a fold is given up as soon as it cannot fit,
    # so a batch of thousands of files never builds its finest folds whole.
    budget = MAX_ENCODED // 4 * 3 - len(_json(_document(report, [])))
    for _, tests_of in FOLDS:
        tests: list[dict[str, Any]] = []
        used = 0
        for test in tests_of(report):
            used += len(_json(test).encode("utf-8")) + 1
            if used > budget:
                break
            tests.append(test)
        else:
            return _document(report, tests)
    return fold(report, FOLDS[-1][0])


def fold(report: Report, name: str) -> dict[str, Any]:
    """Build the document at the fold of that name, whether it fits or not."""
    return _document(report, list(dict(FOLDS)[name](report)))


def encode(report: Report) -> str:
    """Give the value of the ``result`` output: base64 of the compact JSON."""
    return encoded(payload(report))


def render(report: Report) -> str:
    """Render the ``result`` value on one line, ready for ``$GITHUB_OUTPUT``."""
    return encode(report) + "\n"


def _json(data: dict[str, Any]) -> str:
    return json.dumps(writable_data(data), separators=(",", ":"), ensure_ascii=False)


def encoded(document: dict[str, Any]) -> str:
    """Encode a document as the ``result`` value: base64 of its compact JSON."""
    return base64.b64encode(_json(document).encode("utf-8")).decode("ascii")


def _document(report: Report, tests: list[dict[str, Any]]) -> dict[str, Any]:
    """Lay out the document: one point per test, so max_score is the number of tests."""
    return {
        "version": VERSION,
        "status": overall(report),
        "max_score": len(tests),
        "tests": tests,
    }


Tests = Iterator[dict[str, Any]]


def _full(report: Report) -> Tests:
    """One test per step of every submission, with the whole feedback."""
    several = len(report.results) > 1
    for result in report.results:
        yield from _step_tests(result, several, report.instructions)


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0][:SHORT_MESSAGE]


def _short(report: Report) -> Tests:
    """The same tests, each text cut to its first line."""
    for test in _full(report):
        if test["message"]:
            test["message"] = _first_line(test["message"])
        if test["test_code"]:
            test["test_code"] = _first_line(test["test_code"])
        yield test


def _read_by_the_reporter(test: dict[str, Any]) -> dict[str, Any]:
    """Keep what the reporter reads: name, status, line_no, score, and texts it prints."""
    kept = {key: test[key] for key in ("name", "status", "line_no", "score")}
    if test["status"] == "error" and test["message"]:
        kept["message"] = test["message"]
    if test["test_code"]:
        kept["test_code"] = test["test_code"]
    return kept


def _names_only(report: Report) -> Tests:
    """The same tests, one per step still, named FILE: Step N, with no text but an error's."""
    for result in report.results:
        for test in _step_tests(result, True, {}):
            test["name"] = f"{log_line(result.submission)}: Step {test['task_id']}"
            test["test_code"] = ""
            if test["message"]:
                test["message"] = _first_line(test["message"])
            yield _read_by_the_reporter(test)


def _per_submission(report: Report) -> Tests:
    """One test per submission, passed when it passed every step."""
    for result in report.results:
        failed = [str(step.step) for step in result.steps if not step.passed]
        text = f"{result.score}/{result.max_score} steps passed"
        text += f"; to fix: step {', '.join(failed)}." if failed else "."
        status = _STATUS[result.status]
        test = _test(log_line(result.submission), status, text if status == "error" else None)
        test["test_code"] = "" if status == "error" else text
        test["score"] = 1 if result.status is Status.PASSED else 0
        yield _read_by_the_reporter(test)


def _batch(report: Report) -> Tests:
    """One test for the whole batch, passed when every submission passed every step."""
    summary = report.summary()
    text = (
        f"{summary.submissions} files, {summary.passed} passed every step; "
        f"{summary.score}/{summary.max_score} steps passed in all. Too many to list here: "
        "grade fewer files per run to see each one."
    )
    status = overall(report)
    test = _test("All submissions", status, text if status == "error" else None)
    test["test_code"] = text
    test["score"] = 1 if status == "pass" else 0
    yield test


# The folds, from the finest to the coarsest: the first whose encoding fits is written.
FOLDS: tuple[tuple[str, Callable[[Report], Tests]], ...] = (
    ("full", _full),
    ("short", _short),
    ("names only", _names_only),
    ("per submission", _per_submission),
    ("batch", _batch),
)


def _step_tests(
    result: Result, several: bool, instructions: Mapping[int, str]
) -> list[dict[str, Any]]:
    """Turn a result into one test per step; an error's reason goes in the first."""
    prefix = f"{log_line(result.submission)}: " if several else ""
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
    status = "error" if result.status is Status.ERROR else ("pass" if step.passed else "fail")
    instruction = defuse_commands(one_line(instructions.get(step.step) or step.title))
    message = None
    test_code = instruction
    if not step.passed:
        text = step_feedback(step, where=False, output=result.output)
        if location is not None and location.cell is not None:
            # line_no cannot point into a notebook's cell: say where in words.
            text = f"In {location.describe()}: {text}"
        message = defuse_commands(text)
        # The reporter prints test_code, and message only for an error: why a step
        # failed reaches the learner's log here, under what the step asks.
        test_code = "" if status == "error" else f"{instruction}\n\n{message}"
    test = _test(
        f"{prefix}Step {step.step}: {defuse_commands(one_line(step.title))}", status, message
    )
    test["score"] = 1 if step.passed else 0
    test["test_code"] = test_code
    test["task_id"] = step.step
    test["filename"] = log_line(result.submission)
    test["line_no"] = location.line if location is not None and location.cell is None else 0
    return test


def _test(name: str, status: str, message: str | None) -> dict[str, Any]:
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
        "score": 0,
    }
