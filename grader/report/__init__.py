"""Report formats: each is a pure function from a Report to the text it writes.

FORMATS maps the name given to ``--format`` to that function; a format module owns
everything about its format and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable

from grader.report import classroom, github, gradescope, junit, markdown
from grader.report import csv as csv_format
from grader.report import json as json_format
from grader.report import text as text_format
from grader.result import Report

Renderer = Callable[[Report], str]

FORMATS: dict[str, Renderer] = {
    "text": text_format.render,
    "json": json_format.render,
    "csv": csv_format.render,
    "github": github.render,
    "markdown": markdown.render,
    "junit": junit.render,
    "gradescope": gradescope.render,
    "classroom": classroom.render,
}
