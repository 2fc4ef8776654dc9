"""Gradescope's side: choose the learner's file in an upload, grade it, always write results.json.

Gradescope unpacks what a learner uploads into ``/autograder/submission`` (a zip
becomes its folders) and reads ``/autograder/results/results.json``.
``examples/gradescope/run_autograder`` runs, from a folder the learner does not
control and with ``-I`` so that nothing in the upload can be imported::

    python -I -m grader upload [--name NAME] [--timeout S] [--exercise FOLDER] \
        SUBMISSION_DIR RESULTS

(``--exercise`` defaults to the GRADER_EXERCISE environment variable, and to the
built-in exercise when that is empty.)

Which file is graded is decided here, never by the order of names: the configured
``--name`` when given (a file name or a path inside the upload); else the only
``.py`` or ``.ipynb`` file anywhere in the upload (hidden files, ``__MACOSX`` and
``__pycache__`` ignored; links are never followed); else, of several, the one that
is not empty and names the most of what the exercise asks for. The file is copied
into a private folder and graded there, and results.json names the file graded and
the ones left out. The exit code is 0 when results.json was written, 2 for a usage
error, 3 when it could not be (``run_autograder`` then writes one itself).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from grader.load import SUFFIXES
from grader.result import submission_order

if TYPE_CHECKING:
    from grader.exercise import Exercise

EXIT_WRITTEN, EXIT_USAGE, EXIT_INTERNAL = 0, 2, 3

# Folders and files that archivers and editors add, never the learner's work.
_SKIPPED_FOLDERS = frozenset({"__MACOSX", "__pycache__", "node_modules"})
# An upload is small; a hostile one with millions of entries stops the walk here.
MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class Choice:
    """The file to grade (a path inside the upload) and the candidates left out."""

    graded: str | None
    ignored: tuple[str, ...] = ()
    # Why nothing is graded, for the learner, when graded is None.
    problem: str = ""


def candidates(upload: Path) -> list[str]:
    """List the .py and .ipynb regular files of an upload, as paths inside it."""
    found: list[str] = []
    seen = 0
    for folder, folders, files in os.walk(upload, followlinks=False):
        folders[:] = sorted(
            name for name in folders if not name.startswith(".") and name not in _SKIPPED_FOLDERS
        )
        for name in files:
            seen += 1
            if seen > MAX_ENTRIES:
                return sorted(found, key=submission_order)
            path = Path(folder, name)
            if name.startswith(".") or path.suffix.lower() not in SUFFIXES:
                continue
            # A link could point anywhere on the grading machine: only regular files.
            if stat.S_ISREG(path.lstat().st_mode):
                found.append(path.relative_to(upload).as_posix())
    return sorted(found, key=submission_order)


def choose(upload: Path, name: str = "", names: Sequence[str] | None = None) -> Choice:
    """Decide which file of the upload to grade.

    ``names`` are the names the exercise asks the learner to write (the built-in
    exercise's by default): of several files, the one that uses more of them looks more
    like an answer to it.
    """
    found = candidates(upload)
    if name:
        wanted = PurePosixPath(name)
        matches = [p for p in found if p == name or PurePosixPath(p).name == wanted.name]
        if not matches:
            listed = f" It holds: {', '.join(found)}." if found else ""
            return Choice(
                None,
                tuple(found),
                f"Your upload has no file named {name}. Name your file {name} and upload "
                f"it again.{listed}",
            )
        exact = [p for p in matches if p == name]
        graded = (exact or matches)[0]
        return Choice(graded, tuple(p for p in found if p != graded))
    if not found:
        return Choice(
            None,
            (),
            "No .py script or .ipynb notebook was found in your upload. Upload the file "
            "you wrote for this exercise again.",
        )
    if len(found) == 1:
        return Choice(found[0])
    if names is None:
        from grader.exercise import builtin

        names = builtin().names
    asked = tuple(names)
    ranked = sorted(found, key=lambda p: _likeness(upload / p, asked), reverse=True)
    graded = ranked[0]
    return Choice(graded, tuple(p for p in found if p != graded))


def _likeness(path: Path, names: Sequence[str]) -> tuple[bool, int]:
    """Rank a candidate: not empty first, then by how many of the exercise's names it uses."""
    code = _code(path)
    meaningful = any(
        line.strip() and not line.strip().startswith("#") for line in code.splitlines()
    )
    used = sum(1 for name in names if re.search(rf"\b{re.escape(name)}\b", code))
    return meaningful, used


def _code(path: Path) -> str:
    """Read a candidate's code: a script's text, or a notebook's code cells."""
    try:
        text = path.read_bytes()[:1_000_000].decode("utf-8", errors="replace")
    except OSError:
        return ""
    if path.suffix.lower() != ".ipynb":
        return text
    try:
        cells = json.loads(text).get("cells", [])
        return "\n".join(
            "".join(cell.get("source", ""))
            for cell in cells
            if isinstance(cell, dict) and cell.get("cell_type") == "code"
        )
    except (ValueError, AttributeError, TypeError):
        return ""


def _copy(source: Path, target: Path) -> None:
    """Copy a regular file without following a link, even one swapped in since the walk."""
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(source, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(descriptor, "rb") as reading, open(target, "wb") as writing:
        shutil.copyfileobj(reading, writing)


def results_for(
    upload: Path, choice: Choice, timeout: float, exercise: Exercise | None = None
) -> dict[str, Any]:
    """Grade the chosen file in a private folder (against the exercise given, the built-in
    one by default) and build results.json."""
    from grader.grade import Options, Submission, grade
    from grader.report import gradescope
    from grader.result import Report

    if choice.graded is None:
        document = gradescope.results(Report(results=()))
        document["output"] = choice.problem
        return document
    shown = _shown(choice.graded)
    with tempfile.TemporaryDirectory(prefix="grader-upload-") as work:
        copy = Path(work, *PurePosixPath(shown).parts)
        _copy(upload / choice.graded, copy)
        report = grade(
            [Submission(shown, copy)], Options(timeout=timeout, jobs=1), exercise=exercise
        )
    document = gradescope.results(report)
    lines = [f"Graded: {shown}"]
    if choice.ignored:
        lines.append(
            f"Not graded: {', '.join(map(_shown, choice.ignored))}. Only one file is graded; "
            "to have another one graded, upload it alone."
        )
    document["output"] = "\n".join(lines) + "\n\n" + document["output"]
    return document


def _shown(path: str) -> str:
    """Show a path whose name is not UTF-8 (bytes from another system) with U+FFFD instead."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def write_results(document: dict[str, Any], path: Path) -> None:
    """Write results.json whole or not at all: a reader never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")
    partial.replace(path)


def grade_upload(
    upload: Path, results: Path, name: str, timeout: float, exercise: Exercise | None = None
) -> int:
    """Choose, grade and write results.json for one Gradescope upload (grader upload)."""
    try:
        if not upload.is_dir():
            choice = Choice(None, (), "Your upload could not be found. Upload your file again.")
        else:
            names = exercise.names if exercise is not None else None
            choice = choose(upload, name.strip(), names)
        write_results(results_for(upload, choice, timeout, exercise), results)
    except Exception as error:  # run_autograder still writes a results.json
        print(
            f"grader upload: could not grade ({type(error).__name__}: {error})",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    graded = _shown(choice.graded) if choice.graded else "nothing"
    print(f"grader upload: graded {graded}; wrote {results}")
    return EXIT_WRITTEN
