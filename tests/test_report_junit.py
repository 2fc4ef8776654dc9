"""The JUnit format: well-formed XML that junitparser reads back as suites and cases."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from grader.report import FORMATS, junit
from grader.result import Location, Report, Result, Status
from tests import actions_runner, junit_readers
from tests.sample_reports import (
    CORRECT,
    CRASHED_AFTER,
    EMPTY,
    HOSTILE_NAMES,
    HOSTILE_RESULT,
    NOTEBOOK,
    WRONG_KEY,
    failed,
    passed,
    report,
)

junitparser = pytest.importorskip("junitparser", reason="install the test extra: junitparser")


def parse(text: str) -> junitparser.JUnitXml:
    """Read rendered XML back with junitparser."""
    return junitparser.JUnitXml.fromstring(text.encode("utf-8"))


def test_each_submission_is_a_suite_named_by_its_path() -> None:
    """One <testsuite> per submission, in order."""
    xml = parse(junit.render(report(CORRECT, WRONG_KEY)))
    assert [suite.name for suite in xml] == ["submissions/correct.py", "submissions/wrong-key.py"]


def test_each_step_is_a_case_with_a_class_name_from_the_submission() -> None:
    """Cases are 'Step N: title', classed by the dotted path without extension."""
    (suite,) = parse(junit.render(report(CORRECT)))
    cases = list(suite)
    assert [case.name for case in cases] == [
        "Step 1: Create the initial system capacities",
        "Step 2: Set the current load value",
        "Step 3: Determine which strategies can handle the load",
        "Step 4: Print the results",
    ]
    assert {case.classname for case in cases} == {"submissions.correct"}
    assert all(case.is_passed for case in cases)


def test_a_failed_step_carries_its_feedback_in_a_failure() -> None:
    """The failure's message is the first line; its text is message, place and hint."""
    (suite,) = parse(junit.render(report(WRONG_KEY)))
    first = next(iter(suite))
    (failure,) = first.result
    assert isinstance(failure, junitparser.Failure)
    assert failure.message == "`systems` is missing the key 'vertical_scaling'."
    assert failure.type == "step1.missing-key"
    assert failure.text == (
        "`systems` is missing the key 'vertical_scaling'.\n"
        "Where: line 4\n"
        "Hint: Use curly braces to create a dictionary with the exact keys and values.\n"
        "submissions/wrong-key.py:4"
    )


def test_suite_counts_add_up() -> None:
    """tests, failures, errors and skipped are right on suites and on the root."""
    xml = parse(junit.render(report(WRONG_KEY, EMPTY)))
    wrong, empty = list(xml)
    assert (wrong.tests, wrong.failures, wrong.errors, wrong.skipped) == (4, 2, 0, 0)
    assert (empty.tests, empty.failures, empty.errors, empty.skipped) == (5, 0, 1, 4)
    root = ET.fromstring(junit.render(report(WRONG_KEY, EMPTY)))
    assert {k: root.get(k) for k in ("tests", "failures", "errors", "skipped")} == {
        "tests": "9",
        "failures": "2",
        "errors": "1",
        "skipped": None,  # the Jenkins schema has no skipped count on <testsuites>
    }


def test_an_errored_submission_has_an_error_case_and_skipped_steps() -> None:
    """Its reason is an <error>; the steps it could not judge are skipped."""
    (suite,) = parse(junit.render(report(EMPTY)))
    first, *steps = list(suite)
    assert first.name == "Grading"
    (error,) = first.result
    assert isinstance(error, junitparser.Error)
    assert error.message == EMPTY.message
    assert error.type == "load.empty"
    assert all(isinstance(step.result[0], junitparser.Skipped) for step in steps)


def test_notebook_feedback_names_the_cell() -> None:
    """The failure text says 'cell N, line M'."""
    (suite,) = parse(junit.render(report(NOTEBOOK)))
    assert "Where: cell 3, line 2" in list(suite)[2].result[0].text


