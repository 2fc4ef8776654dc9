"""The Gradescope format: results.json valid against the published specification."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from grader.report import FORMATS, gradescope
from grader.result import Report
from tests.sample_reports import CORRECT, EMPTY, HOSTILE_RESULT, NOTEBOOK, WRONG_KEY, report

jsonschema = pytest.importorskip("jsonschema", reason="install the test extra: jsonschema")

SCHEMA_PATH = Path(__file__).parent / "schemas" / "gradescope-results.schema.json"
ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "gradescope" / "run_autograder"


@pytest.fixture(scope="module")
def validator() -> Any:
    """A validator for Gradescope's results.json."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def rendered(*results: Any) -> dict[str, Any]:
    """Render and parse results.json for the given results."""
    document = json.loads(gradescope.render(report(*results)))
    assert isinstance(document, dict)
    return document


@pytest.mark.parametrize(
    "results",
    [(CORRECT,), (WRONG_KEY,), (NOTEBOOK,), (EMPTY,), (HOSTILE_RESULT,), (WRONG_KEY, CORRECT), ()],
    ids=["correct", "wrong-key", "notebook", "empty", "hostile", "batch", "nothing"],
)
def test_every_report_validates_against_the_schema(validator: Any, results: Any) -> None:
    """Whatever the verdict, Gradescope gets a document in its format."""
    validator.validate(json.loads(gradescope.render(Report(results=results))))


def test_the_schema_rejects_what_gradescope_does_not_know(validator: Any) -> None:
    """A misspelt key, a bad visibility or a missing score fail validation."""
    bad = [
        {"score": 1, "visiblity": "visible"},
        {"score": 1, "visibility": "students"},
        {"tests": [{"name": "no score"}]},
        {"score": 1, "tests": [{"score": 1, "status": "ok"}]},
    ]
    for document in bad:
        assert not validator.is_valid(document), document


def test_each_step_is_a_numbered_test_worth_one_point() -> None:
    """Tests carry name, number, score, max_score, status, output and its format."""
    document = rendered(WRONG_KEY)
    assert document["score"] == 2
    assert document["tests"][0] == {
        "name": "Step 1: Create the initial system capacities",
        "number": "1",
        "score": 0,
        "max_score": 1,
        "status": "failed",
        "output": "`systems` is missing the key 'vertical_scaling'.\n"
        "Where: line 4\n"
        "Hint: Use curly braces to create a dictionary with the exact keys and values.",
        "output_format": "text",
    }
    assert document["tests"][1]["status"] == "passed"
    assert document["tests"][1]["score"] == 1


def test_results_are_visible_and_the_autograder_log_is_hidden() -> None:
    """Students see their results; the run's stdout stays with staff."""
    document = rendered(CORRECT)
    assert document["visibility"] == "visible"
    assert document["stdout_visibility"] == "hidden"


def test_the_overall_output_sums_up_and_shows_what_the_program_printed() -> None:
    """The top-level output gives the progress and the program's output."""
    output = rendered(WRONG_KEY)["output"]
    assert output == "2/4 steps passed.\n\nWhat your program printed:\n{'single_node': False}"


def test_a_notebook_step_says_cell_and_line() -> None:
    """Feedback on a notebook names the cell."""
    assert "Where: cell 3, line 2" in rendered(NOTEBOOK)["tests"][2]["output"]


def test_an_errored_submission_scores_zero_and_says_why() -> None:
    """The reason is the output; the unjudged steps are failed tests."""
    document = rendered(EMPTY)
    assert document["score"] == 0
    assert document["output"] == EMPTY.message
    assert [test["status"] for test in document["tests"]] == ["failed"] * 4


def test_a_batch_renders_only_the_first_submission() -> None:
    """Gradescope grades one submission: the first result is the one rendered."""
    assert rendered(WRONG_KEY, CORRECT) == rendered(WRONG_KEY)


def test_output_is_plain_text_without_escape_sequences() -> None:
    """Texts use the 'text' format, shown verbatim, and lose terminal escapes."""
    document = rendered(HOSTILE_RESULT)
    assert document["output_format"] == "text"
    assert "\x1b" not in json.dumps(document, ensure_ascii=False)


def test_an_empty_report_scores_zero_with_a_reason() -> None:
    """No file to grade still gives Gradescope a score and an explanation."""
    document = json.loads(gradescope.render(Report(results=())))
    assert document["score"] == 0
    assert document["tests"] == []
    assert "No submission" in document["output"]


def test_the_format_is_registered_for_the_command_line() -> None:
    """--format gradescope reaches this module's render."""
    assert FORMATS["gradescope"] is gradescope.render


def test_the_tier_and_its_layers_are_stored_for_staff_not_shown() -> None:
    """extra_data holds the tier, its layers and the note; no text the learner reads does."""
    from tests.sample_reports import PRINT_IN_LOOP

    document = json.loads(gradescope.render(replace(report(PRINT_IN_LOOP), sandbox_note="N")))
    assert document["extra_data"] == {
        "sandbox": "process",
        "layers": ["uid", "no-new-privs"],
        "sandbox_note": "N",
    }
    shown = [document["output"], *(test["output"] for test in document["tests"])]
    assert not any("process" in text or "no-new-privs" in text for text in shown)


def test_a_result_that_never_ran_stores_no_tier() -> None:
    """A file that could not be read ran in no sandbox: extra_data says so with an empty tier."""
    document = gradescope.results(report(EMPTY))
    assert (document["extra_data"]["sandbox"], document["extra_data"]["layers"]) == ("", [])
