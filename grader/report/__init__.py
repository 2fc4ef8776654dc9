"""Report formats: each is a pure function from a Report to the text it writes.

FORMATS maps the name given to ``--format`` to that function; a format module owns
everything about its format and nothing else. A format's module is imported the first
time it is asked for, so that a run pays only for the format it writes.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping

from grader.result import Report

Renderer = Callable[[Report], str]

# --format name -> the module of grader.report that renders it (its ``render``, or the
# function named after a colon).
_MODULES = {
    "text": "text",
    "json": "json",
    "csv": "csv",
    "github": "github",
    "markdown": "markdown",
    "junit": "junit",
    # JUnit with file and line on every case, for the readers that use them.
    "junit-xunit1": "junit:render_xunit1",
    "gradescope": "gradescope",
    "classroom": "classroom",
}


class _Formats(Mapping[str, Renderer]):
    """The formats by name, each module imported on first use."""

    def __getitem__(self, name: str) -> Renderer:
        module_name, _, function = _MODULES[name].partition(":")
        module = importlib.import_module(f"grader.report.{module_name}")
        render: Renderer = getattr(module, function or "render")
        return render

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


FORMATS: Mapping[str, Renderer] = _Formats()
