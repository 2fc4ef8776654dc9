"""The command line: arguments in, a report out, and an exit code that says how it went.

``grader PATH...`` grades; ``grader COMMAND ...`` runs one of the other commands
(render, merge, changes, upload, mistakes), each with the same style of arguments and
the same one-line usage errors. A path named like a command is graded when written as a
path (``grader ./render``).

Exit codes: 0 every step of every submission passed; 1 graded, something failed
(including a submission that could not be loaded or run); 2 usage error (a bad
argument, a missing file, an exercise that does not load); 3 an internal error of the
grader itself; 130 interrupted with Ctrl-C (SIGINT), 143 stopped with SIGTERM: the
report of the submissions graded until then is written all the same, marked incomplete.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import os
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from grader import __version__
from grader.report import FORMATS

if TYPE_CHECKING:
    from grader.exercise import Exercise
    from grader.grade import Progress
    from grader.result import Report
    from grader.stopping import Stop

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
# Interrupted with Ctrl-C: 128 + SIGINT, as shells report it (SIGTERM: 143).
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
    from grader.grade import UsageError

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
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _exercise_option(p: argparse.ArgumentParser, default: str | None = None) -> None:
    p.add_argument(
        "--exercise",
        metavar="FOLDER",
        default=default,
        help="the exercise defined in FOLDER (its spec.py and reference/solution.py) "
        "instead of the built-in one",
    )


COMMANDS_HELP = """commands (each has its own --help):
  grader render REPORT.json --format F   render a saved JSON report in another format
  grader merge REPORT.json...            merge the JSON reports of shards into one
  grader changes BASE HEAD               list the submissions a pull request adds or changes
  grader upload SUBMISSION_DIR RESULTS   grade a Gradescope upload, write results.json
  grader mistakes                        write the table of mistake codes

A file or folder named like a command is graded when written as a path: grader ./render
"""


def parser() -> argparse.ArgumentParser:
    """Build the argument parser of grading."""
    p = _Parser(
        prog="grader",
        description="Grade Python scripts (.py) and Jupyter notebooks (.ipynb), step by step.",
        epilog=COMMANDS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
    _exercise_option(p)
    p.add_argument(
        "--watch",
        action="store_true",
        help="grade, then grade again each time a file is saved, until Ctrl-C "
        "(for checking your work while you edit it)",
    )
    p.add_argument("--version", action="version", version=f"grader {__version__}")
    return p


def load_exercise(folder: str | None) -> Exercise:
    """Return the exercise of a folder, or the built-in one; raise ExerciseError."""
    from grader.exercise import builtin, from_folder

    return builtin() if not folder else from_folder(Path(folder))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command named on the command line, or grade the paths named there."""
    if argv is None:
        # The process's own command: what is alive when it ends goes with the process.
        # The interpreter's last garbage collection would walk all of it (pytest, the
        # checks, the sandbox) for nothing; frozen at exit, it is left alone.
        atexit.register(gc.freeze)
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in COMMANDS:
        return COMMANDS[args[0]](args[1:])
    return grade_main(args)


def grade_main(argv: Sequence[str]) -> int:
    """Grade the submissions named on the command line and print the report."""
    args = parser().parse_args(argv)
    if args.watch:
        from grader.frontends.watch import watch

        rest = [a for a in argv if a != "--watch"]
        return watch(args.paths, lambda: grade_main(rest))
    from grader.stopping import on_signals

    # From here on, the first Ctrl-C or SIGTERM stops the grading and the report of what
    # was graded is still written; the second stops at once.
    with on_signals() as stop:
        return _grade_and_write(args, stop)


