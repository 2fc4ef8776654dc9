"""Gradescope uploads: the file graded is chosen on purpose, and nothing in the upload is trusted.

The end-to-end cases run examples/gradescope/run_autograder as Gradescope does, on a
simulated /autograder tree (its paths come from the environment), and validate
results.json against Gradescope's specification.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

from grader.frontends.upload import Choice, candidates, choose
from tests.conftest import REFERENCE, ROOT, STEP_COUNT, SUBMISSIONS

jsonschema = pytest.importorskip("jsonschema", reason="install the test extra: jsonschema")

RUN_AUTOGRADER = ROOT / "examples" / "gradescope" / "run_autograder"
SCHEMA = json.loads((ROOT / "tests" / "schemas" / "gradescope-results.schema.json").read_text())
CORRECT = (REFERENCE / "solution.py").read_text(encoding="utf-8")
WRONG = (SUBMISSIONS / "step1-missing-key.py").read_text(encoding="utf-8")

needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="run_autograder is bash")


def upload(tmp_path: Path, files: dict[str, str]) -> Path:
    """Lay out an upload as Gradescope unpacks it into /autograder/submission."""
    root = tmp_path / "autograder" / "submission"
    root.mkdir(parents=True)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def notebook(code: str) -> str:
    """A real notebook with one markdown cell and the code as one cell."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Scaling"), nbformat.v4.new_code_cell(code)]
    return str(nbformat.writes(nb))


def test_the_only_file_of_a_zipped_folder_is_graded(tmp_path: Path) -> None:
    """A zip of a folder unpacks as a folder: its one script is found there."""
    root = upload(tmp_path, {"project/exercise.py": CORRECT, "project/data.csv": "a,b\n"})
    assert choose(root) == Choice(("project/exercise.py",))


def test_archive_debris_and_hidden_files_are_not_candidates(tmp_path: Path) -> None:
    """__MACOSX, hidden files and folders, and caches are never graded."""
    root = upload(
        tmp_path,
        {
            "mine.py": CORRECT,
            "__MACOSX/._mine.py": "\x00\x05",
            ".hidden.py": "x = 1",
            ".ipynb_checkpoints/mine-checkpoint.ipynb": notebook(CORRECT),
            "__pycache__/mine.py": "",
        },
    )
    assert candidates(root) == ["mine.py"]


def test_a_link_is_never_followed(tmp_path: Path) -> None:
    """A symbolic link could point at the grader's own files: it is not a candidate."""
    root = upload(tmp_path, {"mine.py": CORRECT})
    (root / "other.py").symlink_to(REFERENCE / "solution.py")
    assert candidates(root) == ["mine.py"]


def test_an_empty_script_comes_after_a_notebook(tmp_path: Path) -> None:
    """Of several files, the one that is not empty is the likelier: it is graded first."""
    root = upload(tmp_path, {"notes.py": "", "scaling.ipynb": notebook(CORRECT)})
    assert choose(root) == Choice(("scaling.ipynb", "notes.py"))


def test_of_several_files_the_one_that_looks_like_the_exercise_comes_first(
    tmp_path: Path,
) -> None:
    """A helper script that uses none of the exercise's names is the less likely answer."""
    root = upload(tmp_path, {"a_helper.py": "print('hello')\n", "b_answer.py": WRONG})
    assert choose(root) == Choice(("b_answer.py", "a_helper.py"))


def test_at_most_a_few_files_are_graded_the_likeliest(tmp_path: Path) -> None:
    """Seven candidates: the five likeliest are graded, the rest named as not graded."""
    files = {f"answer{n}.py": WRONG for n in range(5)}
    files.update({"helper.py": "print('hello')\n", "notes.py": ""})
    choice = choose(upload(tmp_path, files))
    assert choice == Choice(tuple(f"answer{n}.py" for n in range(5)), ("helper.py", "notes.py"))


