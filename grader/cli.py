"""The command line: arguments in, a report out, and an exit code that says how it went.

Exit codes: 0 every step of every submission passed; 1 graded, something failed
(including a submission that could not be loaded or run); 2 usage error; 3 an internal
error of the grader itself; 130 interrupted with Ctrl-C, with no report written.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from grader import __version__
from grader.exercise import ExerciseError, builtin, from_folder
from grader.grade import Options, Progress, UsageError, collect, grade, shard
from grader.report import FORMATS
from grader.report.output import rendered, write

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
# Interrupted with Ctrl-C: 128 + SIGINT, as shells report it.
EXIT_INTERRUPTED = 130


# Upper bounds keep absurd values from overflowing the limits the child sets itself.
MAX_TIMEOUT = 3600.0
MAX_MEMORY_MB = 1_048_576
MIN_MEMORY_MB = 64


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not 0 < value <= MAX_TIMEOUT:
        raise argparse.ArgumentTypeError(
            f"'{text}' must be a positive number of seconds, at most {MAX_TIMEOUT:g}"
        )
    return value


def _megabytes(text: str) -> int:
    value = _count(text)
    # Below this, Python itself cannot start and compile a program in the child.
    if not MIN_MEMORY_MB <= value <= MAX_MEMORY_MB:
        raise argparse.ArgumentTypeError(
            f"'{text}' must be from {MIN_MEMORY_MB} to {MAX_MEMORY_MB} (megabytes)"
        )
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' must be at least 1")
    return value


def default_jobs() -> int:
    """Return how many CPUs this process may use: the default for --jobs."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def parse_shard(text: str) -> tuple[int, int]:
    """Read --shard K/N as (K, N), or raise UsageError with one line that shows the form."""
    k, slash, n = text.partition("/")
    if slash and k.strip().isdigit() and n.strip().isdigit():
        index, count = int(k), int(n)
        if 1 <= index <= count:
            return index, count
    raise UsageError(
        f"--shard {text}: give K/N with 1 <= K <= N, for example --shard 1/4 "
        "for the first of four parts."
    )


# Below this many submissions a batch is over too soon for a progress line to help.
PROGRESS_FROM = 20


def _progress_line(stream: TextIO) -> Progress:
    """Return a callback that keeps one 'graded N / M' line up to date on a terminal."""
    lock = threading.Lock()

    def show(done: int, total: int) -> None:
        with lock:
            end = "\n" if done == total else ""
            stream.write(f"\rgrader: {done} / {total} submissions run{end}")
            stream.flush()

    return show


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, like every other usage error."""

    def error(self, message: str) -> NoReturn:
        """Say what is wrong in one line and exit with the usage error code."""
        self.exit(EXIT_USAGE, f"grader: {message} (see grader --help)\n")


def parser() -> argparse.ArgumentParser:
    """Build the argument parser."""
    p = _Parser(
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
        type=_seconds,
        default=10.0,
        metavar="SECONDS",
        help="time limit per submission (default: 10)",
    )
    p.add_argument(
        "--memory-limit",
        type=_megabytes,
        default=1024,
        metavar="MB",
        help=(
            "address-space limit of each process of a submission, in MB (default: 1024); "
            "the whole submission gets 3 times that where a cgroup can hold it (root), "
            "else each of its up to 256 processes gets it"
        ),
    )
    p.add_argument(
        "-j",
        "--jobs",
        type=_count,
        default=default_jobs(),
        metavar="N",
        help="submissions run at once (default: number of CPUs)",
    )
    p.add_argument(
        "--shard",
        metavar="K/N",
        help="grade only the K-th of N parts of the submissions (sorted by path, every "
        "N-th from the K-th), to spread a batch over N machines; see grader.frontends.merge",
    )
    p.add_argument(
        "--sandbox",
        choices=("auto", "warm", "process", "bwrap", "portable"),
        default="auto",
        help="isolation of the learner's code: warm (Linux as root: namespaces, hidden "
        "files, no network, forked from a started sandbox), bwrap (the same through "
        "bubblewrap), process (Linux), portable (any system: a separate process with a time "
        "limit, a fresh folder and no environment, but it does not stop the code from "
        "reading or changing your files or using the network: for checking your own "
        "work only), or auto, the strongest that works here (default: auto; see SECURITY.md)",
    )
    p.add_argument(
        "--require-sandbox",
        action="store_true",
        help="refuse to grade (exit 2) unless the warm or the bwrap tier works here "
        "(never the portable tier)",
    )
    p.add_argument(
        "--exercise",
        metavar="FOLDER",
        help="grade against the exercise defined in FOLDER (its spec.py and "
        "reference/solution.py) instead of the built-in one",
    )
    p.add_argument(
        "--watch",
        action="store_true",
        help="grade, then grade again each time a file is saved, until Ctrl-C "
        "(for checking your work while you edit it)",
    )
    p.add_argument("--version", action="version", version=f"grader {__version__}")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Grade the submissions named on the command line and print the report."""
    args = parser().parse_args(argv)
    if args.watch:
        from grader.frontends.watch import watch

        rest = [a for a in (sys.argv[1:] if argv is None else argv) if a != "--watch"]
        return watch(args.paths, lambda: main(rest))
    try:
        exercise = builtin() if args.exercise is None else from_folder(Path(args.exercise))
        submissions = collect(args.paths)
        if not submissions:
            raise UsageError(f"{', '.join(args.paths)}: no .py or .ipynb files to grade.")
        if args.shard is not None:
            submissions = shard(submissions, *parse_shard(args.shard))
    except (UsageError, ExerciseError) as error:
        print(f"grader: {error}", file=sys.stderr)
        return EXIT_USAGE
    progress = None
    if len(submissions) >= PROGRESS_FROM and sys.stderr.isatty():
        progress = _progress_line(sys.stderr)
    try:
        report = grade(
            submissions,
            Options(
                timeout=args.timeout,
                memory_mb=args.memory_limit,
                jobs=args.jobs,
                sandbox=args.sandbox,
                require_sandbox=args.require_sandbox,
            ),
            progress=progress,
            exercise=exercise,
        )
        text = rendered(report, args.format, sys.stdout if not args.output else None)
    except UsageError as error:  # the sandbox asked for cannot run here
        print(f"grader: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("grader: interrupted; no report was written.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # a bug of the grader, not of the learner: say so in one line
        print(
            f"grader: internal error ({type(error).__name__}: {error}). This is a bug in "
            "the grader, not in the submission; please report it.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    if report.sandbox_note:
        # For whoever runs the grader, not for the learner whose report this is.
        print(f"grader: {report.sandbox_note}", file=sys.stderr)
    return write(report, args.format, text, args.output, os.environ)
