"""GitHub Classroom's grading reporter, ported: what it prints to the log and what it sends.

A port of classroom-resources/autograding-grading-reporter at its v1 tag (the release
workflows use; its dist/main.js, built from src/ at that commit):

- ``src/main.js``: the ``runners`` input split at commas; each runner's result read from
  the environment variable RUNNER_RESULTS (upper-cased), base64 of UTF-8 JSON; then the
  console, the notification, and ``core.setFailed`` when a result's status is ``fail``
  ("Some tests failed.") or, failing that, ``error`` ("Some tests errored.");
- ``src/console-results.js``: per runner, "🔄 Processing: RUNNER", then per test "✅ name"
  or "❌ name" (with " - line N" when ``line_no`` is not 0), or for an ``error`` test
  only "Error: " and its message; "Test code:" and ``test_code`` when it has one; then
  "Total points for RUNNER: X/max_score" with X from ``getTestScore``;
- ``src/helpers/test-helpers.js`` ``getTestScore`` at v1: passed tests / all tests *
  ``max_score``;
- ``src/aggregate-results.js``: a table of runner, that score and max_score, with
  totals (its rows are kept here, not its drawing);
- ``src/notify-classroom.js``: the points sent, the sum of every test's ``score`` out
  of the sum of ``max_score``, as two notices ("Points S/M", and the same as JSON).

``core.notice`` and ``core.setFailed`` write workflow commands to the log as
@actions/core formats them, so the whole log can be read by the runner's parser
(tests/actions_runner.py) to see which commands it holds.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

COLORS = {
    "reset": "\x1b[0m",
    "cyan": "\x1b[36m",
    "green": "\x1b[32m",
    "red": "\x1b[31m",
    "yellow": "\x1b[33m",
    "magenta": "\x1b[35m",
}


def js_number(value: float) -> str:
    """Write a number as JavaScript's String(number) does, for the values met here."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def to_fixed_2(value: float) -> str:
    """Number.prototype.toFixed(2)."""
    return "NaN" if math.isnan(value) else f"{value:.2f}"


def get_max_score_for_test(results: Mapping[str, Any]) -> float:
    """getMaxScoreForTest: the result's max_score, or 0."""
    return results.get("max_score") or 0


def get_test_score(results: Mapping[str, Any]) -> float:
    """getTestScore at v1: passed tests / all tests * max_score."""
    tests = results["tests"]
    passed = sum(1 for test in tests if test["status"] == "pass")
    if not tests:
        return math.nan  # 0 / 0 in JavaScript
    return passed / len(tests) * (get_max_score_for_test(results) or 0)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


@dataclass
class ReporterRun:
    """What one run of the reporter did."""

    log: str = ""
    # (title, text) of each notice, the points sent to Classroom among them.
    notices: list[tuple[str, str]] = field(default_factory=list)
    # The console's score per runner: (runner, "X.XX", max_score).
    console: list[tuple[str, str, str]] = field(default_factory=list)
    # The table's rows: (runner, score, max_score), then ("Total: ", sums).
    table: list[tuple[str, str, str]] = field(default_factory=list)
    points: tuple[float, float] | None = None
    failed: str | None = None

    def print(self, text: str) -> None:
        """console.log: the text and a newline."""
        self.log += f"{text}\n"


def console_results(run: ReporterRun, runner_results: list[tuple[str, dict[str, Any]]]) -> None:
    """ConsoleResults and AggregateResults."""
    grand_passed = grand_total = 0
    for index, (runner, results) in enumerate(runner_results):
        max_score = get_max_score_for_test(results)
        score = get_test_score(results)
        if index > 0:
            run.print(f"{COLORS['magenta']}{'🚀' * 24}{COLORS['reset']}\n")
        run.print(f"🔄 Processing: {runner}")
        passed = 0
        for test in results["tests"]:
            line = f" - line {test.get('line_no')}" if test.get("line_no") != 0 else ""
            if test["status"] == "pass":
                passed += 1
                run.print(f"{COLORS['green']}✅ {test['name']}{line}{COLORS['reset']}")
            elif test["status"] == "error":
                text = test.get("message") or f"Failed to run test '{test['name']}'"
                run.print(f"Error: {text}\n{COLORS['reset']}")
            else:
                run.print(f"{COLORS['red']}❌ {test['name']}{line}{COLORS['reset']}")
            if test.get("test_code"):
                run.print(f"Test code:\n{test['test_code']}\n")
        grand_passed += passed
        grand_total += len(results["tests"])
        if max_score != 0:
            shown = to_fixed_2(score)
            run.print(f"Total points for {runner}: {shown}/{js_number(max_score)}\n")
            run.console.append((runner, shown, js_number(max_score)))
    run.print(f"{COLORS['magenta']}Test runner summary{COLORS['magenta']}")
    rows = [
        (runner.strip(), get_test_score(results), get_max_score_for_test(results))
        for runner, results in runner_results
    ]
    run.table = [(name, js_number(score), js_number(top)) for name, score, top in rows]
    total = sum(score for _, score, _ in rows)
    run.table.append(("Total: ", js_number(total), js_number(sum(top for _, _, top in rows))))
    run.print("\n".join(" | ".join(row) for row in run.table))
    run.print(
        f"{COLORS['cyan']}🏆 Grand total tests passed: {grand_passed}/{grand_total}"
        f"{COLORS['reset']}\n"
    )


def notify_classroom(run: ReporterRun, runner_results: list[tuple[str, dict[str, Any]]]) -> None:
    """NotifyClassroom: the points sent to Classroom, as two notices."""
    total = maximum = 0.0
    for _, results in runner_results:
        if not results.get("max_score"):
            continue
        maximum += results["max_score"]
        for test in results["tests"]:
            total += test["score"]
    if not maximum:
        return
    run.points = (total, maximum)
    summary = (
        json.dumps({"totalPoints": total, "maxPoints": maximum}, separators=(",", ":"))
        .replace(".0,", ",")
        .replace(".0}", "}")
    )
    for title, text in (
        ("Autograding complete", f"Points {js_number(total)}/{js_number(maximum)}"),
        ("Autograding report", summary),
    ):
        run.notices.append((title, text))
        run.print(f"::notice title={_escape_property(title)}::{_escape_data(text)}")


def run_reporter(runners: str, environ: Mapping[str, str]) -> ReporterRun:
    """main.js: read each runner's result, print, notify, and fail as the action does."""
    runner_results = []
    for runner in runners.split(","):
        encoded = environ[f"{runner.strip().upper()}_RESULTS"]
        document = json.loads(base64.b64decode(encoded).decode("utf-8"))
        runner_results.append((runner, document))
    run = ReporterRun()
    console_results(run, runner_results)
    notify_classroom(run, runner_results)
    if any(results["status"] == "fail" for _, results in runner_results):
        run.failed = "Some tests failed."
    elif any(results["status"] == "error" for _, results in runner_results):
        run.failed = "Some tests errored."
    if run.failed:
        run.print(f"::error::{_escape_data(run.failed)}")
    return run
