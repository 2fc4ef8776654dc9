"""Writing a report: rendered for its stream, to a file or standard output, and the
GitHub workflow files beside it.

``write`` is shared by the command line and ``grader render``: the report goes to a file
or to standard output, and with ``--format github`` the job summary and the step outputs
go to the files that GitHub names in the environment.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
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


def write(
    report: Report, format_name: str, text: str, output: str | None, environ: Mapping[str, str]
) -> int:
    """Write a rendered report where it goes; return the exit code that says how it went."""
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as error:
            print(f"grader: cannot write {output}: {error.strerror or error}", file=sys.stderr)
            return EXIT_USAGE
    else:
        sys.stdout.write(encodable(text, sys.stdout))
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
