"""Rewrites of every passing sample: each rule-breaking one fails, each rule-keeping one passes.

The rewrites are made by tests/rewrites.py and graded through the real grader, in one
batch (the never-ending ones in a batch of their own with a short time limit: they run
until it whatever it is).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.analysis.allowlist import DEFAULT
from grader.analysis.outside import scan
from grader.grade import Options, Submission, grade
from grader.result import Result, Status
from tests.conftest import STEP_COUNT, TEST_TIMEOUT
from tests.rewrites import (
    KEEP_RULES,
    NEVER_END,
    OUTSIDE,
    REWRITES,
    Rewrite,
    Variant,
    passing_samples,
    plan,
    program_of,
    variants,
)
from tests.step_rewrites import STEP_REWRITES

# The rewrites that end, reach into or outlast the program, and those of its loop and print.
ALL = (*REWRITES, *STEP_REWRITES)
PLANNED = [f"{sample.name}+{rewrite.name}" for sample, rewrite, _ in plan(ALL)]
# Programs that never end are graded with a short limit: the limit is all they measure.
NEVER_END_TIMEOUT = 1.0


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Variant, Result]]:
    """Write every rewrite of every passing sample and grade them all."""
    folder = tmp_path_factory.mktemp("rewrites")
    made = list(variants(folder, ALL))
    endless = {r.name for r in NEVER_END}
    results: dict[str, tuple[Variant, Result]] = {}
    for batch, timeout in (
        ([v for v in made if v.rewrite.name not in endless], TEST_TIMEOUT),
        ([v for v in made if v.rewrite.name in endless], NEVER_END_TIMEOUT),
    ):
        report = grade(
            [Submission(v.path.name, v.path) for v in batch], Options(timeout=timeout, jobs=2)
        )
        for variant, result in zip(batch, report.results, strict=True):
            results[variant.id] = (variant, result)
    return results


def test_the_generator_rewrites_every_passing_sample_in_every_category() -> None:
    """Each passing sample gets every category of rewrite, and every allowlist rewrite is
    graded on at least one sample."""
    samples = passing_samples()
    assert len(samples) >= 10
    for sample in samples:
        for rewrite in ALL:
            if rewrite not in OUTSIDE and rewrite.name != "renamed-temporaries":
                assert f"{sample.name}+{rewrite.name}" in PLANNED
    graded_outside = {name.split("+")[1] for name in PLANNED if "+outside-" in name}
    assert {r.name for r in OUTSIDE} == graded_outside


@pytest.mark.parametrize("rewrite", OUTSIDE, ids=lambda r: r.name)
def test_every_allowlist_rewrite_of_every_sample_is_flagged_at_its_line(rewrite: Rewrite) -> None:
    """Read (not run), each allowlist rewrite of each passing sample is flagged where it is."""
    for sample in passing_samples():
        edit = rewrite.edit(sample)
        assert edit is not None and edit.at is not None and rewrite.line is not None
        program = program_of(sample, edit)
        found = scan(program, DEFAULT)
        assert found, sample.name
        cell = program.cells[edit.at[0]].number
        assert (cell, edit.at[1] + rewrite.line - 1) == (
            found[0].location.cell,
            found[0].location.line,
        ), sample.name


@pytest.mark.parametrize("rewrite", KEEP_RULES, ids=lambda r: r.name)
def test_no_rule_keeping_rewrite_of_any_sample_is_flagged(rewrite: Rewrite) -> None:
    """Read (not run), no rule-keeping rewrite of a passing sample is outside the allowlist."""
    for sample in passing_samples():
        edit = rewrite.edit(sample)
        if edit is not None:
            assert scan(program_of(sample, edit), DEFAULT) == (), sample.name


@pytest.mark.parametrize("planned", PLANNED)
def test_a_rewrite_gets_the_verdict_of_the_rule_it_breaks_or_keeps(
    planned: str, graded: dict[str, tuple[Variant, Result]]
) -> None:
    """A rule-breaking rewrite passes no step, with its mistake code at its line (one that
    breaks a step's rule fails that step); the rule-keeping ones still pass every step."""
    variant, result = graded[planned]
    code = variant.rewrite.code
    if code is None:
        assert (result.status, result.score) == (Status.PASSED, STEP_COUNT), result.message
        return
    if code.startswith("step"):
        step = result.steps[int(code[len("step")]) - 1]
        assert Status.PASSED is not result.status
        assert code == step.code, step.message
        if variant.location is not None:
            assert step.location is not None
            assert variant.location == (step.location.cell, step.location.line)
        return
    assert Status.PASSED is not result.status
    assert result.score == 0
    assert code == result.code
    assert [code] * STEP_COUNT == [step.code for step in result.steps]
    if variant.location is not None:
        assert result.location is not None
        assert variant.location == (result.location.cell, result.location.line)


def test_a_rule_keeping_rename_really_renames(tmp_path: Path) -> None:
    """The temporaries of the temp-variable sample come out under new names."""
    made = {
        v.id: v
        for v in variants(tmp_path, tuple(r for r in REWRITES if r.name == "renamed-temporaries"))
    }
    text = made["correct-temp-variable.py+renamed-temporaries"].path.read_text(encoding="utf-8")
    assert "renamed_" in text
    assert "systems.items()" in text
