"""Every sample submission gets exactly its recorded verdict and feedback."""

from __future__ import annotations

import pytest

from grader.result import Result, Status
from tests.conftest import STEP_COUNT
from tests.golden import golden_of, golden_path, grade_samples, samples


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
