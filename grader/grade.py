"""Grading: files in, a Report out, through load, run, check and result.

This module wires the flow together, one way: it loads each submission and runs it (and
the reference) in child processes on a pool of threads; the runs flow, as they finish,
into the pytest session of the checks (grader.checks.plugin), which judges each one;
and each session's report becomes the results (grader.checks.outcome).

A batch's memory does not grow with its size: only a few runs wait for the checks at a
time, each pytest session judges one chunk of submissions, and what a submission leaves
once its session is over is its compact Result.
"""

from __future__ import annotations

import contextlib
import gc
import heapq
import importlib
import itertools
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from grader.analysis.source import Source
from grader.checks.case import Case, Verdict
from grader.checks.judge import Unloaded
from grader.exercise import Exercise, builtin
from grader.load import LoadError, Program, is_supported, load
from grader.result import Report, Result, Status, submission_order
from grader.safe import shown_name
from grader.sandbox import Limits, Run, Sandbox, SandboxUnavailable, run
from grader.stopping import Stop

if TYPE_CHECKING:
    # The repair search is imported when a submission fails, not before: a grading
    # whose submissions all pass never loads it.
    from grader.feedback.search import Repair

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
    # Search for the smallest verified edit behind each first failure (grader.feedback.search).
    repair: bool = True

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


# Threads per job: the sandbox runs ``jobs`` children at once, the threads beyond them
# prepare and read around those runs (the sandbox still starts the children in the
# batch's order, whichever thread is ready first).
THREADS_PER_JOB = 2

# The longest a thread that wants the interpreter lock back waits, while a grading runs.
SWITCH_INTERVAL = 0.0005

# Called from the worker threads as each submission finishes running: (done, total).
Progress = Callable[[int, int], None]

# Submissions judged by one pytest session: large enough that a session's own cost is
# small beside its items' (about 60 ms, against 5 items a submission), small enough that
# what is held stays small: the cases of the chunk being judged, and those of the chunk
# before whose repair search runs beside it.
CHUNK = 50


@dataclass(frozen=True)
class _Ran:
    """A submission that ran: its program and its run, or why it was not run."""

    position: int
    submission: Submission
    program: Program | None = None
    run: Run | None = None
    error: LoadError | None = None


def _run_one(
    position: int,
    submission: Submission,
    variants: Callable[[], list[dict[str, object]]],
    limits: Limits,
    sandbox: Sandbox,
) -> _Ran:
    """Load and run one submission (on a worker thread).

    The sandbox starts the batch's children strictly in its order, whichever thread had
    its request ready first; a submission that starts no child (it does not load, or its
    run fails before it starts) is skipped in that order, so that the next ones go on.
    """
    try:
        return _load_and_run(position, submission, variants, limits, sandbox)
    finally:
        sandbox.skip(position)


def _load_and_run(
    position: int,
    submission: Submission,
    variants: Callable[[], list[dict[str, object]]],
    limits: Limits,
    sandbox: Sandbox,
) -> _Ran:
    try:
        program = load(submission.path, shown_as=submission.shown)
    except LoadError as error:
        return _Ran(position, submission, error=error)
    try:
        ran = run(
            program, variants(), limits, source=submission.path, sandbox=sandbox, order=position
        )
    except OSError as error:
        # The machine, not the submission: out of processes or file descriptors. Only
        # this submission goes ungraded; the batch goes on.
        return _Ran(position, submission, error=LoadError(
            f"{submission.shown} could not be run: the grading machine could not start "
            f"a sandboxed process ({error.strerror or error}). Grade it again; if this "
            "repeats, the machine is short of processes or open files.",
            "not-run",
        ))  # fmt: skip
    if ran.cleanup:
        # Whatever it scored, a program that left something behind is not graded: the
        # staff note says what stayed (the sandbox user is retired, never reused).
        return _Ran(position, submission, error=LoadError(
            f"{submission.shown} was not graded: the grading machine could not clean "
            f"up after it ({ran.cleanup}). Note for staff: the sandbox user it ran as "
            "is retired; look for what the program left before grading it again.",
            "cleanup-failed",
        ))  # fmt: skip
    return _Ran(position, submission, program, ran)


