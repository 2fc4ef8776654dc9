"""The mistake-code registry: the engine's codes and the exercise's, and the doc made from them."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from grader.analysis.source import Source
from grader.checks.case import Case, Verdict
from grader.checks.judge import judge
from grader.exercise import builtin
from grader.feedback import mistakes
from grader.load import Cell, Program
from grader.sandbox import Execution, Run

ROOT = Path(__file__).resolve().parent.parent


def test_the_registry_holds_the_engine_codes_and_each_step_code_under_its_step() -> None:
    """Step codes are prefixed with their step; the engine's codes stand alone."""
    registry = builtin().registry()
    expected = (True, True, True, "The comparison uses > instead of >=.")
    assert (
        "syntax-error" in registry,
        "step1.missing" in registry,
        "step3.needs-step1" in registry,
        registry.get("step3.strict-greater"),
    ) == expected


def test_no_step_code_clashes_with_an_engine_code() -> None:
    """An exercise's code and the engine's never share a name, so neither hides the other."""
    local = {code for step in builtin().steps for code in step.mistakes}
    assert sorted(local & set(mistakes.ENGINE)) == []


def test_the_golden_verdicts_use_only_registered_codes() -> None:
    """Every code in the samples' expected verdicts is explained in the registry."""
    codes = set()
    goldens = [*(ROOT / "tests" / "golden").glob("*.txt")]
    goldens += [*(ROOT / "tests" / "behaviours").glob("*/report.txt")]
    for path in goldens:
        head = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
        codes.update(re.findall(r"^(?:step \d+|submission): ([a-z0-9.-]+)", head, re.MULTILINE))
    assert (bool(codes), sorted(codes - set(builtin().registry()))) == (True, [])


def test_codes_have_the_stable_shape_and_a_one_line_explanation() -> None:
    """Codes are lower-case words joined by '-' and '.'; explanations are one short line."""
    bad = [
        code
        for code, text in builtin().registry().items()
        if not mistakes.CODE_PATTERN.match(code) or not text or "\n" in text or len(text) > 100
    ]
    assert bad == []


def _case_with_rule(code: str) -> Case:
    """A case of the built-in exercise whose step 1 fails with the given code."""

    def rule(case: Case) -> Verdict:
        return Verdict(False, "Wrong.", code)

    exercise = builtin()
    steps = tuple(replace(s, rule=rule) if s.number == 1 else s for s in exercise.steps)
    program = Program(path="a.py", kind="script", cells=(Cell(None, "x = 1\n", "x = 1\n"),))
    run = Run((Execution(overrides={}),))
    return Case(replace(exercise, steps=steps), program, run, None, Source(program), 1.0)


def test_a_declared_code_gets_its_step_prefix() -> None:
    """A rule says `missing`; the verdict carries `step1.missing`."""
    assert judge(_case_with_rule("missing"), 1).code == "step1.missing"


def test_an_undeclared_code_is_a_grader_error_not_a_new_code() -> None:
    """A rule that returns a code its step never declared fails the step as a grader bug."""
    verdict = judge(_case_with_rule("made-up"), 1)
    assert (verdict.code, "made-up" in verdict.message) == ("grader-error", True)


def test_the_mistakes_doc_is_generated_from_the_registry() -> None:
    """docs/mistakes.md is what `python -m grader.mistakes` writes; regenerate it if not."""
    doc = (ROOT / "docs" / "mistakes.md").read_text(encoding="utf-8")
    assert doc == mistakes.markdown(builtin().registry())
