"""Rendering: a saved JSON report written out in another format.

A workflow grades its submissions once, with ``--format json``, and renders that one
result to every format it needs::

    python -m grader.render report.json --format github
    python -m grader.render report.json --format markdown --max-chars 60000 -o report.md

``--max-chars`` cuts Markdown between two blocks (never inside a code block or a
``<details>`` block) so that it fits a pull request comment. The exit code is the
grader's: 0 when every step of every submission passed, 1 when something failed, 2
when the report cannot be read or the output cannot be written, 3 for a fault of the
grader itself (one line on standard error, never a traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from grader.report.output import EXIT_INTERNAL, EXIT_USAGE, internal_error, rendered, write
from grader.safe import log_line

PROGRAM = "grader.render"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """Say what is wrong in one line and exit with the usage error code."""
        self.exit(EXIT_USAGE, f"grader.render: {message} (see python -m grader.render --help)\n")


def _parser() -> argparse.ArgumentParser:
    from grader.report import FORMATS

    p = _Parser(
        prog="python -m grader.render",
        description="Render a report saved with --format json in another format.",
    )
    p.add_argument("report", metavar="REPORT.json", help="a report written by --format json")
    p.add_argument("--format", choices=sorted(FORMATS), required=True, help="the format to write")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE, not standard output")
    p.add_argument(
        "--max-chars",
        type=int,
        metavar="N",
        help="markdown only: cut between two blocks to at most N characters, with a note",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Render the saved report named on the command line."""
    from grader.frontends.merge import MergeError, parse
    from grader.report import github
    from grader.report.json import report_from_dict

    args = _parser().parse_args(argv)
    if args.max_chars is not None and (args.format != "markdown" or args.max_chars < 100):
        print(
            "grader.render: --max-chars goes with --format markdown, N >= 100.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        with open(args.report, encoding="utf-8") as stream:
            data = parse(stream.read(), args.report)
        report = report_from_dict(data)
    except OSError as error:
        print(f"{PROGRAM}: cannot read {args.report}: {error.strerror}.", file=sys.stderr)
        return EXIT_USAGE
    except MergeError as error:
        print(f"{PROGRAM}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        # The reason may quote the file's own text: one line, as log text.
        reason = log_line(str(error))
        print(f"{PROGRAM}: {args.report}: not in the report format ({reason}).", file=sys.stderr)
        return EXIT_USAGE
    try:
        text = rendered(report, args.format, sys.stdout if not args.output else None)
        if args.max_chars is not None:
            text = github.cut_markdown(text, args.max_chars)
    except Exception as error:  # a fault of the grader: one line, never a traceback
        print(internal_error(PROGRAM, error), file=sys.stderr)
        return EXIT_INTERNAL
    return write(report, args.format, text, args.output, os.environ, PROGRAM)


if __name__ == "__main__":
    raise SystemExit(main())
