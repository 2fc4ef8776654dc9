"""Gradescope's side: choose the learner's files in an upload, grade them, always write results.json.

Gradescope unpacks what a learner uploads into ``/autograder/submission`` (a zip
becomes its folders) and reads ``/autograder/results/results.json``.
``examples/gradescope/run_autograder`` runs, from a folder the learner does not
control and with ``-I`` so that nothing in the upload can be imported::

    python -I -m grader upload [--name NAME] [--timeout S] [--exercise FOLDER] \
        SUBMISSION_DIR RESULTS

(``--exercise`` defaults to the GRADER_EXERCISE environment variable, and to the
built-in exercise when that is empty.)

Which file counts is decided here, never by the order of names: the configured
``--name`` when given (a file name or a path inside the upload), alone; else every
``.py`` and ``.ipynb`` file anywhere in the upload (hidden files, ``__MACOSX`` and
``__pycache__`` ignored; links are never followed) is a candidate, the likeliest
(not empty, using the most of what the exercise asks for; at most ``MAX_GRADED``)
are each graded, and the best result counts: the most steps passed, the likelier
file on a tie. Each file is copied into a private folder and graded there.
results.json says which file counted and names the others, with their scores when
they were graded; every name is shown on one line, its control characters and bytes
that are not UTF-8 escaped, so no name can draw a line of its own. Which sandbox tier
ran, and its layers, go to the staff log (standard output, hidden from the learner)
and to ``extra_data``, which Gradescope stores and does not show the learner. The
exit code is 0 when results.json was written, 2 for a usage error, 3 when it could
not be (``run_autograder`` then writes one itself).
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
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from grader.load import SUFFIXES
from grader.result import Report, Result, Status, submission_order
from grader.safe import log_line, shown_name

if TYPE_CHECKING:
    from grader.exercise import Exercise

EXIT_WRITTEN, EXIT_USAGE, EXIT_INTERNAL = 0, 2, 3

# Folders and files that archivers and editors add, never the learner's work.
_SKIPPED_FOLDERS = frozenset({"__MACOSX", "__pycache__", "node_modules"})
# An upload is small; a hostile one with millions of entries stops the walk here.
MAX_ENTRIES = 10_000
# The most files of one upload that are graded: each may take up to the time limit.
MAX_GRADED = 5


@dataclass(frozen=True)
class Choice:
    """The files of an upload to grade, likeliest first, and those left out."""

    graded: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    # Why nothing is graded, for the learner, when graded is empty.
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
    """Decide which files of the upload to grade: the one named, or the likeliest few.

    ``names`` are the names the exercise asks the learner to write (the built-in
    exercise's by default): a file that uses more of them looks more like an answer.
    """
    found = candidates(upload)
    if name:
        wanted = PurePosixPath(name)
        matches = [p for p in found if p == name or PurePosixPath(p).name == wanted.name]
        if not matches:
            listed = f" It holds: {', '.join(map(shown_name, found))}." if found else ""
            return Choice(
                (),
                tuple(found),
                f"Your upload has no file named {shown_name(name)}. Name your file "
                f"{shown_name(name)} and upload it again.{listed}",
            )
        exact = [p for p in matches if p == name]
        named = (exact or matches)[0]
        return Choice((named,), tuple(p for p in found if p != named))
    if not found:
        return Choice(
            (),
            (),
            "No .py script or .ipynb notebook was found in your upload. Upload the file "
            "you wrote for this exercise again.",
        )
    if names is None:
        from grader.exercise import builtin

        names = builtin().names
    asked = tuple(names)
    # sorted() is stable: of files alike, the first by path comes first.
    ranked = sorted(found, key=lambda p: _likeness(upload / p, asked), reverse=True)
    graded = tuple(ranked[:MAX_GRADED])
    return Choice(graded, tuple(p for p in found if p not in graded))


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


@dataclass(frozen=True)
class Graded:
    """The report of every file graded, likeliest first, and which of them counts."""

    report: Report
    best: int

    @property
    def counted(self) -> Result:
        """The result that counts."""
        return self.report.results[self.best]

    @property
    def others(self) -> tuple[Result, ...]:
        """The results of the other files graded."""
        return tuple(r for i, r in enumerate(self.report.results) if i != self.best)


def grade_choice(
    upload: Path, choice: Choice, timeout: float, exercise: Exercise | None = None
) -> Graded:
    """Grade each chosen file in a private folder (against the exercise given, the
    built-in one by default); the best result counts."""
    from grader.grade import Options, Submission, grade

    with tempfile.TemporaryDirectory(prefix="grader-upload-") as work:
        submissions = []
        for index, path in enumerate(choice.graded):
            shown = shown_name(path)
            # A folder per file: two names may read alike once escaped.
            copy = Path(work, str(index), *PurePosixPath(shown).parts)
            _copy(upload / path, copy)
            submissions.append(Submission(shown, copy))
        jobs = max(1, min(len(submissions), os.cpu_count() or 1))
        report = grade(submissions, Options(timeout=timeout, jobs=jobs), exercise=exercise)
    ranks = range(len(report.results))
    # The most steps passed, then passed over failed over not graded, then the likelier.
    best = max(ranks, key=lambda i: (*_standing(report.results[i]), -i))
    return Graded(report, best)


def _standing(result: Result) -> tuple[int, int]:
    return result.score, {Status.PASSED: 2, Status.FAILED: 1, Status.ERROR: 0}[result.status]


def results_for(
    upload: Path, choice: Choice, timeout: float, exercise: Exercise | None = None
) -> dict[str, Any]:
    """Grade the chosen files and build results.json from the one that counts."""
    from grader.report import gradescope

    if not choice.graded:
        document = gradescope.results(Report(results=()))
        document["output"] = choice.problem
        document["extra_data"]["not_graded"] = [shown_name(p) for p in choice.ignored]
        return document
    graded = grade_choice(upload, choice, timeout, exercise)
    counted, others = graded.counted, graded.others
    document = gradescope.results(replace(graded.report, results=(counted,)))
    lines = [f"Graded: {counted.submission}"]
    if others:
        scores = ", ".join(f"{r.submission} ({r.score}/{r.max_score} steps)" for r in others)
        lines.append(
            f"Also graded: {scores}. The best file counts; to have another one counted, "
            "upload it alone."
        )
    if choice.ignored:
        names = ", ".join(map(shown_name, choice.ignored))
        lines.append(f"Not graded: {names}. To have one of them graded, upload it alone.")
    document["output"] = "\n".join(lines) + "\n\n" + document["output"]
    document["extra_data"].update(
        {
            "graded": counted.submission,
            "also_graded": [
                {"file": r.submission, "score": r.score, "max_score": r.max_score} for r in others
            ],
            "not_graded": [shown_name(p) for p in choice.ignored],
        }
    )
    return document


def staff_line(document: dict[str, Any], results: Path) -> str:
    """Say in one line of the staff log what counted, and in which sandbox it ran."""
    extra = document.get("extra_data", {})
    graded = extra.get("graded")
    text = "graded nothing" if graded is None else f"graded {graded}: {document['score']} points"
    others = extra.get("also_graded", [])
    if others:
        also = ", ".join(f"{o['file']} {o['score']}/{o['max_score']}" for o in others)
        text += f", the best of {len(others) + 1} files (also {also})"
    tier = extra.get("sandbox") or "none, as nothing ran"
    layers = ", ".join(extra.get("layers", [])) or "none"
    text += f"; sandbox: {tier}; layers: {layers}"
    if extra.get("sandbox_note"):
        text += f"; {extra['sandbox_note']}"
    return log_line(f"grader upload: {text}; wrote {results}")


def write_results(document: dict[str, Any], path: Path) -> None:
    """Write results.json whole or not at all: a reader never sees half of it."""
    from grader.report.json import dumps
    from grader.report.output import write_file

    path.parent.mkdir(parents=True, exist_ok=True)
    write_file(str(path), dumps(document) + "\n")


def grade_upload(
    upload: Path, results: Path, name: str, timeout: float, exercise: Exercise | None = None
) -> int:
    """Choose, grade and write results.json for one Gradescope upload (grader upload)."""
    try:
        if not upload.is_dir():
            choice = Choice((), (), "Your upload could not be found. Upload your file again.")
        else:
            names = exercise.names if exercise is not None else None
            choice = choose(upload, name.strip(), names)
        document = results_for(upload, choice, timeout, exercise)
        write_results(document, results)
    except Exception as error:  # run_autograder still writes a results.json
        reason = log_line(f"{type(error).__name__}: {error}")
        print(f"grader upload: could not grade ({reason})", file=sys.stderr)
        return EXIT_INTERNAL
    print(staff_line(document, results))
    return EXIT_WRITTEN
