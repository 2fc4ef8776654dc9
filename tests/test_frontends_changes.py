"""Which files a pull request changes, on diff text and on real git repositories."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from grader.cli import main
from grader.frontends.changes import Changes, classify, parse_name_status
from grader.safe import writable
from tests import actions_runner
from tests.sample_reports import HOSTILE_NAMES

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def test_added_and_modified_submissions_are_graded() -> None:
    """A and M under submissions/ are the files to grade, in git's order."""
    assert classify("A\tsubmissions/new.py\nM\tsubmissions/old.ipynb\n") == Changes(
        ("submissions/new.py", "submissions/old.ipynb"), ()
    )


def test_files_that_are_not_scripts_or_notebooks_are_skipped_not_graded() -> None:
    """A README, a .gitkeep or a data file under submissions/ is left out, not an error."""
    diff = "A\tsubmissions/README.md\nA\tsubmissions/.gitkeep\nA\tsubmissions/mine.PY\n"
    diff += "A\tsubmissions/data.csv\n"
    assert classify(diff) == Changes(
        ("submissions/mine.PY",),
        (),
        ("submissions/README.md", "submissions/.gitkeep", "submissions/data.csv"),
    )


def test_a_deleted_submission_is_not_graded_and_not_flagged() -> None:
    """Removing a submission leaves nothing to grade and touches nothing else."""
    assert classify("D\tsubmissions/gone.py\n") == Changes((), ())


def test_a_rename_inside_submissions_grades_the_new_name() -> None:
    """R with a similarity score grades the file under its new name."""
    assert classify("R087\tsubmissions/a.py\tsubmissions/b.py\n") == Changes(
        ("submissions/b.py",), ()
    )


def test_a_rename_out_of_the_grader_into_submissions_flags_the_old_path() -> None:
    """Moving grader code into submissions/ deletes it where it was: flagged."""
    assert classify("R100\tgrader/cli.py\tsubmissions/cli.py\n") == Changes(
        ("submissions/cli.py",), ("grader/cli.py",)
    )


def test_a_copy_grades_the_copy() -> None:
    """C leaves the source as it was and adds the copy."""
    assert classify("C100\tsubmissions/a.py\tsubmissions/b.py\n") == Changes(
        ("submissions/b.py",), ()
    )


def test_any_path_outside_submissions_is_flagged() -> None:
    """Workflows, the grader, tests, even a deletion: all outside, all flagged."""
    diff = "M\t.github/workflows/grade.yml\nD\ttests/test_x.py\nA\tsubmissions/a.py\n"
    assert classify(diff) == Changes(
        ("submissions/a.py",), (".github/workflows/grade.yml", "tests/test_x.py")
    )


def test_a_folder_merely_named_like_submissions_is_outside() -> None:
    """submissions-old/ and a nested submissions/ are not the submissions folder."""
    diff = "A\tsubmissions-old/a.py\nA\tdocs/submissions/a.py\nA\tsubmissions\n"
    assert classify(diff).outside == (
        "submissions-old/a.py",
        "docs/submissions/a.py",
        "submissions",
    )


def test_nul_separated_output_is_read_too() -> None:
    """The -z form, which never quotes, gives the same answer."""
    diff = "M\0submissions/a b.py\0R090\0x.py\0submissions/y.py\0D\0submissions/z.py\0"
    assert classify(diff) == Changes(("submissions/a b.py", "submissions/y.py"), ("x.py",))


def test_quoted_paths_are_unquoted() -> None:
    """git quotes unusual names C-style; classify sees the real name."""
    assert parse_name_status('A\t"submissions/caf\\303\\251 \\"x\\".py"\n') == [
        ("A", ('submissions/café "x".py',))
    ]


def test_a_path_with_a_newline_is_flagged_not_graded() -> None:
    """A name that would split into two lines is refused, never passed on."""
    diff = "A\0submissions/a.py\n--help\0"
    assert classify(diff) == Changes((), ("submissions/a.py\n--help",))


def test_truncated_nul_output_is_an_error() -> None:
    """A rename without its second path is not silently misread."""
    with pytest.raises(ValueError, match="truncated"):
        parse_name_status("R100\0a.py\0")


# Real repositories, driven exactly as the workflow drives them.


