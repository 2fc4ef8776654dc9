"""Writing a report: rendered for its stream, to a file or standard output, and the
GitHub workflow files beside it.

``write`` is shared by the command line and ``grader render``: the report goes to a file
or to standard output, and with ``--format github`` the job summary and the step outputs
go to the files that GitHub names in the environment.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from typing import TextIO

from grader.result import Report
from grader.safe import encodable

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


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


def write(
    report: Report,
    format_name: str,
    text: str | Iterable[str],
    output: str | None,
    environ: Mapping[str, str],
) -> int:
    """Write a rendered report (whole, or in pieces) where it goes; return the exit code
    that says how it went."""
    pieces = [text] if isinstance(text, str) else text
    if output:
        try:
            with open(output, "w", encoding="utf-8") as stream:
                for piece in pieces:
                    stream.write(piece)
        except OSError as error:
            print(f"grader: cannot write {output}: {error.strerror or error}", file=sys.stderr)
            return EXIT_USAGE
    else:
        for piece in pieces:
            sys.stdout.write(encodable(piece, sys.stdout))
    if format_name == "github":
        # Inside a workflow: the job summary and the step outputs, where GitHub reads them.
        from grader.report import github

        try:
            github.write_workflow_files(report, environ)
        except github.WorkflowFileError as error:
            print(f"grader: {error}", file=sys.stderr)
            return EXIT_USAGE
    # An empty shard (more parts than submissions) graded nothing, and failed nothing.
    return EXIT_PASSED if report.all_passed or not report.results else EXIT_FAILED