def test_what_the_program_printed_is_the_suites_system_out() -> None:
    """Output goes to <system-out>."""
    root = ET.fromstring(junit.render(report(CORRECT)))
    assert root.findtext("testsuite/system-out") == CORRECT.output


def test_characters_illegal_in_xml_are_removed_and_the_rest_is_escaped() -> None:
    """NUL, escapes and vertical tabs vanish; <, & and quotes stay, escaped; a lone
    surrogate, which neither XML nor UTF-8 can hold, is shown as its escape."""
    result = Result(
        submission='submissions/a&b"<c>.py',
        status=Status.ERROR,
        message='bad\x00 \x0b\x1b[1mbyte\x1b[0m <tag> & "q" \ud800',
    )
    text = junit.render(report(result))
    ET.fromstring(text)  # well-formed
    (suite,) = parse(text)
    assert suite.name == 'submissions/a&b"<c>.py'
    (error,) = next(iter(suite)).result
    assert error.text == 'bad byte <tag> & "q" \\ud800'


def test_hostile_learner_text_still_gives_well_formed_xml() -> None:
    """Whatever the learner wrote, the document parses."""
    ET.fromstring(junit.render(report(HOSTILE_RESULT)))


def test_class_names_drop_the_extension_and_use_dots() -> None:
    """submissions/x.ipynb becomes submissions.x; a bare name stays."""
    assert junit.classname("submissions/x.ipynb") == "submissions.x"
    assert junit.classname("./solution.py") == "solution"
    assert junit.classname("a.b/c") == "a.b.c"


def test_an_empty_report_is_an_empty_testsuites() -> None:
    """No submissions gives a valid document with zero tests."""
    root = ET.fromstring(junit.render(Report(results=())))
    assert root.tag == "testsuites"
    assert root.get("tests") == "0"


def test_the_document_has_an_xml_declaration() -> None:
    """CI tools expect the declaration on the first line."""
    assert junit.render(report(CORRECT)).startswith("<?xml version='1.0' encoding='utf-8'?>\n")


def test_the_format_is_registered_for_the_command_line() -> None:
    """--format junit reaches this module's render."""
    assert FORMATS["junit"] is junit.render


SAMPLES = [
    (CORRECT,),
    (WRONG_KEY,),
    (NOTEBOOK,),
    (EMPTY,),
    (HOSTILE_RESULT,),
    (CORRECT, WRONG_KEY, NOTEBOOK, EMPTY, HOSTILE_RESULT),
    (),
]
SAMPLE_IDS = ["correct", "wrong-key", "notebook", "empty", "hostile", "batch", "nothing"]

# The Jenkins xUnit plugin's junit-10.xsd, unchanged (jenkinsci/xunit-plugin,
# src/main/resources/org/jenkinsci/plugins/xunit/types/model/xsd/junit-10.xsd, at
# commit 8c515de2804b3fd591a3b0f1ff8908a1b1a41887).
JUNIT_10 = Path(__file__).parent / "schemas" / "junit-10.xsd"
XS = "{http://www.w3.org/2001/XMLSchema}"


@pytest.fixture(scope="module")
def jenkins() -> Any:
    """The Jenkins junit-10 schema, as published."""
    xmlschema = pytest.importorskip("xmlschema", reason="install the test extra: xmlschema")
    return xmlschema.XMLSchema10(str(JUNIT_10))


@pytest.fixture(scope="module")
def jenkins_with_file_and_line() -> Any:
    """The same schema whose <testcase> also allows the file and line attributes."""
    xmlschema = pytest.importorskip("xmlschema", reason="install the test extra: xmlschema")
    tree = ET.parse(JUNIT_10)
    (case,) = [e for e in tree.iter(f"{XS}element") if e.get("name") == "testcase"]
    complex_type = case.find(f"{XS}complexType")
    assert complex_type is not None
    for name in ("file", "line"):
        complex_type.append(ET.Element(f"{XS}attribute", name=name, type="xs:string"))
    return xmlschema.XMLSchema10(ET.tostring(tree.getroot(), encoding="unicode"))


