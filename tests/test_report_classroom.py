"""The Classroom format: the base64 ``result`` in the Python grader's exact shape."""

from __future__ import annotations

import base64
import json

from grader.report import FORMATS, classroom
from grader.result import Report
from tests.sample_reports import CORRECT, EMPTY, HOSTILE_RESULT, NOTEBOOK, WRONG_KEY, report

TEST_FIELDS = ["name", "status", "message", "line_no", "execution_time", "score"]


def decode(value: str) -> dict[str, object]:
    """Decode a result value as the grading reporter does."""
    document = json.loads(base64.b64decode(value).decode("utf-8"))
    assert isinstance(document, dict)
    return document


def test_the_document_has_the_python_graders_fields_in_order() -> None:
    """version, status, max_score, tests; each test with the grader's six fields."""
    document = classroom.payload(report(WRONG_KEY))
    assert list(document) == ["version", "status", "max_score", "tests"]
    assert document["version"] == 1
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
            "line_no": 4,
            "execution_time": "0.00",
            "score": 0,
        },
        {
            "name": "Step 2: Set the current load value",
            "status": "pass",
            "message": None,
            "line_no": 0,
            "execution_time": "0.00",
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


def test_an_errored_submission_is_an_error_test_before_its_steps() -> None:
    """The reason comes first, as a test with status error and no points."""
    document = classroom.payload(report(EMPTY))
    assert document["status"] == "error"
    assert document["tests"][0] == {
        "name": "Grading",
        "status": "error",
        "message": EMPTY.message,
        "line_no": 0,
        "execution_time": "0.00",
        "score": 0,
    }
    assert len(document["tests"]) == 5


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
        "version": 1,
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
