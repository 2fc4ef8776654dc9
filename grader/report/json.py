"""The JSON report: the result model as versioned, documented JSON."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from grader.result import Location, Report, Result, StepResult, Summary


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
        "steps": [step_dict(step) for step in result.steps],
        "output": result.output,
    }


def summary_dict(summary: Summary) -> dict[str, Any]:
    """Return a batch's totals as plain data."""
    data = asdict(summary)
    data["step_passes"] = {str(k): v for k, v in data["step_passes"].items()}
    data["mistakes"] = dict(data["mistakes"])
    return data


def report_dict(report: Report) -> dict[str, Any]:
    """Return the whole report as plain data."""
    summary = summary_dict(report.summary())
    return {
        "version": report.version,
        "sandbox": report.sandbox,
        "sandbox_note": report.sandbox_note,
        "results": [result_dict(result) for result in report.results],
        "summary": summary,
    }


def render(report: Report) -> str:
    """Write the report as indented JSON."""
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"