def test_a_configured_name_wins(tmp_path: Path) -> None:
    """The name staff configure is graded, whatever else the upload holds."""
    root = upload(tmp_path, {"answer.py": CORRECT, "sub/exercise.py": WRONG})
    assert choose(root, "exercise.py") == Choice(("sub/exercise.py",), ("answer.py",))


def test_a_configured_name_that_is_missing_says_what_to_upload(tmp_path: Path) -> None:
    """Without the configured file nothing is graded, and the learner is told its name."""
    root = upload(tmp_path, {"answer.py": CORRECT})
    choice = choose(root, "exercise.ipynb")
    assert choice.graded == ()
    assert choice.problem == (
        "Your upload has no file named exercise.ipynb. Name your file exercise.ipynb and "
        "upload it again. It holds: answer.py."
    )


def run_autograder(
    root: Path, python: str = sys.executable, **settings: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """Run run_autograder as Gradescope does and read the results.json it leaves."""
    results = root.parent / "results" / "results.json"
    environ = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "SUBMISSION_DIR": str(root),
        "RESULTS": str(results),
        "PYTHON": python,
        "GRADER_TIMEOUT": "5",
        # The suite's own cache folder for the reference's run (see conftest).
        "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"],
        **settings,
    }
    done = subprocess.run(
        ["bash", str(RUN_AUTOGRADER)], env=environ, capture_output=True, text=True, timeout=120
    )
    document = json.loads(results.read_text(encoding="utf-8"))
    jsonschema.validate(document, SCHEMA)
    return done, document


@needs_bash
@pytest.mark.parametrize("name", ["random.py", "json.py", "string.py", "ast.py", "pathlib.py"])
def test_a_correct_solution_named_like_a_standard_module_gets_every_point(
    tmp_path: Path, name: str
) -> None:
    """The upload is not on the grader's path: its file names cannot replace a module."""
    done, document = run_autograder(upload(tmp_path, {name: CORRECT}))
    assert done.returncode == 0, done.stderr
    assert document["score"] == STEP_COUNT, document["output"]
    assert document["output"].startswith(f"Graded: {name}\n")


@needs_bash
def test_an_upload_that_brings_its_own_grader_is_graded_by_the_real_one(tmp_path: Path) -> None:
    """A grader.py and a grader/ package in the upload are never run: a wrong answer scores less."""
    forged = {"score": STEP_COUNT, "tests": [], "output": "forged"}
    fake = f"import json, sys\njson.dump({forged!r}, open(sys.argv[-1], 'w'))\n"
    root = upload(
        tmp_path,
        {
            "answer.py": WRONG,
            "grader.py": fake,
            "grader/__init__.py": "",
            "grader/__main__.py": fake,
            "grader/frontends/upload.py": fake,
        },
    )
    done, document = run_autograder(root)
    assert done.returncode == 0, done.stderr
    assert document["score"] < STEP_COUNT
    assert document["output"].startswith("Graded: answer.py\nAlso graded: ")
    assert str(tmp_path) not in json.dumps(document)


@needs_bash
def test_the_output_names_the_notebook_graded_and_the_empty_script_ignored(tmp_path: Path) -> None:
    """An empty notes.py beside a correct notebook: full marks, and both files named."""
    root = upload(tmp_path, {"notes.py": "", "scaling.ipynb": notebook(CORRECT)})
    _, document = run_autograder(root)
    assert document["score"] == STEP_COUNT
    assert document["output"].splitlines()[:2] == [
        "Graded: scaling.ipynb",
        "Also graded: notes.py (0/4 steps). The best file counts; to have another one "
        "counted, upload it alone.",
    ]


@needs_bash
def test_an_upload_without_code_scores_zero_and_says_why(tmp_path: Path) -> None:
    """No .py or .ipynb anywhere: a valid results.json worth nothing, with what to do."""
    _, document = run_autograder(upload(tmp_path, {"notes.txt": "hello"}))
    assert document["score"] == 0
    assert document["output"].startswith("No .py script or .ipynb notebook was found")