def git(repo: Path, *args: str) -> str:
    """Run git in repo with a fixed identity and no user configuration."""
    environ = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Learner",
        "GIT_AUTHOR_EMAIL": "learner@example.com",
        "GIT_COMMITTER_NAME": "Learner",
        "GIT_COMMITTER_EMAIL": "learner@example.com",
    }
    done = subprocess.run(
        ["git", *args], cwd=repo, env=environ, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def write(repo: Path, files: dict[str, str]) -> None:
    """Write files relative to repo, making folders as needed."""
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def commit(repo: Path, message: str) -> str:
    """Commit everything and return the commit's hash."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A course repository with a base commit: grader, workflow and submissions."""
    path = tmp_path / "course"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    write(
        path,
        {
            "README.md": "course\n",
            ".github/workflows/grade.yml": "name: grade\n",
            "grader/cli.py": "print('grader')\n",
            "submissions/keep.py": "load = 7\n",
            "submissions/edit.py": "load = 6\n",
            "submissions/remove.py": "load = 5\n",
            "submissions/move.py": "systems = {'single_node': 1}\nload = 7\n",
        },
    )
    commit(path, "base")
    return path


Runner = Callable[[Path, str, str], subprocess.CompletedProcess[str]]


@pytest.fixture
def run_changes() -> Runner:
    """Run `python -I -m grader changes BASE HEAD` in a repository, as the workflow does.

    The workflow runs it with -I from an installed grader; where grader is not
    installed (a bare checkout), PYTHONPATH points at this checkout instead.
    """
    isolated = (
        subprocess.run(
            [sys.executable, "-I", "-c", "import grader.frontends.changes"], capture_output=True
        ).returncode
        == 0
    )

    def run(repo: Path, base: str, head: str) -> subprocess.CompletedProcess[str]:
        environ = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
        command = [sys.executable, "-m", "grader", "changes", base, head]
        if isolated:
            command.insert(1, "-I")
        else:
            environ["PYTHONPATH"] = str(ROOT)
        return subprocess.run(command, cwd=repo, env=environ, capture_output=True, text=True)

    return run


def test_a_submission_pull_request_lists_exactly_its_new_and_changed_files(
    repo: Path, run_changes: Runner
) -> None:
    """Adds, edits, a delete and a rename: only what is left to grade is printed."""
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "pr")
    write(repo, {"submissions/edit.py": "load = 7\n", "submissions/new.ipynb": "{}\n"})
    (repo / "submissions/remove.py").unlink()
    git(repo, "mv", "submissions/move.py", "submissions/moved.py")
    head = commit(repo, "my submission")
    done = run_changes(repo, base, head)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == [
        "submissions/edit.py",
        "submissions/moved.py",
        "submissions/new.ipynb",
    ]


def test_a_pull_request_that_touches_the_grader_is_flagged_with_exit_1(
    repo: Path, run_changes: Runner
) -> None:
    """Outside paths are listed on stderr; nothing is printed to grade."""
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "pr")
    write(
        repo,
        {
            "submissions/mine.py": "load = 7\n",
            "grader/cli.py": "print('always full marks')\n",
            ".github/workflows/grade.yml": "name: pwned\n",
        },
    )
    head = commit(repo, "sneaky")
    done = run_changes(repo, base, head)
    assert done.returncode == 1
    assert done.stdout == ""
    assert "changes files outside submissions/" in done.stderr
    assert "  - .github/workflows/grade.yml\n  - grader/cli.py" in done.stderr


def test_work_merged_into_the_base_branch_later_is_not_the_pull_requests(
    repo: Path, run_changes: Runner
) -> None:
    """BASE...HEAD: changes on main after the branch point are not blamed on the PR."""
    git(repo, "checkout", "-q", "-b", "pr")
    write(repo, {"submissions/mine.py": "load = 7\n"})
    head = commit(repo, "my submission")
    git(repo, "checkout", "-q", "main")
    write(repo, {"grader/cli.py": "print('new grader')\n"})
    base = commit(repo, "teacher updates the grader")
    done = run_changes(repo, base, head)
    assert (done.returncode, done.stdout) == (0, "submissions/mine.py\n")


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges")
def test_a_symbolic_link_posing_as_a_submission_is_refused(repo: Path, run_changes: Runner) -> None:
    """A link could make the grader read a file outside submissions/: exit 1."""
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "pr")
    (repo / "submissions/link.py").symlink_to("../grader/cli.py")
    head = commit(repo, "link")
    done = run_changes(repo, base, head)
    assert done.returncode == 1
    assert "not regular files" in done.stderr
    assert "submissions/link.py" in done.stderr


def test_a_file_named_like_a_workflow_command_is_listed_harmlessly(
    repo: Path, run_changes: Runner
) -> None:
    """The runner trims spaces before looking for '::', so each path gets a '- '."""
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "pr")
    write(repo, {"::warning::forged": "x\n"})
    head = commit(repo, "odd name")
    done = run_changes(repo, base, head)
    assert done.returncode == 1
    assert not any(line.lstrip().startswith("::") for line in done.stderr.splitlines())


def test_a_bad_revision_is_one_line_and_a_failure(repo: Path, run_changes: Runner) -> None:
    """git's complaint is passed on in one line, with a non-zero exit."""
    done = run_changes(repo, "no-such-branch", "HEAD")
    assert done.returncode == 1
    assert done.stderr.startswith("grader changes: git diff failed:")


@pytest.mark.parametrize("args", [["HEAD"], ["--output=x", "HEAD"], ["", "HEAD"]])
def test_usage_errors_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """Two revisions are needed, and neither may look like an option or be empty."""
    with pytest.raises(SystemExit) as caught:
        main(["changes", *args])
    err = capsys.readouterr().err
    assert (caught.value.code, err.count("\n"), "(see grader changes --help)" in err) == (
        2,
        1,
        True,
    )


