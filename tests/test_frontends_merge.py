"""Merging shard reports: the parts of a sharded batch merge back into the full report."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from grader.cli import main
from grader.frontends.merge import MergeError, merge, parse
from grader.result import REPORT_VERSION
from tests import report_schema
from tests.conftest import ROOT, SUBMISSIONS, TEST_TIMEOUT

SAMPLES = (
    "correct-script.py",
    "correct-notebook-v3.ipynb",
    "step1-near-miss-key.py",
    "step3-iterate-keys.py",
    "step4-print-string.py",
    "syntax-error.py",
    "untouched-template.py",
)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """The full JSON report of a folder, and the reports of its three shards."""
    folder = tmp_path_factory.mktemp("merge")
    batch = folder / "batch"
    batch.mkdir()
    for name in SAMPLES:
        shutil.copyfile(SUBMISSIONS / name, batch / name)
    common = ["--format", "json", "--timeout", str(TEST_TIMEOUT), str(batch)]
    full = folder / "all.json"
    main([*common, "-o", str(full)])
    parts = []
    for k in (1, 2, 3):
        part = folder / f"shard-{k}.json"
        main([*common, "--shard", f"{k}/3", "-o", str(part)])
        parts.append(part)
    return full, parts


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_the_shards_merge_back_into_the_full_report(reports: tuple[Path, list[Path]]) -> None:
    """Merging the three parts gives exactly the report of one run over the folder."""
    full, parts = reports
    merged = merge([parse(p.read_text(encoding="utf-8"), p.name) for p in parts])
    assert merged == _load(full)


def test_every_report_written_and_merged_is_valid_against_the_schema(
    reports: tuple[Path, list[Path]],
) -> None:
    """The full report, each shard's and the merged one are all the documented shape."""
    full, parts = reports
    for path in (full, *parts):
        report_schema.validate(path.read_text(encoding="utf-8"))
    report_schema.validate(merge([_load(p) for p in parts]))


def test_the_merge_does_not_depend_on_the_order_of_the_shards(
    reports: tuple[Path, list[Path]],
) -> None:
    """Shards given in any order merge to the same report."""
    _, parts = reports
    loaded = [_load(p) for p in parts]
    assert merge(loaded[::-1]) == merge(loaded)


def test_each_shard_holds_a_part_of_the_submissions(reports: tuple[Path, list[Path]]) -> None:
    """Three parts of seven submissions hold three, two and two of them."""
    _, parts = reports
    assert [len(_load(p)["results"]) for p in parts] == [3, 2, 2]


def test_the_merge_command_prints_the_merged_report(
    reports: tuple[Path, list[Path]],
) -> None:
    """`python -m grader.merge a.json b.json c.json > all.json` writes the full report."""
    full, parts = reports
    done = subprocess.run(
        [sys.executable, "-m", "grader.merge", *map(str, parts)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, json.loads(done.stdout), done.stderr) == (0, _load(full), "")


def _report(*paths: str, version: object = REPORT_VERSION) -> dict[str, Any]:
    results = [
        {"submission": p, "status": "passed", "max_score": 1, "code": None, "steps": []}
        for p in paths
    ]
    return {"version": version, "sandbox": "process", "results": results, "summary": {}}


def test_reports_of_another_version_are_refused() -> None:
    """A report written by another version of the grader is not merged."""
    with pytest.raises(MergeError, match=r"old\.json: report version 0, but this grader"):
        parse(json.dumps(_report("a.py", version=0)), "old.json")


def test_a_version_that_is_true_is_not_version_1() -> None:
    """JSON true is not the number 1."""
    with pytest.raises(MergeError, match="report version True"):
        parse(json.dumps(_report("a.py", version=True)), "odd.json")


def test_a_file_that_is_not_a_report_is_refused() -> None:
    """JSON without a results list is not a grader report."""
    with pytest.raises(MergeError, match=r"x\.json: not a grader JSON report"):
        parse('{"tests": []}', "x.json")


def test_a_submission_in_two_shards_is_refused() -> None:
    """Merging a shard twice would count its submissions twice."""
    with pytest.raises(MergeError, match=r"b\.py is in more than one report"):
        merge([_report("a.py", "b.py"), _report("b.py")])


def test_merged_results_are_sorted_by_path_with_the_summary_added_up() -> None:
    """Results come back in path order, and the summary counts all of them."""
    merged = merge([_report("z.py", "a.py"), _report("m/b.py")])
    assert (
        [r["submission"] for r in merged["results"]],
        merged["summary"]["submissions"],
        merged["summary"]["passed"],
    ) == (["a.py", "m/b.py", "z.py"], 3, 3)


def test_a_bad_input_is_one_line_on_stderr_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command names the file and the problem on one line, and exits 2."""
    bad = tmp_path / "bad.json"
    bad.write_text("not json", encoding="utf-8")
    code = main(["merge", str(bad)])
    err = capsys.readouterr().err
    assert (code, err.count("\n"), err.startswith(f"grader merge: {bad}: not JSON")) == (
        2,
        1,
        True,
    )


def test_no_inputs_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """Without reports to merge the command says what it needs in one line and exits 2."""
    with pytest.raises(SystemExit) as caught:
        main(["merge"])
    assert (caught.value.code, capsys.readouterr().err) == (
        2,
        "grader merge: the following arguments are required: REPORT.json "
        "(see grader merge --help)\n",
    )


def test_a_merged_report_names_every_tier_its_shards_ran_in() -> None:
    """Shards graded in different tiers merge into a report that names both, and both notes."""
    shards = [
        {"version": REPORT_VERSION, "sandbox": "bwrap", "sandbox_note": "", "results": []},
        {
            "version": REPORT_VERSION,
            "sandbox": "process",
            "sandbox_note": "bubblewrap is not installed.",
            "results": [],
        },
        {"version": REPORT_VERSION, "sandbox": "bwrap", "sandbox_note": "", "results": []},
    ]
    merged = merge(shards)
    assert merged["sandbox"] == "bwrap, process"
    assert merged["sandbox_note"] == "bubblewrap is not installed."


def test_a_shard_that_stopped_early_makes_the_merged_report_incomplete() -> None:
    """Only the last shard was cut short: the whole is incomplete; complete shards stay so."""
    shards = [_report("a.py"), _report("b.py"), {**_report("c.py"), "incomplete": True}]
    assert merge(shards)["incomplete"] is True
    assert "incomplete" not in merge(shards[:2])


def test_merged_layers_are_those_that_held_in_every_shard() -> None:
    """A layer missing from one shard's results is missing from the merged report."""
    first, second = _report("a.py"), _report("b.py")
    first["layers"] = first["results"][0]["layers"] = ["no-new-privs", "seccomp"]
    second["layers"] = second["results"][0]["layers"] = ["no-new-privs"]
    assert merge([first, second])["layers"] == ["no-new-privs"]
