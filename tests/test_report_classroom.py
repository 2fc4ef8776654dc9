"""The Classroom format: the base64 ``result`` in the Python grader's shape, read as the reporter reads it."""

from __future__ import annotations

import base64
import json
import subprocess
from dataclasses import replace

import pytest

from grader.report import FORMATS, classroom
from grader.result import Location, Report, Result, Status
from tests import actions_runner, classroom_reporter
from tests.sample_reports import (
    CORRECT,
    EMPTY,
    HOSTILE_NAMES,
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
            "`'single_node': 1`, `'horizontal_scaling': 5`, and `'vertical_scaling': 2`.\n\n"
            "`systems` is missing the key 'vertical_scaling'.\n"
            "Hint: Use curly braces to create a dictionary with the exact keys and values.",
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


def reporter(value: str) -> classroom_reporter.ReporterRun:
    """Run the ported reporter on one runner, grader, whose result is this value."""
    return classroom_reporter.run_reporter("grader", {"GRADER_RESULTS": value})


def test_the_reporters_console_score_agrees_with_the_points_it_sends() -> None:
    """An ungraded file among others skews neither count: 3 files, 6 points of 12."""
    run = reporter(classroom.encode(report(CORRECT, WRONG_KEY, EMPTY)))
    assert run.console == [("grader", "6.00", "12")]
    assert run.points == (6, 12)
    assert run.notices[0] == ("Autograding complete", "Points 6/12")


def test_the_reason_a_step_failed_reaches_the_reporters_log() -> None:
    """The reporter prints test_code, not a failed test's message: the feedback is there."""
    log = reporter(classroom.encode(report(WRONG_KEY))).log
    assert (
        "\x1b[31m❌ Step 1: Create the initial system capacities - line 4\x1b[0m\n"
        "Test code:\n"
        "Create a dictionary called `systems` with these exact entries: "
        "`'single_node': 1`, `'horizontal_scaling': 5`, and `'vertical_scaling': 2`.\n\n"
        "`systems` is missing the key 'vertical_scaling'.\n"
        "Hint: Use curly braces to create a dictionary with the exact keys and values.\n"
    ) in log


def test_why_a_file_could_not_be_graded_reaches_the_reporters_log() -> None:
    """An error test's message is what the reporter prints for it."""
    log = reporter(classroom.encode(report(EMPTY))).log
    assert f"Error: {EMPTY.message}\nNot graded: the file could not be read" in log


def test_the_reporters_log_runs_no_command_a_learner_wrote() -> None:
    """Names, messages and feedback with every hostile name: only the reporter's own
    notices and its failure are commands in the log."""
    results = tuple(
        Result(
            submission=name,
            status=Status.FAILED,
            steps=(failed(1, f"{name}\n{name}", hint=name, location=Location(line=2)), passed(2)),
            message=name,
        )
        for name in HOSTILE_NAMES
    )
    for build in (report(*results), report(results[0]), report(HOSTILE_RESULT)):
        for fold, _ in classroom.FOLDS:
            value = classroom.encoded(classroom.fold(build, fold))
            run = reporter(value)
            found = [(c.name, c.property("title")) for c in actions_runner.commands(run.log)]
            assert found == [
                ("notice", "Autograding complete"),
                ("notice", "Autograding report"),
                ("error", None),
            ], fold
            own = ("::notice title=Autograding ", "::error::Some tests ")
            learners = [line for line in run.log.split("\n") if not line.startswith(own)]
            assert not any(actions_runner.looks_like_a_command(line) for line in learners), fold


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


@pytest.mark.parametrize("count", [1, 100, 400, 1500, 5000])
def test_the_result_always_fits_one_environment_variable(count: int) -> None:
    """However many files, the value starts a process as GRADER_RESULTS."""
    value = classroom.encode(batch(count))
    done = subprocess.run(["env"], env={"GRADER_RESULTS": value}, capture_output=True)
    assert done.returncode == 0
    assert len(value) <= classroom.MAX_ENCODED


def test_an_unfolded_large_batch_would_not_start_the_reporter() -> None:
    """The check above can fail: past 128 KiB the kernel refuses the variable."""
    value = classroom.encoded(classroom.fold(batch(100), "full"))
    assert len(value) > 131_072
    with pytest.raises(OSError, match="Argument list too long"):
        subprocess.run(["env"], env={"GRADER_RESULTS": value}, capture_output=True)


@pytest.mark.parametrize("fold", [name for name, _ in classroom.FOLDS])
@pytest.mark.parametrize("count", [1, 3, 7, 22, 419])
def test_the_console_score_and_the_points_sent_agree_at_every_fold(fold: str, count: int) -> None:
    """Whatever the fold, what the reporter prints is what it sends to Classroom."""
    run = reporter(classroom.encoded(classroom.fold(mixed(count), fold)))
    assert run.points is not None
    total, maximum = run.points
    assert run.console == [("grader", f"{total:.2f}", str(int(maximum)))]
    assert run.notices[0] == ("Autograding complete", f"Points {int(total)}/{int(maximum)}")


def mixed(count: int) -> Report:
    """A batch where files pass 4, 2, 3 or 0 of the 4 steps, and one could not be graded."""
    shapes = [CORRECT, WRONG_KEY, NOTEBOOK, EMPTY]
    return Report(
        results=tuple(
            replace(shapes[index % 4], submission=f"submissions/{index:04}.py")
            for index in range(count)
        )
    )


def test_which_fold_a_batch_gets_and_what_its_points_count() -> None:
    """Steps while they fit (whole, cut, names only), then files that passed every step,
    then the whole batch; these long-named files fold at these sizes."""
    chosen = {}
    for count in (1, 50, 100, 400, 1500):
        document = classroom.payload(batch(count))
        names = (name for name, _ in classroom.FOLDS)
        fold = next(name for name in names if classroom.fold(batch(count), name) == document)
        chosen[count] = (fold, reporter(classroom.encoded(document)).points)
    assert chosen == {
        1: ("full", (2, 4)),
        50: ("short", (100, 200)),
        100: ("names only", (200, 400)),
        400: ("per submission", (0, 400)),
        1500: ("batch", (0, 1)),
    }


def test_the_module_names_the_reporters_current_repository() -> None:
    """The reporter lives at classroom-resources, not at its old organisation."""
    assert "classroom-resources/autograding-grading-reporter" in (classroom.__doc__ or "")
    assert "github-education-resources" not in (classroom.__doc__ or "")
