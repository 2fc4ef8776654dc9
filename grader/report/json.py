"""The JSON report: the result model as versioned, documented JSON, and back.

``report_dict`` writes the document; ``report_from_dict`` reads one back into the
same dataclasses, so that a saved report renders to every other format exactly as
the grading itself would have: the document carries everything a format shows.
``report.schema.json``, beside this module, is its JSON Schema (``schema()`` loads it);
its ``version`` is the report's.

The reader is strict about what every report has (the version, and each result's
submission, status, maximum score and steps; each step's number, title and status)
and tolerant of the rest: a field it does not know is ignored, and an optional one
that is missing takes its default, so that a report written by a later grader of the
same version still reads. The learner's text it reads (the file's name, the
messages, the notes, what the program printed) is made safe as the grading makes it
(grader.safe): a report the grader wrote reads back unchanged, and one written or
edited elsewhere cannot make a format print what the grading never would, a
workflow command in a CI log above all.

The document may be printed to a CI log (the action's ``format: json``), where the
runner would read ``##[`` as a command anywhere in a line: it is written ``##\\u005b``,
which every JSON reader reads back as ``##[``; invisible format characters (a soft
hyphen, a zero-width joiner) are written as escapes too, so the text shows them.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import asdict
from importlib import resources
from typing import Any

from grader.result import Location, Report, Result, Status, StepResult, Summary
from grader.safe import LEGACY_COMMAND, log_line, safe_text, writable_data

SCHEMA = "report.schema.json"


def _location(location: Location | None) -> dict[str, Any] | None:
    if location is None:
        return None
    place: dict[str, Any] = {"line": location.line}
    if location.cell is not None:
        place["cell"] = location.cell
    place["text"] = location.describe()
    return place


def step_dict(step: StepResult) -> dict[str, Any]:
    """Return one step's verdict as plain data."""
    return {
        "step": step.step,
        "title": step.title,
        "status": step.status.value,
        "message": step.message,
        "hint": step.hint,
        "location": _location(step.location),
        "code": step.code,
        "about_output": step.about_output,
        "blocked_by": step.blocked_by,
    }


def result_dict(result: Result) -> dict[str, Any]:
    """Return one submission's result as plain data."""
    return {
        "submission": result.submission,
        "status": result.status.value,
        "score": result.score,
        "max_score": result.max_score,
        "message": result.message,
        "location": _location(result.location),
        "code": result.code,
        "mistakes": list(result.mistake_codes),
        "notes": list(result.notes),
        "sandbox": result.sandbox,
        "layers": list(result.layers),
        "steps": [step_dict(step) for step in result.steps],
        "output": result.output,
    }


def summary_dict(summary: Summary) -> dict[str, Any]:
    """Return a batch's totals as plain data."""
    data = asdict(summary)
    data["step_passes"] = {str(k): v for k, v in data["step_passes"].items()}
    data["mistakes"] = dict(data["mistakes"])
    return data


def report_dict(report: Report, results: list[Any] | None = None) -> dict[str, Any]:
    """Return the whole report as plain data (with ``results`` in place of its results)."""
    summary = summary_dict(report.summary())
    data: dict[str, Any] = {
        "version": report.version,
        "sandbox": report.sandbox,
        "sandbox_note": report.sandbox_note,
        "layers": list(report.layers),
        "results": [result_dict(r) for r in report.results] if results is None else results,
        "summary": summary,
        # What each mistake of the summary means, from the exercise that was graded.
        "glossary": {code: report.glossary.get(code, "") for code in summary["mistakes"]},
        # What each step asks for, as the exercise words it.
        "instructions": {str(number): text for number, text in report.instructions.items()},
    }
    if report.incomplete:
        # Only a report cut short says so, and of how many; a complete one has neither.
        data["incomplete"] = True
        data["total"] = report.total
    return data


