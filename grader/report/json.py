"""The JSON report: the result model as versioned, documented JSON, and back.

``report_dict`` writes the document; ``report_from_dict`` reads one back into the
same dataclasses, so that a saved report can be rendered to any other format.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import asdict
from typing import Any

from grader.result import Location, Report, Result, Status, StepResult, Summary


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
    return {
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


def _location_from(data: Any) -> Location | None:
    if data is None:
        return None
    cell = data.get("cell")
    return Location(line=int(data["line"]), cell=None if cell is None else int(cell))


def step_from_dict(data: Mapping[str, Any]) -> StepResult:
    """Read one step's verdict back from plain data."""
    return StepResult(
        step=int(data["step"]),
        title=str(data.get("title", "")),
        status=Status(data["status"]),
        message=str(data.get("message") or ""),
        hint=str(data.get("hint") or ""),
        location=_location_from(data.get("location")),
        code=data.get("code"),
        blocked_by=data.get("blocked_by"),
    )


def result_from_dict(data: Mapping[str, Any]) -> Result:
    """Read one submission's result back from plain data."""
    return Result(
        submission=str(data["submission"]),
        status=Status(data["status"]),
        steps=tuple(step_from_dict(step) for step in data.get("steps", [])),
        max_score=int(data["max_score"]),
        message=str(data.get("message") or ""),
        location=_location_from(data.get("location")),
        code=data.get("code"),
        notes=tuple(str(note) for note in data.get("notes", [])),
        output=str(data.get("output") or ""),
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
    )


def render(report: Report) -> str:
    """Write the report as indented JSON."""
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"


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
    frame = json.dumps(report_dict(report, [_RESULTS]), indent=2, ensure_ascii=False) + "\n"
    before, after = frame.split(json.dumps(_RESULTS), 1)
    yield before
    for index, result in enumerate(report.results):
        text = json.dumps(result_dict(result), indent=2, ensure_ascii=False)
        # Indented as the results' list indents it: two levels in.
        yield ("," + "\n    " if index else "") + text.replace("\n", "\n    ")
    yield after
