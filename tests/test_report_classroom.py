"""The Classroom format: the base64 ``result`` in the Python grader's shape, read as the reporter reads it."""

from __future__ import annotations

import base64
import json
import subprocess
from typing import Any

import pytest

from grader.report import FORMATS, classroom
from grader.result import Location, Report, Result, Status
from tests.sample_reports import (
    CORRECT,
    EMPTY,
    HOSTILE_RESULT,
    NOTEBOOK,
    WRONG_KEY,
    failed,
    passed,
    report,
)

# The fields of a test in classroom-resources/autograding-python-grader's results
# (exercism's Python test runner's, version 3, with score).
TEST_FIELDS = [
    "name",
    "status",
    "message",
    "test_code",
    "task_id",
    "filename",
    "line_no",
    "duration",
    "score",
]


def decode(value: str) -> dict[str, object]:
    """Decode a result value as the grading reporter does."""
    document = json.loads(base64.b64decode(value).decode("utf-8"))
    assert isinstance(document, dict)
    return document


def test_the_document_has_the_python_graders_fields_in_order() -> None:
    """version 3, status, max_score, tests; each test with the grader's fields."""
    document = classroom.payload(report(WRONG_KEY))
    assert list(document) == ["version", "status", "max_score", "tests"]
    assert document["version"] == 3
    assert all(list(test) == TEST_FIELDS for test in document["tests"])


def test_each_step_is_a_test_worth_one_point() -> None:
    """Passing steps score 1 with no message; failing ones 0 with the feedback."""
    document = classroom.payload(report(WRONG_KEY))
    assert document["status"] == "fail"
    assert document["max_score"] == 4
    assert document["tests"][:2] == [
        {
            "name": "Step 1: Create the initial system capacities",
            "status": "fail",
            "message": "`systems` is missing the key 'vertical_scaling'.\n"
            "Hint: Use curly braces to create a dictionary with the exact keys and values.",
            "test_code": "Create a dictionary called `systems` with these exact entries: "
            "`'single_node': 1`, `'horizontal_scaling': 5`, and `'vertical_scaling': 2`.",
            "task_id": 1,
            "filename": "submissions/wrong-key.py",
            "line_no": 4,
            "duration": 0,
            "score": 0,
        },
        {
            "name": "Step 2: Set the current load value",
            "status": "pass",
            "message": None,
            "test_code": "Create a variable called `load` and set it to 7.",
            "task_id": 2,
            "filename": "submissions/wrong-key.py",
            "line_no": 0,
            "duration": 0,
            "score": 1,
        },
    ]


def test_the_reporter_adds_up_to_the_score() -> None:
    """Classroom posts sum(tests[].score) out of max_score: that is steps passed."""
    document = classroom.payload(report(CORRECT, WRONG_KEY))
    assert sum(test["score"] for test in document["tests"]) == 6
    assert document["max_score"] == 8


def test_a_notebook_step_has_no_line_number_but_says_the_cell() -> None:
    """line_no counts file lines, so notebooks give 0 and name the cell."""
    test = classroom.payload(report(NOTEBOOK))["tests"][2]
    assert test["line_no"] == 0
    assert test["message"].startswith("In cell 3, line 2: ")


def test_an_errored_submission_is_its_steps_in_error_with_the_reason_first() -> None:
    """No extra test: the four steps are errors, worth nothing, and the first says why."""
    document = classroom.payload(report(EMPTY))
    assert document["status"] == "error"
    assert [t["status"] for t in document["tests"]] == ["error"] * 4
    assert document["tests"][0]["message"] == (
        f"{EMPTY.message}\nNot graded: the file could not be read as a program."
    )
    assert document["max_score"] == 4


def test_several_submissions_prefix_test_names_with_the_file() -> None:
    """In a batch each test says which file it is about."""
    names = [t["name"] for t in classroom.payload(report(CORRECT, WRONG_KEY))["tests"]]
    assert names[0] == "submissions/correct.py: Step 1: Create the initial system capacities"
    assert names[4].startswith("submissions/wrong-key.py: ")


