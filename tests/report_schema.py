"""The JSON report's schema, as the package ships it, to validate every report a test writes."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema

from grader.report.json import schema


@cache
def validator() -> jsonschema.Draft202012Validator:
    """A validator for the grader's JSON report, checked to be a valid schema itself (built once)."""
    document = schema()
    jsonschema.Draft202012Validator.check_schema(document)
    return jsonschema.Draft202012Validator(document)


def validate(report: str | dict[str, Any]) -> dict[str, Any]:
    """Validate a JSON report (its text or its data) and return its data."""
    data: dict[str, Any] = json.loads(report) if isinstance(report, str) else report
    validator().validate(data)
    return data


def validate_text(report: str) -> str:
    """Validate a JSON report's text and return it, to write it on."""
    validate(report)
    return report
