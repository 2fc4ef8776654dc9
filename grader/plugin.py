"""The pytest plugin: hands the graded cases to the step tests, and runs the session.

The checks run in-process with ``pytest.main``; pytest-json-report collects their
outcomes and the verdicts they record. The session is sealed off from wherever the
grader happens to run: no ini file, conftest or plugin of the surrounding project, no
cache directory, no PYTEST_ADDOPTS.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from pytest_jsonreport.plugin import JSONReport

from grader.checks.steps import Case

CHECKS_FILE = Path(__file__).resolve().parent / "checks" / "test_steps.py"


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
        self, cases: Sequence[Case | CaseSource], done: Callable[[int], None] | None = None
    ) -> None:
        self.cases = list(cases)
        self.done = done

    def pytest_configure(self, config: pytest.Config) -> None:
        """Declare the step marker, so that --strict-markers accepts it."""
        config.addinivalue_line("markers", "step(number): the exercise step a test grades")

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        """Run every step test once per case, with the case's index as its id."""
        if "case" in metafunc.fixturenames:
            metafunc.parametrize(
                "case",
                range(len(self.cases)),
                ids=[str(i) for i in range(len(self.cases))],
                indirect=True,
            )

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """Order the items by case, then by step, so case i is done before case i+1."""
        position = {id(item): number for number, item in enumerate(items)}
        items.sort(key=lambda item: (_case_index(item), position[id(item)]))

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


def _case_index(item: pytest.Item) -> int:
    """Return the case index an item was parametrized with."""
    callspec = getattr(item, "callspec", None)
    return int(callspec.params["case"]) if callspec is not None else -1


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


def run_checks(
    cases: Sequence[Case | CaseSource], done: Callable[[int], None] | None = None
) -> dict[str, Any]:
    """Run the step tests over the cases and return pytest-json-report's report.

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
        return {"tests": []}
    sink = io.StringIO()
    with _sealed_environment(), contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        pytest.main(args, plugins=[report, CasesPlugin(cases, done)])
    if report.report is None:
        raise RuntimeError("the step checks did not run:\n" + sink.getvalue()[-2000:])
    result: dict[str, Any] = report.report
    return result