_P = ParamSpec("_P")
_T = TypeVar("_T")


class Workers(Executor):
    """The grading's threads: the submissions' own work first, the repair search after.

    What ``submit`` is given (running a submission, the reference) is taken first, in
    the order given; what ``search`` is given waits until none of it waits. So the
    repair search of one chunk fills the time the next chunk's runs leave free, and
    never holds them up by more than the search a thread is already doing; at most
    ``count`` things run at once, whatever they are, and of them at most ``searches``
    searches (all of them, if None).
    """

    def __init__(self, count: int, searches: int | None = None) -> None:
        self._ready = threading.Condition()
        self._searches = count if searches is None else max(1, searches)
        self._searching = 0
        # (rank, order, future, work): a heap, first rank then order.
        self._waiting: list[tuple[int, int, Future[Any], Callable[[], Any]]] = []
        self._order = itertools.count()
        self._closed = False
        self._threads = [
            threading.Thread(target=self._work, name=f"grader-worker-{n}", daemon=True)
            for n in range(count)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        """Run this before any search that waits."""
        return self._put(0, lambda: fn(*args, **kwargs))

    def search(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        """Run this once nothing given to ``submit`` waits."""
        return self._put(1, lambda: fn(*args, **kwargs))

    def _put(self, rank: int, work: Callable[[], _T]) -> Future[_T]:
        future: Future[_T] = Future()
        with self._ready:
            if self._closed:
                raise RuntimeError("cannot schedule new futures after shutdown")
            heapq.heappush(self._waiting, (rank, next(self._order), future, work))
            self._ready.notify()
        return future

    def _takeable(self) -> bool:
        """Whether the first work waiting may start now (the lock is held)."""
        return bool(self._waiting) and (
            self._waiting[0][0] == 0 or self._searching < self._searches
        )

    def _work(self) -> None:
        while True:
            with self._ready:
                while not self._takeable() and (self._waiting or not self._closed):
                    self._ready.wait()
                if not self._waiting:
                    return
                rank, _, future, work = heapq.heappop(self._waiting)
                self._searching += rank
            try:
                if future.set_running_or_notify_cancel():
                    try:
                        future.set_result(work())
                    except BaseException as error:  # the caller of result() gets it
                        future.set_exception(error)
            finally:
                if rank:
                    with self._ready:
                        self._searching -= rank
                        self._ready.notify_all()
            # What the work held (a case, a run) goes now, not with the next piece of work.
            del future, work

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Take no more work; with ``cancel_futures`` drop what waits; with ``wait`` join."""
        with self._ready:
            self._closed = True
            if cancel_futures:
                for _, _, future, _ in self._waiting:
                    future.cancel()
                self._waiting.clear()
            self._ready.notify_all()
        if wait:
            for thread in self._threads:
                thread.join()


class _Runs:
    """The submissions running on the pool, at most ``ahead`` at a time, as they finish.

    The first ones start at once, before anything asks for them; each one taken starts
    the next. A submission that takes long (a program that never ends) holds one worker,
    not the batch: the others go on running and being judged around it.
    """

    def __init__(
        self,
        pool: Executor,
        start: Callable[[int, Submission], _Ran],
        submissions: Sequence[Submission],
        ahead: int,
        progress: Progress | None,
        stop: Stop,
    ) -> None:
        self._pool, self._start, self._progress, self._stop = pool, start, progress, stop
        self._waiting = iter(enumerate(submissions))
        self._total = len(submissions)
        self._running: set[Future[_Ran]] = set()
        for _ in range(ahead):
            self._start_next()

    def _start_next(self) -> None:
        if self._stop.is_set():
            return
        for position, submission in self._waiting:
            self._running.add(self._pool.submit(self._start, position, submission))
            return

    def __iter__(self) -> Iterator[_Ran]:
        """Yield each run as it finishes; end early, at once, when grading is stopped.

        Once stopped, no future is read: a run the stop cut short (killed, or refused by
        the sandbox) says nothing true about its submission, so it is never reported.
        """
        done = 0
        while self._running and not self._stop.is_set():
            finished, _ = wait(self._running, return_when=FIRST_COMPLETED)
            if self._stop.is_set():
                return
            for future in sorted(finished, key=lambda f: f.result().position):
                if self._stop.is_set():
                    return
                self._running.discard(future)
                self._start_next()
                done += 1
                if self._progress is not None:
                    self._progress(done, self._total)
                yield future.result()


def grade(
    submissions: Sequence[Submission],
    options: Options | None = None,
    progress: Progress | None = None,
    exercise: Exercise | None = None,
    stop: Stop | None = None,
) -> Report:
    """Grade submissions against an exercise (the built-in one by default) and report.

    The children run on a pool of ``options.jobs`` threads while pytest sessions judge
    each submission as soon as its run is back; a submission's verdicts depend on its
    own files only, never on the batch around it. The results come back in the order
    the submissions were given. Raises ExerciseError when the exercise's reference does
    not pass its own steps, and UsageError when the sandbox asked for cannot run.

    With a ``stop``, setting it (grader.stopping: Ctrl-C, SIGTERM) ends the grading
    early: nothing more starts, the children in flight are killed, and the report holds
    the submissions judged completely before, marked incomplete; a KeyboardInterrupt
    (a second Ctrl-C) ends it the same way. Without one, a KeyboardInterrupt propagates.
    """
    options = options or Options()
    stopped = stop is not None
    stop = stop or Stop()
    setup = _SetUp()
    try:
        exercise = exercise or builtin()
        _import_checks_meanwhile()
        # One sandbox per grading: it chooses the tier once, and hides the reference and
        # the submissions' folders (other learners' work) from the bwrap tier.
        # It runs at most ``jobs`` children at once, whatever the threads around it do.
        sandbox = Sandbox(
            options.sandbox,
            require=options.require_sandbox,
            hide=[exercise.reference, *{s.path.parent.resolve() for s in submissions}],
            slots=max(1, options.jobs),
        )
        try:
            sandbox.check()
        except SandboxUnavailable as error:
            raise UsageError(str(error)) from None
    except BaseException:
        setup.release()
        raise
    # Twice as many threads as children: while one thread's child runs, another prepares
    # the next child's request, or reads the answer of the one before, so that a slot
    # of the sandbox never waits for the grader's own work.
    # The repair searches keep to one thread per job, as many as the slots: more would
    # only wait for the slots, against each search's ceiling in seconds.
    pool = Workers(THREADS_PER_JOB * max(1, options.jobs), searches=max(1, options.jobs))
    results: list[Result | None] = [None] * len(submissions)
    try:
        # The sandbox's shutdown kills the children in flight: a stop takes effect at
        # once, even while this thread waits for them.
        with stop.hook(sandbox.shutdown), _quick_handover():
            _graded(pool, exercise, submissions, options, sandbox, progress, stop, results, setup)
    except KeyboardInterrupt:
        if not stopped:
            raise
        stop.set()
    finally:
        setup.done()
        # The cleanup always completes: a signal now is only recorded.
        with stop.quiet():
            if stop.is_set():
                sandbox.shutdown()  # before waiting for the workers: their children die now
            pool.shutdown(wait=True, cancel_futures=True)
            # Its zygotes, the cgroup leaves it made ahead: nothing of the sandbox
            # outlives the grading.
            sandbox.shutdown()
        setup.release()
    graded = tuple(r for r in results if r is not None)
    return Report(
        results=graded,
        total=len(submissions),
        incomplete=len(graded) < len(submissions),
        sandbox=sandbox.tier,
        sandbox_note=sandbox.note,
        glossary=exercise.registry(),
        instructions={step.number: step.instruction for step in exercise.steps},
    )


@contextlib.contextmanager
def _quick_handover() -> Iterator[None]:
    """Let the threads that feed the sandbox have the interpreter lock back quickly.

    A worker thread gives the lock up at each system call (the zygote's reply, a read of
    the harness's answer) and then waits for it back; while the checks' session keeps
    the main thread busy, it waits a whole switch interval each time (Python's default
    is 5 ms), and the sandbox's slot, or the child waiting for its request, waits too.
    The interval goes back to what it was when the grading ends.
    """
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, SWITCH_INTERVAL))
    try:
        yield
    finally:
        sys.setswitchinterval(before)


class _SetUp:
    """The cyclic garbage collector, paused while a grading sets up.

    Setting up (pytest, the checks, the exercise, the sandbox) makes tens of thousands
    of objects that live as long as the grading, and next to no garbage: the collector
    would walk them dozens of times for nothing. Once set up, they are frozen (no
    collection of the grading walks them again) and collection resumes, unless it was
    off before; when the grading ends they are unfrozen, so that a process that grades
    again and again (watch mode, a notebook) keeps nothing of one grading for good.
    """

    def __init__(self) -> None:
        self._resume = gc.isenabled()
        # Objects someone else froze stay theirs: this grading then freezes nothing.
        self._freeze = self._resume and gc.get_freeze_count() == 0
        gc.disable()

    def done(self) -> None:
        """End the set-up (again: nothing more happens)."""
        if self._resume:
            self._resume = False
            if self._freeze:
                gc.freeze()
            gc.enable()

    def release(self) -> None:
        """End the grading: the set-up is done, and what it froze can be collected again."""
        self.done()
        if self._freeze:
            self._freeze = False
            gc.unfreeze()


def _import_checks_meanwhile() -> None:
    """Start importing pytest and the checks on a thread of their own.

    A single grading spends most of its time waiting: for the sandbox's probes, then for
    the child that runs the submission. pytest is the largest import of the grader; it
    loads during that wait instead of after it (the checks' own import, later, waits for
    this one to finish if it has not).
    """
    if "grader.checks.plugin" not in sys.modules:
        threading.Thread(
            target=_import_quietly, args=("grader.checks.plugin",), daemon=True
        ).start()


def _import_quietly(name: str) -> None:
    """Import a module; if that fails, its import in the main thread will say why."""
    with contextlib.suppress(Exception):
        importlib.import_module(name)


def _graded(
    pool: Workers,
    exercise: Exercise,
    submissions: Sequence[Submission],
    options: Options,
    sandbox: Sandbox,
    progress: Progress | None,
    stop: Stop,
    results: list[Result | None],
    setup: _SetUp,
) -> None:
    """Run and judge every submission, putting each result at its place in ``results``.

    Once ``stop`` is set, the results already there are all there will be; ``setup``
    is done once pytest and the checks are loaded.
    """
    from grader.checks.expected import Reference

    reference = Reference(
        exercise, exercise.limits(Limits(timeout=max(options.timeout, 10.0))), pool
    )
    limits = exercise.limits(options.limits())

    def start(position: int, submission: Submission) -> _Ran:
        return _run_one(position, submission, reference.variants, limits, sandbox)

    # A few runs ahead of the checks keep every worker busy; more would only wait.
    ahead = THREADS_PER_JOB * max(1, options.jobs) + 2
    runs = _Runs(pool, start, submissions, ahead, progress, stop)
    # Imported now: pytest loads while the first children run.
    from grader.checks.outcome import results_from_report, verdicts_from_report
    from grader.checks.plugin import run_checks

    setup.done()

    positions: list[int] = []
    # The cases of the chunk being judged, by position, for the repair search after it.
    kept: dict[int, Case] = {}
    # The repair searches of the chunk judged before, by position.
    searching: dict[int, Future[Repair | None]] = {}
    stream = _cases(exercise, runs, reference.expected, options.timeout, positions, kept)
    for first in range(0, len(submissions), CHUNK):
        count = min(CHUNK, len(submissions) - first)
        checked = run_checks(exercise, stream, count)
        if checked.exitcode == INTERRUPTED and not stop.is_set():
            # pytest caught a Ctrl-C of its own (no stop was asked for); pass it on, so
            # that the submissions not yet started are cancelled instead of run.
            raise KeyboardInterrupt
        if len(submissions) > CHUNK:
            # A pytest session leaves cycles of objects behind. Collected now, before
            # the session's results are made, a batch's memory stays that of one
            # session however many sessions it takes (a batch of one session skips it).
            gc.collect()
        # A stopped session judged its first submissions completely, and only those.
        judged = itertools.islice(results_from_report(checked.report, exercise), checked.judged)
        chunk = dict(zip(positions[first : first + checked.judged], judged, strict=True))
        for position, result in chunk.items():
            results[position] = result
        if checked.judged < count:
            if not stop.is_set():
                raise RuntimeError(f"the step checks ended after {checked.judged} of {count}")
            return
        # The searches of the chunk before ran beside this chunk's runs and checks; their
        # repairs are taken now, so that no more than two chunks' cases are ever held.
        _apply(searching, results, stop)
        if options.repair:
            verdicts = itertools.islice(verdicts_from_report(checked.report), checked.judged)
            judged_as = dict(zip(positions[first : first + checked.judged], verdicts, strict=True))
            searching = _repairs(pool, chunk, kept, judged_as, sandbox, limits)
        else:
            searching = {}
        kept.clear()
    _apply(searching, results, stop)
    if not stop.is_set():
        reference.expected()  # a reference failing its own steps is said, even with no cases


def _apply(
    searching: Mapping[int, Future[Repair | None]], results: list[Result | None], stop: Stop
) -> None:
    """Rewrite each result whose search found a repair (waiting for the searches)."""
    for position, found in searching.items():
        repair = _repair(found, stop)
        result = results[position]
        if repair is not None and result is not None:
            from grader.feedback.search import apply

            results[position] = apply(result, repair)


def _repair(found: Future[Repair | None], stop: Stop) -> Repair | None:
    """The repair a search found, or None; none at all once grading is stopped.

    A search cut short by the stop (its verifying runs killed or refused) proves
    nothing: its verdict stands without a repair, as it is right without one.
    """
    if stop.is_set():
        return None
    try:
        repair = found.result()
    except Exception:
        if stop.is_set():
            return None
        raise
    return None if stop.is_set() else repair


def _repairs(
    pool: Workers,
    chunk: Mapping[int, Result],
    kept: Mapping[int, Case],
    verdicts: Mapping[int, Mapping[int, Verdict]],
    sandbox: Sandbox,
    limits: Limits,
) -> dict[int, Future[Repair | None]]:
    """Start the repair search for every result of a chunk that failed, on the pool,
    from the verdicts the checks gave (the search does not judge them again)."""
    failed = [p for p, result in chunk.items() if p in kept and result.status is not Status.PASSED]
    if not failed:
        return {}
    from grader.feedback.search import find

    return {
        position: pool.search(find, kept[position], sandbox, limits, judged=verdicts.get(position))
        for position in failed
    }


def _cases(
    exercise: Exercise,
    runs: Iterable[_Ran],
    expected: Callable[[], object],
    timeout: float,
    positions: list[int],
    kept: dict[int, Case],
) -> Iterator[Case | Unloaded]:
    """Turn each finished run into a case for the checks, noting its place in the batch."""
    for ran in runs:
        positions.append(ran.position)
        if ran.program is None or ran.run is None:
            error = ran.error or LoadError(f"{ran.submission.shown} was not run.", "not-run")
            yield Unloaded(ran.submission.shown, error.message, error.code)
        else:
            source = Source(ran.program)
            case = Case(exercise, ran.program, ran.run, expected(), source, timeout)
            kept[ran.position] = case
            yield case
