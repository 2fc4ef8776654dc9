"""Shared fixtures: the project's folders, the sandbox tiers under test, and grading a
file through the real grader.

``GRADER_TEST_SANDBOX`` says which tiers the suite tests; nothing else about the
machine's optional tools changes what a test expects:

- unset or ``auto``: the process tier, and the warm and bwrap tiers where they work here;
- ``process``: bubblewrap is hidden from the whole run, as on a laptop without it
  (``auto`` falls back to the warm tier, or the process tier; bwrap tests are skipped);
- ``bwrap``: the bwrap tier must work, so its tests fail instead of being skipped;
- ``warm``: the warm tier must work, likewise.
"""

from __future__ import annotations

import os
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from grader import sandbox
from grader.exercise import builtin
from grader.grade import Options, Submission, grade
from grader.result import Result
from grader.sandbox import isolation, probes, visibility

# The grader keeps the reference's expected values in the user's cache folder; the suite
# keeps its own (the processes it starts inherit it), so that it neither reads nor
# changes the machine's.
_CACHE = tempfile.TemporaryDirectory(prefix="grader-test-cache-")
os.environ["XDG_CACHE_HOME"] = _CACHE.name

SANDBOX_UNDER_TEST = os.environ.get("GRADER_TEST_SANDBOX", "auto")
if SANDBOX_UNDER_TEST not in ("auto", "process", "bwrap", "warm"):
    raise pytest.UsageError(
        f"GRADER_TEST_SANDBOX={SANDBOX_UNDER_TEST!r}: use auto, process, bwrap or warm"
    )
HIDDEN = "bubblewrap is hidden from this test run (GRADER_TEST_SANDBOX=process)"
CHILD_PYTHON = visibility.child_python(isolation.is_root()) or ""
BWRAP_PROBLEM = (
    HIDDEN
    if SANDBOX_UNDER_TEST == "process"
    else sandbox.bwrap_problem("bwrap", CHILD_PYTHON, isolation.is_root())
)
WARM_PROBLEM = sandbox.warm_problem(CHILD_PYTHON, isolation.is_root())
needs_bwrap = pytest.mark.skipif(
    BWRAP_PROBLEM is not None and SANDBOX_UNDER_TEST != "bwrap",
    reason=f"the bwrap tier cannot run here: {BWRAP_PROBLEM}",
)
needs_warm = pytest.mark.skipif(
    WARM_PROBLEM is not None and SANDBOX_UNDER_TEST != "warm",
    reason=f"the warm tier cannot run here: {WARM_PROBLEM}",
)
# The tiers a tier-by-tier test runs in; BEST is the one "auto" picks in this run.
TIERS = [
    pytest.param("warm", marks=needs_warm),
    "process",
    pytest.param("bwrap", marks=needs_bwrap),
]
BEST = (
    "warm"
    if WARM_PROBLEM is None or SANDBOX_UNDER_TEST == "warm"
    else "bwrap"
    if BWRAP_PROBLEM is None or SANDBOX_UNDER_TEST == "bwrap"
    else "process"
)


@pytest.fixture(autouse=True)
def _hide_bwrap(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """With GRADER_TEST_SANDBOX=process, the grader finds no bubblewrap in this process."""
    if SANDBOX_UNDER_TEST == "process":
        real = probes.bwrap_problem

        def hidden(bwrap: str, python: str, own_uid: bool) -> str | None:
            # Only the machine's own bubblewrap: a test may still name another program.
            return HIDDEN if bwrap == "bwrap" else real(bwrap, python, own_uid)

        monkeypatch.setattr(probes, "bwrap_problem", hidden)
    yield


ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = ROOT / "submissions"
REFERENCE = ROOT / "reference"

# Short enough to keep the suite fast, long enough for a loaded CI machine.
TEST_TIMEOUT = 3.0

# The built-in exercise's steps: a test reads their number and titles here, never types
# them (a golden file, the exact text a learner reads, may).
STEPS = builtin().steps
STEP_COUNT = len(STEPS)


def progress(passed: int) -> str:
    """The text report's progress line of a submission that passed this many steps."""
    return f"Progress: {passed} / {STEP_COUNT} steps"


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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip the tests of the Linux isolation layers on other systems, saying why."""
    if sys.platform == "linux":
        return
    skip = pytest.mark.skip(reason=f"needs the Linux isolation layers; this is {sys.platform}")
    for item in items:
        if item.get_closest_marker("linux") is not None:
            item.add_marker(skip)
