"""Stopping a grading: Ctrl-C and SIGTERM stop it cleanly, say so, and keep what was graded.

The signals are real ones, sent to this process inside ``on_signals`` or to a grader
started as a child process; the batch tests run inside private mount and PID namespaces
(tests/interrupted.py), where whatever the grader leaves behind can be seen.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from grader.checks.judge import Unloaded
from grader.checks.plugin import run_checks
from grader.exercise import builtin
from grader.grade import Submission, grade
from grader.report import classroom, github, gradescope, junit, markdown, text
from grader.report.json import render, report_from_dict
from grader.result import Report, Result, Status
from grader.sandbox import isolation
from grader.stopping import Stop, on_signals
from tests.conftest import ROOT, SUBMISSIONS, TIERS
from tests.report_schema import validate
from tests.test_hostile import UNSHARE

SCHEMAS = Path(__file__).parent / "schemas"

# -- the Stop ----------------------------------------------------------------------------


def test_the_first_signal_sets_the_stop_and_runs_its_hooks() -> None:
    """SIGTERM inside on_signals: the stop is set, says 143, and the hook ran once."""
    ran: list[str] = []
    with on_signals() as stop, stop.hook(lambda: ran.append("shutdown")):
        os.kill(os.getpid(), signal.SIGTERM)
        assert (stop.is_set(), stop.exit_code, ran) == (True, 143, ["shutdown"])


def test_the_second_signal_raises_keyboard_interrupt_and_later_ones_are_ignored() -> None:
    """Ctrl-C twice stops at once; a third, during the cleanup, changes nothing."""
    with on_signals() as stop:
        os.kill(os.getpid(), signal.SIGINT)
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGINT)
        assert (stop.exit_code, stop.received) == (130, 3)


def test_a_quiet_stop_only_records_the_signals() -> None:
    """While the report is written, a second signal does not raise."""
    with on_signals() as stop, stop.quiet():
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGTERM)
        assert (stop.is_set(), stop.exit_code, stop.received) == (True, 130, 2)


def test_the_old_handlers_are_back_after_the_block() -> None:
    """Outside on_signals, Ctrl-C is Python's own again."""
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    with on_signals():
        assert signal.getsignal(signal.SIGINT) is not before[0]
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


def test_a_hook_registered_after_the_stop_runs_at_once() -> None:
    """A stop that came before the sandbox existed still shuts it down."""
    stop, ran = Stop(), []
    stop.set(signal.SIGTERM)
    with stop.hook(lambda: ran.append("shutdown")):
        assert ran == ["shutdown"]


# -- grading, stopped --------------------------------------------------------------------


def test_a_stream_that_ends_early_ends_the_session_with_what_was_judged() -> None:
    """Two of three submissions came: the session ends cleanly and says two were judged."""
    exercise = builtin()
    cases = [Unloaded(f"{n}.py", "Not a script.", "bad") for n in "ab"]
    checked = run_checks(exercise, iter(cases), 3)
    assert checked.judged == 2


def test_a_grading_stopped_before_it_starts_grades_nothing_and_says_so() -> None:
    """A stop already set: no submission runs; the report is empty, incomplete, of 2."""
    stop = Stop()
    stop.set()
    paths = [SUBMISSIONS / "correct-script.py", SUBMISSIONS / "empty.py"]
    report = grade([Submission(p.name, p) for p in paths], stop=stop)
    assert (report.results, report.incomplete, report.total) == ((), True, 2)


def incomplete_report() -> Report:
    """A report of 1 submission graded of 3 asked for."""
    result = Result("a.py", Status.PASSED)
    return Report(results=(result,), incomplete=True, total=3)


def test_every_readable_format_says_the_report_is_incomplete_and_of_how_many() -> None:
    """The text summary, Markdown (the job summary) and GitHub's annotations say 1 of 3."""
    report = incomplete_report()
    for rendered in (text.render(report), markdown.render(report), github.render(report)):
        assert "1 of 3 submissions" in rendered
    assert "::warning" in github.render(report)


