"""Which files a pull request changes: the submissions to grade, and anything else.

A course's grading workflow runs on pull requests that add learner files under
``submissions/``. It must grade exactly the submissions the pull request adds or
changes, and refuse to treat as a submission a pull request that also touches
anything else (the grader, its tests, the workflows): those need a human review.

``classify`` is the pure part, from ``git diff --name-status`` output to the two
lists. ``report_changes`` is what the workflow runs in the pull request's checkout::

    python -I -m grader changes BASE HEAD

It prints the submissions to grade, one per line, and exits 0; or it prints the
paths outside ``submissions/`` to standard error and exits 1. Standard error is the
workflow's log, and every path a pull request names is its author's text: each is
shown on one line with the grader's log escaping (``grader.safe.log_line``), so a
file named ``submissions/##[warning title=Forged]readme.md`` or ``docs/##[error]x.txt``
is listed, not read by the runner as an annotation (nor ``##[add-mask]`` as a mask).
Standard output is data, the paths as git gives them, for the workflow to read
into a file. Files under
``submissions/`` that are not a ``.py`` script or an ``.ipynb`` notebook (a README, a
``.gitkeep``, a data file) are not graded and do not stop the others: a note names
them on standard error and, inside a workflow, in the job summary. ``-I`` matters: it keeps
Python from importing a ``grader`` package out of the pull request's own files.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import NamedTuple

from grader.load import SUFFIXES
from grader.safe import log_line, writable

SUBMISSIONS = "submissions/"

# Git's file modes for a regular file; a symbolic link (120000) or a submodule
# (160000) under submissions/ could point the grader at something else entirely.
_REGULAR_MODES = frozenset({"100644", "100755"})

# What C-style escapes in a quoted path stand for (git quotes unusual paths).
_C_ESCAPES = {
    "a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
    '"': '"', "\\": "\\",
}  # fmt: skip


class Changes(NamedTuple):
    """The files of a pull request, sorted into what to grade and what to flag."""

    # Files added, modified, copied or renamed into submissions/, in git's order.
    submissions: tuple[str, ...]
    # Paths outside submissions/, both sides of a rename; also any path that cannot
    # be passed on safely one per line (one with a control character in its name).
    outside: tuple[str, ...]
    # Files under submissions/ that are not scripts or notebooks: left out, with a note.
    skipped: tuple[str, ...] = ()


def parse_name_status(output: str) -> list[tuple[str, tuple[str, ...]]]:
    """Read ``git diff --name-status`` output, with or without ``-z``.

    Each entry is a status letter (A, C, D, M, R, T, U, X; a score such as R087 is
    dropped) with its paths: two for a rename or copy, one otherwise.
    """
    if "\0" in output:
        fields = output.split("\0")
        if fields and fields[-1] == "":
            fields.pop()
        entries = []
        index = 0
        while index < len(fields):
            status = fields[index][:1]
            count = 2 if status in "RC" else 1
            paths = tuple(fields[index + 1 : index + 1 + count])
            if len(paths) != count:
                raise ValueError(f"truncated git diff output after {fields[index]!r}")
            entries.append((status, paths))
            index += 1 + count
        return entries
    entries = []
    for line in output.splitlines():
        if not line.strip():
            continue
        status, *quoted = line.split("\t")
        entries.append((status[:1], tuple(_unquote(path) for path in quoted)))
    return entries


def classify(name_status: str) -> Changes:
    """Sort a diff's paths into submissions to grade and paths outside submissions/."""
    submissions: list[str] = []
    outside: list[str] = []
    skipped: list[str] = []
    for status, paths in parse_name_status(name_status):
        for path in paths:
            if not _is_submission(path) and path not in outside:
                outside.append(path)
        # The last path is the file as the pull request leaves it; a deleted file
        # leaves nothing to grade.
        target = paths[-1]
        if status == "D" or not _is_submission(target):
            continue
        gradable = PurePosixPath(target).suffix.lower() in SUFFIXES
        chosen = submissions if gradable else skipped
        if target not in chosen:
            chosen.append(target)
    return Changes(tuple(submissions), tuple(outside), tuple(skipped))


