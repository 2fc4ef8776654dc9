"""How two GitHub actions that show JUnit results read a JUnit file: ports of their parsers.

- mikepenz/action-junit-report, ``src/testParser.ts``: ``parseSuite`` (with its default
  options: no suite regex, passed tests not annotated, no retries, stack traces cut to
  two lines) and ``resolveFileAndLine``: a case's place is its ``file`` and ``line``
  attributes, else its failure's, else its suite's; a file without a line is searched
  for in the failure's text as `` <path>...:<line>``, and the line is 1 if not found.
- dorny/test-reporter, ``src/parsers/java-junit/java-junit-parser.ts`` (the reporters
  ``java-junit`` and ``python-xunit``, which shares it): a case fails on ``<failure>`` or
  ``<error>``; its place comes only from a Java stack frame in the text,
  ``at pkg.Class.method(File.java:12)``, never from attributes. And
  ``src/parsers/pytest-junit/pytest-junit-parser.ts`` (the ``pytest-junit`` reporter):
  only ``<failure>`` fails a case, and its place is the failure text's first line when
  that reads ``path:line``.

The XML is read with ElementTree where they use xml-js and xml2js: the same elements,
attributes and text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass


@dataclass(frozen=True)
class Annotation:
    """What mikepenz/action-junit-report reports for one case."""

    path: str
    line: int
    status: str  # success, failure or skipped
    title: str
    message: str


def _suites(root: ET.Element) -> list[ET.Element]:
    return [root] if root.tag == "testsuite" else list(root.findall("testsuite"))


def _parse_int(text: str | None) -> int | None:
    """safeParseInt: JavaScript's parseInt of a leading integer, or null."""
    if not text:
        return None
    match = re.match(r"\s*([+-]?\d+)", text)
    return int(match.group(1)) if match else None


def resolve_file_and_line(
    file: str | None, line: str | None, class_name: str, output: str
) -> tuple[str, int]:
    """resolveFileAndLine, ported."""
    file_name = file if file else class_name.split(".")[-1]
    line_number = _parse_int(line)
    if file_name and line_number:
        return file_name, line_number
    escaped = re.sub(r"[.*+?^${}()|[\]\\]", lambda m: "\\" + m.group(), file_name).replace(
        "::", "/", 1
    )
    matches = re.findall(rf" [^ ]*{escaped}.*?:\d+", output)
    if not matches:
        return file_name, line_number or 1
    tokens = matches[-1].split(":")
    found = tokens.pop() or "0"
    return file_name, _parse_int(found) or -1


def mikepenz(xml: str) -> list[Annotation]:
    """parseSuite with the action's defaults: one annotation per case."""
    annotations = []
    for suite in _suites(ET.fromstring(xml)):
        for case in suite.findall("testcase"):
            failure, error = case.find("failure"), case.find("error")
            failed_element = failure if failure is not None else error
            skip = case.find("skipped") is not None or case.get("status") in (
                "disabled",
                "ignored",
            )
            success = failed_element is None
            stack_trace = (
                (failed_element.text or "") if failed_element is not None else ""
            ).strip()
            stack_message = "\n".join(stack_trace.split("\n")[:2])
            message = (
                (failure.get("message") if failure is not None else None)
                or (error.get("message") if error is not None else None)
                or stack_message
                or case.get("name", "")
            ).strip()
            file_name, line = resolve_file_and_line(
                case.get("file")
                or (failure.get("file") if failure is not None else None)
                or suite.get("file"),
                case.get("line")
                or (failure.get("line") if failure is not None else None)
                or suite.get("line"),
                case.get("classname") or case.get("name", ""),
                stack_trace,
            )
            name = case.get("name", "")
            title = f"{file_name}.{name}" if file_name != name else name
            status = "skipped" if skip else "success" if success else "failure"
            annotations.append(Annotation(file_name, line, status, title, message))
    return annotations


@dataclass(frozen=True)
class DornyCase:
    """What dorny/test-reporter reports for one case."""

    suite: str
    name: str
    result: str  # success, failed or skipped
    path: str | None
    line: int | None
    message: str | None


_JAVA_FRAME = re.compile(r"^at (.*)\((.*):(\d+)\)$")


def dorny_java_junit(xml: str, tracked_files: tuple[str, ...] = ()) -> list[DornyCase]:
    """JavaJunitParser (reporters java-junit and python-xunit): places from Java frames only."""
    cases = []
    for suite in _suites(ET.fromstring(xml)):
        for case in suite.findall("testcase"):
            failed = (
                case.find("failure") if case.find("failure") is not None else case.find("error")
            )
            if failed is not None:
                result = "failed"
            elif case.find("skipped") is not None:
                result = "skipped"
            else:
                result = "success"
            path = line = None
            if failed is not None:
                for text in (failed.text or "").splitlines():
                    match = _JAVA_FRAME.match(text)
                    if match and match.group(2) in {f.rsplit("/", 1)[-1] for f in tracked_files}:
                        path, line = match.group(2), int(match.group(3))
                        break
            message = failed.get("message") if failed is not None else None
            cases.append(
                DornyCase(
                    suite.get("name", "").strip(), case.get("name", ""), result, path, line, message
                )
            )
    return cases


def dorny_pytest_junit(xml: str) -> list[DornyCase]:
    """PytestJunitParser: only <failure> fails; its place is the text's first line, path:line."""
    cases = []
    for suite in _suites(ET.fromstring(xml)):
        for case in suite.findall("testcase"):
            failure = case.find("failure")
            if failure is not None:
                result = "failed"
            elif case.find("skipped") is not None:
                result = "skipped"
            else:
                result = "success"
            path = line = message = None
            if failure is not None:
                lines = [text.strip() for text in (failure.text or "").split("\n")]
                first, _, position = lines[0].partition(":")
                number = _parse_int(position.split(":")[0])
                if first and number is not None:
                    path, line, message = first, number, lines[1] if len(lines) > 1 else None
            cases.append(
                DornyCase(
                    suite.get("name", "").strip(), case.get("name", ""), result, path, line, message
                )
            )
    return cases
