"""Verifying a repair candidate in stages: the program as written first, the variants after.

Most candidates are ruled out by their first run alone; the others run with every
variant, as a submission does. Staging must change nothing the search decides: every
recorded mistake gets the same repair (or none) with staged verification as with every
variant run for every candidate, and a step failed on the first run fails with every
variant too.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from grader.checks.case import Case
from grader.exercise import builtin
from grader.feedback import search
from grader.feedback.search import Repair, find, verdicts_of, verify
from grader.load import LoadError, Program, load
from grader.sandbox import Limits, Run, Sandbox
from tests.conftest import SUBMISSIONS, TEST_TIMEOUT
from tests.test_feedback_search import judged, mistakes


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """The sandbox the grader picks here."""
    with Sandbox("auto") as chosen:
        yield chosen


def _case(path: Path, sandbox: Sandbox) -> Case:
    exercise = builtin()
    first = exercise.first_expected()
    program = load(path, shown_as=path.name)
    return judged(
        exercise, program, exercise.compute_expected(first=first), exercise.variants(first), sandbox
    )


def _edited(case: Case, old: str, new: str) -> Program:
    """The submission with one line's text changed, as the search's edits change it."""
    cell = case.program.cells[0]
    assert old in cell.source
    text = cell.source.replace(old, new)
    return replace(case.program, cells=(replace(cell, source=text, original=text),))


def test_a_candidate_that_still_fails_its_step_runs_once(sandbox: Sandbox) -> None:
    """An edit that leaves step 3's comparison wrong is ruled out by the program as written."""
    case = _case(SUBMISSIONS / "step3-strict-greater.py", sandbox)
    candidate = _edited(case, "> load", "< load")
    limits = Limits(timeout=TEST_TIMEOUT)
    staged, first = verify(case, candidate, sandbox, limits)
    full, ran = verify(case, candidate, sandbox, limits, staged=False)
    assert (len(first.executions), len(ran.executions)) == (1, len(case.run.executions))
    assert (staged[2], full[2]) == (False, False)


def test_a_candidate_that_repairs_its_step_runs_every_variant(sandbox: Sandbox) -> None:
    """The repair of step 3 is judged on every variant, exactly as without staging."""
    case = _case(SUBMISSIONS / "step3-strict-greater.py", sandbox)
    candidate = _edited(case, "> load", ">= load")
    limits = Limits(timeout=TEST_TIMEOUT)
    staged, ran = verify(case, candidate, sandbox, limits)
    full, _ = verify(case, candidate, sandbox, limits, staged=False)
    assert len(ran.executions) == len(case.run.executions)
    assert staged == full == (True, True, True, True)


def test_a_candidate_wrong_only_in_the_variants_runs_every_variant(sandbox: Sandbox) -> None:
    """`>` for `>=` gives the right answers for the load as written: only the variants
    show step 3 wrong, so passing the first run is never taken for passing."""
    case = _case(SUBMISSIONS / "step3-strict-greater.py", sandbox)
    candidate = _edited(case, "> load", "> load + 0")
    limits = Limits(timeout=TEST_TIMEOUT)
    staged, ran = verify(case, candidate, sandbox, limits)
    assert len(ran.executions) == len(case.run.executions)
    assert staged == verify(case, candidate, sandbox, limits, staged=False)[0]
    assert staged[2] is False


def test_staging_finds_the_same_repair_for_every_recorded_mistake(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every recorded mistake: the same repair staged as with every variant for every
    candidate, and each candidate's first run fails no step that its full run passes."""
    exercise = builtin()
    first = exercise.first_expected()
    expected = exercise.compute_expected(first=first)
    variants = exercise.variants(first)
    limits = Limits()
    lock = threading.Lock()
    wrong: list[str] = []
    checked = [0, 0]  # candidates, of which ruled out on their first run

    def both(
        case: Case, program: Program, box: Sandbox | None, lim: Limits
    ) -> tuple[tuple[bool, ...], Run]:
        staged, first_run = verify(case, program, box, lim)
        full, ran = verify(case, program, box, lim, staged=False)
        out = len(first_run.executions) < len(ran.executions)
        with lock:
            checked[0] += 1
            checked[1] += out
            if any(not s and f for s, f in zip(staged, full, strict=True)) or (
                not out and staged != full
            ):
                wrong.append(f"{case.program.path}: staged {staged}, full {full}")
        return full, ran

    def searched(path: Path) -> tuple[str, Repair | None, Repair | None, bool]:
        try:
            program = load(path, shown_as=path.name)
        except LoadError:
            return path.name, None, None, False
        case = judged(exercise, program, expected, variants, sandbox)
        if all(v.passed for v in verdicts_of(case).values()):
            return path.name, None, None, False
        trusted = find(case, sandbox, limits)
        untrusted = find(case, sandbox, limits, trust=False)
        return path.name, trusted, untrusted, True

    items = [path for _, path, _ in mistakes()]
    with ThreadPoolExecutor(max_workers=2) as pool:
        staged = list(pool.map(searched, items))
    monkeypatch.setattr(search, "verify", both)
    with ThreadPoolExecutor(max_workers=2) as pool:
        full = list(pool.map(searched, items))
    assert wrong == []
    assert staged == full
    # The comparison means something: many searches, most candidates ruled out early.
    assert sum(found for *_, found in staged) >= 50
    assert checked[1] >= checked[0] // 2


def test_the_search_ceiling_counts_time_limits_run_into_not_the_clock(sandbox: Sandbox) -> None:
    """A ceiling far below the search's wall time still finds the repair, the same as the
    default budget: only a candidate that runs until its time limit spends the seconds,
    so a busy machine cannot cut a search short."""
    case = _case(SUBMISSIONS / "step3-strict-greater.py", sandbox)
    limits = Limits(timeout=TEST_TIMEOUT)
    tiny = find(case, sandbox, limits, budget=replace(search.BUDGET, seconds=1e-6))
    assert tiny is not None
    assert tiny == find(case, sandbox, limits)


def test_a_candidate_that_runs_until_its_time_limit_costs_that_limit(sandbox: Sandbox) -> None:
    """A run that loops forever is charged its time limit once (its variants share one
    deadline); a run that ends on its own is charged nothing."""
    case = _case(SUBMISSIONS / "step3-strict-greater.py", sandbox)
    short, usual = Limits(timeout=1.0), Limits(timeout=TEST_TIMEOUT)
    source = case.program.cells[0].source
    endless = _edited(case, source, source + "\nwhile True:\n    pass\n")
    _, looped = verify(case, endless, sandbox, short, staged=False)
    _, ended = verify(case, case.program, sandbox, usual, staged=False)
    assert (search.charged(looped, short), search.charged(ended, usual)) == (1.0, 0.0)
