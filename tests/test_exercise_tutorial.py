"""The authoring guide, followed to the letter: its three-step exercise, written out from
examples/exercises/README.md, graded through every entry point the guide names.

The command line and `grader upload` run as processes of their own, the Gradescope
script as Gradescope runs it, and `%grade` in a real ipykernel kernel driven by nbclient.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
import yaml

from grader.checks import codes, kit
from grader.cli import main
from grader.exercise import from_folder
from tests.conftest import BEST, ROOT

GUIDE = ROOT / "examples" / "exercises" / "README.md"
TEXT = GUIDE.read_text(encoding="utf-8")
RUN_AUTOGRADER = ROOT / "examples" / "gradescope" / "run_autograder"


def written_files() -> dict[str, str]:
    """The files the guide writes out: each code block under a **`path`** line."""
    found = re.findall(r"\*\*`(shopping/[^`]+)`\*\*\n\n```\w+\n(.*?)```", TEXT, flags=re.DOTALL)
    return dict(found)


def shown(command: str) -> str:
    """The text block the guide shows right after a command block."""
    pattern = rf"```sh\n{re.escape(command)}\n```\n\n```text\n(.*?)```"
    found = re.search(pattern, TEXT, flags=re.DOTALL)
    assert found is not None, f"the guide shows no output for {command}"
    return found.group(1)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding shopping/, as the guide has the reader write it."""
    root = tmp_path_factory.mktemp("guide")
    for name, text in written_files().items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_the_guide_writes_a_whole_exercise_of_three_steps(folder: Path) -> None:
    """A spec, a reference and samples, which load as an exercise of three steps."""
    assert sorted(written_files()) == [
        "shopping/reference/solution.py",
        "shopping/spec.py",
        "shopping/submissions/correct.py",
        "shopping/submissions/step2-counted-by-hand.py",
        "shopping/submissions/step3-line-by-hand.py",
    ]
    assert [step.number for step in from_folder(folder / "shopping").steps] == [1, 2, 3]


def test_the_command_line_prints_what_the_guide_shows(folder: Path) -> None:
    """`grader --exercise shopping ...`, run as a process, prints the guide's text."""
    command = "grader --exercise shopping shopping/submissions/step2-counted-by-hand.py"
    done = subprocess.run(
        [sys.executable, "-m", "grader", *command.split()[1:], "--sandbox", BEST],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stdout, done.stderr) == (1, shown(command), "")


def test_each_sample_passes_every_step_before_the_one_its_name_says_it_fails(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """correct.py scores full marks; stepN-... passes the steps before N and fails N."""
    monkeypatch.chdir(folder)
    main(["--exercise", "shopping", "shopping/submissions", "--format", "json"])
    results = json.loads(capsys.readouterr().out)["results"]
    first_failed = {
        Path(r["submission"]).name: next(
            (s["step"] for s in r["steps"] if s["status"] != "passed"), None
        )
        for r in results
    }
    assert first_failed == {
        "correct.py": None,
        "step2-counted-by-hand.py": 2,
        "step3-line-by-hand.py": 3,
    }


def test_a_typo_in_a_code_stops_the_grader_with_the_guide_s_line(folder: Path) -> None:
    """The guide's example of an undeclared code is the line the grader really prints."""
    said = re.search(r"```text\n\s*(grader: exercise .*?)\n\s*```", TEXT)
    assert said is not None
    broken = folder / "broken"
    shutil.copytree(folder / "shopping", broken)
    spec = broken / "spec.py"
    spec.write_text(
        spec.read_text(encoding="utf-8").replace('{ADD_UP}", "no-loop")', '{ADD_UP}", "no-lop")'),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "grader", "--exercise", "broken", "shopping/submissions"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stdout, done.stderr) == (2, "", said.group(1) + "\n")


def _upload(folder: Path, name: str) -> Path:
    """An upload holding the guide's correct sample, as Gradescope unpacks it."""
    upload = folder / name / "submission"
    upload.mkdir(parents=True)
    shutil.copy(folder / "shopping" / "submissions" / "correct.py", upload / "basket.py")
    return upload


def test_the_gradescope_script_grades_against_grader_exercise(folder: Path) -> None:
    """run_autograder with GRADER_EXERCISE set grades the upload against that exercise."""
    upload = _upload(folder, "gradescope")
    results = upload.parent / "results.json"
    environ = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"],
        "SUBMISSION_DIR": str(upload),
        "RESULTS": str(results),
        "PYTHON": sys.executable,
        "GRADER_EXERCISE": str(folder / "shopping"),
    }
    done = subprocess.run(
        ["bash", str(RUN_AUTOGRADER)], env=environ, capture_output=True, text=True, timeout=120
    )
    document = json.loads(results.read_text(encoding="utf-8"))
    assert (done.returncode, document["score"], len(document["tests"])) == (0, 3, 3)


