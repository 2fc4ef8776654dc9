"""Mistake codes read from the rules: what the kit declares, and what a step's rule can give.

The codes are read from source, without running anything: these tests write small
exercises into files and read them back.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

from grader.checks import codes, kit
from grader.checks.case import Verdict
from grader.exercise import builtin, from_folder
from grader.feedback.mistakes import ENGINE
from tests.conftest import ROOT


def module(tmp_path: Path, source: str, name: str = "rules") -> ModuleType:
    """Import a module written from source, as an exercise's own module."""
    path = tmp_path / f"{name}.py"
    if path.exists():  # a second module in the same test: a file of its own
        return module(tmp_path, source, name + "_")
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"codes_case_{name}", path)
    assert spec is not None and spec.loader is not None
    found = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = found
    spec.loader.exec_module(found)
    return found


def read(tmp_path: Path, source: str) -> set[str]:
    """The codes the function `rule` of a module can give."""
    return {found.code for found in codes.codes_of(module(tmp_path, source).rule).found}


HEAD = "from grader.checks.kit import *\nfrom grader.checks.kit import Verdict\n"


def test_a_code_written_where_a_verdict_takes_one_is_read(tmp_path: Path) -> None:
    """fail(message, code), Verdict(False, message, code) and code= are all read."""
    source = HEAD + (
        "def rule(case):\n"
        "    if case: return fail('No.', 'no-loop')\n"
        "    if not case: return Verdict(False, 'No.', 'not-dict')\n"
        "    return Verdict(False, 'No.', code='wrong-keys')\n"
    )
    assert read(tmp_path, source) == {"no-loop", "not-dict", "wrong-keys"}


def test_a_kit_function_s_declared_codes_are_counted_less_those_its_call_switches_off(
    tmp_path: Path,
) -> None:
    """exists() can say `name`, unless the call passes guess=False."""
    guessing = HEAD + "def rule(case):\n    return exists(case, 'x', 'Make x.') or PASS\n"
    exact = HEAD + "def rule(case):\n    return exists(case, 'x', 'Make x.', guess=False) or PASS\n"
    assert (read(tmp_path, guessing), read(tmp_path, exact)) == (
        {"missing", "name", "not-top-level"},
        {"missing", "not-top-level"},
    )


def test_a_code_made_of_an_argument_is_filled_from_the_call(tmp_path: Path) -> None:
    """defines(case, name, 'function', ...) can say not-function, and no other not-kind."""
    source = HEAD + "def rule(case):\n    return defines(case, 'f', 'function', 'Def f.') or PASS\n"
    assert read(tmp_path, source) == {"missing", "not-function"}


def test_the_exercise_s_own_helpers_are_followed_and_their_code_pairs_read(
    tmp_path: Path,
) -> None:
    """A helper beside the rule that hands back (code, message) pairs gives those codes."""
    source = HEAD + (
        "def problems(value):\n"
        "    return [('missing-key', f'the key {value} is missing')]\n"
        "def rule(case):\n"
        "    found = problems(1)\n"
        "    return fail('No.', found[0][0]) if found else PASS\n"
    )
    assert read(tmp_path, source) == {"missing-key"}


def test_the_rules_of_a_table_the_rule_loops_over_are_read(tmp_path: Path) -> None:
    """A table of small rules (functions, or pairs holding one) is read like calls."""
    source = HEAD + (
        "def too_long(case):\n"
        "    return fail('Too long.', 'too-long')\n"
        "def no_loop(case):\n"
        "    return fail('No loop.', 'no-loop')\n"
        "RULES = (too_long, (lambda case: True, no_loop))\n"
        "def rule(case):\n"
        "    for entry in RULES:\n"
        "        found = entry(case) if callable(entry) else entry[1](case)\n"
        "        if found: return found\n"
        "    return PASS\n"
    )
    assert read(tmp_path, source) == {"too-long", "no-loop"}


def test_a_fix_first_with_a_step_outside_requires_and_after_is_a_problem(tmp_path: Path) -> None:
    """fix_first(2, ...) in a step that names neither requires nor after step 2."""
    from grader.exercise import Step

    rules = module(tmp_path, HEAD + "def rule(case):\n    return fix_first(2, 'x.')\n")
    step = Step(3, "Three", "Do.", "Try.", rules.rule, requires={1: "x"})
    assert [p.split(" (")[0] for p in codes.problems(step)] == [
        "step 3's rule says fix step 2 first"
    ]


def test_an_undeclared_code_is_named_with_its_step_and_its_line(tmp_path: Path) -> None:
    """The one line a load error shows: the step, the code, the file and line."""
    from grader.exercise import Step

    rules = module(tmp_path, HEAD + "def rule(case):\n    return fail('No.', 'no-whlie')\n")
    step = Step(2, "Two", "Do.", "Try.", rules.rule, mistakes={"no-while": "No while loop."})
    assert list(codes.problems(step)) == [
        "step 2's rule can give the code 'no-whlie' (rules.py, line 4), which the step "
        "does not declare in its mistakes"
    ]


def test_every_step_of_the_built_in_and_the_example_exercise_declares_its_codes() -> None:
    """Read from their rules, no step of the exercises that ship gives an undeclared code."""
    exercises = [builtin(), from_folder(ROOT / "examples" / "exercises" / "retry")]
    assert [p for e in exercises for s in e.steps for p in codes.problems(s)] == []


def _gives_verdicts(function: object) -> bool:
    """Whether a kit function's return annotation names a Verdict."""
    return "Verdict" in str(inspect.signature(function).return_annotation)  # type: ignore[arg-type]


KIT_FUNCTIONS = sorted(
    name
    for name in kit.__all__
    if inspect.isfunction(getattr(kit, name)) and getattr(kit, name).__module__ == kit.__name__
)


@pytest.mark.parametrize("name", KIT_FUNCTIONS)
def test_each_kit_function_that_returns_a_code_declares_what_its_body_gives(name: str) -> None:
    """A kit function's declaration covers every code its own body can give; one that
    returns a verdict without declaring codes gives only the code it is handed (fail)."""
    function = getattr(kit, name)
    body = {found.code for found in codes.codes_of(function).found} - set(ENGINE)
    declared = codes.declared(function)
    if declared is not None:
        assert sorted(body - set(declared.possible())) == []
    else:
        hands_on = "code" in inspect.signature(function).parameters
        assert (sorted(body), _gives_verdicts(function) and not hands_on) == ([], False)


def test_a_verdict_s_code_parameter_is_named_code() -> None:
    """The reading of codes relies on the parameter's name: Verdict's is `code`."""
    assert "code" in inspect.signature(Verdict).parameters
