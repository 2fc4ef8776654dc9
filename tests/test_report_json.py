"""The JSON report: versioned, described by the schema it ships with, and read back whole."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from grader.report import json as json_report
from grader.report.json import render, report_dict, report_from_dict, schema
from grader.result import REPORT_VERSION, Report, Result, Status
from tests import report_schema
from tests.sample_reports import (
    CORRECT,
    CRASHED_AFTER,
    EMPTY,
    HOSTILE_GRADED,
    HOSTILE_NAMES,
    HOSTILE_RESULT,
    NOTEBOOK,
    PRINT_IN_LOOP,
    SILENT,
    WRONG_KEY,
    as_graded,
    failed,
    report,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = [
    CORRECT,
    WRONG_KEY,
    NOTEBOOK,
    EMPTY,
    HOSTILE_GRADED,
    PRINT_IN_LOOP,
    SILENT,
    CRASHED_AFTER,
]


def test_the_schema_is_a_valid_json_schema_and_ships_in_the_package() -> None:
    """The schema checks as Draft 2020-12, is the file in grader/report/, and is package data."""
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(schema())
    path = ROOT / "grader" / "report" / "report.schema.json"
    assert schema() == json.loads(path.read_text(encoding="utf-8"))
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"grader.report" = ["report.schema.json"]' in pyproject


def test_the_schema_is_versioned_with_the_report() -> None:
    """The schema accepts exactly the version the grader writes."""
    assert schema()["properties"]["version"] == {
        "description": "The version of this document's shape.",
        "const": REPORT_VERSION,
    }
    assert f"version {REPORT_VERSION}" in schema()["title"]


@pytest.mark.parametrize("result", SAMPLES, ids=lambda r: r.submission)
def test_every_sample_report_is_valid_against_the_schema(result: Result) -> None:
    """Each kind of result, alone, is a document the schema describes."""
    report_schema.validate(render(report(result)))


def test_a_batch_and_an_empty_report_are_valid_against_the_schema() -> None:
    """All the samples together, and a report of nothing, are valid too."""
    report_schema.validate(render(report(*SAMPLES)))
    report_schema.validate(render(Report(results=())))


def test_the_schema_describes_every_field_the_grader_writes() -> None:
    """No field is left undocumented: the schema refuses one it does not list."""
    document = report_dict(report(WRONG_KEY))
    document["results"][0]["steps"][0]["colour"] = "red"
    assert not report_schema.validator().is_valid(document)
    del document["results"][0]["steps"][0]["colour"]
    del document["results"][0]["steps"][0]["about_output"]
    assert not report_schema.validator().is_valid(document)


def test_a_result_that_never_ran_says_so_as_the_schema_documents() -> None:
    """sandbox "" and no layers mean the program never ran; the schema says so in those words."""
    data = report_dict(report(EMPTY))["results"][0]
    assert (data["sandbox"], data["layers"]) == ("", [])
    described = schema()["$defs"]["result"]["properties"]
    assert "empty when the program never ran" in described["sandbox"]["description"]
    assert "empty when it never ran" in described["layers"]["description"]


def test_a_report_read_back_is_the_report_that_was_written() -> None:
    """Every field any format shows comes back, about_output included."""
    written = report(*SAMPLES)
    read = report_from_dict(json.loads(render(written)))
    assert read == written
    assert [s.about_output for s in read.results[5].steps] == [False, False, False, True]


def test_learner_text_read_back_is_made_as_safe_as_the_grading_makes_it() -> None:
    """A report written elsewhere with raw hostile text reads back defused, as graded."""
    hostile = Result(
        submission="a\n::error::b ##[add-mask]c.py",
        status=Status.FAILED,
        steps=HOSTILE_RESULT.steps,
        message="::add-mask::x\n##[error]y",
        notes=("::warning::z",),
        output="::set-output name=a::1\n",
    )
    read = report_from_dict(report_dict(report(hostile))).results[0]
    assert read == as_graded(hostile)
    assert read.submission == "a\\n::error::b # #[add-mask]c.py"
    assert (read.message, read.notes, read.output) == (
        "> ::add-mask::x\n# #[error]y",
        ("> ::warning::z",),
        "> ::set-output name=a::1\n",
    )


def test_a_step_about_output_says_so_in_the_json() -> None:
    """about_output is written: a reader knows the feedback shows what was printed."""
    steps = json.loads(render(report(PRINT_IN_LOOP)))["results"][0]["steps"]
    assert [step["about_output"] for step in steps] == [False, False, False, True]


def test_a_complete_report_has_no_incomplete_field_and_an_incomplete_one_says_so() -> None:
    """incomplete is optional: absent when every submission was graded, true when not."""
    assert "incomplete" not in json.loads(render(report(CORRECT)))
    cut = replace(report(CORRECT), incomplete=True)
    data = report_schema.validate(render(cut))
    assert data["incomplete"] is True
    assert report_from_dict(data).incomplete is True


def minimal() -> dict[str, Any]:
    """The least a report needs: what the reader is strict about."""
    return {
        "version": 1,
        "results": [
            {
                "submission": "a.py",
                "status": "failed",
                "max_score": 4,
                "steps": [{"step": 1, "title": "One", "status": "failed"}],
            }
        ],
    }


def test_the_reader_takes_defaults_for_what_is_optional_and_ignores_what_it_does_not_know() -> None:
    """A report from a later grader of the same version, with a field more, still reads."""
    data = minimal()
    data["results"][0]["steps"][0]["colour"] = "red"
    data["results"][0]["reviewed_by"] = "staff"
    data["shard"] = 2
    read = report_from_dict(data)
    (result,) = read.results
    assert (result.message, result.output, result.sandbox, result.layers) == ("", "", "", ())
    (step,) = result.steps
    assert (step.message, step.hint, step.about_output, step.blocked_by) == ("", "", False, None)
    assert read.incomplete is False


@pytest.mark.parametrize(
    "path",
    [
        ("version",),
        ("results",),
        ("results", 0, "submission"),
        ("results", 0, "status"),
        ("results", 0, "max_score"),
        ("results", 0, "steps"),
        ("results", 0, "steps", 0, "step"),
        ("results", 0, "steps", 0, "title"),
        ("results", 0, "steps", 0, "status"),
    ],
    ids=lambda path: ".".join(map(str, path)),
)
def test_the_reader_refuses_a_report_without_what_every_report_has(path: tuple[Any, ...]) -> None:
    """Each field the reader is strict about, when missing, is a KeyError, not a guess."""
    data = minimal()
    holder: Any = data
    for key in path[:-1]:
        holder = holder[key]
    del holder[path[-1]]
    with pytest.raises(KeyError):
        report_from_dict(data)


def test_an_unknown_status_is_refused() -> None:
    """A status the model does not have is a ValueError."""
    data = minimal()
    data["results"][0]["status"] = "maybe"
    with pytest.raises(ValueError):
        report_from_dict(data)


def test_learner_text_that_utf8_cannot_hold_is_escaped_and_the_report_written() -> None:
    """A lone surrogate in a name, a message or the output becomes an escape, not a crash."""
    result = Result(
        submission="caf\udce9.py",
        status=Status.FAILED,
        steps=(failed(1, "bad \ud800 value"), failed(2, "x")),
        message="stopped with ValueError: \udce9",
        output="x\ud800y\n",
    )
    text = render(report(result))
    text.encode("utf-8")
    data = report_schema.validate(text)
    (written,) = data["results"]
    assert written["submission"] == "caf\\xe9.py"
    assert written["steps"][0]["message"] == "bad \\ud800 value"
    assert written["output"] == "x\\ud800y\n"


def test_no_line_of_the_json_is_a_workflow_command_and_the_data_is_unchanged() -> None:
    """##[ is written with its bracket escaped: a log shows it inert, a reader reads ##[."""
    from tests import actions_runner

    names = [n for n in HOSTILE_NAMES if "\ud800" not in n and "\udce9" not in n]
    results = tuple(
        Result(submission=name, status=Status.FAILED, steps=(failed(1, name),), output=name)
        for name in names
    )
    text = render(report(*results))
    assert actions_runner.commands(text) == []
    assert not any(actions_runner.looks_like_a_command(line) for line in text.split("\n"))
    assert [r["submission"] for r in json.loads(text)["results"]] == names


def test_the_module_is_the_json_format() -> None:
    """--format json reaches this module's render."""
    from grader.report import FORMATS

    assert FORMATS["json"] is json_report.render
