"""The command line: arguments in, a report out, and an exit code that says how it went.

Exit codes: 0 every step of every submission passed; 1 graded, something failed
(including a submission that could not be loaded or run); 2 usage error; 3 an internal
error of the grader itself.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from grader import __version__
from grader.grade import Options, UsageError, collect, grade
from grader.report import FORMATS

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not value > 0 or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError(f"'{text}' must be a positive number")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' must be at least 1")
    return value


def parser() -> argparse.ArgumentParser:
    """Build the argument parser."""
    p = argparse.ArgumentParser(
        prog="grader",
        description="Grade Python scripts (.py) and Jupyter notebooks (.ipynb), step by step.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="submission files, or folders of them")
    p.add_argument(
        "--format", choices=sorted(FORMATS), default="text", help="report format (default: text)"
    )
    p.add_argument(
        "-o", "--output", metavar="FILE", help="write the report to FILE instead of standard output"
    )
    p.add_argument(
        "--timeout",
        type=_positive,
        default=10.0,
        metavar="SECONDS",
        help="time limit per submission (default: 10)",
    )
    p.add_argument(
        "--memory-limit",
        type=_count,
        default=1024,
        metavar="MB",
        help="memory limit per submission in MB (default: 1024)",
    )
    p.add_argument(
        "-j",
        "--jobs",
        type=_count,
        default=os.cpu_count() or 1,
        metavar="N",
        help="submissions run at once (default: number of CPUs)",
    )
    p.add_argument("--version", action="version", version=f"grader {__version__}")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Grade the submissions named on the command line and print the report."""
    args = parser().parse_args(argv)
    try:
        submissions = collect(args.paths)
        if not submissions:
            raise UsageError(f"{', '.join(args.paths)}: no .py or .ipynb files to grade.")
    except UsageError as error:
        print(f"grader: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        report = grade(
            submissions,
            Options(timeout=args.timeout, memory_mb=args.memory_limit, jobs=args.jobs),
        )
        text = FORMATS[args.format](report)
    except Exception as error:  # a bug of the grader, not of the learner: say so in one line
        print(
            f"grader: internal error ({type(error).__name__}: {error}). This is a bug in "
            "the grader, not in the submission; please report it.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as error:
            print(f"grader: cannot write {args.output}: {error.strerror or error}", file=sys.stderr)
            return EXIT_USAGE
    else:
        sys.stdout.write(text)
    if args.format == "github":
        # Inside a workflow: the job summary and the step outputs, where GitHub reads them.
        from grader.report import github

        github.write_workflow_files(report, os.environ)
    return EXIT_PASSED if report.all_passed else EXIT_FAILED