def test_all_passed_is_status_pass() -> None:
    """A fully correct submission passes."""
    assert classroom.payload(report(CORRECT))["status"] == "pass"


def test_an_empty_report_is_an_error_worth_nothing() -> None:
    """Nothing graded is not a pass."""
    assert classroom.payload(Report(results=())) == {
        "version": 3,
        "status": "error",
        "max_score": 0,
        "tests": [],
    }


def test_the_encoded_value_is_base64_of_compact_json() -> None:
    """The value decodes to the same document, with no whitespace to spare."""
    value = classroom.encode(report(WRONG_KEY))
    assert decode(value) == classroom.payload(report(WRONG_KEY))
    assert b", " not in base64.b64decode(value).split(b'"tests"')[0]


def test_messages_cannot_start_a_workflow_command_in_the_reporters_log() -> None:
    """The reporter prints messages to the log; no line may start with ::."""
    message = classroom.payload(report(HOSTILE_RESULT))["tests"][0]["message"]
    assert not any(line.lstrip().startswith("::") for line in message.split("\n"))
    assert "\x1b" not in message


def test_render_prints_the_value_on_one_line() -> None:
    """--format classroom prints what goes into the result output."""
    assert FORMATS["classroom"](report(CORRECT)) == classroom.encode(report(CORRECT)) + "\n"


def reporter(document: dict[str, Any]) -> tuple[float, int, int]:
    """Score a runner's result as classroom-resources/autograding-grading-reporter does.

    A port of its parsing: src/aggregate-results.js getTestScore (the console table:
    passed tests / all tests * max_score) and src/notify-classroom.js (the points
    sent to Classroom: the sum of tests' score, out of max_score).
    """
    tests = document["tests"]
    passed_tests = sum(1 for test in tests if test["status"] == "pass")
    console = passed_tests / len(tests) * (document["max_score"] or 1)
    return console, sum(test["score"] for test in tests), document["max_score"]


def test_the_reporters_console_score_agrees_with_the_points_it_sends() -> None:
    """An ungraded file among others skews neither count: 3 files, 4 points of 12."""
    console, points, max_score = reporter(
        decode(classroom.encode(report(CORRECT, WRONG_KEY, EMPTY)))
    )
    assert (console, points, max_score) == (6.0, 6, 12)


def batch(count: int) -> Report:
    """A batch of submissions with long feedback, as a whole class folder gives."""
    long_message = "`systems` is not right. " * 30
    return Report(
        results=tuple(
            Result(
                submission=f"submissions/learner-with-a-long-name-{index:04}.py",
                status=Status.FAILED,
                steps=(
                    failed(1, long_message, hint="Use curly braces.", location=Location(line=3)),
                    passed(2),
                    failed(3, long_message, hint="Start with an empty dictionary."),
                    passed(4),
                ),
            )
            for index in range(count)
        )
    )


@pytest.mark.parametrize("count", [1, 100, 400, 1500])
def test_the_result_always_fits_one_environment_variable(count: int) -> None:
    """However many files, the value starts a process as GRADER_RESULTS, and the points add up."""
    value = classroom.encode(batch(count))
    done = subprocess.run(["env"], env={"GRADER_RESULTS": value}, capture_output=True)
    assert done.returncode == 0
    _, points, max_score = reporter(decode(value))
    assert (points, max_score) == (2 * count, 4 * count)


def test_an_unfolded_large_batch_would_not_start_the_reporter() -> None:
    """The check above can fail: past 128 KiB the kernel refuses the variable."""
    value = classroom._encode(classroom._full(batch(100)))
    assert len(value) > 131_072
    with pytest.raises(OSError, match="Argument list too long"):
        subprocess.run(["env"], env={"GRADER_RESULTS": value}, capture_output=True)


def test_the_module_names_the_reporters_current_repository() -> None:
    """The reporter lives at classroom-resources, not at its old organisation."""
    assert "classroom-resources/autograding-grading-reporter" in (classroom.__doc__ or "")
    assert "github-education-resources" not in (classroom.__doc__ or "")
