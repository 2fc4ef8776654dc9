"""Shared fixtures: the project's folders, and grading a file through the real grader."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from grader.grade import Options, Submission, grade
from grader.result import Result

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = ROOT / "submissions"
REFERENCE = ROOT / "reference"

# Short enough to keep the suite fast, long enough for a loaded CI machine.
TEST_TIMEOUT = 3.0


def grade_file(path: Path, shown: str | None = None, timeout: float = TEST_TIMEOUT) -> Result:
    """Grade one file alone and return its result."""
    report = grade([Submission(shown or path.name, path)], Options(timeout=timeout, jobs=1))
    return report.results[0]


@pytest.fixture
def grade_source(tmp_path: Path) -> Callable[..., Result]:
    """Return a function that grades a script written from a source string."""

    def grade_it(source: str, name: str = "submission.py") -> Result:
        path = tmp_path / name
        path.write_text(textwrap.dedent(source), encoding="utf-8")
        return grade_file(path)

    return grade_it
