"""The rule kit, from plain data: no child process, no pytest session, milliseconds each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from grader.analysis.source import Source
from grader.checks import kit
from grader.checks.case import Case
from grader.exercise import Exercise
from grader.load import Cell, Program
from grader.sandbox import Error, Execution, Run

EXERCISE = Exercise(
    title="kit", steps=(), reference=Path("."), names=("total",), expect=lambda run: None
)


def _encoded(value: Any) -> dict[str, Any]:
    """Encode a plain int, str or list of ints as the child does."""
    if isinstance(value, list):
        return {"type": "list", "items": [_encoded(v) for v in value]}
    return {"type": type(value).__name__, "value": value}


def execution(
    values: dict[str, Any] | None = None,
    stdout: str = "",
    origins: tuple[tuple[int | None, int], ...] = (),
    overrides: dict[str, Any] | None = None,
    errors: tuple[Error, ...] = (),
    functions: tuple[str, ...] = (),
) -> Execution:
    """An execution as the child would report it."""
    values = values or {}
    return Execution(
        overrides=overrides or {},
        values={name: _encoded(value) for name, value in values.items()},
        names=tuple((n, "value") for n in values) + tuple((f, "function") for f in functions),
        stdout=stdout,
        line_origins=origins,
        errors=errors,
    )


def case(code: str, *executions: Execution) -> Case:
    """A case of a one-cell script with the given runs."""
    program = Program(path="a.py", kind="script", cells=(Cell(None, code, code),))
    return Case(EXERCISE, program, Run(executions), None, Source(program), 1.0)


def test_a_name_that_exists_needs_nothing() -> None:
    """exists() says nothing when the name is defined."""
    assert kit.exists(case("total = 3\n", execution({"total": 3})), "total", "Make it.") is None


def test_a_missing_name_held_under_another_name_is_named() -> None:
    """A value equal to the one asked for, under another name, is offered as the learner's."""
    found = kit.exists(case("sum_ = 3\n", execution({"sum_": 3})), "total", "Make it.", like=3)
    assert (found.code if found else None, "`sum_`" in (found.message if found else "")) == (
        "name",
        True,
    )


def test_a_name_only_made_in_a_function_is_not_top_level() -> None:
    """A name assigned only inside a def is reported as not top-level."""
    code = "def f():\n    total = 3\n"
    found = kit.exists(case(code, execution()), "total", "Make it.", guess=False)
    assert found is not None
    assert found.code == "not-top-level"


def test_a_value_problem_names_the_type_before_the_number() -> None:
    """True, 7.0 and '7' for 7 each get their own code."""
    codes = [kit.value_problem("`n`", got, 7)[0] for got in (True, 7.0, "7", 8)]
    assert codes == ["bool-value", "float-value", "string-value", "wrong-value"]


def test_equals_places_a_wrong_value_at_its_assignment() -> None:
    """A wrong value fails with wrong-value at the line that assigns it."""
    verdict = kit.equals(case("x = 1\nn = 8\n", execution({"n": 8})), "n", 7, "Set n to 7.")
    assert (verdict.code, verdict.location.line if verdict.location else None) == (
        "wrong-value",
        2,
    )


def test_defines_tells_a_function_from_a_value() -> None:
    """A name that is a value where a function is asked for fails as not-function."""
    as_value = kit.defines(case("f = 2\n", execution({"f": 2})), "f", "function", "Define f.")
    as_function = kit.defines(
        case("def f(): pass\n", execution(functions=("f",))), "f", "function", "Define f."
    )
    assert (as_value.code if as_value else None, as_function) == ("not-function", None)


def test_a_loop_shape_is_read_from_the_syntax_tree() -> None:
    """iterates() and unpacks() check a for loop's iterable and targets, not its run."""
    code = "for k, v in sorted(d.items()):\n    pass\nfor k in d:\n    pass\n"
    good, keys = kit.loops_over(case(code, execution()), ["d"])
    shape = [
        (kit.iterates(loop, ["d"], "items"), kit.unpacks(loop, ("k", "v"))) for loop in (good, keys)
    ]
    assert shape == [(True, True), (False, False)]


def test_a_parameter_that_receives_a_name_is_an_alias_of_it() -> None:
    """def f(caps, other) ... f(d, 1), f(other=d): both parameters receive d."""
    code = "def f(caps, other):\n    pass\nf(d, 1)\nf(other=d)\n"
    assert kit.aliases(case(code, execution()), "d") == frozenset({"d", "caps", "other"})


def test_while_loops_are_found() -> None:
    """while_loops() returns the while statements only."""
    code = "while x:\n    pass\nfor a in b:\n    pass\n"
    assert [n.location.line for n in kit.while_loops(case(code, execution()))] == [1]


def test_printed_lines_keep_their_place_and_read_as_literals() -> None:
    """Each printed line carries the line that printed it, and its literal when it has one."""
    run = execution(stdout="{'a': 1}\nhello\n", origins=((None, 4), (None, 5)))
    lines = kit.output_lines(run)
    assert [(ln.value, ln.location.line if ln.location else None) for ln in lines] == [
        ({"a": 1}, 4),
        (kit.MISSING, 5),
    ]


def test_a_printed_line_shows_a_value_or_a_sentence() -> None:
    """shows() compares a dict with the line's literal and a string with its text."""
    dict_line, text_line = kit.output_lines(execution(stdout="{'a': 1}\nhello\n"))
    assert (kit.shows(dict_line, {"a": 1}), kit.shows(text_line, "hello")) == (True, True)


def test_variant_values_are_keyed_by_the_setting_and_stop_at_a_broken_run() -> None:
    """A run with a new error is the broken one; the runs before it are kept."""
    main = execution({"total": 3})
    other = execution({"total": 5}, overrides={"n": 5})
    broken = execution(
        {"total": 0},
        overrides={"n": 0},
        errors=(Error("ZeroDivisionError", "division by zero", None, 2),),
    )
    found, bad = kit.variant_values(case("", main, other, broken), "total", "n")
    assert (found, bad is broken) == ({5: 5}, True)


def test_variant_values_keyed_by_a_function_take_every_variant() -> None:
    """With a function of the overrides as the key, variants that change other names count
    too, each under the key the function gives."""
    main = execution({"total": 3})
    by_n = execution({"total": 5}, overrides={"n": 5})
    by_m = execution({"total": 8}, overrides={"m": 2})
    found, bad = kit.variant_values(
        case("", main, by_n, by_m), "total", lambda o: tuple(sorted(o.items()))
    )
    assert (found, bad) == ({(("n", 5),): 5, (("m", 2),): 8}, None)


def test_a_variant_the_rule_skips_is_not_broken() -> None:
    """skip() leaves a run out, as a rule does for a value the grader chose."""
    main = execution({"total": 3})
    broken = execution({}, overrides={"n": 0})
    found, bad = kit.variant_values(
        case("", main, broken), "total", "n", skip=lambda e: e.overrides["n"] == 0
    )
    assert (found, bad) == ({}, None)


def test_a_broken_variant_is_said_with_its_setting_and_its_error() -> None:
    """broke_with() names the value the grader chose, and the error where the run stopped."""
    main = execution({"total": 3})
    broken = execution(
        {}, overrides={"n": 0}, errors=(Error("ZeroDivisionError", "division by zero", None, 2),)
    )
    verdict = kit.broke_with(
        case("n = 3\ntotal = 6 / n\n", main, broken), broken, "n", "total", "fails", instead_of="3"
    )
    assert (verdict.code, verdict.location.line if verdict.location else None) == ("fails", 2)
    assert verdict.message.startswith("With `n = 0` instead of 3, your program did not produce")
