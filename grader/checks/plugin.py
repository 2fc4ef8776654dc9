"""The pytest plugin: each step of each submission is an item, and pytest's report is the verdict.

The checks run in-process with ``pytest.main``. The plugin parametrizes the two tests of
grader/checks/test_steps.py: ``test_program`` once per submission (the program as a
whole), and ``test_step`` once per submission and step, each step item marked with its
step. Items run submission by submission, program first, then step 1, 2...; each item's
outcome is its verdict and the verdict's data goes into pytest's own channel
(``record_property``), which pytest-json-report writes into its report. A step reads the
verdicts of the earlier items of its submission from those same items, as check50's
checks read their dependencies; nothing else keeps a verdict.

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
from pathlib import Path
from typing import Any

import pytest
from pytest_jsonreport.plugin import JSONReport

from grader.checks.case import PROGRAM, Case, Verdict
from grader.checks.judge import Unloaded
from grader.checks.outcome import STEP, SUBMISSION, verdict_of
from grader.exercise import Exercise

CHECKS_FILE = Path(__file__).resolve().parent / "test_steps.py"

# Each item's reports, by phase ("setup", "call", "teardown"), as pytest made them.
REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


class CasesPlugin:
    """Parametrizes the checks with a stream of submissions and hands each item its own."""

    def __init__(self, exercise: Exercise, cases: Iterable[Case | Unloaded], count: int) -> None:
        self.steps = [step.number for step in exercise.steps]
        self.count = count
        self._stream = iter(cases)
        self._taken = 0
        # The submission being judged: its index and its case.
        self._current: tuple[int, Case | Unloaded] | None = None
        # (submission, step) -> its item, so that a step can read the earlier ones.
        self._items: dict[tuple[int, int], pytest.Item] = {}
        # What broke the stream of submissions (a bug of the grader), to raise after.
        self.failure: BaseException | None = None
        # The submissions judged completely: the teardown of their last item has run.
        self.judged = 0

    def pytest_configure(self, config: pytest.Config) -> None:
        """Declare the step marker, so that --strict-markers accepts it."""
        config.addinivalue_line("markers", "step(number): the exercise step a test grades")

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        """Run the program test once per submission, the step test once per step too."""
        if "submission" in metafunc.fixturenames:
            indexes = range(self.count)
            metafunc.parametrize("submission", indexes, ids=map(str, indexes), indirect=True)
        if "step" in metafunc.fixturenames:
            metafunc.parametrize(
                "step",
                [pytest.param(n, marks=pytest.mark.step(n), id=f"step{n}") for n in self.steps],
                indirect=True,
            )

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """Order the items by submission, then program first and steps in order."""
        items.sort(key=_key)
        self._items = {_key(item): item for item in items}

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        """Record which submission and step an item judges, before anything else it records."""
        index, number = _key(item)
        item.user_properties.extend([(SUBMISSION, index), (STEP, number)])

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        """Keep each phase's report on its item, where a later step reads its outcome."""
        report = yield
        item.stash.setdefault(REPORTS, {})[report.when] = report
        if report.when == "teardown" and _key(item)[1] == max(PROGRAM, *self.steps):
            self.judged += 1
        return report

    def pytest_runtest_teardown(self, item: pytest.Item, nextitem: pytest.Item | None) -> None:
        """When the last item of a submission has run, let go of it."""
        if nextitem is not None and _key(nextitem)[0] == _key(item)[0]:
            return
        self._current = None
        # The terminal reporter keeps every report of the session for a summary that
        # nobody reads here (the session's output goes to a sink): let them go as each
        # submission is done, or memory grows by kilobytes per submission.
        reporter = item.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.stats.clear()

    @pytest.fixture
    def submission(self, request: pytest.FixtureRequest) -> Case | Unloaded:
        """The submission of this item, waiting for it to finish running if it must."""
        index = int(request.param)
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

    @pytest.fixture
    def step(self, request: pytest.FixtureRequest) -> int:
        """The step this item judges."""
        return int(request.param)

    @pytest.fixture
    def earlier(self, request: pytest.FixtureRequest) -> Mapping[int, Verdict]:
        """The verdicts of the program and of the steps before this one, from their items."""
        index, number = _key(request.node)
        before = (PROGRAM, *(n for n in self.steps if n < number))
        return {n: verdict_of(_entry(self._items[(index, n)])) for n in before}

    @pytest.hookimpl(tryfirst=True)
    def pytest_report_teststatus(self, report: pytest.TestReport) -> tuple[str, str, str]:
        """Name each outcome as pytest's terminal does; nothing here is printed."""
        outcome: str = report.outcome
        if report.when in ("setup", "teardown") and outcome == "failed":
            outcome = "error"
        return outcome, "", ""


def _key(item: pytest.Item) -> tuple[int, int]:
    """Return (submission index, step) of an item; the program's step is PROGRAM."""
    callspec = getattr(item, "callspec", None)
    params: Mapping[str, Any] = callspec.params if callspec is not None else {}
    return int(params.get("submission", -1)), int(params.get("step", PROGRAM))


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
# nothing logs, no test asks for tmp_path or monkeypatch). unraisableexception alone
# runs a full garbage collection at exit. (legacypath stays: pytest-json-report reads
# the session's fspath, which it provides; junitxml stays: it provides record_property.)
UNUSED_PLUGINS = (
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
    *("-p", "pytest_jsonreport.plugin"),
    *(arg for name in UNUSED_PLUGINS for arg in ("-p", f"no:{name}")),
    "--assert=plain",
    "--json-report-file=none",
    *("--json-report-omit", "collectors", "log", "traceback", "streams", "warnings", "keywords"),
    *("-q", "--no-header", "--tb=no", "-s", "--import-mode=importlib"),
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
        exitcode = pytest.main(list(ARGS), plugins=[report, plugin])
    if plugin.failure is not None:
        raise plugin.failure
    if report.report is None:
        raise RuntimeError("the step checks did not run:\n" + sink.getvalue()[-2000:])
    return Checked(report.report, int(exitcode), plugin.judged)