def test_main_can_be_called_in_process(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """grader changes works on the current folder, in the process, for other tools too."""
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "pr")
    write(repo, {"submissions/keep.py": "load = 7  # changed\n"})
    head = commit(repo, "edit")
    monkeypatch.chdir(repo)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    assert main(["changes", base, head]) == 0
    assert capsys.readouterr().out == "submissions/keep.py\n"


def test_a_pull_request_with_a_readme_grades_its_submission_and_notes_the_rest(
    repo: Path, run_changes: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The submission is listed; the README and .gitkeep are named in a note and the summary."""
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "pr")
    write(repo, {"submissions/mine.py": "load = 7\n", "submissions/README.md": "hi\n"})
    write(repo, {"submissions/.gitkeep": ""})
    head = commit(repo, "my submission")
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    done = run_changes(repo, base, head)
    assert done.returncode == 0
    assert done.stdout.splitlines() == ["submissions/mine.py"]
    assert done.stderr.splitlines() == [
        "Not graded, as they are not .py scripts or .ipynb notebooks:",
        "  - submissions/.gitkeep",
        "  - submissions/README.md",
    ]
    assert summary.read_text(encoding="utf-8") == (
        "**Not graded, as they are not \\.py scripts or \\.ipynb notebooks\\:**\n\n"
        "- submissions/\\.gitkeep\n- submissions/README\\.md\n\n"
    )


def run_changes_bytes(repo: Path, base: str, head: str, summary: Path) -> tuple[int, bytes, str]:
    """Run grader.changes as the workflow does; stdout as the bytes it wrote."""
    environ = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "PYTHONPATH": str(ROOT),
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    done = subprocess.run(
        [sys.executable, "-m", "grader.changes", base, head],
        cwd=repo,
        env=environ,
        capture_output=True,
    )
    return done.returncode, done.stdout, done.stderr.decode("utf-8")


def can_name_a_file(name: str) -> bool:
    """Whether a name can be a file's (a lone surrogate outside U+DC80-U+DCFF cannot)."""
    try:
        os.fsencode(name)
    except UnicodeEncodeError:
        return False
    return True


FILE_NAMES = [name for name in HOSTILE_NAMES if can_name_a_file(name)]


def test_no_hostile_file_name_runs_a_command_in_the_log(repo: Path, tmp_path: Path) -> None:
    """Outside paths listed on the log: the runner finds no command in any of them."""
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "pr")
    for name in (*FILE_NAMES, *(f"submissions/{n.replace('/', '-')}" for n in FILE_NAMES)):
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n", encoding="utf-8")
    head = commit(repo, "odd names")
    code, out, err = run_changes_bytes(repo, base, head, tmp_path / "summary.md")
    assert (code, out) == (1, b"")
    assert "Traceback" not in err
    assert actions_runner.commands(err) == []
    suspect = [line for line in err.split("\n") if actions_runner.looks_like_a_command(line)]
    assert suspect == []
    assert "  - docs/# #[error]x.txt" in err.split("\n")


def test_skipped_files_with_hostile_names_are_noted_harmlessly(repo: Path, tmp_path: Path) -> None:
    """The note on files not graded, in the log and the job summary, runs nothing either.

    (Names with a character that does not print, invisible ones included, are not
    skipped quietly: they are flagged for review, as the test above shows.)
    """
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "pr")
    names = [n.replace("/", "-") for n in FILE_NAMES if writable(n).isprintable()]
    for name in names:
        (repo / "submissions" / f"{name}.txt").write_text("notes\n", encoding="utf-8")
    (repo / "submissions" / "mine.py").write_text("load = 7\n", encoding="utf-8")
    head = commit(repo, "notes")
    summary = tmp_path / "summary.md"
    code, out, err = run_changes_bytes(repo, base, head, summary)
    assert (code, out) == (0, b"submissions/mine.py\n")
    assert actions_runner.commands(err) == []
    assert not any(actions_runner.looks_like_a_command(line) for line in err.split("\n"))
    assert err.count("\n  - ") == len(names)
    assert "Traceback" not in err
    assert summary.read_text(encoding="utf-8").startswith("**Not graded")


def test_a_submission_named_in_bytes_that_are_not_utf8_is_passed_on_as_those_bytes(
    repo: Path, tmp_path: Path
) -> None:
    """caf\\xe9.py from a latin-1 machine is graded: the workflow reads its exact bytes."""
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "pr")
    (repo / "submissions" / os.fsdecode(b"caf\xe9.py")).write_text("load = 7\n", encoding="utf-8")
    head = commit(repo, "latin-1")
    code, out, err = run_changes_bytes(repo, base, head, tmp_path / "summary.md")
    assert (code, out, err) == (0, b"submissions/caf\xe9.py\n", "")