@pytest.mark.parametrize("results", SAMPLES, ids=SAMPLE_IDS)
def test_the_default_family_is_valid_against_the_jenkins_schema(jenkins: Any, results: Any) -> None:
    """--format junit, like pytest's xunit2: Jenkins junit-10 accepts the document as it is."""
    jenkins.validate(junit.render(Report(results=results)))


@pytest.mark.parametrize("results", SAMPLES, ids=SAMPLE_IDS)
def test_the_xunit1_family_adds_only_file_and_line_to_the_cases(
    jenkins: Any, jenkins_with_file_and_line: Any, results: Any
) -> None:
    """--format junit-xunit1 is the same document plus a case's file and line, nothing else."""
    text = junit.render_xunit1(Report(results=results))
    jenkins_with_file_and_line.validate(text)
    if any(r.steps for r in results):
        assert not jenkins.is_valid(text)
    root = ET.fromstring(text)
    for case in root.iter("testcase"):
        case.attrib.pop("file")
        case.attrib.pop("line", None)
    default = ET.fromstring(junit.render(Report(results=results)))
    assert ET.tostring(root) == ET.tostring(default)


def test_the_schema_rejects_a_skipped_count_on_testsuites(jenkins: Any) -> None:
    """The check can fail: a skipped attribute on the root is not junit-10."""
    assert not jenkins.is_valid('<testsuites skipped="1"/>')


def dorny_milliseconds(value: str | None) -> float:
    """Read a time as dorny/test-reporter does (src/parsers/java-junit/java-junit-parser.ts:
    ``parseFloat(tc.$.time) * 1000``); JavaScript's parseFloat gives NaN for no value."""
    try:
        return float(value) * 1000 if value is not None else math.nan
    except ValueError:
        return math.nan


@pytest.mark.parametrize("results", SAMPLES, ids=SAMPLE_IDS)
def test_every_suite_and_case_has_a_time_dorny_can_read(results: Any) -> None:
    """No "NaNms" in dorny's report: every suite and case carries a number of seconds."""
    root = ET.fromstring(junit.render(Report(results=results)))
    for element in [root, *root.iter("testsuite"), *root.iter("testcase")]:
        assert not math.isnan(dorny_milliseconds(element.get("time"))), element.attrib


def test_an_xunit1_case_names_its_file_and_the_line_of_a_script() -> None:
    """file on every case; line only where it is a line of the script itself."""
    root = ET.fromstring(junit.render_xunit1(report(WRONG_KEY, NOTEBOOK)))
    places = [(c.get("file"), c.get("line")) for c in root.iter("testcase")]
    assert places[:2] == [("submissions/wrong-key.py", "4"), ("submissions/wrong-key.py", None)]
    assert set(places[4:]) == {("submissions/strict.ipynb", None)}


def test_a_default_case_has_no_place_attributes_and_its_suite_names_the_file() -> None:
    """xunit2: the suite carries file (in the schema); cases carry neither file nor line."""
    root = ET.fromstring(junit.render(report(WRONG_KEY)))
    assert {(c.get("file"), c.get("line")) for c in root.iter("testcase")} == {(None, None)}
    assert [s.get("file") for s in root.iter("testsuite")] == ["submissions/wrong-key.py"]


@pytest.mark.parametrize("family", ["junit", "junit-xunit1"])
def test_a_program_that_passed_every_step_then_crashed_keeps_its_error(family: str) -> None:
    """4/4 and then a crash at line 15: the suite's system-err says so, with its place."""
    root = ET.fromstring(FORMATS[family](report(CRASHED_AFTER)))
    assert root.get("failures") == "0"
    assert root.findtext("testsuite/system-err") == (
        "Your program stopped at line 15 with ZeroDivisionError: division by zero.\n"
        "submissions/crash-after.py:15"
    )


