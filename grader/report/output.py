"""Writing a report: rendered for its stream, to a file or standard output, and the
GitHub workflow files beside it.

``write`` is shared by the command line and ``grader render``: the report goes to a file
or to standard output, and with ``--format github`` the job summary and the step outputs
go to the files that GitHub names in the environment.

A report is always written whole or not at all: the file named by ``-o`` is replaced
in one step once the whole text is on disk (a large batch's JSON is written to it a
result at a time, never whole in memory), so a reader (a workflow's next step, an
artifact upload) never finds it empty or cut; learner text that UTF-8 cannot hold (a
lone surrogate) is written as an escape. What still goes wrong is one line on standard
error: exit code 2 when a file cannot be written, 3 for a fault of the grader itself,
never a traceback.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import BinaryIO, TextIO

from grader.result import Report
from grader.safe import encodable, log_line

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def rendered(report: Report, name: str, stream: TextIO | None) -> str:
    """Render the report; the text format fits the stream it goes to (None: a file)."""
    from grader.report import FORMATS

    if name != "text":
        return FORMATS[name](report)
    from grader.report import text

    style = text.style_for(stream) if stream is not None else text.PLAIN
    return text.render(report, style)


def rendered_pieces(report: Report, name: str, stream: TextIO | None) -> Iterable[str]:
    """Render the report in pieces where its format can (JSON: one result at a time), so
    that a large batch's report is written without being whole in memory."""
    if name == "json":
        from grader.report import json

        return json.pieces(report)
    return [rendered(report, name, stream)]


def internal_error(program: str, error: BaseException) -> str:
    """Say in one line that the grader itself failed, and what to do about it."""
    reason = log_line(str(error)) or "no details"
    return (
        f"{program}: internal error ({type(error).__name__}: {reason}). This is a bug in "
        "the grader, not in the submission; please report it."
    )


def write_file(path: str, text: str | Iterable[str]) -> None:
    """Write text (whole, or in pieces) to a file whole or not at all; OSError if it
    cannot be written.

    The text goes to a temporary file beside the target, which then replaces it: an
    error half-way (a full disk, a fault) leaves the old file, or none, never an empty
    or cut one. A target that is not a regular file (``/dev/stdout``, a pipe) is
    written directly, as it cannot be replaced.
    """
    target = Path(path)
    if target.exists() and not target.is_file():
        with open(target, "wb") as stream:
            _write_pieces(stream, text)
        return
    descriptor, partial = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".partial", dir=target.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as stream:
            _write_pieces(stream, text)
        if target.exists():
            # Keep the permissions of the file being replaced, as writing to it would.
            os.chmod(partial, target.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(partial, 0o666 & ~umask)
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise


def _write_pieces(stream: BinaryIO, text: str | Iterable[str]) -> None:
    for piece in [text] if isinstance(text, str) else text:
        stream.write(piece.encode("utf-8", "backslashreplace"))


def write(
    report: Report,
    format_name: str,
    text: str | Iterable[str],
    output: str | None,
    environ: Mapping[str, str],
    program: str = "grader",
) -> int:
    """Write a rendered report where it goes; return the exit code that says how it went."""
    try:
        return _write(report, format_name, text, output, environ, program)
    except Exception as error:  # a fault of the grader: one line, never a traceback
        print(internal_error(program, error), file=sys.stderr)
        return EXIT_INTERNAL


def _write(
    report: Report,
    format_name: str,
    text: str | Iterable[str],
    output: str | None,
    environ: Mapping[str, str],
    program: str,
) -> int:
    if output:
        try:
            write_file(output, text)
        except OSError as error:
            print(f"{program}: cannot write {output}: {error.strerror or error}", file=sys.stderr)
            return EXIT_USAGE
    else:
        try:
            for piece in [text] if isinstance(text, str) else text:
                sys.stdout.write(encodable(piece, sys.stdout))
            sys.stdout.flush()
        except OSError as error:  # a closed pipe, a full disk behind a redirection
            print(f"{program}: cannot write the report: {error.strerror or error}", file=sys.stderr)
            return EXIT_USAGE
    if format_name == "github":
        # Inside a workflow: the job summary and the step outputs, where GitHub reads them.
        from grader.report import github

        try:
            github.write_workflow_files(report, environ)
        except github.WorkflowFileError as error:
            print(f"{program}: {error}", file=sys.stderr)
            return EXIT_USAGE
    # An empty shard (more parts than submissions) graded nothing, and failed nothing.
    return EXIT_PASSED if report.all_passed or not report.results else EXIT_FAILED
