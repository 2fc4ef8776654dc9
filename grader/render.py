"""Rendering: a saved JSON report written out in another format, and the writing itself.

A workflow grades its submissions once, with ``--format json``, and renders that one
result to every format it needs::

    python -m grader.render report.json --format github
    python -m grader.render report.json --format markdown --max-chars 60000 -o report.md

``--max-chars`` cuts Markdown between two blocks (never inside a code block or a
``<details>`` block) so that it fits a pull request comment. The exit code is the
grader's: 0 when every step of every submission passed, 1 when something failed, 2
when the report cannot be read or the output cannot be written (one line on standard
error).

``write`` is shared with the command line: the report goes to a file or to standard
output, and with ``--format github`` the job summary and the step outputs go to the
files that GitHub names in the environment.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NoReturn, TextIO

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
    from grader.merge import MergeError, parse
    from grader.report import github
    from grader.report.json import report_from_dict

    args = _parser().parse_args(argv)
    if args.max_chars is not None and (args.format != "markdown" or args.max_chars < 100):
        print("grader.render: --max-chars goes with --format markdown, N >= 100.", file=sys.stderr)
        return EXIT_USAGE
    try:
        with open(args.report, encoding="utf-8") as stream:
            data = parse(stream.read(), args.report)
        report = report_from_dict(data)
    except OSError as error:
        print(f"grader.render: cannot read {args.report}: {error.strerror}.", file=sys.stderr)
        return EXIT_USAGE
    except MergeError as error:
        print(f"grader.render: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        print(f"grader.render: {args.report}: not in the report format ({error}).", file=sys.stderr)
        return EXIT_USAGE
    text = rendered(report, args.format, sys.stdout if not args.output else None)
    if args.max_chars is not None:
        text = github.cut_markdown(text, args.max_chars)
    return write(report, args.format, text, args.output, os.environ)


if __name__ == "__main__":
    raise SystemExit(main())
