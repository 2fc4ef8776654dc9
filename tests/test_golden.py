"""Every sample submission gets exactly its recorded verdict and feedback."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from grader.result import Result, Status
from tests.conftest import STEP_COUNT
from tests.golden import SUBMISSIONS, golden_of, golden_path, grade_samples, samples


@pytest.fixture(scope="module")
def graded() -> dict[str, Result]:
    """Grade all samples once, in one batch."""
    return grade_samples()


@pytest.mark.parametrize("name", [p.name for p in samples()])
def test_each_sample_matches_its_golden_verdict(name: str, graded: dict[str, Result]) -> None:
    """The report the learner reads, and each failed step's code and place, are as recorded."""
    expected = golden_path(name).read_text(encoding="utf-8")
    assert golden_of(graded[name]) == expected


def test_every_sample_has_a_golden_file_and_no_golden_file_is_orphaned() -> None:
    """Golden files and samples are one to one."""
    from tests.golden import GOLDEN

    names = {p.name for p in samples()}
    goldens = {p.name[: -len(".txt")] for p in GOLDEN.iterdir()}
    assert goldens == names


def test_samples_named_correct_get_full_marks(graded: dict[str, Result]) -> None:
    """A sample whose name says it is correct scores full marks, whatever its style."""
    scores = {n: (r.status, r.score) for n, r in graded.items() if n.startswith("correct-")}
    assert scores == {n: (Status.PASSED, STEP_COUNT) for n in scores}


def test_samples_named_after_a_step_fail_that_step(graded: dict[str, Result]) -> None:
    """A sample named stepN-... fails step N with a code of that step or an error code."""
    wrong = []
    for name, result in graded.items():
        if name.startswith("step"):
            number = int(name[4])
            step = result.steps[number - 1]
            if step.status is not Status.FAILED or not step.code:
                wrong.append(name)
    assert wrong == []


def stated_verdicts(path: Path) -> dict[int, bool] | None:
    """The verdict per step a sample's first line states ("steps 1, 2 pass; step 3 fails"),
    step number -> passes, or None for a sample that states none."""
    if path.suffix == ".ipynb":
        notebook = json.loads(path.read_text(encoding="utf-8"))
        cells = notebook.get("cells") or notebook["worksheets"][0]["cells"]
        source = cells[0].get("source", cells[0].get("input", ""))
        line = "".join(source).splitlines()[0]
    else:
        line = (path.read_text(encoding="utf-8-sig").splitlines() or [""])[0]
    if "no step passes" in line:
        return dict.fromkeys(range(1, STEP_COUNT + 1), False)
    stated: dict[int, bool] = {}
    for numbers, verb in re.findall(r"steps? ([\d, ]+?) (pass(?:es)?|fail(?:s)?)\b", line):
        for number in re.findall(r"\d", numbers):
            stated[int(number)] = verb.startswith("pass")
    return stated if len(stated) == STEP_COUNT else None


def test_every_sample_gets_the_verdicts_its_first_line_states(graded: dict[str, Result]) -> None:
    """Each sample says on its first line which steps pass and which fail; a step shown as
    waiting for an earlier one counts as not passed."""
    wrong = {}
    for path in samples():
        stated = stated_verdicts(SUBMISSIONS / path.name)
        if stated is None:
            continue
        got = {s.step: s.status is Status.PASSED for s in graded[path.name].steps}
        if got != stated:
            wrong[path.name] = {"stated": stated, "got": got}
    assert wrong == {}


def test_the_samples_state_their_verdicts() -> None:
    """Every sample but the empty file states its verdicts, so the test above reads them all."""
    unstated = [p.name for p in samples() if stated_verdicts(p) is None]
    assert unstated == ["empty.py"]
