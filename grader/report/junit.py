"""The JUnit XML format, for CI systems that show test results from JUnit files.

One ``<testsuite>`` per submission, named by its path; one ``<testcase>`` per step,
named "Step N: title", with a ``<failure>`` carrying the feedback when the step failed.
A submission that could not be graded gets a ``<testcase>`` named "Grading" with an
``<error>``, and its steps, which could not be judged, are ``<skipped>``.
What the program printed goes in the suite's ``<system-out>``.

Readers need a ``time`` on every suite and case (dorny/test-reporter shows "NaNms"
without one); the report keeps no timings, so it is ``0``. Each case names its
``file``, and its ``line`` when that is a line of a script, so that report actions
annotate the learner's file instead of guessing it from the class name. Apart from
those two attributes of ``<testcase>``, which the Jenkins junit-10 schema does not
list but pytest's own JUnit files, GitLab and the annotation actions read, the document
is valid against that schema (tests/schemas/junit-10.xsd): so no ``skipped`` count on
``<testsuites>``, where the schema has none.

The document is built with ElementTree, never by joining strings, so it is always
well-formed; characters that XML 1.0 forbids (most control characters) are removed
from learner text first, since no escaping can represent them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from grader.report.feedback import step_feedback
from grader.result import Location, Report, Result, Status
from grader.safe import clean, one_line

# Everything outside XML 1.0's Char production: #x9 | #xA | #xD | [#x20-#xD7FF] |
# [#xE000-#xFFFD] | [#x10000-#x10FFFF].
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# The report keeps no timings (it must not change from run to run); a reader still
# needs a number.
NO_TIME = "0"


def xml_text(text: str) -> str:
    """Make text representable in XML 1.0 after cleaning it of escape sequences."""
    return _NOT_XML.sub("", clean(text))


def classname(submission: str) -> str:
    """Derive a dotted class name from a submission path: a/b-c.py -> a.b-c."""
    path = one_line(submission).replace("\\", "/")
    stem, dot, suffix = path.rpartition(".")
    if dot and "/" not in suffix:
        path = stem
    parts = [part for part in path.split("/") if part and part != "."]
    return xml_text(".".join(parts) or "submission")


def render(report: Report) -> str:
    """Render the report as a JUnit XML document."""
    root = ET.Element("testsuites", name="grader", time=NO_TIME)
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for result in report.results:
        suite = _suite(result)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _suite(result: Result) -> ET.Element:
    """Build the suite of one submission."""
    name = classname(result.submission)
    file = xml_text(one_line(result.submission))
    suite = ET.Element("testsuite", name=file, time=NO_TIME, file=file)
    failures = errors = skipped = 0
    if result.status is Status.ERROR:
        errors += 1
        case = _case(suite, name, "Grading", file, result.location)
        message = result.message or "This submission could not be graded."
        if result.location is not None:
            message = f"{message}\nWhere: {result.location.describe()}"
        error = ET.SubElement(
            case, "error", message=xml_text(_first_line(message)), type=_type(result.code)
        )
        error.text = xml_text(message)
    for step in result.steps:
        title = xml_text(f"Step {step.step}: {step.title}")
        case = _case(suite, name, title, file, step.location)
        if not step.passed and result.status is Status.ERROR:
            # The program could not run, so the step was not judged: skipped.
            skipped += 1
            ET.SubElement(case, "skipped", message=xml_text(_first_line(step.message)))
        elif not step.passed:
            failures += 1
            text = step_feedback(step, output=result.output)
            failure = ET.SubElement(
                case, "failure", message=xml_text(_first_line(text)), type=_type(step.code)
            )
            failure.text = xml_text(text)
    tests = len(result.steps) + (1 if result.status is Status.ERROR else 0)
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", str(skipped))
    if result.output:
        ET.SubElement(suite, "system-out").text = xml_text(result.output)
    return suite


def _case(
    suite: ET.Element, classname: str, name: str, file: str, location: Location | None
) -> ET.Element:
    """Add a test case that names its file, and its line when that is a script's line."""
    case = ET.SubElement(suite, "testcase", classname=classname, name=name, time=NO_TIME)
    case.set("file", file)
    if location is not None and location.cell is None:
        case.set("line", str(location.line))
    return case


def _first_line(text: str) -> str:
    """Shorten feedback to its first line, for the message attribute."""
    return clean(text).strip().split("\n", 1)[0]


def _type(code: str | None) -> str:
    """Name the kind of mistake, falling back to a generic one."""
    return xml_text(one_line(code)) if code else "grader.feedback"
