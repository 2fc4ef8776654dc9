"""The pytest plugin: each step of each submission is an item, and pytest's report is the verdict.

The checks run in-process with ``pytest.main``, as pytest runs tests that are not Python
functions: the plugin collects grader/checks/test_steps.py itself (``Checks``, a
``pytest.File``, the only file of its ``Folder`` that pytest sees) into items of its own, a ``ProgramItem`` per submission (the program as
a whole) and a ``StepItem`` per submission and step, each step item marked with its
step. Each item's ``runtest`` calls the test of test_steps.py it stands for, which says
what the item checks. Items run submission by submission, program first, then step 1,
2...; each item's outcome is its verdict and the verdict's data goes into pytest's own
channel (``user_properties``, which ``record_property`` fills), which pytest-json-report
writes into its report. A step reads the verdicts of the earlier items of its submission
from those same items, as check50's checks read their dependencies; nothing else keeps a
verdict.

An item costs only what it uses: its place is the test's line, known without reading the
file system (the file's path is worked out once for all items); a failed item's report is
its verdict's line, not a traceback; a passed stage goes into the JSON report without a
terminal writer rendering its empty failure text; no fixture is set up for it, and no
terminal reporter writes or keeps its reports. pytest's Python collection is not loaded
at all, and collection starts at the checks' folder, never listing another.

Submissions arrive as a stream, in order: a later one may still be running in its child
while an earlier one is judged, and each is let go once its last item has run. The
session is sealed off from wherever the grader happens to run: no ini file, conftest or
plugin of the surrounding project, no cache directory, no PYTEST_ADDOPTS.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from pytest_jsonreport import plugin as jsonreport
from pytest_jsonreport.plugin import JSONReport

from grader.checks import test_steps
from grader.checks.case import PROGRAM, Case, Verdict
from grader.checks.judge import Unloaded
from grader.checks.outcome import STEP, SUBMISSION, verdict_of
from grader.exercise import Exercise

CHECKS_FILE = Path(test_steps.__file__).resolve()

# Each item's reports, by phase ("setup", "call", "teardown"), as pytest made them.
REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()
# The verdict an item gave, read from its reports once it has run, for the later steps.
VERDICT = pytest.StashKey[Verdict]()


class CasesPlugin:
    """Collects the checks for a stream of submissions and hands each item its own."""

    def __init__(self, exercise: Exercise, cases: Iterable[Case | Unloaded], count: int) -> None:
        self.steps = [step.number for step in exercise.steps]
        self.last = max(PROGRAM, *self.steps)
        self.count = count
        self._stream = iter(cases)
        self._taken = 0
        # The submission being judged: its index and its case.
        self._current: tuple[int, Case | Unloaded] | None = None
        # (submission, step) -> its item, so that a step can read the earlier ones.
        self._items: dict[tuple[int, int], Check] = {}
        # What broke the stream of submissions (a bug of the grader), to raise after.
        self.failure: BaseException | None = None
        # The submissions judged completely: the teardown of their last item has run.
        self.judged = 0

    @pytest.hookimpl(trylast=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        """Declare the step marker (for --strict-markers), and let the terminal go.

        The session's output goes to a sink nobody reads: pytest's terminal reporter
        would still write a line and keep every report of every item for a summary. Its
        options (--tb among them, which pytest-json-report reads) stay; the reporter
        itself is let go once it is configured.
        """
        config.addinivalue_line("markers", "step(number): the exercise step a test grades")
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            config.pluginmanager.unregister(reporter)

    @pytest.hookimpl(tryfirst=True)
    def pytest_collect_directory(self, path: Path, parent: pytest.Collector) -> Folder | None:
        """Collect the checks' folder as the checks' file alone (no other file is read)."""
        if path != CHECKS_FILE.parent:
            return None
        folder: Folder = Folder.from_parent(parent, path=path)
        folder.cases = self
        return folder

    def items(self, parent: Checks) -> Iterator[Check]:
        """The items of every submission, in the order they run: program first, then steps."""
        marks = {number: pytest.mark.step(number) for number in self.steps}
        for index in range(self.count):
            made: Check = ProgramItem.from_parent(
                parent, name=f"test_program[{index}]", index=index, number=PROGRAM
            )
            self._items[(index, PROGRAM)] = made
            yield made
            for number in self.steps:
                made = StepItem.from_parent(
                    parent, name=f"test_step[{index}-step{number}]", index=index, number=number
                )
                made.add_marker(marks[number])
                self._items[(index, number)] = made
                yield made

    def submission(self, index: int) -> Case | Unloaded:
        """The submission at this index, waiting for it to finish running if it must."""
        if self._current is None or self._current[0] != index:
            self._current = (index, self._take(index))
        return self._current[1]

    def _take(self, index: int) -> Case | Unloaded:
        """Take submissions from the stream up to the one at this index.

        A stream that ends early was stopped (Ctrl-C, SIGTERM): the session ends there,
        with the submissions judged so far; a KeyboardInterrupt ends it as pytest does.
        """
        try:
            while True:
                found = next(self._stream)
                self._taken += 1
                if self._taken > index:
                    return found
        except StopIteration:
            pytest.exit("grading was stopped", returncode=pytest.ExitCode.INTERRUPTED)
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # a bug of the grader: stop, and say it after
            self.failure = error
            pytest.exit("the submissions could not be prepared", returncode=3)

    def earlier(self, index: int, number: int) -> dict[int, Verdict]:
        """The verdicts of the program and of the steps before this one, from their items."""
        before = (PROGRAM, *(n for n in self.steps if n < number))
        return {n: _verdict(self._items[(index, n)]) for n in before}

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        """Keep each phase's report on its item, where a later step reads its outcome."""
        report = yield
        item.stash.setdefault(REPORTS, {})[report.when] = report
        if report.when == "teardown" and isinstance(item, Check) and item.number == self.last:
            self.judged += 1
        return report

    def pytest_runtest_teardown(self, item: pytest.Item, nextitem: pytest.Item | None) -> None:
        """When the last item of a submission has run, let go of it."""
        if isinstance(item, Check) and isinstance(nextitem, Check) and nextitem.index == item.index:
            return
        self._current = None

    @pytest.hookimpl(tryfirst=True)
    def pytest_json_runtest_stage(self, report: pytest.TestReport) -> dict[str, Any] | None:
        """A stage with nothing to show, as pytest-json-report writes it, made directly.

        pytest-json-report renders every stage's failure text through a terminal writer
        of its own, even when there is none (a stage that passed): the same entry, without
        the writer. A stage with a failure is left to it.
        """
        if report.longrepr is not None:
            return None
        return {"duration": report.duration, "outcome": report.outcome}

    @pytest.hookimpl(tryfirst=True)
    def pytest_report_teststatus(self, report: pytest.TestReport) -> tuple[str, str, str]:
        """Name each outcome as pytest's terminal does; nothing here is printed."""
        outcome: str = report.outcome
        if report.when in ("setup", "teardown") and outcome == "failed":
            outcome = "error"
        return outcome, "", ""