def report_changes(base: str, head: str) -> int:
    """Print the submissions that HEAD adds or changes since it left BASE (grader changes)."""
    # BASE...HEAD compares HEAD with where it left BASE, so work merged into the base
    # branch since then is not taken for the pull request's.
    changes = classify(
        _git("diff", "--no-ext-diff", "--name-status", "-z", "--find-renames",
             f"{base}...{head}", "--")
    )  # fmt: skip
    not_regular = _not_regular_files(head, changes.submissions)
    if changes.outside or not_regular:
        lines = []
        if changes.outside:
            lines.append(
                "This pull request changes files outside submissions/, so it is not"
                " graded as a submission. A submission may only add or change files"
                " under submissions/; changes to anything else need a review:"
            )
            lines.extend(f"  - {log_line(path)}" for path in changes.outside)
        if not_regular:
            lines.append("These submissions are not regular files (a link or a submodule):")
            lines.extend(f"  - {log_line(path)}" for path in not_regular)
        print("\n".join(lines), file=sys.stderr)
        return 1
    if changes.skipped:
        note = "Not graded, as they are not .py scripts or .ipynb notebooks:"
        print("\n".join([note, *(f"  - {log_line(p)}" for p in changes.skipped)]), file=sys.stderr)
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary and not _note_in_summary(summary, note, changes.skipped):
            return 2
    # The paths as git gave them, bytes that are not UTF-8 included, for the workflow to
    # read one per line and hand to the grader.
    sys.stdout.flush()
    sys.stdout.buffer.write(b"".join(os.fsencode(path) + b"\n" for path in changes.submissions))
    sys.stdout.buffer.flush()
    return 0


def _note_in_summary(summary: str, note: str, paths: Sequence[str]) -> bool:
    """Append the note on skipped files to the job summary; say so in one line if it fails."""
    from grader.report.markdown import escape

    lines = [f"**{escape(note)}**", "", *(f"- {escape(log_line(path))}" for path in paths), ""]
    try:
        with open(summary, "a", encoding="utf-8") as stream:
            stream.write("\n".join(lines) + "\n")
    except OSError as error:
        print(
            f"grader changes: cannot write GITHUB_STEP_SUMMARY ({summary}): {error.strerror}.",
            file=sys.stderr,
        )
        return False
    return True


def _is_submission(path: str) -> bool:
    """Whether a path lies under submissions/ and can be printed on a line of its own."""
    return (
        path.startswith(SUBMISSIONS)
        and len(path) > len(SUBMISSIONS)
        # A byte that is not UTF-8 is fine (the path is passed on as bytes); a control
        # character, a newline above all, is not.
        and writable(path).isprintable()
        and ".." not in path.split("/")
    )


def _not_regular_files(revision: str, paths: Sequence[str]) -> list[str]:
    """Return the paths that are not regular files at a revision."""
    if not paths:
        return []
    listing = _git("ls-tree", "-z", revision, "--", *paths)
    regular = set()
    for entry in filter(None, listing.split("\0")):
        meta, _, path = entry.partition("\t")
        if meta.split(" ", 1)[0] in _REGULAR_MODES:
            regular.add(path)
    return [path for path in paths if path not in regular]


def _git(*args: str) -> str:
    """Run git in the current folder and return its output, or exit with its error.

    Paths are bytes to git: one that is not UTF-8 is kept as the file system keeps it
    (os.fsdecode), so that it can be handed on and opened.
    """
    try:
        done = subprocess.run(["git", *args], capture_output=True, check=False)
    except OSError as error:
        raise SystemExit(f"grader changes: cannot run git: {error}") from None
    if done.returncode != 0:
        reason = log_line(os.fsdecode(done.stderr).strip())
        raise SystemExit(f"grader changes: git {args[0]} failed: {reason}")
    return os.fsdecode(done.stdout)


def _unquote(path: str) -> str:
    """Undo git's C-style quoting of an unusual path ("a\\tb" or octal bytes)."""
    if len(path) < 2 or not (path.startswith('"') and path.endswith('"')):
        return path
    body = path[1:-1]
    raw = bytearray()
    index = 0
    while index < len(body):
        char = body[index]
        if char != "\\":
            raw.extend(char.encode("utf-8"))
            index += 1
            continue
        following = body[index + 1 : index + 2]
        if following in _C_ESCAPES:
            raw.extend(_C_ESCAPES[following].encode("utf-8"))
            index += 2
        elif body[index + 1 : index + 4].isdigit():
            raw.append(int(body[index + 1 : index + 4], 8))
            index += 4
        else:
            raw.extend(b"\\")
            index += 1
    return raw.decode("utf-8", errors="surrogateescape")
