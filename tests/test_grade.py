"""Batch grading: many submissions in one run, each graded exactly as it would be alone."""

from __future__ import annotations

import csv
import io
import shutil
import threading
from pathlib import Path

import pytest

from grader import cli
from grader import grade as grade_module
from grader.cli import EXIT_USAGE, main, parse_shard
from grader.grade import Options, Submission, UsageError, collect, grade, shard
from grader.report import FORMATS
from grader.report.json import result_dict
from grader.result import Report
from grader.stopping import Stop
from tests.conftest import SUBMISSIONS, TEST_TIMEOUT

# Correct and wrong scripts and notebooks, and broken ones: a syntax error in a script
# and in a cell, an empty file, and (written below) a notebook that is not JSON.
MIX = (
    "correct-script.py",
    "correct-notebook.ipynb",
    "step1-missing-key.py",
    "step2-string-load.py",
    "step3-strict-greater.py",
    "step4-print-in-loop.py",
    "step3-lowercase-true.py",
    "syntax-error.py",
    "syntax-error-cell.ipynb",
    "empty.py",
)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding a copy of each sample of the mix, and a broken notebook."""
    folder = tmp_path_factory.mktemp("batch")
    for name in MIX:
        shutil.copyfile(SUBMISSIONS / name, folder / name)
    (folder / "bad-notebook.ipynb").write_text("{ this is not json", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def batch_report(batch: Path) -> Report:
    """The report of the whole mix, graded in one run on two workers."""
    return grade(collect([str(batch)]), Options(timeout=TEST_TIMEOUT, jobs=2))


@pytest.fixture(scope="module")
def graded(batch_report: Report) -> list[dict[str, object]]:
    """The JSON results of the whole mix."""
    return [result_dict(result) for result in batch_report.results]


def test_every_submission_gets_the_verdict_it_gets_alone(
    batch: Path, graded: list[dict[str, object]]
) -> None:
    """Status, score, messages and codes in a batch equal those of grading the file alone."""
    alone = [
        result_dict(grade([s], Options(timeout=TEST_TIMEOUT, jobs=1)).results[0])
        for s in collect([str(batch)])
    ]
    assert graded == alone


def test_the_batch_reports_submissions_in_the_order_given(batch: Path) -> None:
    """Files given in reverse order come back in reverse order, each with its own result."""
    given = list(reversed(collect([str(batch)])))[:4]
    report = grade(given, Options(timeout=TEST_TIMEOUT, jobs=2))
    assert [r.submission for r in report.results] == [s.shown for s in given]


def test_the_mix_covers_passed_failed_and_unloadable_submissions(
    graded: list[dict[str, object]],
) -> None:
    """The batch holds every kind of verdict, so the comparison above means something."""
    by_name = {Path(str(r["submission"])).name: r for r in graded}
    assert (
        by_name["correct-notebook.ipynb"]["status"],
        by_name["step3-strict-greater.py"]["status"],
        by_name["syntax-error.py"]["code"],
        by_name["bad-notebook.ipynb"]["code"],
    ) == ("passed", "failed", "syntax-error", "bad-notebook")


def test_the_gradebook_of_a_real_batch_adds_up_to_its_summary(batch_report: Report) -> None:
    """Rows, scores, step passes and mistake counts of the CSV equal the summary's."""
    rows = list(csv.DictReader(io.StringIO(FORMATS["csv"](batch_report))))
    summary = batch_report.summary()
    mistakes: dict[str, int] = {}
    for row in rows:
        for code in set(row["mistakes"].split()):
            mistakes[code] = mistakes.get(code, 0) + 1
    assert (
        len(rows),
        sum(int(row["score"]) for row in rows),
        {n: sum(row[f"step{n}"] == "passed" for row in rows) for n in summary.step_passes},
        mistakes,
    ) == (summary.submissions, summary.score, summary.step_passes, dict(summary.mistakes))


def test_an_endless_loop_does_not_change_the_verdicts_around_it(tmp_path: Path) -> None:
    """A submission that times out is a timeout; the ones before and after are unaffected."""
    for name in ("a-correct-script.py", "b-infinite-loop.py", "c-strict-greater.py"):
        source = {"a": "correct-script.py", "b": "infinite-loop.py", "c": "step3-strict-greater.py"}
        shutil.copyfile(SUBMISSIONS / source[name[0]], tmp_path / name)
    report = grade(collect([str(tmp_path)]), Options(timeout=2, jobs=2))
    assert [(r.status.value, r.score, r.mistake_codes[:1]) for r in report.results] == [
        ("passed", 4, ()),
        ("failed", 0, ("timeout",)),
        ("failed", 3, ("step3.strict-greater",)),
    ]


