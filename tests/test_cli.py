"""The command line: arguments, exit codes, output files, and `python -m grader` itself."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.cli import COMMANDS, EXIT_FAILED, EXIT_INTERNAL, EXIT_PASSED, EXIT_USAGE, main
from tests.conftest import BEST, REFERENCE, ROOT, STEP_COUNT, SUBMISSIONS, WARM_PROBLEM, progress


def test_a_correct_script_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    """Every step passed: exit code 0, and the report says so: all of them."""
    code = main([str(REFERENCE / "solution.py")])
    assert (code, progress(STEP_COUNT) in capsys.readouterr().out) == (EXIT_PASSED, True)


def test_a_failed_step_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    """Something failed: exit code 1."""
    assert main([str(SUBMISSIONS / "step3-strict-greater.py")]) == EXIT_FAILED


def test_a_file_that_cannot_be_loaded_is_graded_as_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A broken submission is the learner's problem: exit 1 with the reason, no traceback."""
    path = tmp_path / "broken.ipynb"
    path.write_text("{not json", encoding="utf-8")
    code = main([str(path)])
    out = " ".join(capsys.readouterr().out.split())  # the report wraps long lines
    assert (code, "is not a valid notebook" in out, "Traceback" in out) == (
        EXIT_FAILED,
        True,
        False,
    )


def test_a_missing_file_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """No such file: exit 2 and one line on stderr."""
    code = main(["no/such/file.py"])
    err = capsys.readouterr().err
    assert (code, err) == (EXIT_USAGE, "grader: no/such/file.py: no such file or folder.\n")


def test_an_unsupported_extension_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A .txt file: exit 2 and one line that says what is accepted."""
    path = tmp_path / "answer.txt"
    path.write_text("load = 7", encoding="utf-8")
    code = main([str(path)])
    err = capsys.readouterr().err
    assert (code, err.count("\n"), ".py script or a .ipynb notebook" in err) == (
        EXIT_USAGE,
        1,
        True,
    )


def test_a_bad_timeout_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """A timeout that is not a positive number is refused by the argument parser."""
    with pytest.raises(SystemExit) as caught:
        main(["--timeout", "-1", str(REFERENCE / "solution.py")])
    assert (caught.value.code, "must be a positive number" in capsys.readouterr().err) == (
        EXIT_USAGE,
        True,
    )


def test_an_internal_error_exits_3_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug of the grader itself: exit 3, one line that says so, no traceback."""
    from grader import grade

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(grade, "grade", broken)
    code = main([str(REFERENCE / "solution.py")])
    captured = capsys.readouterr()
    assert (code, captured.err.startswith("grader: internal error"), captured.err.count("\n")) == (
        EXIT_INTERNAL,
        True,
        1,
    )


def test_an_exercise_whose_reference_fails_its_own_steps_does_not_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A reference that is not a solution is the exercise's bug: exit 2, one line."""
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "solution.py").write_text("systems = {}\n", encoding="utf-8")
    (tmp_path / "spec.py").write_text(
        "from dataclasses import replace\nfrom pathlib import Path\n"
        "from grader.exercise import builtin\n"
        "EXERCISE = replace(builtin(), reference=Path(__file__).parent / 'reference')\n",
        encoding="utf-8",
    )
    code = main(["--exercise", str(tmp_path), str(REFERENCE / "solution.py")])
    captured = capsys.readouterr()
    assert (code, captured.out, captured.err.count("\n")) == (EXIT_USAGE, "", 1)
    assert "its reference solution is wrong" in captured.err


def test_a_folder_means_every_script_and_notebook_in_it_sorted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Files in a folder are graded in name order; other files are ignored."""
    for name in ("b.py", "a.ipynb", "notes.txt"):
        (tmp_path / name).write_text("", encoding="utf-8")
    main([str(tmp_path), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert [Path(r["submission"]).name for r in report["results"]] == ["a.ipynb", "b.py"]


def test_an_empty_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing to grade: exit 2."""
    assert main([str(tmp_path)]) == EXIT_USAGE


def test_the_report_can_be_written_to_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-o writes the report to a file and nothing to standard output."""
    target = tmp_path / "report.json"
    code = main([str(REFERENCE / "solution.ipynb"), "--format", "json", "-o", str(target)])
    report = json.loads(target.read_text(encoding="utf-8"))
    assert (code, capsys.readouterr().out, report["results"][0]["score"]) == (
        EXIT_PASSED,
        "",
        STEP_COUNT,
    )


def test_the_json_report_has_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    """The JSON report carries a version, results with steps, and a summary."""
    main([str(SUBMISSIONS / "step4-no-print.py"), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    result = report["results"][0]
    step4 = result["steps"][3]
    assert (report["version"], result["status"], result["score"], result["max_score"]) == (
        1,
        "failed",
        STEP_COUNT - 1,
        STEP_COUNT,
    )
    # The message gives the line to write, so the step's general hint is left out.
    assert (step4["status"], step4["code"], bool(step4["message"]), step4["hint"]) == (
        "failed",
        "step4.no-print",
        True,
        "",
    )
    assert report["summary"]["submissions"] == 1


def test_the_report_shows_no_path_of_the_grading_machine(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Paths are shown as given; the grader's own folders never appear."""
    monkeypatch.chdir(ROOT)
    main(["submissions/step3-iterate-keys.py", "--format", "json"])
    out = capsys.readouterr().out
    assert (str(ROOT) in out, "site-packages" in out, "grader/" in out) == (False, False, False)