class Folder(pytest.Directory):
    """The checks' folder: it holds the checks' file, and nothing else pytest should see."""

    cases: CasesPlugin

    def collect(self) -> Iterator[Checks]:
        """The checks' file, collected as the checks of this session's submissions."""
        checks: Checks = Checks.from_parent(self, path=CHECKS_FILE)
        checks.cases = self.cases
        yield checks


class Checks(pytest.File):
    """The checks' file: it holds an item per submission and step, made by the plugin."""

    cases: CasesPlugin
    # The file's path as pytest shows it (relative to the root), found once for its items.
    shown_path: str | None = None

    def collect(self) -> Iterator[Check]:
        """The items of every submission of the session."""
        return self.cases.items(self)


class Check(pytest.Item):
    """An item of the checks: one submission's program, or one of its steps.

    Its place is the line of the test it runs, and a failure's report is the verdict's
    own line (the test fails with it, without a traceback: nothing to show there).
    """

    test: Any = None

    def __init__(self, *, index: int, number: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.index = index
        self.number = number
        self.cases: CasesPlugin = self.parent.cases  # type: ignore[union-attr]
        self.submission: Case | Unloaded | None = None

    def setup(self) -> None:
        """Record which submission and step the item judges, then take that submission."""
        self.user_properties.extend([(SUBMISSION, self.index), (STEP, self.number)])
        self.submission = self.cases.submission(self.index)

    def teardown(self) -> None:
        """Let go of the submission: the plugin holds it while its items run."""
        self.submission = None

    def record_property(self, name: str, value: object) -> None:
        """Record a property of the verdict, as pytest's ``record_property`` fixture does."""
        self.user_properties.append((name, value))

    def reportinfo(self) -> tuple[Path, int, str]:
        """The test's file and line (0-based), and the item's name: read once, never stat'ed."""
        return self.path, self.test.__code__.co_firstlineno - 1, self.name

    @cached_property
    def location(self) -> tuple[str, int | None, str]:
        """pytest's location of the item, its file's path worked out once for all items.

        Every item sits in the same file: pytest would make that path absolute again
        for each of them.
        """
        checks = self.parent
        if not isinstance(checks, Checks):
            return super().location
        if checks.shown_path is None:
            checks.shown_path = super().location[0]
        return checks.shown_path, self.test.__code__.co_firstlineno - 1, self.name

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | Any:
        """A failed verdict is its own line; anything else is a bug, shown as pytest does."""
        if isinstance(excinfo.value, pytest.fail.Exception) and not excinfo.value.pytrace:
            return excinfo.value.msg
        return super().repr_failure(excinfo, style)


class ProgramItem(Check):
    """The program as a whole: whether its steps can be judged (``test_program``)."""

    test = staticmethod(test_steps.test_program)

    def runtest(self) -> None:
        """Judge the program, recording its verdict; fail when it does."""
        assert self.submission is not None
        test_steps.test_program(self.submission, self.record_property)


class StepItem(Check):
    """One step, judged after the items before it (``test_step``)."""

    test = staticmethod(test_steps.test_step)

    def runtest(self) -> None:
        """Judge the step from the earlier items' verdicts, recording its own; fail when it does."""
        assert self.submission is not None
        earlier = self.cases.earlier(self.index, self.number)
        test_steps.test_step(self.submission, self.number, earlier, self.record_property)


def _verdict(item: pytest.Item) -> Verdict:
    """The verdict of an item that has run, read from its reports (once: they are final)."""
    verdict = item.stash.get(VERDICT, None)
    if verdict is None:
        verdict = item.stash[VERDICT] = verdict_of(_entry(item))
    return verdict


def _entry(item: pytest.Item) -> dict[str, Any]:
    """An item that has run, as pytest-json-report writes it: its outcome and properties."""
    reports = item.stash.get(REPORTS, {})
    setup, call = reports.get("setup"), reports.get("call")
    outcome: str = "error" if setup is None or setup.failed else (call or setup).outcome
    return {"outcome": outcome, "user_properties": [{k: v} for k, v in item.user_properties]}


@contextlib.contextmanager
def _sealed_environment() -> Iterator[None]:
    """Keep the surrounding project's pytest settings and plugins out of the session."""
    saved = {
        key: os.environ.get(key)
        for key in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    }
    os.environ.pop("PYTEST_ADDOPTS", None)
    os.environ.pop("PYTEST_PLUGINS", None)
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# pytest's own plugins that this session does not use: each costs time to register and
# on every item, and guards nothing here (learner code never runs in this process,
# nothing logs or prints, no test is a Python function, asks for a fixture or asserts).
# unraisableexception alone runs a full garbage collection at exit. (legacypath stays:
# pytest-json-report reads the session's fspath, which it provides; terminal stays: it
# reads the --tb option, which the terminal provides; its reporter is let go once
# configured, see CasesPlugin.pytest_configure.)
UNUSED_PLUGINS = (
    "python",
    "junitxml",
    "assertion",
    "capture",
    "debugging",
    "cacheprovider",
    "stepwise",
    "warnings",
    "unraisableexception",
    "threadexception",
    "logging",
    "faulthandler",
    "doctest",
    "pastebin",
    "tmpdir",
    "monkeypatch",
    "recwarn",
    "setuponly",
    "setupplan",
    "unittest",
    "subtests",
    "skipping",
)

ARGS = (
    str(CHECKS_FILE),
    *("-c", os.devnull, "--rootdir", str(CHECKS_FILE.parent), "--noconftest"),
    # Collection starts at the checks' folder: not at the file system's root, listing every
    # folder on the way (and everything installed beside the grader).
    *("--confcutdir", str(CHECKS_FILE.parent)),
    *(arg for name in UNUSED_PLUGINS for arg in ("-p", f"no:{name}")),
    "--json-report-file=none",
    *("--json-report-omit", "collectors", "log", "traceback", "streams", "warnings", "keywords"),
    *("-q", "--no-header", "--tb=no"),
)


@dataclass(frozen=True)
class Checked:
    """What a session of checks left: pytest-json-report's report, and pytest's exit code."""

    report: Mapping[str, Any] = field(default_factory=dict)
    exitcode: int = 0
    # The submissions judged completely, from the first: all of them unless grading was
    # stopped (the stream ended early, or Ctrl-C); only these have a verdict to keep.
    judged: int = 0


def run_checks(exercise: Exercise, cases: Iterable[Case | Unloaded], count: int) -> Checked:
    """Judge the program and every step of the exercise on ``count`` submissions, in one
    pytest session, taking them from ``cases`` in order."""
    if count == 0:
        return Checked()
    report = JSONReport()
    plugin = CasesPlugin(exercise, cases, count)
    sink = io.StringIO()
    with _sealed_environment(), contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        # pytest-json-report's module (its options) is handed over as it is, not named
        # with -p: pytest would look for that name among every installed package's entry
        # points first.
        exitcode = pytest.main(list(ARGS), plugins=[jsonreport, report, plugin])
    if plugin.failure is not None:
        raise plugin.failure
    if report.report is None:
        raise RuntimeError("the step checks did not run:\n" + sink.getvalue()[-2000:])
    return Checked(report.report, int(exitcode), plugin.judged)
