"""The JUnit XML format, for CI systems that show test results from JUnit files.

One ``<testsuite>`` per submission, named by its path; one ``<testcase>`` per step,
named "Step N: title", with a ``<failure>`` carrying the feedback when the step failed.
A submission that could not be graded gets a ``<testcase>`` named "Grading" with an
``<error>``, and its steps, which could not be judged, are ``<skipped>``. What the
program printed goes in the suite's ``<system-out>``; the error that stopped it, when
the steps were still judged (a crash after the last step that passed, say), in its
``<system-err>``.

Two families, as pytest writes them (its ``junit_family``):

- ``render`` (``--format junit``), like pytest's ``xunit2``: valid against the Jenkins
  junit-10 schema (tests/schemas/junit-10.xsd). A case has no ``file`` or ``line``
  attribute there; its suite names the file (``file`` on ``<testsuite>`` is in the
  schema), and a failure's text ends with ``FILE:LINE`` when the feedback is about a
  line of a script, as pytest's traceback does, where readers that search the text
  for a place find it (mikepenz/action-junit-report does).
- ``render_xunit1`` (``--format junit-xunit1``), like pytest's ``xunit1``: the same
  document with ``file`` on every case and ``line`` where it is a line of a script,
  for readers that take the place from those attributes (mikepenz/action-junit-report,
  GitLab). They are outside the junit-10 schema; dorny/test-reporter ignores them.

Readers need a ``time`` on every suite and case (dorny/test-reporter shows "NaNms"
without one); the report keeps no timings, so it is ``0``. No ``skipped`` count on
``<testsuites>``, where the schema has none.

The document is built with ElementTree, never by joining strings, so it is always
well-formed; characters that XML 1.0 forbids (most control characters) are removed
from learner text first, since no escaping can represent them. It may be printed to a
CI log (the action's ``format: junit``): a line of learner text that starts with
``::`` starts with ``&#58;`` instead, ``##[`` is written ``##&#91;`` and invisible
format characters as references, which every XML reader reads back unchanged and the
runner does not read as a command.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET

from grader.report.feedback import incomplete_note, names_place, step_feedback
from grader.result import Location, Report, Result, Status
from grader.safe import LEGACY_COMMAND, clean, one_line, shown_name

# Everything outside XML 1.0's Char production: #x9 | #xA | #xD | [#x20-#xD7FF] |
# [#xE000-#xFFFD] | [#x10000-#x10FFFF].
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# The report keeps no timings (it must not change from run to run); a reader still
# needs a number.
NO_TIME = "0"

# A line of the document that the Actions runner would take for a command.
_COMMAND_LINE = re.compile(r"^(\s*):(?=:)", re.MULTILINE)


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
    """Render the report as JUnit XML valid against junit-10 (pytest's xunit2 family)."""
    return _document(report, places=False)


def render_xunit1(report: Report) -> str:
    """Render the report with file and line on every case (pytest's xunit1 family)."""
    return _document(report, places=True)


def _document(report: Report, places: bool) -> str:
    root = ET.Element("testsuites", name="grader", time=NO_TIME)
    totals = {"tests": 0, "failures": 0, "errors": 0}
    suites = [_suite(result, places) for result in report.results]
    if report.incomplete:
        suites.append(_stopped(report))
    for suite in suites:
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
    # Character references read back as the characters; the runner reads neither.
    text = _COMMAND_LINE.sub(r"\1&#58;", text).replace(LEGACY_COMMAND, "##&#91;")
    return _NON_ASCII.sub(_invisible_as_reference, text)


_NON_ASCII = re.compile("[^\x00-\x7f]")


def _invisible_as_reference(match: re.Match[str]) -> str:
    """Write an invisible format character (a soft hyphen, a joiner) as a reference."""
    char = match.group()
    return f"&#x{ord(char):x};" if unicodedata.category(char) == "Cf" else char


def _suite(result: Result, places: bool) -> ET.Element:
    """Build the suite of one submission."""
    name = classname(result.submission)
    file = xml_text(shown_name(result.submission))
    suite = ET.Element("testsuite", name=file, time=NO_TIME, file=file)
    failures = errors = skipped = 0
    if result.status is Status.ERROR:
        errors += 1
        case = _case(suite, name, "Grading", file, result.location, places)
        message = result.message or "This submission could not be graded."
        error = ET.SubElement(
            case, "error", message=xml_text(_first_line(message)), type=_type(result.code)
        )
        error.text = xml_text(_with_place(message, result.location, file))
    for step in result.steps:
        title = xml_text(f"Step {step.step}: {step.title}")
        case = _case(suite, name, title, file, step.location, places)
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
            failure.text = xml_text(_at(text, step.location, file))
    tests = len(result.steps) + (1 if result.status is Status.ERROR else 0)
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", str(skipped))
    if result.output:
        ET.SubElement(suite, "system-out").text = xml_text(result.output)
    if result.message and result.status is not Status.ERROR:
        # The steps were judged, but the program stopped (after the last one, or on
        # the way): its error is the suite's, in no case's failure.
        message = _with_place(result.message, result.location, file)
        ET.SubElement(suite, "system-err").text = xml_text(message)
    return suite


def _stopped(report: Report) -> ET.Element:
    """A suite of one error that says grading stopped early: a cut report never looks whole."""
    suite = ET.Element("testsuite", name="grader", time=NO_TIME)
    case = ET.SubElement(suite, "testcase", classname="grader", name="Grading", time=NO_TIME)
    note = xml_text(incomplete_note(report))
    ET.SubElement(case, "error", message=note, type="grader.incomplete").text = note
    for key, value in (("tests", 1), ("failures", 0), ("errors", 1), ("skipped", 0)):
        suite.set(key, str(value))
    return suite


def _case(
    suite: ET.Element,
    classname: str,
    name: str,
    file: str,
    location: Location | None,
    places: bool,
) -> ET.Element:
    """Add a test case; in the xunit1 family, with its file and a script's line."""
    case = ET.SubElement(suite, "testcase", classname=classname, name=name, time=NO_TIME)
    if places:
        case.set("file", file)
        if location is not None and location.cell is None:
            case.set("line", str(location.line))
    return case


def _with_place(message: str, location: Location | None, file: str) -> str:
    """Say where, unless the message does; end with FILE:LINE for a script's line."""
    text = clean(message)
    if location is not None and not names_place(text, location):
        text = f"{text}\nWhere: {location.describe()}"
    return _at(text, location, file)


def _at(text: str, location: Location | None, file: str) -> str:
    """End feedback about a script's line with FILE:LINE, as a traceback's last line does."""
    if location is None or location.cell is not None:
        return text
    return f"{text}\n{file}:{location.line}"


def _first_line(text: str) -> str:
    """Shorten feedback to its first line, for the message attribute."""
    return clean(text).strip().split("\n", 1)[0]


def _type(code: str | None) -> str:
    """Name the kind of mistake, falling back to a generic one."""
    return xml_text(one_line(code)) if code else "grader.feedback"