def test_python_m_grader_runs_as_a_process() -> None:
    """`python -m grader` works as a command, with its exit code.

    The tier is named, so that a machine without bubblewrap adds no note on stderr.
    """
    done = subprocess.run(
        [sys.executable, "-m", "grader", "submissions/correct-notebook.ipynb", "--sandbox", BEST],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, progress(STEP_COUNT) in done.stdout, done.stderr) == (0, True, "")


HEAD = 'systems = {"single_node": 1, "horizontal_scaling": 5, "vertical_scaling": 2}\nload = 7\n'


@pytest.mark.parametrize(
    "code",
    [
        # Runs: Python warns about a comparison with `is` and an invalid escape.
        HEAD + 'if load is 7:\n    print("\\d")\n',
        # Does not read: the repair search tries tokens for the sign, and Python warns
        # about some of the lines they make ("'int' object is not callable").
        HEAD + "ok = 5 \u2265 load\n",
    ],
    ids=["runs", "unreadable"],
)
def test_pythons_warnings_about_learner_code_never_reach_the_graders_stderr(
    tmp_path: Path, code: str
) -> None:
    """The learner's code is compiled in the grader's process (to instrument it, and to
    try repairs): what Python says about it is no message of the grader's."""
    path = tmp_path / "warned.py"
    path.write_text(code, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "grader", str(path), "--sandbox", BEST],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (EXIT_FAILED, "")


def test_the_github_format_fills_the_job_summary_and_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Inside a workflow, --format github appends the summary and writes score outputs."""
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs.txt"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_OUTPUT", str(outputs))
    code = main([str(SUBMISSIONS / "step4-no-print.py"), "--format", "github"])
    written = outputs.read_text(encoding="utf-8")
    assert (code, "::error " in capsys.readouterr().out) == (EXIT_FAILED, True)
    assert (
        "<!-- grader-report -->" in summary.read_text(encoding="utf-8"),
        "score<<" in written,
    ) == (True, True)


def test_learner_text_in_the_text_report_cannot_start_a_workflow_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An error message that starts a line with :: is defused before it reaches a CI log."""
    path = tmp_path / "evil.py"
    path.write_text("raise ValueError('\\n::add-mask::secret\\n\\x1b[31mred')\n", encoding="utf-8")
    main([str(path)])
    out = capsys.readouterr().out
    lines = [line.lstrip() for line in out.split("\n")]
    assert (any(line.startswith("::") for line in lines), "\x1b" in out) == (False, False)


def test_a_named_pipe_is_a_usage_error_not_a_missing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A path that exists but is no regular file is named as such."""
    fifo = tmp_path / "answer.py"
    os.mkfifo(fifo)
    code = main([str(fifo)])
    assert (code, "not a regular file" in capsys.readouterr().err) == (EXIT_USAGE, True)


@pytest.mark.parametrize(
    ("option", "value"),
    [("--timeout", "1e12"), ("--timeout", "nan"), ("--memory-limit", "99999999999999")],
)
def test_absurd_limits_are_usage_errors(
    option: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Limits too large to set are refused up front, not turned into wrong verdicts."""
    with pytest.raises(SystemExit) as caught:
        main([option, value, str(REFERENCE / "solution.py")])
    assert (caught.value.code, "must be" in capsys.readouterr().err) == (EXIT_USAGE, True)


def test_a_path_name_too_long_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """An operating-system error about a path is a usage error in one line, not a traceback."""
    code = main(["a" * 300 + ".py"])
    err = capsys.readouterr().err
    assert (code, err.count("\n"), "Traceback" in err) == (EXIT_USAGE, 1, False)