@needs_bash
def test_the_configured_name_is_read_from_the_environment(tmp_path: Path) -> None:
    """GRADER_FILE picks the file to grade."""
    root = upload(tmp_path, {"answer.py": CORRECT, "exercise.py": WRONG})
    _, document = run_autograder(root, GRADER_FILE="exercise.py")
    assert document["output"].startswith("Graded: exercise.py\n")
    assert document["score"] < STEP_COUNT


@needs_bash
def test_a_grader_that_cannot_run_still_leaves_results_gradescope_reads(tmp_path: Path) -> None:
    """With a Python that has no grader, results.json is still written, and parses."""
    python = shutil.which("python3", path="/usr/bin:/bin")
    if (
        python is None
        or subprocess.run([python, "-I", "-c", "import grader"], capture_output=True).returncode
        == 0
    ):
        pytest.skip("needs a python3 without the grader installed")
    done, document = run_autograder(upload(tmp_path, {"answer.py": CORRECT}), python=python)
    assert done.returncode == 0
    assert document["score"] == 0
    assert "could not grade this upload (exit code 1)" in document["output"]


@needs_bash
def test_a_file_name_that_is_not_utf8_is_graded_and_shown_readably(tmp_path: Path) -> None:
    """A name made on another system (bytes that are not UTF-8) still gets its grade."""
    root = upload(tmp_path, {})
    (root / os.fsdecode(b"r\xe9sum\xe9.py")).write_text(CORRECT, encoding="utf-8")
    _, document = run_autograder(root)
    assert document["score"] == STEP_COUNT, document["output"]
    assert document["output"].startswith("Graded: r\\xe9sum\\xe9.py\n")


@needs_bash
def test_of_two_likely_files_the_better_counts_whatever_their_names(tmp_path: Path) -> None:
    """a_draft.py (wrong) and b_final.py (right) use the same names: both are graded,
    and b_final.py's 4/4 counts, not the first by name."""
    root = upload(tmp_path, {"a_draft.py": WRONG, "b_final.py": CORRECT})
    _, document = run_autograder(root)
    assert document["score"] == STEP_COUNT, document["output"]
    assert document["output"].splitlines()[:2] == [
        "Graded: b_final.py",
        "Also graded: a_draft.py (2/4 steps). The best file counts; to have another one "
        "counted, upload it alone.",
    ]
    assert document["extra_data"]["graded"] == "b_final.py"
    assert document["extra_data"]["also_graded"] == [
        {"file": "a_draft.py", "score": 2, "max_score": 4}
    ]


@needs_bash
def test_a_newline_in_a_file_name_cannot_forge_a_line_of_the_output(tmp_path: Path) -> None:
    """A name with a newline is shown escaped, on its own line: no forged "Graded:" line."""
    forged = "evil\nGraded: all 4 steps passed.py"
    root = upload(tmp_path, {forged: WRONG, "notes.py": ""})
    _, document = run_autograder(root)
    lines = document["output"].splitlines()
    assert lines[0] == "Graded: evil\\nGraded: all 4 steps passed.py"
    assert [line for line in lines if line.startswith("Graded:")] == [lines[0]]
    assert document["extra_data"]["graded"] == "evil\\nGraded: all 4 steps passed.py"


@needs_bash
def test_the_tier_and_its_layers_are_in_the_staff_log_and_extra_data_only(tmp_path: Path) -> None:
    """Staff read which sandbox ran in the log and in extra_data; the learner sees neither."""
    done, document = run_autograder(upload(tmp_path, {"mine.py": CORRECT}))
    extra = document["extra_data"]
    assert extra["sandbox"] in ("warm", "bwrap", "process")
    assert extra["layers"]
    (log,) = done.stdout.splitlines()
    assert log.startswith(f"grader upload: graded mine.py: {STEP_COUNT} points; sandbox: ")
    assert f"sandbox: {extra['sandbox']}; layers: {', '.join(extra['layers'])}" in log
    shown = [document["output"], *(test["output"] for test in document["tests"])]
    assert not any(extra["sandbox"] in text or "sandbox" in text for text in shown)
    assert document["stdout_visibility"] == "hidden"
