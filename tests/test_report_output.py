"""Writing a report: whole or not at all, whatever the learner's text, and never a traceback."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.grade import Options, grade
from grader.grade import collect as collect_submissions
from grader.report import FORMATS, github, output
from grader.result import Report
from tests import actions_runner, report_schema
from tests.conftest import ROOT, SUBMISSIONS, TEST_TIMEOUT, TIERS
from tests.sample_reports import CORRECT, WRONG_KEY, report

LATIN_1_NAME = os.fsdecode(b"caf\xe9.py")
# A program whose exception message and printed text hold lone surrogates, which no
# UTF-8 file can hold as they are.
SURROGATES = """\
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
print("printed \\ud800 text")
raise ValueError("bad \\udce9 value")
"""


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    """A folder: a correct script named in latin-1 bytes, and a program full of surrogates."""
    folder = tmp_path / "batch"
    folder.mkdir()
    shutil.copyfile(SUBMISSIONS / "correct-script.py", folder / LATIN_1_NAME)
    (folder / "surrogates.py").write_text(SURROGATES, encoding="utf-8")
    return folder


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_of_a_batch_with_surrogates_and_a_latin1_name_is_written_whole(
    batch: Path, tmp_path: Path, name: str, tier: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """-o FILE gets the whole report in UTF-8, each such text escaped, and exit code 1."""
    report = grade(collect_submissions([str(batch)]), Options(timeout=TEST_TIMEOUT, sandbox=tier))
    target = tmp_path / f"report.{name}"
    text = output.rendered(report, name, None)
    code = output.write(report, name, text, str(target), {})
    assert (code, capsys.readouterr().err) == (1, "")
    written = target.read_bytes().decode("utf-8")
    assert written == text
    if name == "classroom":
        written = base64.b64decode(written).decode("utf-8")
    if name != "gradescope":  # Gradescope's results are about one file and do not name it
        # The byte is shown as \xe9, whatever else each format escapes around it.
        assert "caf" in written and "xe9" in written
    if name == "json":
        data = report_schema.validate(written)
        by_name = {r["submission"]: r for r in data["results"]}
        assert by_name[str(batch / "surrogates.py")]["output"] == "printed \\ud800 text\n"


def run_grader(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    """Run python -m grader as a process."""
    return subprocess.run(
        [sys.executable, "-m", "grader", "--timeout", str(TEST_TIMEOUT), *args],
        env={**os.environ, **env},
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )


def test_the_command_line_writes_the_json_report_of_that_batch(batch: Path, tmp_path: Path) -> None:
    """grader --format json -o FILE: exit 1 (a verdict), no traceback, a valid report."""
    target = tmp_path / "report.json"
    done = run_grader("--format", "json", "-o", str(target), str(batch), env={})
    assert done.returncode == 1, done.stderr
    assert b"Traceback" not in done.stderr
    data = report_schema.validate(target.read_text(encoding="utf-8"))
    assert sorted(Path(r["submission"]).name for r in data["results"]) == [
        "caf\\xe9.py",
        "surrogates.py",
    ]


def test_the_github_format_of_that_batch_writes_the_log_summary_and_outputs(
    batch: Path, tmp_path: Path
) -> None:
    """--format github: annotations on the log, the job summary and the outputs, all whole."""
    summary, outputs = tmp_path / "summary.md", tmp_path / "output"
    done = run_grader(
        "--format",
        "github",
        str(batch),
        env={"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(outputs)},
    )
    assert done.returncode == 1, done.stderr
    assert b"Traceback" not in done.stderr
    log = done.stdout.decode("utf-8")
    commands = actions_runner.commands(log)
    # Each learner's mistakes are errors; the one notice allowed says which sandbox ran them.
    assert {c.name for c in commands if c.properties.get("title") != "Sandbox"} == {"error"}
    assert all(c.name == "notice" for c in commands if c.properties.get("title") == "Sandbox")
    assert "caf\\xe9.py: 4/4 steps passed." in log
    assert "xe9" in summary.read_text(encoding="utf-8")
    assert "result<<ghadelimiter_" in outputs.read_text(encoding="utf-8")


def test_a_file_is_replaced_whole_or_left_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure at the last moment leaves the old report and no partial file beside it."""
    target = tmp_path / "report.txt"
    target.write_text("old report\n", encoding="utf-8")

    def refuse(source: str, destination: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="No space left"):
        output.write_file(str(target), "new report\n")
    assert target.read_text(encoding="utf-8") == "old report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


def test_a_report_replaces_the_file_with_its_permissions(tmp_path: Path) -> None:
    """The new report is the whole text, with the mode the old file had."""
    target = tmp_path / "report.txt"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    output.write_file(str(target), "new ✓\n")
    assert target.read_text(encoding="utf-8") == "new ✓\n"
    assert target.stat().st_mode & 0o777 == 0o640


def test_a_target_that_is_not_a_regular_file_is_written_to(tmp_path: Path) -> None:
    """/dev/null, /dev/stdout or a pipe cannot be replaced: they are written directly."""
    output.write_file(os.devnull, "report\n")
    assert Path(os.devnull).exists()


def test_text_utf8_cannot_hold_is_escaped_rather_than_lost(tmp_path: Path) -> None:
    """A lone surrogate that reached the writer is written as its escape."""
    target = tmp_path / "report.txt"
    output.write_file(str(target), "x\udce9y\n")
    assert target.read_text(encoding="utf-8") == "x\\udce9y\n"


def test_a_fault_while_writing_is_one_line_and_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Whatever breaks inside the grader while writing: exit 3, one line, no traceback."""

    def broken(report: Report, environ: object) -> None:
        raise RuntimeError("the summary\nbroke")

    monkeypatch.setattr(github, "write_workflow_files", broken)
    sample = report(CORRECT, WRONG_KEY)
    code = output.write(sample, "github", github.render(sample), str(tmp_path / "out"), {})
    err = capsys.readouterr().err
    assert code == 3
    assert err == (
        "grader: internal error (RuntimeError: the summary\\nbroke). This is a bug in the "
        "grader, not in the submission; please report it.\n"
    )


def test_an_empty_report_of_a_shard_with_nothing_to_grade_exits_0(tmp_path: Path) -> None:
    """More parts than submissions: the part's report is written, and nothing failed."""
    target = tmp_path / "part.json"
    assert output.write(Report(results=()), "json", "{}\n", str(target), {}) == 0
    assert json.loads(target.read_text(encoding="utf-8")) == {}
