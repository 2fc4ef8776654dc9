"""Grading: files in, a Report out, through load, run, check and result.

This module wires the flow together. It loads each submission, runs it (and the
reference) in child processes, hands the cases to the pytest checks, and turns the
checks' JSON report into the result model.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from grader import exercise
from grader.checks.source import Source
from grader.checks.steps import Case, make_case
from grader.explain import explain, explain_abrupt, explain_syntax
from grader.load import LoadError, is_supported, load
from grader.plugin import run_checks
from grader.result import Location, Report, Result, Status, StepResult, submission_order
from grader.safe import safe_text, shown_name
from grader.sandbox import Limits, Sandbox, SandboxUnavailable, run

OUTPUT_SHOWN = 4_000
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
    submission: Submission,
    first: Future[exercise.Expected],
    expected: Future[exercise.Expected],
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
        variants = first.result().variants()
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
    return _Prepared(submission, make_case(program, ran, expected.result(), timeout))


def grade(
    submissions: Sequence[Submission],
    options: Options | None = None,
    progress: Progress | None = None,
) -> Report:
    """Grade submissions and return the report, in the order they were given.

    The children run on a pool of ``options.jobs`` threads while one pytest session
    checks each submission as soon as its run is back, in the order given; a
    submission's verdicts depend on its own files only, never on the batch around it.
    """
    options = options or Options()
    limits = options.limits()
    # One sandbox per grading: it chooses the tier once, and hides the reference and the
    # submissions' folders (other learners' work) from the bwrap tier.
    sandbox = Sandbox(
        options.sandbox,
        require=options.require_sandbox,
        hide=[exercise.reference_script().parent, *{s.path.parent.resolve() for s in submissions}],
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
        expected = pool.submit(_full_expected, reference_limits, first)
        futures = [
            pool.submit(_prepare, s, first, expected, limits, options.timeout, sandbox)
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

        report = run_checks([partial(_case_at, slots, n) for n in range(len(slots))], done=checked)
        if report.get("exitcode") == INTERRUPTED:
            # pytest caught the Ctrl-C; pass it on, so that the submissions not yet
            # started are cancelled instead of run for a report nobody will read.
            raise KeyboardInterrupt
        expected.result()  # a broken reference is the grader's error: said once, here
        # A worker's bug surfaces here.
        prepared = [s.result() if isinstance(s, Future) else s for s in slots]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    verdicts = read_verdicts(report)
    results = []
    for index, item in enumerate(prepared):
        if item.case is None:
            assert item.error is not None
            results.append(_load_failure(item.submission, item.error))
        else:
            results.append(_result(item.case, verdicts.get(index, {})))
    return Report(
        results=tuple(_cleaned(result) for result in results),
        sandbox=sandbox.tier,
        sandbox_note=sandbox.note,
    )


def _full_expected(limits: Limits, first: Future[exercise.Expected]) -> exercise.Expected:
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


def read_verdicts(report: dict[str, Any]) -> dict[int, dict[int, dict[str, Any]]]:
    """Read each case's step verdicts out of pytest-json-report's report."""
    verdicts: dict[int, dict[int, dict[str, Any]]] = {}
    for test in report.get("tests", []):
        nodeid = str(test.get("nodeid", ""))
        verdict = (test.get("metadata") or {}).get("verdict")
        if test.get("outcome") == "skipped" and verdict is None:
            continue  # a submission that could not be loaded; its result says why
        if "[" not in nodeid or not isinstance(verdict, dict):
            raise RuntimeError(
                f"a step check broke without a verdict: {nodeid} ({test.get('outcome')})"
            )
        index = int(nodeid.rsplit("[", 1)[1].rstrip("]"))
        if (test.get("outcome") == "passed") != bool(verdict.get("passed")):
            raise RuntimeError(f"a step check's outcome and verdict disagree: {nodeid}")
        verdicts.setdefault(index, {})[int(verdict["step"])] = verdict
    return verdicts


def _step_result(number: int, verdict: dict[str, Any]) -> StepResult:
    step = exercise.step(number)
    place = verdict.get("location")
    return StepResult(
        step=number,
        title=step.title,
        status=Status.PASSED if verdict.get("passed") else Status.FAILED,
        message=str(verdict.get("message") or ""),
        hint="" if verdict.get("passed") else step.hint,
        location=None if not place else Location(line=place[1], cell=place[0]),
        code=verdict.get("code"),
        about_output=step.about_output,
    )


def _result(case: Case, verdicts: dict[int, dict[str, Any]]) -> Result:
    """Build one submission's result from its case and its step verdicts."""
    steps = tuple(_step_result(n, verdicts[n]) for n in sorted(verdicts))
    if len(steps) != len(exercise.STEPS):
        raise RuntimeError(
            f"{case.program.path}: {len(steps)} step verdicts, expected {len(exercise.STEPS)}"
        )
    main = case.run.main
    status = Status.PASSED if all(s.passed for s in steps) else Status.FAILED
    message, location, code = "", None, None
    nothing_ran = not main.values or all(category != "value" for _, category in main.names)
    syntax = next((e for e in main.errors if e.syntax), None)
    # "error": nothing of the program could run (it could not be read, nothing came
    # back, or its time ran out before it created anything); a program that ran and
    # stopped with an error is "failed", its steps say how far it got.
    if (
        (syntax is not None and case.program.kind == "script")
        or main.missing
        or (main.timed_out and nothing_ran)
    ):
        status = Status.ERROR
    if syntax is not None and case.program.kind == "script":
        explanation = explain_syntax(syntax, case.program)
        message, location, code = explanation.text, explanation.location, explanation.code
    elif main.missing:
        explanation = explain_abrupt(main, case.timeout)
        message, code = explanation.text, explanation.code
    elif main.errors:
        explanation = explain(main.errors[0], case.program, main, case.timeout)
        message, location, code = explanation.text, explanation.location, explanation.code
        extra = len(main.errors) - 1
        if extra:
            message += f"\n({extra} more cell{'s' if extra > 1 else ''} failed as well.)"
    return Result(
        submission=case.program.path,
        status=status,
        steps=steps,
        max_score=len(exercise.STEPS),
        message=message,
        location=location,
        code=code,
        notes=case.program.notes,
        output=clean_output(main.stdout),
        sandbox=case.run.tier,
    )