def _location_from(data: Any) -> Location | None:
    if data is None:
        return None
    cell = data.get("cell")
    return Location(line=int(data["line"]), cell=None if cell is None else int(cell))


def step_from_dict(data: Mapping[str, Any]) -> StepResult:
    """Read one step's verdict back from plain data."""
    return StepResult(
        step=int(data["step"]),
        title=str(data["title"]),
        status=Status(data["status"]),
        message=safe_text(str(data.get("message") or "")),
        hint=str(data.get("hint") or ""),
        location=_location_from(data.get("location")),
        code=data.get("code"),
        about_output=bool(data.get("about_output", False)),
        blocked_by=data.get("blocked_by"),
    )


def result_from_dict(data: Mapping[str, Any]) -> Result:
    """Read one submission's result back from plain data."""
    return Result(
        submission=log_line(str(data["submission"])),
        status=Status(data["status"]),
        steps=tuple(step_from_dict(step) for step in data["steps"]),
        max_score=int(data["max_score"]),
        message=safe_text(str(data.get("message") or "")),
        location=_location_from(data.get("location")),
        code=data.get("code"),
        notes=tuple(safe_text(str(note)) for note in data.get("notes", [])),
        output=safe_text(str(data.get("output") or "")),
        sandbox=str(data.get("sandbox") or ""),
        layers=tuple(str(layer) for layer in data.get("layers", [])),
    )


def report_from_dict(data: Mapping[str, Any]) -> Report:
    """Read a whole report back; KeyError, TypeError or ValueError if it is not one."""
    return Report(
        results=tuple(result_from_dict(result) for result in data["results"]),
        sandbox=str(data.get("sandbox") or ""),
        sandbox_note=str(data.get("sandbox_note") or ""),
        version=int(data["version"]),
        glossary={str(k): str(v) for k, v in dict(data.get("glossary") or {}).items()},
        instructions={int(k): str(v) for k, v in dict(data.get("instructions") or {}).items()},
        incomplete=bool(data.get("incomplete", False)),
        total=int(data.get("total", -1)),
    )


def dumps(data: Any, indent: int | None = 2) -> str:
    """Write JSON that any file can hold and no CI runner reads as a command.

    Every string is made writable (a lone surrogate becomes an escape), and ``##[``
    is written with its bracket escaped; the data read back is the same.
    """
    text = json.dumps(writable_data(data), indent=indent, ensure_ascii=False)
    # '#' and invisible characters only ever occur inside a string of the document, where
    # an escape reads back as the character itself.
    return _NON_ASCII.sub(_invisible_escaped, text).replace(LEGACY_COMMAND, "##\\u005b")


_NON_ASCII = re.compile("[^\x00-\x7f]")


def _invisible_escaped(match: re.Match[str]) -> str:
    """Write an invisible format character (a soft hyphen, a joiner) as its escape."""
    char = match.group()
    return json.dumps(char)[1:-1] if unicodedata.category(char) == "Cf" else char


def render(report: Report) -> str:
    """Write the report as indented JSON."""
    return dumps(report_dict(report)) + "\n"


# Stands for the results in the report's frame; no result can write it (\0 is escaped).
_RESULTS = "\0results\0"


def pieces(report: Report) -> Iterator[str]:
    """Write the report as render() does, one result at a time.

    A batch's report is then never whole in memory, as data or as text: each result is
    turned into JSON, written and let go.
    """
    if not report.results:
        yield render(report)
        return
    frame = dumps(report_dict(report, [_RESULTS])) + "\n"
    before, after = frame.split(dumps(_RESULTS), 1)
    yield before
    for index, result in enumerate(report.results):
        text = dumps(result_dict(result))
        # Indented as the results' list indents it: two levels in.
        yield ("," + "\n    " if index else "") + text.replace("\n", "\n    ")
    yield after


def schema() -> dict[str, Any]:
    """Return the JSON Schema of the report, as shipped with the package."""
    text = resources.files("grader.report").joinpath(SCHEMA).read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document
