"""Grading: files in, a Report out, through load, run, check and result.

This module wires the flow together. It loads each submission, runs it (and the
reference) in child processes, hands the cases to the pytest checks of the exercise it
is given, and turns their verdicts into the result model (grader.checks.outcome).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from grader.analysis.source import Source
from grader.checks.case import Case
from grader.checks.outcome import load_failure, result_of
from grader.checks.plugin import run_checks
from grader.exercise import Exercise, builtin
from grader.load import LoadError, is_supported, load
from grader.result import Report, submission_order
from grader.safe import shown_name
from grader.sandbox import Limits, Sandbox, SandboxUnavailable, run

# pytest's exit code when the session was interrupted (pytest.ExitCode.INTERRUPTED).
INTERRUPTED = 2


class UsageError(Exception):
    """The command was asked for something that cannot be done (no such file...)."""


@dataclass(frozen=True)
class Submission:
    """A file to grade, with its path as the user gave it."""

    shown: str
    path: Path


@dataclass(frozen=True)
class Options:
    """How to grade."""

    timeout: float = 10.0
    memory_mb: int = 1024
    jobs: int = 1
    # The isolation tier: "auto" (the strongest that works here), "process" or "bwrap";
    # with require_sandbox, "auto" without bwrap is a usage error.
    sandbox: str = "auto"
    require_sandbox: bool = False

    def limits(self) -> Limits:
        """Return the sandbox limits these options ask for."""
        return Limits(timeout=self.timeout, memory_mb=self.memory_mb)


def collect(paths: Sequence[str]) -> list[Submission]:
    """Expand files and folders into submissions, or raise UsageError in plain words."""
    found: list[Submission] = []
    seen: set[Path] = set()
    for given in paths:
        try:
            for submission in _expand(given):
                # The same file named twice (a.py and ./a.py, or a file and its folder)
                # is graded once, where it is first named.
                key = submission.path.resolve()
                if key not in seen:
                    seen.add(key)
                    found.append(submission)
        except OSError as error:  # a name too long, a folder that may not be listed...
            raise UsageError(f"{given}: {error.strerror or error}.") from None
    return found


def _expand(given: str) -> list[Submission]:
    """Expand one path given on the command line into submissions."""
    path = Path(given)
    if path.is_dir():
        inside = sorted(p for p in path.iterdir() if p.is_file() and is_supported(p))
        return [Submission(shown_name(str(Path(given) / p.name)), p) for p in inside]
    if path.is_file():
        if not is_supported(path):
            raise UsageError(
                f"{given}: cannot grade a '{path.suffix or 'extensionless'}' file; "
                "give a .py script or a .ipynb notebook."
            )
        return [Submission(shown_name(given), path)]
    if path.exists() or path.is_symlink():
        raise UsageError(f"{given}: not a regular file; give a .py script or a .ipynb notebook.")
    raise UsageError(f"{given}: no such file or folder.")


def shard(submissions: Sequence[Submission], index: int, count: int) -> list[Submission]:
    """Return the index-th (from 1) of count parts: sorted by path, every count-th.

    The parts depend only on the set of paths, not on the order they were given in, so
    every job of a CI matrix that names the same files gets a disjoint part, and the
    parts together are the whole set; their sizes differ by one at most.
    """
    ordered = sorted(submissions, key=lambda s: submission_order(s.shown))
    return ordered[index - 1 :: count]


# Called from the worker threads as each submission finishes running: (done, total).
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class _Prepared:
    submission: Submission
    case: Case | None = None
    error: LoadError | None = None


def _prepare(
    exercise: Exercise,
    submission: Submission,
    first: Future[Any],
    expected: Future[Any],
    limits: Limits,
    timeout: float,
    sandbox: Sandbox | None = None,
) -> _Prepared:
    """Load and run one submission, and make it a case for the checks."""
    try:
        program = load(submission.path, shown_as=submission.shown)
    except LoadError as error:
        return _Prepared(submission, error=error)
    try:
        variants = exercise.variants(first.result())
        ran = run(program, variants, limits, source=submission.path, sandbox=sandbox)
    except OSError as error:
        # The machine, not the submission: out of processes or file descriptors. Only
        # this submission goes ungraded; the batch goes on.
        return _Prepared(
            submission,
            error=LoadError(
                f"{submission.shown} could not be run: the grading machine could not start "
                f"a sandboxed process ({error.strerror or error}). Grade it again; if this "
                "repeats, the machine is short of processes or open files.",
                "not-run",
            ),
        )
    if ran.cleanup:
        # Whatever it scored, a program that left something behind is not graded: the
        # staff note says what stayed (the sandbox user is retired, never reused).
        return _Prepared(
            submission,
            error=LoadError(
                f"{submission.shown} was not graded: the grading machine could not clean "
                f"up after it ({ran.cleanup}). Note for staff: the sandbox user it ran as "
                "is retired; look for what the program left before grading it again.",
                "cleanup-failed",
            ),
        )
    case = Case(exercise, program, ran, expected.result(), Source(program), timeout)
    return _Prepared(submission, case)


def grade(
    submissions: Sequence[Submission],
    options: Options | None = None,
    progress: Progress | None = None,
    exercise: Exercise | None = None,
) -> Report:
    """Grade submissions against an exercise (the built-in one by default) and report.

    The children run on a pool of ``options.jobs`` threads while one pytest session
    checks each submission as soon as its run is back, in the order given; a
    submission's verdicts depend on its own files only, never on the batch around it.
    """
    options = options or Options()
    exercise = exercise or builtin()
    limits = options.limits()
    # One sandbox per grading: it chooses the tier once, and hides the reference and the
    # submissions' folders (other learners' work) from the bwrap tier.
    sandbox = Sandbox(
        options.sandbox,
        require=options.require_sandbox,
        hide=[exercise.reference, *{s.path.parent.resolve() for s in submissions}],
    )
    try:
        sandbox.check()
    except SandboxUnavailable as error:
        raise UsageError(str(error)) from None
    reference_limits = Limits(timeout=max(options.timeout, 10.0))
    pool = ThreadPoolExecutor(max_workers=max(1, options.jobs))
    try:
        # The reference's first run tells which loads to try; its run with those loads
        # goes on alongside the submissions', whose checks need its values. All of it
        # runs on the pool while this thread starts the pytest session. Submitted first,
        # these never wait for a submission, so no number of workers can deadlock.
        first = pool.submit(exercise.first_expected, reference_limits)
        expected = pool.submit(_full_expected, exercise, reference_limits, first)
        futures = [
            pool.submit(_prepare, exercise, s, first, expected, limits, options.timeout, sandbox)
            for s in submissions
        ]
        if progress is not None:
            _count_done(futures, progress)
        slots: list[Future[_Prepared] | _Prepared] = list(futures)
        del futures  # the slots hold each submission, until its checks are done

        def checked(index: int) -> None:
            """Keep only what the result needs, so memory grows less with the batch."""
            slot = slots[index]
            if isinstance(slot, Future) and slot.exception() is None:
                slots[index] = _slimmed(slot.result())

        checked_cases = run_checks(
            exercise, [partial(_case_at, slots, n) for n in range(len(slots))], done=checked
        )
        if checked_cases.exitcode == INTERRUPTED:
            # pytest caught the Ctrl-C; pass it on, so that the submissions not yet
            # started are cancelled instead of run for a report nobody will read.
            raise KeyboardInterrupt
        expected.result()  # a broken reference is the grader's error: said once, here
        # A worker's bug surfaces here.
        prepared = [s.result() if isinstance(s, Future) else s for s in slots]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        # Its zygotes, the cgroup leaves it made ahead: nothing of the sandbox outlives
        # the grading.
        sandbox.shutdown()
    results = []
    for index, item in enumerate(prepared):
        if item.case is None:
            assert item.error is not None
            results.append(load_failure(item.submission.shown, item.error, exercise))
        else:
            results.append(result_of(exercise, item.case, checked_cases.verdicts.get(index, {})))
    return Report(
        results=tuple(results),
        sandbox=sandbox.tier,
        sandbox_note=sandbox.note,
        glossary=exercise.registry(),
        instructions={step.number: step.instruction for step in exercise.steps},
    )


def _full_expected(exercise: Exercise, limits: Limits, first: Future[Any]) -> Any:
    """Run the reference with every variant, once its first run is known."""
    return exercise.compute_expected(limits, first.result())


def _case_at(slots: Sequence[Future[_Prepared] | _Prepared], index: int) -> Case | None:
    """Wait for one submission's run and return its case (None if it did not load)."""
    slot = slots[index]
    return (slot.result() if isinstance(slot, Future) else slot).case


def _slimmed(item: _Prepared) -> _Prepared:
    """Drop what only the checks use: the syntax trees and the runs with other loads."""
    case = item.case
    if case is None:
        return item
    return replace(
        item,
        case=replace(
            case,
            run=replace(case.run, executions=case.run.executions[:1]),
            source=Source(replace(case.program, cells=())),
        ),
    )


def _count_done(futures: Sequence[Future[_Prepared]], progress: Progress) -> None:
    """Call progress(done, total) each time a submission finishes running."""
    lock = threading.Lock()
    done = [0]
    total = len(futures)  # not the list itself: it would keep every run alive

    def finished(_: Future[_Prepared]) -> None:
        with lock:
            done[0] += 1
            progress(done[0], total)

    for future in futures:
        future.add_done_callback(finished)