def test_the_ci_formats_do_not_let_an_incomplete_report_look_whole() -> None:
    """JUnit: a valid extra suite with an error; Gradescope: a valid results.json that says
    so; GitHub Classroom: an error, whatever the results so far."""
    xmlschema = pytest.importorskip("xmlschema", reason="install the test extra: xmlschema")
    report = incomplete_report()
    document = junit.render(report)
    xmlschema.XMLSchema10(str(SCHEMAS / "junit-10.xsd")).validate(document)
    assert 'errors="1"' in document and "1 of 3 submissions" in document
    results = json.loads(gradescope.render(report))
    schema = json.loads((SCHEMAS / "gradescope-results.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(results)
    assert "1 of 3 submissions" in results["output"]
    assert classroom.overall(report) == "error"


def test_the_json_report_of_an_incomplete_grading_is_valid_and_says_of_how_many() -> None:
    """incomplete and total, valid against the schema."""
    data = validate(render(incomplete_report()))
    assert (data["incomplete"], data["total"], len(data["results"])) == (True, 3, 1)
    assert report_from_dict(data) == incomplete_report()
    assert "total" not in validate(render(Report(results=incomplete_report().results)))


# -- a batch interrupted, in a child process ---------------------------------------------

needs_namespaces = pytest.mark.skipif(
    not isolation.is_root() or UNSHARE is None,
    reason="private mount and PID namespaces for these tests need root and unshare(1)",
)

LINE = re.compile(r"grader: interrupted after (\d+) of (\d+) submissions; .*\.")
# What each submission of the batches is, as the grader must judge it.
VERDICTS = {"1-correct.py": "passed", "2-wrong.py": "failed"}
TOTALS = {"start": 3, "middle": 4, "write": 2}
# How many are graded when the signal comes: the moment is a state, not a time.
GRADED = {"start": 0, "middle": 2, "write": 2}


def interrupted(tier: str, moment: str, signals: str) -> dict[str, object]:
    """Grade a batch in private namespaces, interrupt it at the moment, return what it saw."""
    assert UNSHARE is not None
    command = [UNSHARE, "-m", "-i", "-p", "-f", "--mount-proc", "--propagation", "private"]
    done = subprocess.run(
        [*command, sys.executable, "-m", "tests.interrupted", tier, moment, signals],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    data: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return data


def cases() -> list[Any]:
    """Each moment in the process tier; the first two also in the warm and bwrap tiers,
    where the sandbox holds more (zygotes, namespaces) that must be let go."""
    found = []
    for tier in TIERS:
        name, marks = (tier, ()) if isinstance(tier, str) else (tier.values[0], tier.marks)
        moments = [("start", "TERM"), ("middle", "INT")]
        if name == "process":
            moments += [("middle", "INT,INT"), ("write", "TERM")]
        found.extend(
            pytest.param(name, moment, signals, marks=marks, id=f"{moment}-{signals}-{name}")
            for moment, signals in moments
        )
    return found


@needs_namespaces
@pytest.mark.parametrize(("tier", "moment", "signals"), cases())
def test_an_interrupted_batch_writes_what_was_graded_and_leaves_nothing(
    tier: str, moment: str, signals: str
) -> None:
    """The exit code of the first signal, one line that says how far it got, a valid report
    of exactly those submissions (incomplete if not all), and nothing left behind."""
    data = interrupted(tier, moment, signals)
    first = signals.split(",")[0]
    assert data["exit"] == {"INT": 130, "TERM": 143}[first], data["stderr"]
    report = validate(str(data["report"])) if moment != "write" else None
    note = [f"grader: {report['sandbox_note']}"] if report and report["sandbox_note"] else []
    lines = str(data["stderr"]).splitlines()
    assert lines[: len(note)] == note and len(lines) == len(note) + 1, lines
    found = LINE.fullmatch(lines[-1])
    assert found is not None, lines[-1]
    graded, total = int(found[1]), int(found[2])
    assert (graded, total) == (GRADED[moment], TOTALS[moment])
    if report is not None:
        names = [Path(r["submission"]).name for r in report["results"]]
        assert names == list(VERDICTS)[:graded]
        assert [r["status"] for r in report["results"]] == [VERDICTS[n] for n in names]
        assert report.get("incomplete", False) is (graded < total)
        assert report.get("total", total) == total
    else:  # the GitHub format: the report and the job summary were written whole
        assert "Total:" in str(data["report"])
        assert f"in {total} submissions" in str(data["summary"])
    assert (data["left"], data["processes"], data["leaves"], data["locks"]) == ([], [], [], [])
