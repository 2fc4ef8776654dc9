"""Jupyter and IPython: `%load_ext grader`, then `%grade` grades the notebook as saved.

The learner's code never runs in the kernel: `%grade` starts the grader as a process of
its own (`python -m grader --format json`), exactly as a terminal would, and shows what
it reports: as HTML in a notebook, as text in a terminal IPython.

`%grade` with no argument finds the notebook from the kernel: VS Code puts its path in
``__vsc_ipynb_file__``, Jupyter Server in ``JPY_SESSION_NAME``, and Colab hands the
notebook over on request. `%grade PATH` grades a file named explicitly, and
`%grade --exercise FOLDER [PATH]` grades against the exercise in FOLDER instead of the
built-in one. The grader reads the file as last saved, so a notebook saved before its
last run cell gets a "save first" note above its grade.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from grader.report.html import render as render_html
from grader.report.json import report_from_dict
from grader.report.text import render as render_text
from grader.result import Report

# A line of the grader's own magics: a cell of nothing else is not the learner's work.
_GRADER_LINE = re.compile(r"%(re)?load_ext\s+grader\s*|%grade(\s.*)?")
# `--exercise FOLDER` (or `--exercise=FOLDER`) at the start of %grade's line, the folder
# in quotes when it holds spaces; what follows is the file to grade.
_EXERCISE = re.compile(r"""\s*--exercise(?:=|\s+)("[^"]*"|'[^']*'|\S+)(.*)""", re.DOTALL)
# The longest a grading may take in the kernel before it gives up (the child has its own
# time limit; this bounds a grader that cannot start at all).
WAIT = 300.0

SAVE_FIRST = (
    "{name} was last saved before the cell you ran last, so it may not hold your latest "
    "code: save it (Ctrl+S, or File > Save) and run %grade again. This is the grade of "
    "the saved file."
)
NOT_FOUND = (
    "%grade could not tell which notebook this is. Save it, then run %grade with its "
    "file name, for example: %grade my-notebook.ipynb"
)


class GradeView:
    """A grade as the kernel shows it: HTML in a notebook, text in a terminal."""

    def __init__(self, report: Report | None, notes: tuple[str, ...] = ()) -> None:
        self.report = report
        self.notes = notes

    def _repr_html_(self) -> str:
        """Return the HTML a notebook shows."""
        return render_html(self.report or Report(results=()), self.notes)

    def __repr__(self) -> str:
        """Return the text a terminal shows."""
        notes = "".join(f"Note: {note}\n\n" for note in self.notes)
        return notes + (render_text(self.report).rstrip("\n") if self.report else "").rstrip()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


class Session:
    """One kernel's `%grade`: it notes when a learner's cell last ran."""

    def __init__(self, shell: Any, environ: Mapping[str, str] | None = None) -> None:
        self.shell = shell
        self.environ = os.environ if environ is None else environ
        self.last_run: float | None = None

    def after_cell(self, result: Any) -> None:
        """Remember when a cell of the learner's (not one of `%grade`) finished running."""
        if not _grader_only(getattr(getattr(result, "info", None), "raw_cell", None)):
            self.last_run = time.time()

    def grade(self, line: str = "") -> None:
        """Grade the notebook (or the file named) as saved, and show the result."""
        import IPython.display

        # Typed in some IPython versions and not in others: called through Any.
        display: Any = IPython.display.display
        display(self.view(line))

    def view(self, line: str = "") -> GradeView:
        """Grade the notebook (or the file named) and return what to show."""
        given, options = grade_line(line)
        with tempfile.TemporaryDirectory(prefix="grader-colab-") as folder:
            path = Path(given) if given else self.locate(Path(folder))
            if path is None:
                return GradeView(None, (NOT_FOUND,))
            notes = self._save_first(path, given)
            if given:
                report, said = run_grader(given, Path.cwd(), options)
            else:  # named by its file name, as the learner knows it
                report, said = run_grader(path.name, path.parent, options)
        return GradeView(report, (*notes, *said))

    def locate(self, scratch: Path) -> Path | None:
        """Find the notebook this kernel runs, as saved; None if nothing says."""
        vscode = self.shell.user_ns.get("__vsc_ipynb_file__")
        if isinstance(vscode, str) and vscode:
            return Path(vscode)
        session = self.environ.get("JPY_SESSION_NAME", "")
        if session:
            # Jupyter Server gives the path from its root folder, or an absolute one; the
            # kernel runs in the notebook's folder.
            named = Path(session)
            for candidate in (named, Path.cwd() / named.name):
                if candidate.suffix == ".ipynb" and candidate.is_file():
                    return candidate
        return colab_notebook(scratch)

    def _save_first(self, path: Path, given: str) -> list[str]:
        """Say so when the file was saved before the learner's last cell ran.

        Two signs, either enough: the kernel ran a cell of the learner's with a higher
        execution count than any the saved file holds (this works for cells run before
        the extension was loaded), or one finished after the file was last written.
        """
        if path.suffix != ".ipynb":
            return []
        try:
            written = path.stat().st_mtime
            saved = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError):
            return []
        counts = [
            cell.get("execution_count")
            for cell in (saved.get("cells") if isinstance(saved, dict) else None) or []
            if isinstance(cell, dict)
        ]
        saved_count = max((n for n in counts if type(n) is int), default=0)
        later_cell = self._last_learner_count() > saved_count
        later_time = self.last_run is not None and written < self.last_run
        return [SAVE_FIRST.format(name=given or path.name)] if later_cell or later_time else []

    def _last_learner_count(self) -> int:
        """Return the execution count of the learner's last cell run in this kernel (0: none)."""
        history = getattr(self.shell, "history_manager", None)
        cells = getattr(history, "input_hist_raw", None) or []
        for count in range(len(cells) - 1, 0, -1):
            if not _grader_only(cells[count]):
                return count
        return 0