def test_grader_upload_reads_the_exercise_from_grader_exercise(folder: Path) -> None:
    """`grader upload`, with GRADER_EXERCISE in its environment and no option."""
    upload = _upload(folder, "environment")
    results = upload.parent / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "grader", "upload", str(upload), str(results)],
        env={**os.environ, "GRADER_EXERCISE": str(folder / "shopping")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    document = json.loads(results.read_text(encoding="utf-8"))
    names = [test["name"] for test in document["tests"]]
    assert (done.returncode, document["score"], "List the prices" in names[0]) == (0, 3, True)


def test_percent_grade_grades_a_notebook_against_the_exercise(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`%grade --exercise FOLDER` in a real kernel shows the exercise's steps and marks."""
    nbclient = pytest.importorskip("nbclient", reason="install the test extra: nbclient")
    pytest.importorskip("ipykernel", reason="install the test extra: ipykernel")
    notebook = nbformat.v4.new_notebook()
    code = (folder / "shopping" / "submissions" / "correct.py").read_text(encoding="utf-8")
    notebook.cells = [
        nbformat.v4.new_code_cell(code),
        nbformat.v4.new_code_cell("%load_ext grader"),
        nbformat.v4.new_code_cell(f"%grade --exercise {folder / 'shopping'} basket.ipynb"),
    ]
    work = folder / "jupyter"
    work.mkdir()
    nbformat.write(notebook, work / "basket.ipynb")
    monkeypatch.setenv("IPYTHONDIR", str(work / ".ipython"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(work / ".jupyter-runtime"))
    client = nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(work)}}
    )
    client.execute()
    html = "".join(o.get("data", {}).get("text/html", "") for o in notebook.cells[-1].outputs)
    assert ("Progress: 3 / 3 steps" in html, "List the prices" in html) == (True, True)


def test_the_mistake_table_of_the_exercise_lists_its_codes(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`grader mistakes --exercise FOLDER` writes that exercise's codes, not the built-in's."""
    assert main(["mistakes", "--exercise", str(folder / "shopping")]) == 0
    table = capsys.readouterr().out
    assert ("`step3.hardcoded-line`" in table, "`step4." in table) == (True, False)


def fake_grader(venv: Path) -> Path:
    """Put a stand-in grader where the action looks, recording its arguments."""
    (venv / "bin").mkdir(parents=True)
    log, script = venv / "args", venv / "bin" / "grader"
    script.write_text(f'#!/usr/bin/env bash\nprintf "%s\\n" "$@" > "{log}"\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return log


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash runs the action's script")
def test_the_action_s_exercise_input_reaches_the_grader(tmp_path: Path) -> None:
    """With `exercise: shopping`, the action's grader gets --exercise shopping."""
    action: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    grade = action["runs"]["steps"][1]
    log = fake_grader(tmp_path / "grader-venv")
    environ = {
        **os.environ,
        **{k: v for k, v in grade["env"].items() if not v.startswith("${{")},
        "RUNNER_TEMP": str(tmp_path),
        "PATHS": "a.py",
        "FORMAT": "github",
        "TIMEOUT": "5",
        "EXERCISE": "shopping",
    }
    subprocess.run(["bash", "-e", "-c", grade["run"]], cwd=tmp_path, env=environ, check=True)
    assert log.read_text(encoding="utf-8").splitlines() == [
        "--format",
        "github",
        "--timeout",
        "5",
        "--exercise",
        "shopping",
        "--",
        "a.py",
    ]


def _table_rows() -> dict[str, set[str]]:
    """The kit table of the guide: each function's name and the codes in its last column."""
    rows = {}
    section = TEXT.split("## The kit", 1)[1]
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`"):
            name = cells[0].strip("`").split("(", 1)[0]
            rows[name] = set(re.findall(r"`([a-z][a-z0-9-]*)`", cells[2]))
    return rows


@pytest.mark.parametrize(
    "name", sorted(n for n in kit.__all__ if codes.declared(getattr(kit, n)) is not None)
)
def test_the_guide_lists_each_kit_function_s_codes(name: str) -> None:
    """The guide's table says exactly the codes each kit function declares."""
    declared = codes.declared(getattr(kit, name))
    assert declared is not None
    assert _table_rows().get(name) == set(declared.possible())


def test_the_guide_names_everything_the_kit_exports() -> None:
    """No function or name of the kit is left out of the guide."""
    section = TEXT.split("## The kit", 1)[1]
    assert [name for name in kit.__all__ if f"`{name}" not in section] == []