def test_a_file_named_twice_is_graded_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """a.py, ./a.py and the folder holding it name one submission, graded once."""
    monkeypatch.chdir(SUBMISSIONS)
    main(["correct-script.py", "./correct-script.py", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert [r["submission"] for r in report["results"]] == ["correct-script.py"]


def test_argument_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """A bad option value is one line on stderr with exit code 2, like other usage errors."""
    with pytest.raises(SystemExit) as caught:
        main(["--format", "xml", "a.py"])
    err = capsys.readouterr().err
    assert (caught.value.code, err.count("\n"), err.startswith("grader: ")) == (EXIT_USAGE, 1, True)


@pytest.mark.skipif(
    WARM_PROBLEM is None, reason="the warm tier runs here: auto has no note to give without bwrap"
)
def test_the_sandbox_note_goes_to_standard_error_once_not_into_the_report() -> None:
    """Without bubblewrap on the PATH the tier note is for staff, on stderr, said once."""
    done = subprocess.run(
        [sys.executable, "-m", "grader", "submissions/correct-script.py", "submissions/empty.py"],
        cwd=ROOT,
        env={**os.environ, "PATH": str(Path(sys.executable).parent)},
        capture_output=True,
        text=True,
        check=False,
    )
    said = [line for line in done.stderr.splitlines() if line.startswith("grader:")]
    assert len(said) == 1
    assert "bwrap" in said[0]
    assert "bwrap" not in done.stdout


@pytest.mark.parametrize(
    ("spec", "said"),
    [
        (None, "no spec.py in this folder"),
        ("EXERCISE = 3\n", "defines no EXERCISE"),
        ("raise ValueError('oops')\n", "failed to load (ValueError: oops)"),
        (
            "from dataclasses import replace\nfrom grader.exercise import builtin\n"
            "EXERCISE = replace(builtin(), steps=())\n",
            "has no steps",
        ),
        (
            "from dataclasses import replace\nfrom grader.exercise import builtin\n"
            "base = builtin()\n"
            "first = replace(base.steps[0], mistakes={'timeout': 'Too slow.'})\n"
            "EXERCISE = replace(base, steps=(first, *base.steps[1:]))\n",
            "declares 'timeout', which is not a code of its own",
        ),
    ],
    ids=["no-spec", "no-exercise", "spec-raises", "no-steps", "engine-code"],
)
def test_an_exercise_folder_that_cannot_be_used_is_a_one_line_usage_error(
    spec: str | None, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--exercise with a broken folder: exit 2, one line that says what is wrong."""
    if spec is not None:
        (tmp_path / "spec.py").write_text(spec, encoding="utf-8")
    code = main(["--exercise", str(tmp_path), str(SUBMISSIONS / "correct-script.py")])
    err = capsys.readouterr().err
    assert (code, said in err, err.count("\n")) == (EXIT_USAGE, True, 1)


# -- the commands -------------------------------------------------------------------------


def test_a_folder_named_like_a_command_is_graded_when_written_as_a_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`grader merge` is the command; `grader ./merge` grades the folder named merge."""
    (tmp_path / "merge").mkdir()
    shutil.copyfile(REFERENCE / "solution.py", tmp_path / "merge" / "mine.py")
    monkeypatch.chdir(tmp_path)
    code = main(["./merge", "--format", "json"])
    graded = json.loads(capsys.readouterr().out)["results"]
    assert (code, [r["submission"] for r in graded]) == (EXIT_PASSED, ["merge/mine.py"])


def test_the_help_lists_the_commands_and_how_to_grade_a_path_named_like_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """grader --help names every command and the ./NAME way."""
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    named = [command for command in COMMANDS if f"grader {command} " in out]
    assert (named, "grader ./render" in out) == (list(COMMANDS), True)


@pytest.mark.parametrize(
    "argv",
    [
        ["render", "report.json"],
        ["merge"],
        ["changes", "HEAD"],
        ["upload", "dir"],
        ["mistakes", "--output"],
        ["render", "r.json", "--format", "xml"],
    ],
    ids=[
        "render-no-format",
        "merge-no-report",
        "changes-one-revision",
        "upload-no-results",
        "mistakes-no-file",
        "render-bad-format",
    ],
)
def test_every_command_says_a_usage_error_in_one_line_with_exit_2(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """The same style everywhere: `grader COMMAND: what (see grader COMMAND --help)`."""
    with pytest.raises(SystemExit) as caught:
        main(argv)
    err = capsys.readouterr().err
    assert (caught.value.code, err.count("\n"), err.startswith(f"grader {argv[0]}: ")) == (
        EXIT_USAGE,
        1,
        True,
    )
    assert err.endswith(f"(see grader {argv[0]} --help)\n")


def test_python_m_grader_dot_command_is_the_command(tmp_path: Path) -> None:
    """`python -m grader.mistakes` (kept for existing workflows) is `grader mistakes`."""
    done = [
        subprocess.run(
            [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
        for command in (["grader.mistakes"], ["grader", "mistakes"])
    ]
    assert (done[0] == done[1], "| `step1.missing` |" in done[0]) == (True, True)


def test_the_mistakes_doc_is_what_grader_mistakes_writes(tmp_path: Path) -> None:
    """docs/mistakes.md is `grader mistakes -o docs/mistakes.md`; regenerate it if not."""
    written = tmp_path / "mistakes.md"
    assert main(["mistakes", "-o", str(written)]) == EXIT_PASSED
    assert written.read_text(encoding="utf-8") == (ROOT / "docs" / "mistakes.md").read_text(
        encoding="utf-8"
    )
