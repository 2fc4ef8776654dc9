"""The pytest plugin: hands the graded cases to the step test, and collects the verdicts.

The checks run in-process with ``pytest.main``. The plugin parametrizes the one step test
(grader/checks/test_steps.py) with every case and every step of the exercise it is
given, marks each item with its step, reads that marker back and keeps the typed verdict
each item records; pytest-json-report collects the items' outcomes, and each outcome must
agree with its verdict. The session is sealed off from wherever the grader happens to
run: no ini file, conftest or plugin of the surrounding project, no cache directory, no
PYTEST_ADDOPTS.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pytest_jsonreport.plugin import JSONReport

from grader.checks.case import Case, Verdict
from grader.exercise import Exercise

CHECKS_FILE = Path(__file__).resolve().parent / "test_steps.py"


# A case, or a function that waits for one and returns None when the submission could
# not be loaded (its steps are then skipped, and the result model says why).
CaseSource = Callable[[], "Case | None"]


class CasesPlugin:
    """Parametrizes the step tests with one case per submission, in submission order.

    A case may be given as a function that waits for it: the session then starts while
    the later submissions are still running in their children, and each item waits only
    for its own submission. Items run submission by submission (all the steps of the
    first, then of the second...), so the checks keep pace with the children.
    """

    def __init__(
        self,
        exercise: Exercise,
        cases: Sequence[Case | CaseSource],
        done: Callable[[int], None] | None = None,
    ) -> None:
        self.steps = [step.number for step in exercise.steps]
        self.cases = list(cases)
        self.done = done
        # Case index -> step -> the verdict its item recorded.
        self.verdicts: dict[int, dict[int, Verdict]] = {}
        # Item node id -> (case index, step), to pair each outcome with its verdict.
        self.items: dict[str, tuple[int, int]] = {}

    def pytest_configure(self, config: pytest.Config) -> None:
        """Declare the step marker, so that --strict-markers accepts it."""
        config.addinivalue_line("markers", "step(number): the exercise step a test grades")

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        """Run the step test once per case and step, each item marked with its step."""
        if "case" in metafunc.fixturenames:
            metafunc.parametrize(
                "case",
                range(len(self.cases)),
                ids=[str(i) for i in range(len(self.cases))],
                indirect=True,
            )
        if "step" in metafunc.fixturenames:
            metafunc.parametrize(
                "step",
                [pytest.param(n, marks=pytest.mark.step(n), id=f"step{n}") for n in self.steps],
                indirect=True,
            )

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """Order the items by case, then by step, so case i is done before case i+1."""
        items.sort(key=lambda item: (_case_index(item), _step_of(item)))
        self.items = {item.nodeid: (_case_index(item), _step_of(item)) for item in items}

    def pytest_runtest_teardown(self, item: pytest.Item, nextitem: pytest.Item | None) -> None:
        """When the last item of a case has run, let go of its reports and tell done()."""
        index = _case_index(item)
        if nextitem is not None and _case_index(nextitem) == index:
            return
        # The terminal reporter keeps every report of the session for a summary that
        # nobody reads here (the session's output goes to a sink): let them go as each
        # case is done, or memory grows by kilobytes per submission.
        reporter = item.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.stats.clear()
        if self.done is not None:
            self.done(index)

    @pytest.fixture
    def case(self, request: pytest.FixtureRequest) -> Case:
        """The case of this item, waiting for its submission to finish running."""
        given = self.cases[request.param]
        found = given if isinstance(given, Case) else given()
        if found is None:
            pytest.skip("the submission could not be loaded")
        return found

    @pytest.fixture
    def step(self, request: pytest.FixtureRequest) -> int:
        """The step this item judges, read from its step marker."""
        return _step_of(request.node)

    @pytest.fixture
    def record(self, request: pytest.FixtureRequest) -> Callable[[Verdict], None]:
        """Return the function an item hands its verdict to."""
        index, number = _case_index(request.node), _step_of(request.node)

        def keep(verdict: Verdict) -> None:
            self.verdicts.setdefault(index, {})[number] = verdict

        return keep

    def check_outcomes(self, report: dict[str, Any]) -> None:
        """Make sure each item's outcome agrees with the verdict it recorded."""
        for test in report.get("tests", []):
            index, number = self.items.get(str(test.get("nodeid")), (-1, -1))
            verdict = self.verdicts.get(index, {}).get(number)
            if test.get("outcome") == "skipped" and verdict is None:
                continue  # a submission that could not be loaded; its result says why
            if verdict is None:
                raise RuntimeError(
                    f"a step check broke without a verdict: case {index}, step {number} "
                    f"({test.get('outcome')})"
                )
            if (test.get("outcome") == "passed") != verdict.passed:
                raise RuntimeError(f"case {index}, step {number}: outcome and verdict disagree")


def _case_index(item: pytest.Item) -> int:
    """Return the case index an item was parametrized with."""
    callspec = getattr(item, "callspec", None)
    return int(callspec.params["case"]) if callspec is not None else -1


def _step_of(item: pytest.Item) -> int:
    """Return the step an item judges, from its step marker."""
    marker = item.get_closest_marker("step")
    return int(marker.args[0]) if marker is not None else -1


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


@dataclass(frozen=True)
class Checked:
    """What a session of checks found: each case's verdict per step, and pytest's exit code."""

    verdicts: dict[int, dict[int, Verdict]]
    exitcode: int = 0


def run_checks(
    exercise: Exercise,
    cases: Sequence[Case | CaseSource],
    done: Callable[[int], None] | None = None,
) -> Checked:
    """Judge every step of the exercise on every case, in one pytest session.

    done(index), if given, is called as soon as every step of a case has been checked.
    """
    report = JSONReport()
    args = [
        str(CHECKS_FILE),
        "-c",
        os.devnull,
        "--rootdir",
        str(CHECKS_FILE.parent),
        "-p",
        "pytest_jsonreport.plugin",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:stepwise",
        "-p",
        "no:warnings",
        # Plugins that cost time on every item and guard nothing here: learner code never
        # runs in this process, and nothing logs. (unraisableexception alone runs a full
        # garbage collection at exit, a second with a thousand cases in memory.)
        *("-p", "no:unraisableexception", "-p", "no:threadexception", "-p", "no:logging"),
        *("-p", "no:faulthandler", "-p", "no:junitxml", "-p", "no:doctest", "-p", "no:pastebin"),
        "--assert=plain",
        "--json-report-file=none",
        "--json-report-omit",
        "collectors",
        "log",
        "traceback",
        "streams",
        "warnings",
        "keywords",
        "-q",
        "--no-header",
        "--tb=no",
        "-s",
        "--import-mode=importlib",
    ]
    if not cases:
        return Checked({})
    sink = io.StringIO()
    plugin = CasesPlugin(exercise, cases, done)
    with _sealed_environment(), contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        exitcode = pytest.main(args, plugins=[report, plugin])
    if report.report is None:
        raise RuntimeError("the step checks did not run:\n" + sink.getvalue()[-2000:])
    if exitcode != pytest.ExitCode.INTERRUPTED:
        plugin.check_outcomes(report.report)
    return Checked(plugin.verdicts, int(exitcode))
