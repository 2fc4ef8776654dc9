"""Rendering: a saved JSON report written out in another format.

A workflow grades its submissions once, with ``--format json``, and renders that one
result to every format it needs::

    grader render report.json --format github
    grader render report.json --format markdown --max-chars 60000 -o report.md

``--max-chars`` cuts Markdown between two blocks (never inside a code block or a
``<details>`` block) so that it fits a pull request comment. The exit code is the
grader's: 0 when every step of every submission passed, 1 when something failed, 2
when the report cannot be read or the output cannot be written, 3 for a fault of the
grader itself (one line on standard error, never a traceback).
"""

from __future__ import annotations

import os
import sys

from grader.report.output import EXIT_INTERNAL, EXIT_USAGE, internal_error, rendered, write
from grader.safe import log_line

PROGRAM = "grader render"
# The shortest Markdown that --max-chars may cut to: a heading and the note that says so.
MIN_CHARS = 100


def render_saved(
    report_path: str, format_name: str, output: str | None, max_chars: int | None
) -> int:
    """Render a saved report in a format (grader render); return the grader's exit code."""
    from grader.frontends.merge import MergeError, parse
    from grader.report import github
    from grader.report.json import report_from_dict

    if max_chars is not None and (format_name != "markdown" or max_chars < MIN_CHARS):
        print(
            f"{PROGRAM}: --max-chars goes with --format markdown, N >= {MIN_CHARS}.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        with open(report_path, encoding="utf-8") as stream:
            data = parse(stream.read(), report_path)
        report = report_from_dict(data)
    except OSError as error:
        print(f"{PROGRAM}: cannot read {report_path}: {error.strerror}.", file=sys.stderr)
        return EXIT_USAGE
    except MergeError as error:
        print(f"{PROGRAM}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        # The reason may quote the file's own text: one line, as log text.
        reason = log_line(str(error))
        print(f"{PROGRAM}: {report_path}: not in the report format ({reason}).", file=sys.stderr)
        return EXIT_USAGE
    try:
        text = rendered(report, format_name, sys.stdout if not output else None)
        if max_chars is not None:
            text = github.cut_markdown(text, max_chars)
    except Exception as error:  # a fault of the grader: one line, never a traceback
        print(internal_error(PROGRAM, error), file=sys.stderr)
        return EXIT_INTERNAL
    return write(report, format_name, text, output, os.environ, PROGRAM)