def _grade_and_write(args: argparse.Namespace, stop: Stop) -> int:
    """Grade what the arguments name and write the report; say so when stopped."""
    from grader.exercise import ExerciseError
    from grader.grade import Options, UsageError, collect, grade, shard

    try:
        exercise = load_exercise(args.exercise)
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
    from grader.report.output import rendered_pieces, write

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
            stop=stop,
        )
        # Writing the report is short and whole or nothing: a signal now is only kept.
        with stop.quiet():
            if report.sandbox_note:
                # For whoever runs the grader, not for the learner whose report this is.
                print(f"grader: {report.sandbox_note}", file=sys.stderr)
            pieces = rendered_pieces(report, args.format, sys.stdout if not args.output else None)
            code = write(report, args.format, pieces, args.output, os.environ)
            if not stop.is_set():
                return code
            print(f"grader: {interrupted(report, args.output)}", file=sys.stderr)
            return stop.exit_code
    except (UsageError, ExerciseError) as error:  # no sandbox here, or a broken reference
        print(f"grader: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:  # before the grading began
        print("grader: interrupted; no report was written.", file=sys.stderr)
        return stop.exit_code
    except Exception as error:  # a bug of the grader, not of the learner: say so in one line
        print(
            f"grader: internal error ({type(error).__name__}: {error}). This is a bug in "
            "the grader, not in the submission; please report it.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def interrupted(report: Report, output: str | None) -> str:
    """Say, in one line, that grading was stopped, how far it got, and what was kept."""
    from grader.safe import log_line

    done, total = len(report.results), report.total
    where = log_line(output) if output else "the report"
    kept = (
        f"{where} holds all of them" if done == total
        else f"{where} holds none" if done == 0
        else f"{where} holds those {done}, marked incomplete"
    )  # fmt: skip
    return f"interrupted after {done} of {total} submissions; {kept}."


# -- the other commands ------------------------------------------------------------------


def _command_parser(name: str, description: str) -> argparse.ArgumentParser:
    return _Parser(prog=f"grader {name}", description=description)


def _output_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE, not standard output")


def render_main(argv: Sequence[str]) -> int:
    """grader render: a saved JSON report in another format."""
    p = _command_parser("render", "Render a report saved with --format json in another format.")
    p.add_argument("report", metavar="REPORT.json", help="a report written by --format json")
    p.add_argument("--format", choices=sorted(FORMATS), required=True, help="the format to write")
    _output_option(p)
    p.add_argument(
        "--max-chars",
        type=int,
        metavar="N",
        help="markdown only: cut between two blocks to at most N characters, with a note",
    )
    args = p.parse_args(argv)
    from grader.frontends.render import render_saved

    return render_saved(args.report, args.format, args.output, args.max_chars)


def merge_main(argv: Sequence[str]) -> int:
    """grader merge: the JSON reports of a sharded batch become one."""
    p = _command_parser(
        "merge", "Merge the JSON reports of the shards of a batch (--shard K/N) into one."
    )
    p.add_argument("reports", nargs="+", metavar="REPORT.json", help="the shards' JSON reports")
    _output_option(p)
    args = p.parse_args(argv)
    from grader.frontends.merge import MergeError, merge_files
    from grader.report.json import dumps
    from grader.report.output import internal_error

    try:
        text = dumps(merge_files(args.reports)) + "\n"
    except MergeError as error:
        print(f"grader merge: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:  # a fault of the grader: one line, never a traceback
        print(internal_error("grader merge", error), file=sys.stderr)
        return EXIT_INTERNAL
    return _written(text, args.output, "merge")


def changes_main(argv: Sequence[str]) -> int:
    """grader changes: the submissions a pull request adds or changes."""
    p = _command_parser(
        "changes",
        "Print the submissions that HEAD adds or changes under submissions/ since it left "
        "BASE; exit 1 when it also changes anything else.",
    )
    p.add_argument("base", metavar="BASE", help="the pull request's base revision")
    p.add_argument("head", metavar="HEAD", help="the pull request's head revision")
    args = p.parse_args(argv)
    if not args.base or not args.head:
        p.error("BASE and HEAD must name revisions")
    from grader.frontends.changes import report_changes

    return report_changes(args.base, args.head)


def upload_main(argv: Sequence[str]) -> int:
    """grader upload: grade a Gradescope upload and write its results.json."""
    p = _command_parser(
        "upload", "Choose the learner's file in a Gradescope upload, grade it, write results.json."
    )
    p.add_argument("upload", metavar="SUBMISSION_DIR", type=Path, help="the unpacked upload")
    p.add_argument("results", metavar="RESULTS", type=Path, help="where results.json goes")
    p.add_argument("--name", default="", help="the file to grade, by name (default: choose)")
    p.add_argument("--timeout", type=_seconds, default=10.0, metavar="SECONDS")
    _exercise_option(p, os.environ.get("GRADER_EXERCISE") or None)
    args = p.parse_args(argv)
    from grader.exercise import ExerciseError
    from grader.frontends.upload import grade_upload

    try:
        exercise = load_exercise(args.exercise)
    except ExerciseError as error:
        print(f"grader upload: {error}", file=sys.stderr)
        return EXIT_USAGE
    return grade_upload(args.upload, args.results, args.name, args.timeout, exercise)


def mistakes_main(argv: Sequence[str]) -> int:
    """grader mistakes: the table of every mistake code an exercise's grading can give."""
    p = _command_parser(
        "mistakes", "Write the Markdown table of the mistake codes of an exercise's grading."
    )
    _exercise_option(p)
    _output_option(p)
    args = p.parse_args(argv)
    from grader.exercise import ExerciseError
    from grader.feedback.mistakes import markdown

    try:
        exercise = load_exercise(args.exercise)
    except ExerciseError as error:
        print(f"grader mistakes: {error}", file=sys.stderr)
        return EXIT_USAGE
    if not args.exercise:
        return _written(markdown(exercise.registry()), args.output, "mistakes")
    named, command = (
        f"the exercise {exercise.title!r}",
        f"grader mistakes --exercise {args.exercise}",
    )
    return _written(markdown(exercise.registry(), named, command), args.output, "mistakes")


def _written(text: str, output: str | None, command: str) -> int:
    """Write a command's text to a file (whole or not at all) or to standard output;
    2 when it cannot be written."""
    from grader.report.output import write_file
    from grader.safe import encodable

    try:
        if output is None:
            sys.stdout.write(encodable(text, sys.stdout))
            sys.stdout.flush()
        else:
            write_file(output, text)
    except OSError as error:  # a folder in the way, a full disk, a closed pipe
        print(
            f"grader {command}: cannot write {output or 'the output'}: {error.strerror or error}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    return EXIT_PASSED


COMMANDS: dict[str, Callable[[Sequence[str]], int]] = {
    "render": render_main,
    "merge": merge_main,
    "changes": changes_main,
    "upload": upload_main,
    "mistakes": mistakes_main,
}