def grade_line(line: str) -> tuple[str, tuple[str, ...]]:
    """Split %grade's line into the file named ('' for the notebook itself) and the
    grader's options: ``--exercise FOLDER``, made absolute, as the grader runs elsewhere."""
    found = _EXERCISE.fullmatch(line)
    if found is None:
        return line.strip().strip("\"'"), ()
    folder = found.group(1).strip("\"'")
    return found.group(2).strip().strip("\"'"), ("--exercise", str(Path(folder).resolve()))


def _grader_only(cell: object) -> bool:
    """Whether a cell holds nothing but the grader's own magics (or nothing at all)."""
    if not isinstance(cell, str):
        return False
    lines = [line.strip() for line in cell.splitlines()]
    return all(not line or _GRADER_LINE.fullmatch(line) for line in lines)


def colab_notebook(scratch: Path) -> Path | None:
    """Ask Colab's front end for the notebook and keep it in a scratch file (None: not Colab)."""
    try:
        from google.colab import _message
    except ImportError:
        return None
    try:
        reply = _message.blocking_request("get_ipynb", request="", timeout_sec=30)
    except Exception:  # Colab's private channel: any failure means "cannot tell"
        return None
    notebook = reply.get("ipynb") if isinstance(reply, dict) else None
    if not isinstance(notebook, dict):
        return None
    path = scratch / "notebook.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return path


def run_grader(
    name: str, folder: Path, options: tuple[str, ...] = ()
) -> tuple[Report | None, tuple[str, ...]]:
    """Grade one file in a process of its own; return its report and what it said on stderr.

    The report names the file as given. The note on a missing bwrap tier is for whoever
    runs a batch, not for a learner; the portable tier's says what protects their files.
    """
    command = [sys.executable, "-m", "grader", "--format", "json", *options, "--", name]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            timeout=WAIT,
            cwd=folder,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, (f"The grader could not run: {error}.",)
    said = [line.removeprefix("grader: ").strip() for line in done.stderr.splitlines()]
    try:
        report = report_from_dict(json.loads(done.stdout))
    except (ValueError, KeyError, TypeError):
        return None, tuple(filter(None, said)) or (
            f"The grader stopped with exit code {done.returncode}.",
        )
    if report.sandbox != "portable":
        said = [line for line in said if line != report.sandbox_note]
    return report, tuple(filter(None, said))


def load_ipython_extension(shell: Any) -> None:
    """Register `%grade` with an IPython shell (`%load_ext grader` calls this)."""
    session = Session(shell)
    shell.events.register("post_run_cell", session.after_cell)
    shell.register_magic_function(session.grade, "line", "grade")
