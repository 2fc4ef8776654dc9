"""The JUnit format: well-formed XML that junitparser reads back as suites and cases."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from grader.report import FORMATS, junit
from grader.result import Report, Result, Status
from tests.sample_reports import CORRECT, EMPTY, HOSTILE_RESULT, NOTEBOOK, WRONG_KEY, report

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
        "Hint: Use curly braces to create a dictionary with the exact keys and values."
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
def test_the_document_is_valid_against_the_jenkins_schema_but_for_file_and_line(
    jenkins: Any, jenkins_with_file_and_line: Any, results: Any
) -> None:
    """Jenkins junit-10 accepts the document; a case's file and line are the only additions."""
    text = junit.render(Report(results=results))
    jenkins_with_file_and_line.validate(text)
    root = ET.fromstring(text)
    for case in root.iter("testcase"):
        case.attrib.pop("file")
        case.attrib.pop("line", None)
    jenkins.validate(ET.tostring(root, encoding="unicode"))


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


def test_a_case_names_its_file_and_the_line_of_a_script() -> None:
    """file on every case; line only where it is a line of the script itself."""
    root = ET.fromstring(junit.render(report(WRONG_KEY, NOTEBOOK)))
    places = [(c.get("file"), c.get("line")) for c in root.iter("testcase")]
    assert places[:2] == [("submissions/wrong-key.py", "4"), ("submissions/wrong-key.py", None)]
    assert set(places[4:]) == {("submissions/strict.ipynb", None)}