def test_a_program_that_stopped_on_the_way_keeps_its_error_beside_the_failed_steps() -> None:
    """A program that stopped before the last step: its error is the suite's system-err too."""
    result = Result(
        submission="s.py",
        status=Status.FAILED,
        steps=(passed(1), passed(2), failed(3, "Not created."), passed(4)),
        message="Your program stopped with NameError: name 'x' is not defined.",
        location=Location(line=6),
    )
    root = ET.fromstring(junit.render(report(result)))
    assert root.findtext("testsuite/system-err") == (
        "Your program stopped with NameError: name 'x' is not defined.\nWhere: line 6\ns.py:6"
    )


def test_mikepenz_places_every_failure_in_both_families() -> None:
    """action-junit-report: from file and line in xunit1; from the suite's file and the
    text's FILE:LINE by default; a notebook's cell is not a file line, so line 1."""
    for render in (junit.render, junit.render_xunit1):
        failures = [
            (a.path, a.line, a.message)
            for a in junit_readers.mikepenz(render(report(WRONG_KEY, NOTEBOOK)))
            if a.status == "failure"
        ]
        assert failures == [
            ("submissions/wrong-key.py", 4, "`systems` is missing the key 'vertical_scaling'."),
            ("submissions/wrong-key.py", 1, "Fix step 1 first: this step uses `systems`."),
            (
                "submissions/strict.ipynb",
                1,
                "`can_handle_load['vertical_scaling']` is False, but 2 >= 7 is... also False.",
            ),
        ]


def test_mikepenz_finds_the_line_of_an_error_that_stopped_grading() -> None:
    """A syntax error at line 2: the Grading case is placed on that line, in both families."""
    result = Result(
        submission="submissions/broken.py",
        status=Status.ERROR,
        message="Python could not read your code: expected ':'.",
        location=Location(line=2),
        code="syntax-error",
    )
    for render in (junit.render, junit.render_xunit1):
        (grading,) = junit_readers.mikepenz(render(report(result)))
        assert (grading.path, grading.line, grading.status) == (
            "submissions/broken.py",
            2,
            "failure",
        )


def test_dorny_reads_results_but_no_place_from_either_family() -> None:
    """test-reporter's java-junit reader ignores file and line; its results are right."""
    for render in (junit.render, junit.render_xunit1):
        cases = junit_readers.dorny_java_junit(
            render(report(WRONG_KEY, EMPTY)), tracked_files=("submissions/wrong-key.py",)
        )
        assert [c.result for c in cases] == [
            "failed",
            "success",
            "failed",
            "success",
            "failed",
            "skipped",
            "skipped",
            "skipped",
            "skipped",
        ]
        assert {(c.path, c.line) for c in cases} == {(None, None)}
        pytest_cases = junit_readers.dorny_pytest_junit(render(report(WRONG_KEY)))
        assert {(c.path, c.line) for c in pytest_cases} == {(None, None)}


@pytest.mark.parametrize("family", ["junit", "junit-xunit1"])
def test_no_line_of_either_family_is_a_workflow_command(family: str) -> None:
    """Printed to a CI log, the XML runs nothing; read as XML, the learner's text is intact."""
    results = tuple(
        Result(
            submission=f"submissions/{index}.py",
            status=Status.FAILED,
            steps=(failed(1, f"{name}\n{name}", location=Location(line=2)),),
            message=name,
            output=f"{name}\n::add-mask::x",
        )
        for index, name in enumerate(HOSTILE_NAMES)
    )
    text = FORMATS[family](report(*results))
    assert actions_runner.commands(text) == []
    assert not any(actions_runner.looks_like_a_command(line) for line in text.split("\n"))
    outputs = [s.findtext("system-out") for s in ET.fromstring(text).iter("testsuite")]
    assert outputs[5] == "::add-mask::x.py\n::add-mask::x"
    assert outputs[0] == "submissions/##[warning title=Forged]readme.md\n::add-mask::x"


def test_the_xunit1_family_is_registered_for_the_command_line() -> None:
    """--format junit-xunit1 reaches this module's render_xunit1."""
    assert FORMATS["junit-xunit1"] is junit.render_xunit1