def test_chunks_searched_beside_the_next_report_in_order_what_one_chunk_reports(
    batch: Path, batch_report: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Judged three at a time, each chunk's repairs searched while the next chunk runs
    and is judged, the batch given in reverse reports the same results, in its order."""
    monkeypatch.setattr(grade_module, "CHUNK", 3)
    given = list(reversed(collect([str(batch)])))
    report = grade(given, Options(timeout=TEST_TIMEOUT, jobs=2))
    whole = {r.submission: result_dict(r) for r in batch_report.results}
    assert [result_dict(r) for r in report.results] == [whole[s.shown] for s in given]
    # A repair was applied beside a later chunk: a result before the last chunk differs
    # from the one graded without the search.
    bare = grade(given, Options(timeout=TEST_TIMEOUT, jobs=2, repair=False)).results
    changed = [n for n, (a, b) in enumerate(zip(report.results, bare, strict=True)) if a != b]
    assert changed and changed[0] < len(given) - len(given) % 3


def test_a_batch_stopped_while_a_chunk_is_searched_reports_the_chunks_judged_before(
    batch: Path, batch_report: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stop as the first repair search starts, beside the next chunk: the report holds
    the submissions judged before the stop (the searched chunk whole), in the batch's
    order, marked incomplete, with the verdicts they get in a whole run, and it comes
    back."""
    from grader.feedback import search

    monkeypatch.setattr(grade_module, "CHUNK", 3)
    stop = Stop()
    searched: list[str] = []
    real_find = search.find

    def find_after_stopping(case, *args, **kwargs):  # type: ignore[no-untyped-def]
        searched.append(case.program.path)
        stop.set()
        return real_find(case, *args, **kwargs)

    monkeypatch.setattr(search, "find", find_after_stopping)
    given = collect([str(batch)])
    report = grade(given, Options(timeout=TEST_TIMEOUT, jobs=2), stop=stop)
    whole = {r.submission: r for r in batch_report.results}
    shown = [r.submission for r in report.results]
    assert searched, "no search started"
    assert report.incomplete and report.total == len(given)
    assert set(searched) <= set(shown) and len(shown) < len(given)
    # In the batch's order; which ones were judged first is the order their runs ended
    # in, which the batch's order only starts.
    assert shown == [s.shown for s in given if s.shown in set(shown)]
    assert [r.status for r in report.results] == [whole[name].status for name in shown]


def test_the_workers_run_no_more_searches_at_once_than_asked() -> None:
    """With searches=1, a second search waits for the first; a submission's work does not."""
    workers = grade_module.Workers(2, searches=1)
    began, release = threading.Event(), threading.Event()
    order: list[str] = []

    def first() -> None:
        began.set()
        release.wait(30)
        order.append("first")

    try:
        searched = workers.search(first)
        second = workers.search(order.append, "second")
        ran = workers.submit(order.append, "run")
        ran.result(timeout=30)
        assert began.wait(30)
        assert order == ["run"]
        release.set()
        for future in (searched, second):
            future.result(timeout=30)
    finally:
        release.set()
        workers.shutdown()
    assert order == ["run", "first", "second"]


def test_the_workers_take_a_submissions_work_before_a_search_that_waits() -> None:
    """Work given to ``submit`` goes before work given to ``search`` earlier, if both wait."""
    workers = grade_module.Workers(1)
    release = threading.Event()
    order: list[str] = []
    try:
        busy = workers.submit(release.wait)
        searched = workers.search(order.append, "search")
        ran = workers.submit(order.append, "run")
        release.set()
        for future in (busy, searched, ran):
            future.result(timeout=30)
    finally:
        workers.shutdown()
    assert order == ["run", "search"]


def test_shutting_the_workers_down_drops_what_waits_and_joins_what_runs() -> None:
    """cancel_futures cancels the waiting work; the running work ends; no thread is left."""
    workers = grade_module.Workers(1)
    release, started = threading.Event(), threading.Event()

    def hold() -> bool:
        started.set()
        return release.wait()

    busy = workers.submit(hold)
    assert started.wait(timeout=30)  # running, not waiting: shutdown must let it end
    waiting = workers.search(lambda: "never")
    threading.Timer(0.1, release.set).start()
    workers.shutdown(wait=True, cancel_futures=True)
    assert (busy.result(timeout=0), waiting.cancelled()) == (True, True)
    with pytest.raises(RuntimeError):
        workers.submit(lambda: None)


def _submissions(names: list[str]) -> list[Submission]:
    return [Submission(name, Path(name)) for name in names]


NAMES = [f"folder/{letter}{n}.py" for letter in "qwertyuiop" for n in range(3)] + ["top.py"]


@pytest.mark.parametrize("count", [1, 2, 3, 7, 40])
def test_shards_partition_the_submissions_exactly(count: int) -> None:
    """The N parts are disjoint, together hold every submission, and differ in size by one."""
    parts = [shard(_submissions(NAMES), k, count) for k in range(1, count + 1)]
    shown = [s.shown for part in parts for s in part]
    sizes = [len(part) for part in parts]
    assert (sorted(shown), len(shown), max(sizes) - min(sizes) <= 1) == (
        sorted(NAMES),
        len(NAMES),
        True,
    )


def test_a_shard_does_not_depend_on_the_order_files_are_given_in() -> None:
    """Every job of a CI matrix gets the same part whatever order its shell lists files in."""
    forward = [s.shown for s in shard(_submissions(NAMES), 2, 3)]
    backward = [s.shown for s in shard(_submissions(NAMES[::-1]), 2, 3)]
    assert forward == backward


def test_a_shard_is_every_nth_submission_sorted_by_path() -> None:
    """The documented rule: sort by path, take every N-th starting from the K-th."""
    names = ["b.py", "a.py", "d/a.py", "c.py", "d-e.py"]
    # Folder by folder: "d/a.py" sorts as ("d", "a.py"), before "d-e.py" (a plain string
    # sort would put it after, since "-" < "/").
    assert [s.shown for s in shard(_submissions(names), 1, 2)] == ["a.py", "c.py", "d-e.py"]


@pytest.mark.parametrize("text", ["0/3", "4/3", "1/0", "x", "1", "1/", "/2", "-1/2", "1/2/3", ""])
def test_a_bad_shard_is_a_one_line_usage_error(
    text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """--shard that is not K/N with 1 <= K <= N: exit 2 and one line that shows the form."""
    code = main([f"--shard={text}", str(SUBMISSIONS / "correct-script.py")])
    assert (code, capsys.readouterr().err) == (
        EXIT_USAGE,
        f"grader: --shard {text}: give K/N with 1 <= K <= N, for example --shard 1/4 "
        "for the first of four parts.\n",
    )


def test_parse_shard_reads_k_and_n() -> None:
    """'2/5' is the second of five parts."""
    assert parse_shard("2/5") == (2, 5)


def test_parse_shard_refuses_k_above_n() -> None:
    """A part beyond the last is refused."""
    with pytest.raises(UsageError):
        parse_shard("6/5")


def test_an_empty_shard_grades_nothing_and_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """More parts than submissions: the extra parts report nothing and exit 0."""
    shutil.copyfile(SUBMISSIONS / "correct-script.py", tmp_path / "only.py")
    code = main(["--shard", "2/2", "--format", "csv", str(tmp_path)])
    assert (code, capsys.readouterr().out) == (
        0,
        "path,status,score,max_score,mistakes\n",
    )


def test_jobs_default_to_the_cpus_this_process_may_use() -> None:
    """-j is the CPU count unless given."""
    assert cli.parser().parse_args(["x.py"]).jobs == cli.default_jobs() >= 1


def test_no_progress_line_when_stderr_is_not_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A long batch written to a log or a pipe draws no progress line on stderr.

    (Where bubblewrap is missing, stderr carries the one-line tier note, and only that.)
    """
    for n in range(cli.PROGRESS_FROM):
        shutil.copyfile(SUBMISSIONS / "empty.py", tmp_path / f"e{n:02d}.py")
    main(["--format", "json", "-o", str(tmp_path / "out.json"), str(tmp_path)])
    err = capsys.readouterr().err
    assert "submissions run" not in err
    assert "\r" not in err


def test_the_progress_line_counts_up_on_one_line_and_ends_it() -> None:
    """Progress rewrites one line with a carriage return and ends with a newline."""

    class Terminal:
        text = ""

        def write(self, text: str) -> int:
            self.text += text
            return len(text)

        def flush(self) -> None:
            pass

    terminal = Terminal()
    show = cli._progress_line(terminal)  # type: ignore[arg-type]
    for done in range(1, 4):
        show(done, 3)
    assert terminal.text == (
        "\rgrader: 1 / 3 submissions run"
        "\rgrader: 2 / 3 submissions run"
        "\rgrader: 3 / 3 submissions run\n"
    )


def test_a_ctrl_c_during_the_checks_stops_the_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pytest swallows Ctrl-C; grading passes it on instead of reporting half a batch."""
    from grader.checks import plugin

    monkeypatch.setattr(
        plugin, "run_checks", lambda exercise, cases, count: plugin.Checked({}, exitcode=2)
    )
    shutil.copyfile(SUBMISSIONS / "correct-script.py", tmp_path / "a.py")
    with pytest.raises(KeyboardInterrupt):
        grade(collect([str(tmp_path)]), Options(timeout=TEST_TIMEOUT))


def test_an_interrupted_run_exits_130_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C: no report, exit 130, one line on stderr."""

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(grade_module, "grade", interrupted)
    code = main([str(SUBMISSIONS / "correct-script.py")])
    captured = capsys.readouterr()
    assert (code, captured.out, captured.err) == (
        cli.EXIT_INTERRUPTED,
        "",
        "grader: interrupted; no report was written.\n",
    )


def test_the_json_report_written_a_result_at_a_time_is_the_report_rendered_whole(
    batch_report: Report,
) -> None:
    """A batch's JSON report is written in pieces, never whole in memory: the same bytes."""
    from grader.report import json as json_format

    assert "".join(json_format.pieces(batch_report)) == json_format.render(batch_report)
