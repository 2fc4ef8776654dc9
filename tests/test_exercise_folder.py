"""An exercise defined outside the package: the example in examples/exercises/retry.

It is graded through the real engine (children, pytest session) from its folder alone,
and the engine's own modules name nothing of the built-in exercise.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from grader.cli import EXIT_FAILED, main
from grader.exercise import builtin, from_folder
from grader.grade import Options, grade
from grader.grade import collect as collect_files
from grader.result import Result
from tests.conftest import ROOT, TEST_TIMEOUT

RETRY = ROOT / "examples" / "exercises" / "retry"

# Each sample: the steps it passes, and the code of its first failed step.
SAMPLES = {
    "correct.py": ((1, 2, 3, 4), None),
    "correct-recursive-style.py": ((1, 2, 3, 4), None),
    "step2-wait-is-a-value.py": ((1, 4), "step2.not-function"),
    "step3-for-loop.py": ((1, 2, 4), "step3.no-while"),
    "step3-linear-backoff.py": ((1, 2), "step3.wrong-values"),
    "step4-sentence-by-hand.py": ((1, 2, 3), "step4.hardcoded-sentence"),
}


@pytest.fixture(scope="module")
def graded() -> dict[str, Result]:
    """Grade the example's samples in one batch against the example exercise."""
    submissions = collect_files([str(RETRY / "submissions")])
    report = grade(submissions, Options(timeout=TEST_TIMEOUT, jobs=2), exercise=from_folder(RETRY))
    return {result.submission.rsplit("/", 1)[-1]: result for result in report.results}


def test_every_sample_of_the_example_is_in_the_table(graded: dict[str, Result]) -> None:
    """The table below covers the samples one to one."""
    assert sorted(graded) == sorted(SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_each_sample_passes_exactly_its_steps(name: str, graded: dict[str, Result]) -> None:
    """The steps that pass, and the first failure's code, are the ones the sample is for."""
    result = graded[name]
    passed = tuple(step.step for step in result.steps if step.passed)
    first = next((step.code for step in result.steps if not step.passed), None)
    assert (passed, first) == SAMPLES[name]


def test_a_step_blocked_by_its_prerequisite_says_which(graded: dict[str, Result]) -> None:
    """Step 3 requires step 2: the engine says "Fix step 2 first" and sets blocked_by."""
    step3 = graded["step2-wait-is-a-value.py"].steps[2]
    assert (step3.code, step3.blocked_by, step3.message.startswith("Fix step 2 first")) == (
        "step3.needs-step2",
        2,
        True,
    )


def test_the_command_line_grades_the_example_from_its_folder(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """grader --exercise FOLDER FOLDER/submissions/ grades with that exercise's titles."""
    code = main(["--exercise", str(RETRY), str(RETRY / "submissions")])
    out = capsys.readouterr().out
    assert (code, "Step 3: Collect the waits with a while loop" in out) == (EXIT_FAILED, True)


def test_python_dash_m_grader_takes_an_exercise_folder() -> None:
    """The same command as a process, from the project's root, as the README shows it."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "grader",
            "--exercise",
            "examples/exercises/retry",
            "examples/exercises/retry/submissions/correct.py",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    steps = len(from_folder(RETRY).steps)
    assert (done.returncode, f"{steps} / {steps} steps" in done.stdout) == (0, True)


def _engine_sources() -> dict[str, str]:
    """Every module of grader/ that is not an exercise."""
    return {
        str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
        for path in (ROOT / "grader").rglob("*.py")
        if "exercises" not in path.parts
    }


def _mentions(text: str, name: str) -> bool:
    """Whether code uses a name: as an identifier, or quoted the way a message quotes it."""
    identifiers = {
        getattr(node, "id", None) or getattr(node, "attr", None) or getattr(node, "arg", None)
        for node in ast.walk(ast.parse(text))
    }
    quoted = (f"`{name}`", f"'{name}'", f'"{name}"', f"`{name}.", f"`{name}[")
    return name in identifiers or any(form in text for form in quoted)


def test_the_engine_names_none_of_the_built_in_exercise_facts() -> None:
    """Titles, hints and the names a step asks for live only in the exercise's package."""
    exercise = builtin()
    facts = [step.title for step in exercise.steps] + [step.hint for step in exercise.steps]
    # load is also the engine's own word (grader/load.py, load()); the others are checked.
    names = [name for name in exercise.names if name != "load"]
    found = sorted(
        [(m, fact) for m, text in _engine_sources().items() for fact in facts if fact in text]
        + [
            (m, name)
            for m, text in _engine_sources().items()
            for name in names
            if _mentions(text, name)
        ]
    )
    assert found == []


def test_an_exercise_folder_may_keep_its_steps_in_modules_beside_its_spec(
    tmp_path: Path,
) -> None:
    """spec.py imports a sibling module relatively: the folder is a package of its own."""
    (tmp_path / "steps.py").write_text('TITLE = "Build the capacities"\n', encoding="utf-8")
    (tmp_path / "spec.py").write_text(
        "from dataclasses import replace\n"
        "from grader.exercise import builtin\n"
        "from .steps import TITLE\n"
        "base = builtin()\n"
        "EXERCISE = replace(base, steps=(replace(base.steps[0], title=TITLE), *base.steps[1:]))\n",
        encoding="utf-8",
    )
    assert from_folder(tmp_path).steps[0].title == "Build the capacities"