def _load_failure(submission: Submission, error: LoadError) -> Result:
    """The result of a file that could not be loaded: an error, every step failed."""
    steps = tuple(
        StepResult(
            step=step.number,
            title=step.title,
            status=Status.FAILED,
            message="Not graded: the file could not be read as a program (see above).",
            hint=step.hint,
            code=None,
        )
        for step in exercise.STEPS
    )
    return Result(
        submission=submission.shown,
        status=Status.ERROR,
        steps=steps,
        max_score=len(exercise.STEPS),
        message=error.message,
        code=error.code,
    )


def _cleaned(result: Result) -> Result:
    """Make every learner-derived text of a result safe to show (see safe_text).

    File names, the learner's error messages, quoted lines and notes all reach every
    report format (JSON readers included) through here, so none can recolour a log, hide
    text or forge a line; each format still escapes for its own syntax.
    """
    return replace(
        result,
        submission=safe_text(result.submission),
        message=safe_text(result.message),
        notes=tuple(safe_text(note) for note in result.notes),
        steps=tuple(replace(step, message=safe_text(step.message)) for step in result.steps),
    )


def clean_output(text: str, limit: int = OUTPUT_SHOWN) -> str:
    """Cap learner output and strip terminal escapes and control characters from it."""
    text = safe_text(text)
    if len(text) > limit:
        text = text[:limit] + f"\n[... {len(text) - limit} more characters not shown]"
    return text
