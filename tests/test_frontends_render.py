"""Rendering a saved JSON report: one grading gives every format, and writing never tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader.cli import main as grader_main
from grader.report import FORMATS, github
from grader.report.json import render as render_json
from grader.report.json import report_from_dict
from tests import report_schema
from tests.conftest import ROOT, SUBMISSIONS, TEST_TIMEOUT
from tests.sample_reports import CORRECT, EMPTY, HOSTILE_GRADED, NOTEBOOK, WRONG_KEY, report

SAMPLE = report(CORRECT, WRONG_KEY, NOTEBOOK, EMPTY, HOSTILE_GRADED)


def saved(tmp_path: Path) -> Path:
    """The sample report saved as --format json writes it."""
    path = tmp_path / "report.json"
    path.write_text(report_schema.validate_text(render_json(SAMPLE)), encoding="utf-8")
    return path


def test_a_report_read_back_from_json_is_the_report_that_was_written() -> None:
    """The reverse of the JSON format loses nothing a format can show."""
    assert report_from_dict(json.loads(render_json(SAMPLE))) == SAMPLE


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_rendered_from_the_saved_report_equals_a_direct_render(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """grader render gives, byte for byte, what --format gives on the same grading."""
    code = grader_main(["render", str(saved(tmp_path)), "--format", name])
    expected = FORMATS[name](SAMPLE)
    assert capsys.readouterr().out == expected
    assert code == 1


def test_markdown_can_be_cut_for_a_comment(tmp_path: Path) -> None:
    """--max-chars cuts Markdown between blocks and says so."""
    output = tmp_path / "report.md"
    grader_main(
        [
            "render",
            str(saved(tmp_path)),
            "--format",
            "markdown",
            "--max-chars",
            "400",
            "-o",
            str(output),
        ]
    )
    text = output.read_text(encoding="utf-8")
    assert len(text) <= 400
    assert text.endswith(github.CUT_NOTE + "\n")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "report.json: not JSON"),
        ('{"version": 1, "results": [{"submission": "a.py"}]}', "not in the report format"),
        ('{"version": 99, "results": []}', "report version 99"),
    ],
    ids=["not-json", "missing-fields", "other-version"],
)
def test_a_file_that_is_not_a_report_is_one_line_and_exit_2(
    tmp_path: Path, content: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A broken or foreign report gives one line that names it, never a traceback."""
    path = tmp_path / "report.json"
    path.write_text(content, encoding="utf-8")
    assert grader_main(["render", str(path), "--format", "text"]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1


def run_grader(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run python -m grader as a process, with the given workflow variables."""
    return subprocess.run(
        [sys.executable, "-m", "grader", *args],
        env={**os.environ, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("variable", ["GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT"])
def test_an_unwritable_workflow_file_is_one_line_and_exit_2(tmp_path: Path, variable: str) -> None:
    """--format github with a workflow file that cannot be written: one line, exit 2."""
    missing = tmp_path / "no-such-folder" / "file"
    done = run_grader(
        "--format",
        "github",
        "--timeout",
        str(TEST_TIMEOUT),
        str(SUBMISSIONS / "correct-script.py"),
        env={variable: str(missing)},
    )
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        f"grader: cannot write {variable} ({missing}): No such file or directory."
    )
    assert "Traceback" not in done.stderr


def test_an_unwritable_output_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """-o to a folder that is a directory: one line, exit 2."""
    done = run_grader(
        "--format", "junit", "-o", str(tmp_path), str(SUBMISSIONS / "correct-script.py"), env={}
    )
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == f"grader: cannot write {tmp_path}: Is a directory"
    assert "Traceback" not in done.stderr


def test_rendering_writes_the_workflow_files_from_a_saved_report(tmp_path: Path) -> None:
    """Rendered to github from JSON, the summary and the outputs are written as by the grader."""
    summary, output = tmp_path / "summary.md", tmp_path / "output"
    done = subprocess.run(
        [sys.executable, "-m", "grader", "render", str(saved(tmp_path)), "--format", "github"],
        env={**os.environ, "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout == github.render(SAMPLE)
    assert summary.read_text(encoding="utf-8").startswith("<!-- grader-report -->")
    assert "result<<ghadelimiter_" in output.read_text(encoding="utf-8")


def test_text_rendered_to_a_stream_that_cannot_encode_the_marks_uses_ascii_marks(
    tmp_path: Path,
) -> None:
    """The text format fits its stream as the grader's own does: PASS/FAIL on cp1252."""
    done = subprocess.run(
        [sys.executable, "-m", "grader.render", str(saved(tmp_path)), "--format", "text"],
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "cp1252", "NO_COLOR": "1"},
        timeout=TEST_TIMEOUT,
    )
    out = done.stdout.decode("cp1252")
    assert "PASS" in out
    assert "\\u2713" not in out
