"""The rules of the four steps, as pure functions from a graded case to a verdict.

A Case holds what the child sent back about the learner's program (every execution's
plain data), the program's syntax trees and the reference's expected values. Each check
returns a Verdict whose message names the mistake, where it is and what to do.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from grader import exercise
from grader.checks.source import (
    Node,
    Source,
    is_method_call,
    mentions,
    source_text,
    target_names,
    targets_of,
)
from grader.exercise import LOAD, LOOP_TARGETS, RESULT, SYSTEMS, Expected
from grader.explain import Explanation, explain, explain_abrupt, location_of, where
from grader.load import Program
from grader.result import Location
from grader.sandbox import Execution, Run
from grader.values import Opaque, decode, describe, same, show


class _Missing:
    """The value of a name the program never defined."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Verdict:
    """A step's verdict: passed, or failed with a message, a mistake code and a place."""

    passed: bool
    message: str = ""
    code: str | None = None
    location: Location | None = None


PASS = Verdict(True)


@dataclass(frozen=True)
class Case:
    """One submission, ready to be judged."""

    program: Program
    run: Run
    expected: Expected
    source: Source
    timeout: float
    # Each step's verdict, once judged: later steps ask for earlier ones (see judge).
    verdicts: dict[int, Verdict] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def value(self, name: str, execution: Execution | None = None) -> Any:
        """Return a top-level value of an execution (the main one by default), or MISSING."""
        execution = execution or self.run.main
        data = execution.values.get(name)
        return MISSING if data is None else decode(data)


def _fail(message: str, code: str, location: Location | None = None) -> Verdict:
    return Verdict(False, message, code, location)


# -- what stopped the program ------------------------------------------------------


def blocking(case: Case) -> Verdict | None:
    """Return the verdict every step gets when the program as a whole could not run."""
    main = case.run.main
    if case.program.kind == "script":
        syntax = next((e for e in main.errors if e.syntax), None)
        if syntax is not None:
            location = location_of(syntax)
            return _fail(
                f"Your program could not run: Python could not read the code {where(location)}. "
                "Fix that syntax error first.",
                "syntax-error",
                location,
            )
    if main.missing:
        explanation = explain_abrupt(main, case.timeout)
        return _fail(explanation.text, explanation.code, explanation.location)
    if main.ended in ("sys.exit", "interrupted") and main.errors:
        # An exit on purpose is not graded, wherever it is: like os._exit(), it keeps
        # the grader from seeing the program run to its end.
        explanation = explain(main.errors[-1], case.program, main, case.timeout)
        return _fail(explanation.text, explanation.code, explanation.location)
    return None


def stop_reason(case: Case, execution: Execution | None = None) -> Explanation | None:
    """Explain the first error of an execution, if it had one."""
    execution = execution or case.run.main
    if not execution.errors:
        return None
    return explain(execution.errors[0], case.program, execution, case.timeout)


def _never_created(case: Case, name: str, step: int, near: str | None) -> Verdict:
    """Explain why a name the step needs does not exist at the end of the program."""
    if near is not None:
        at = case.source.first_assignment(near)
        return _fail(
            f"There is no variable named `{name}`, but there is `{near}`"
            f"{' ' + where(at) if at else ''}. Rename it to `{name}`: the name must be "
            "exactly as the step says.",
            f"step{step}.name",
            at,
        )
    stop = stop_reason(case)
    if stop is not None:
        return _fail(f"`{name}` was never created. {stop.text}", stop.code, stop.location)
    inner = case.source.assignments(name)
    if inner:
        return _fail(
            f"`{name}` is only created inside a function {where(inner[0].location)}, so it "
            "does not exist when the program ends. Create it at the top level of your "
            "program, outside any function.",
            f"step{step}.not-top-level",
            inner[0].location,
        )
    return _fail(
        f"There is no variable named `{name}`. {exercise.step(step).instruction}",
        f"step{step}.missing",
    )


def _near_name(case: Case, name: str, expected: Any) -> str | None:
    """Find the learner's name for a value when the exact name is missing."""
    values = [n for n, category in case.run.main.names if category == "value"]
    for other in values:
        if same(case.value(other), expected) and other not in exercise_names():
            return other
    close = difflib.get_close_matches(
        name, [v for v in values if v not in exercise_names()], 1, 0.75
    )
    if close:
        return close[0]
    lowered = [v for v in values if v.lower() == name.lower()]
    return lowered[0] if lowered else None


def exercise_names() -> tuple[str, ...]:
    """The names the exercise asks for (and its loop variables)."""
    return (SYSTEMS, LOAD, RESULT, *LOOP_TARGETS)


# -- step 1 -------------------------------------------------------------------------


def _normal_key(key: Any) -> str:
    return "".join(ch for ch in str(key).lower() if ch.isalnum())


def check_systems(case: Case) -> Verdict:
    """Step 1: `systems` is a dict with exactly the reference's keys and int values."""
    blocked = blocking(case)
    if blocked:
        return blocked
    expected = case.expected.systems
    value = case.value(SYSTEMS)
    if value is MISSING:
        return _never_created(case, SYSTEMS, 1, _near_name(case, SYSTEMS, expected))
    at = case.source.first_assignment(SYSTEMS)
    if type(value) is not dict:
        kind = describe(value)
        if isinstance(value, Opaque) and value.base == "dict":
            kind = f"an object of type {value.type}, which only behaves like a dict"
        return _fail(
            f"`{SYSTEMS}` should be a plain dictionary written with curly braces, but it "
            f"is {kind}.",
            "step1.not-dict",
            at,
        )
    problems: list[tuple[str, str]] = []
    keys = {(type(k), k) for k in value}
    wanted = {(type(k), k) for k in expected}
    missing = [k for k in expected if (type(k), k) not in keys]
    extra = [k for k in value if (type(k), k) not in wanted]
    for key in list(missing):
        near = next(
            (
                e
                for e in extra
                if _normal_key(e) == _normal_key(key)
                or difflib.SequenceMatcher(None, str(e), str(key)).ratio() >= 0.8
            ),
            None,
        )
        if near is not None:
            problems.append(
                (
                    "step1.near-miss-key",
                    f"the key {show(near)} should be {show(key)}",
                )
            )
            missing.remove(key)
            extra.remove(near)
    problems.extend(("step1.missing-key", f"the key {show(k)} is missing") for k in missing)
    problems.extend(("step1.extra-key", f"the key {show(k)} should not be there") for k in extra)
    for key, wanted_value in expected.items():
        if (type(key), key) not in keys:
            continue
        got = value[key]
        if same(got, wanted_value):
            continue
        problems.append(_value_problem(f"{show(key)}", got, wanted_value, 1))
    if not problems:
        return PASS
    details = "; ".join(text for _, text in problems)
    return _fail(
        f"`{SYSTEMS}` is not right{' ' + where(at) if at else ''}: {details}.\n"
        f"Expected: {show(expected, 200)}\nFound:    {show(value, 200)}",
        problems[0][0],
        at,
    )


def _value_problem(label: str, got: Any, wanted: Any, step: int) -> tuple[str, str]:
    """Name what is wrong with one value: its type or its number."""
    if type(got) is bool:
        return (
            f"step{step}.bool-value",
            f"{label} is {got}, a bool; it should be the number {show(wanted)}",
        )
    if type(got) is float and got == wanted:
        return (
            f"step{step}.float-value",
            f"{label} is {show(got)}, a float; write the whole number {show(wanted)}",
        )
    if type(got) is str and got.strip() == str(wanted):
        return (
            f"step{step}.string-value",
            f"{label} is the string {show(got)}; remove the quotes so it is the number {show(wanted)}",
        )
    return (
        f"step{step}.wrong-value",
        f"{label} is {describe(got)}; it should be {show(wanted)}",
    )


# -- step 2 -------------------------------------------------------------------------


def check_load(case: Case) -> Verdict:
    """Step 2: `load` is the reference's int."""
    blocked = blocking(case)
    if blocked:
        return blocked
    expected = case.expected.load
    value = case.value(LOAD)
    if value is MISSING:
        return _never_created(case, LOAD, 2, _near_name(case, LOAD, expected))
    if same(value, expected):
        return PASS
    at = case.source.first_assignment(LOAD)
    code, text = _value_problem(f"`{LOAD}`", value, expected, 2)
    return _fail(
        f"{text[0].upper()}{text[1:]}{' (' + at.describe() + ')' if at else ''}.", code, at
    )


# -- step 3 -------------------------------------------------------------------------


def _systems_names(case: Case) -> frozenset[str]:
    """Return `systems` and the parameters it is passed to: def f(caps): ... f(systems)."""
    names = {SYSTEMS}
    functions = {
        n.node.name: n.node
        for n in case.source.nodes()
        if isinstance(n.node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    for call in (n.node for n in case.source.nodes() if isinstance(n.node, ast.Call)):
        function = functions.get(call.func.id) if isinstance(call.func, ast.Name) else None
        if function is None:
            continue
        parameters = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
        for position, arg in enumerate(call.args):
            if isinstance(arg, ast.Name) and arg.id == SYSTEMS and position < len(parameters):
                names.add(parameters[position])
        names.update(
            k.arg
            for k in call.keywords
            if k.arg and isinstance(k.value, ast.Name) and k.value.id == SYSTEMS
        )
    return frozenset(names)


def _loops_over(case: Case, names: frozenset[str]) -> list[Node]:
    """Return the for statements whose iterable reads one of these names."""
    return [
        n
        for n in case.source.for_loops()
        if any(mentions(n.node.iter, name) for name in names)  # type: ignore[attr-defined]
    ]


def _over_items(iterable: ast.AST, names: frozenset[str] = frozenset({SYSTEMS})) -> bool:
    """Whether a loop's iterable is systems.items() (or a parameter's that systems is
    passed to), bare or wrapped (list(...), sorted(...))."""
    return any(is_method_call(node, name, "items") for node in ast.walk(iterable) for name in names)


def _fills(loop: ast.AST, name: str) -> bool:
    """Whether a loop's body adds to a dict of this name (item assignment, update, ...)."""
    for node in ast.walk(loop):
        for target in targets_of(node):
            if isinstance(target, ast.Subscript) and mentions(target.value, name):
                return True
            if isinstance(target, ast.Name) and target.id == name and node is not loop:
                return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("update", "setdefault", "__setitem__")
            and mentions(node.func.value, name)
        ):
            return True
    return False


def _structure(case: Case) -> Verdict | None:
    """Check that a for loop over systems.items() with the right variables fills the dict."""
    aliases = _systems_names(case)
    loops = _loops_over(case, aliases)
    good = [
        n
        for n in loops
        if _over_items(n.node.iter, aliases)  # type: ignore[attr-defined]
        and target_names(n.node.target) == LOOP_TARGETS  # type: ignore[attr-defined]
    ]
    filling = [n for n in good if _fills(n.node, RESULT)]
    if filling:
        reset = next(
            (
                a
                for a in case.source.assignments(RESULT)
                if any(a.node in loop.node.body for loop in filling)  # type: ignore[attr-defined]
                and isinstance(a.node, ast.Assign)
                and isinstance(a.node.value, (ast.Dict, ast.Call))
                and not getattr(a.node.value, "keys", getattr(a.node.value, "args", [1]))
            ),
            None,
        )
        if reset is not None:
            return _fail(
                f"`{source_text(reset.node)}` {where(reset.location)} is inside the loop, so the "
                "dictionary starts again empty for every strategy and only the last one is "
                "kept. Move it before the loop.",
                "step3.reset-in-loop",
                reset.location,
            )
        return None
    wanted = f"`for {', '.join(LOOP_TARGETS)} in {SYSTEMS}.items():`"
    assigned = case.source.assignments(RESULT)
    comprehension = next(
        (
            a
            for a in assigned
            if isinstance(a.node, ast.Assign)
            and (
                isinstance(a.node.value, (ast.DictComp, ast.GeneratorExp, ast.ListComp))
                or (
                    isinstance(a.node.value, ast.Call)
                    and any(
                        isinstance(arg, (ast.GeneratorExp, ast.ListComp, ast.DictComp))
                        for arg in a.node.value.args
                    )
                )
            )
        ),
        None,
    )
    if good:
        loop = good[0]
        if comprehension is not None:
            return _fail(
                f"`{RESULT}` is built with a comprehension {where(comprehension.location)}, not "
                f"by the loop {where(loop.location)}. Fill it inside the loop: "
                f"`{RESULT}[{LOOP_TARGETS[0]}] = ...`.",
                "step3.comprehension",
                comprehension.location,
            )
        return None  # filled some other way; the values decide
    if comprehension is not None:
        return _fail(
            f"`{RESULT}` is built with a comprehension {where(comprehension.location)}. This "
            f"step asks for a for loop: start with `{RESULT} = {{}}`, then {wanted} and "
            "fill the dictionary inside the loop.",
            "step3.comprehension",
            comprehension.location,
        )
    items_loops = [n for n in loops if _over_items(n.node.iter, aliases)]  # type: ignore[attr-defined]
    if items_loops:
        loop = items_loops[0]
        names = target_names(loop.node.target)  # type: ignore[attr-defined]
        used = ", ".join(names) if names else source_text(loop.node.target)  # type: ignore[attr-defined]
        return _fail(
            f"Your loop {where(loop.location)} uses the variables `{used}`; the step asks "
            f"for `{LOOP_TARGETS[0]}` and `{LOOP_TARGETS[1]}`: {wanted}",
            "step3.loop-names",
            loop.location,
        )
    if loops:
        loop = loops[0]
        iterable = source_text(loop.node.iter)  # type: ignore[attr-defined]
        return _fail(
            f"Your loop {where(loop.location)} iterates over `{iterable}`. Iterate over "
            f"`{SYSTEMS}.items()` to get each strategy together with its capacity: {wanted}",
            "step3.not-items",
            loop.location,
        )
    literal = next(
        (
            a
            for a in assigned
            if isinstance(a.node, ast.Assign)
            and isinstance(a.node.value, ast.Dict)
            and a.node.value.keys
        ),
        None,
    )
    if literal is not None:
        return _fail(
            f"`{RESULT}` is written by hand {where(literal.location)}. Compute it with a for "
            f"loop instead, so that it follows `{LOAD}` when the load changes: start with "
            f"`{RESULT} = {{}}`, then {wanted}",
            "step3.hardcoded",
            literal.location,
        )
    return _fail(
        f"There is no for loop over `{SYSTEMS}.items()`. Start with `{RESULT} = {{}}`, then "
        f"{wanted} and fill the dictionary inside the loop.",
        "step3.no-loop",
        None,
    )


def check_loop(case: Case) -> Verdict:
    """Step 3: a for loop over systems.items() computes can_handle_load for any load."""
    blocked = blocking(case)
    if blocked:
        return blocked
    for number in (1, 2):
        if not judge(case, number).passed:
            return _fail(
                f"Fix step {number} first: this step uses `{SYSTEMS if number == 1 else LOAD}`.",
                f"step3.needs-step{number}",
            )
    structure = _structure(case)
    value = case.value(RESULT)
    if structure is not None:
        stop = stop_reason(case)
        if stop is None:
            return structure
        if stop.code == "syntax-error" or structure.code == "step3.no-loop":
            # The loop may sit in code that could not be read or stopped early (a
            # misspelled name): the error is the mistake to fix first.
            lead = (
                f"`{RESULT}` was never created."
                if value is MISSING
                else "Your loop did not finish."
                if stop.code == "timeout"
                else "Your loop did not run."
            )
            return _fail(f"{lead} {stop.text}", stop.code, stop.location)
        return _fail(f"{structure.message}\n{stop.text}", structure.code or "", structure.location)
    at = case.source.first_assignment(RESULT)
    if value is MISSING:
        return _never_created(case, RESULT, 3, None)
    problem = _result_problem(case, value, case.expected.result, case.expected.load, at)
    if problem:
        stop = stop_reason(case)
        if stop is not None:
            # The loop was cut short; the error is the mistake, the values only follow.
            return _fail(f"Your loop did not finish. {stop.text}", stop.code, stop.location)
        return problem
    return _check_other_loads(case, value, at)


def _result_problem(
    case: Case, value: Any, expected: dict[Any, Any], load: int, at: Location | None
) -> Verdict | None:
    """Compare the learner's dict with the expected one for one load."""
    if type(value) is not dict:
        return _fail(
            f"`{RESULT}` should be a dictionary, but it is {describe(value)}.",
            "step3.not-dict",
            at,
        )
    if {(type(k), k) for k in value} != {(type(k), k) for k in expected}:
        return _fail(
            f"`{RESULT}` should have one key per strategy in `{SYSTEMS}` "
            f"({', '.join(show(k) for k in expected)}), but its keys are "
            f"{', '.join(show(k) for k in value) or 'none'}. Use `{LOOP_TARGETS[0]}` as the key.",
            "step3.wrong-keys",
            at,
        )
    not_bool = [(k, v) for k, v in value.items() if type(v) is not bool]
    if not_bool:
        key, got = not_bool[0]
        return _fail(
            f"The values of `{RESULT}` should be True or False, but {show(key)} is "
            f"{describe(got)}. Store the result of the comparison itself, "
            f"`{LOOP_TARGETS[1]} >= {LOAD}`, not text or numbers.",
            "step3.not-bool",
            at,
        )
    if not same(value, expected):
        return _wrong_values(case, {load: value}, at)
    return None


def _check_other_loads(case: Case, value: Any, at: Location | None) -> Verdict:
    """Re-check can_handle_load with the other loads the program was run with."""
    found: dict[int, Any] = {case.expected.load: value}
    for execution in case.run.executions[1:]:
        load = execution.overrides.get(LOAD)
        if type(load) is not int:
            continue
        other = case.value(RESULT, execution)
        if _divided_by_zero_load(execution):
            # Load 0 is the grader's choice, not the learner's: a correct program may
            # divide by the load (a percentage), so that run says nothing either way.
            continue
        if execution.missing or other is MISSING or _new_errors(case, execution):
            stop = stop_reason(case, execution)
            reason = stop.text if stop else explain_abrupt(execution, case.timeout).text
            return _fail(
                f"With `{LOAD} = {load}` instead of {case.expected.load}, your program did not "
                f"produce `{RESULT}`. {reason}",
                "step3.fails-other-load",
                stop.location if stop else at,
            )
        found[load] = other
    mismatched = {
        load: got for load, got in found.items() if not same(got, case.expected.results.get(load))
    }
    if not mismatched:
        return PASS
    return _wrong_values(case, found, at)


def _new_errors(case: Case, execution: Execution) -> bool:
    """Whether a run with another load failed where the program as written did not."""
    seen = {(e.type, e.cell, e.line) for e in case.run.main.errors}
    return any((e.type, e.cell, e.line) not in seen for e in execution.errors)


def _divided_by_zero_load(execution: Execution) -> bool:
    """Whether a run with load 0 stopped only because the program divided by it."""
    return execution.overrides.get(LOAD) == 0 and any(
        e.type == "ZeroDivisionError" for e in execution.errors
    )


def _wrong_values(case: Case, found: dict[int, Any], at: Location | None) -> Verdict:
    """Name the mistake behind values that differ from the reference's."""
    expected = case.expected
    systems = expected.systems
    firsts = list(found.values())
    if len(found) > 1 and all(same(v, firsts[0]) for v in firsts):
        load = next(ld for ld in found if not same(found[ld], expected.results.get(ld)))
        return _fail(
            f"`{RESULT}` does not change when `{LOAD}` changes: with `{LOAD} = {load}` it "
            f"should be {show(expected.results[load], 200)}, but yours is still "
            f"{show(found[load], 200)}. Compute each value from `{LOOP_TARGETS[1]}` and the "
            f"variable `{LOAD}` instead of writing True/False or a number by hand.",
            "step3.hardcoded",
            at,
        )
    strict = True
    for load, got in found.items():
        wanted = expected.results.get(load, {})
        if type(got) is not dict:
            strict = False
            break
        for key, right in wanted.items():
            if same(got.get(key), right):
                continue
            if not (right is True and got.get(key) is False and systems.get(key) == load):
                strict = False
    load, got = next((ld, g) for ld, g in found.items() if not same(g, expected.results.get(ld)))
    if strict:
        key = next(k for k, v in expected.results[load].items() if not same(got.get(k), v))
        return _fail(
            f"With `{LOAD} = {load}`, {show(key)} has capacity {show(systems[key])}, which is "
            f"equal to the load, so it can handle it and should be True, but yours is False. "
            f"Use `>=` (greater than or equal), not `>`.",
            "step3.strict-greater",
            at,
        )
    return _fail(
        f"With `{LOAD} = {load}`, `{RESULT}` should be {show(expected.results.get(load), 200)}, "
        f"but yours is {show(got, 200)}. A strategy can handle the load when its capacity "
        f"is greater than or equal to the load: `{LOOP_TARGETS[1]} >= {LOAD}`.",
        "step3.wrong-values",
        at,
    )


# -- step 4 -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    text: str
    value: Any
    location: Location | None


def _output_lines(execution: Execution) -> list[_Line]:
    """Split what an execution printed into lines, each read as a literal when it is one."""
    texts = execution.stdout.split("\n")
    if texts and texts[-1] == "":
        texts.pop()
    lines = []
    for index, text in enumerate(texts):
        origin = execution.line_origins[index] if index < len(execution.line_origins) else None
        location = Location(origin[1], origin[0]) if origin and origin[1] else None
        lines.append(_Line(text, _literal(text), location))
    return lines


def _literal(text: str) -> Any:
    """Read a printed line back as a Python literal (a dict, a string...), or MISSING."""
    stripped = text.strip()
    if not stripped or len(stripped) > 5000 or stripped[0] not in "{[('\"":
        return MISSING
    try:
        return ast.literal_eval(stripped)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return MISSING


def _is_partial(value: Any, expected: dict[Any, Any]) -> bool:
    """Whether a printed dict looks like can_handle_load before the loop finished."""
    return (
        type(value) is dict
        and len(value) < len(expected)
        and all(k in expected and type(v) is bool for k, v in value.items())
    )


def _first_failed_step(case: Case) -> int | None:
    """Return the first of steps 1 to 3 that fails, if one does."""
    return next((number for number in (1, 2, 3) if not judge(case, number).passed), None)


def _before(place: Location, other: Location) -> bool:
    """Whether a place comes before another in run order (cell, then line)."""
    return ((place.cell or 0), place.line) < ((other.cell or 0), other.line)


def _short(text: str, limit: int = 80) -> str:
    """Shorten printed text for a message, keeping backticks from breaking its quoting."""
    text = text.strip().replace("`", "'")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _holds(text: str, expected: Any) -> bool:
    """Whether a printed line holds the expected dictionary among other text."""
    start, end = text.find("{"), text.rfind("}")
    return 0 <= start < end and same(_literal(text[start : end + 1]), expected)


def _printed_in_loop(call: str, location: Location | None, times: int) -> Verdict:
    """Fail step 4 for a print that runs inside a loop."""
    ran = f"printed {times} times" if times > 1 else "runs while the loop is still working"
    return _fail(
        f"`{call}` {where(location)} is inside a loop, so it {ran}. Move it after the loop, "
        "with no indentation, so it prints the finished dictionary once.",
        "step4.print-in-loop",
        location,
    )


def _prints_whole(call: ast.AST) -> bool:
    """Whether a print call shows the whole result: print(x), print(str(x)), print(f"{x}")."""
    for arg in getattr(call, "args", []):
        inner = arg.args if isinstance(arg, ast.Call) else [arg]
        if isinstance(arg, ast.JoinedStr):
            inner = [v.value for v in arg.values if isinstance(v, ast.FormattedValue)]
        if any(isinstance(a, ast.Name) and a.id == RESULT for a in inner):
            return True
    return False


def _print_calls(case: Case) -> list[Node]:
    """Return the print calls that print the result variable."""
    return [
        n
        for n in case.source.calls("print")
        if any(mentions(arg, RESULT) for arg in n.node.args)  # type: ignore[attr-defined]
    ]


def check_print(case: Case) -> Verdict:
    """Step 4: print(can_handle_load) runs once, after the loop, and shows the right dict."""
    blocked = blocking(case)
    if blocked:
        return blocked
    main = case.run.main
    expected = case.expected.result
    own = case.value(RESULT)
    lines = _output_lines(main)
    prints = _print_calls(case)
    matches = [line for line in lines if same(line.value, expected)]
    partials = [line for line in lines if _is_partial(line.value, expected)]
    printed_from = {line.location for line in lines}
    looped = [p for p in prints if p.loops and _prints_whole(p.node) and p.location in printed_from]
    if matches and looped:
        # Printed inside the loop, even if printed again after it: it ran more than once.
        times = sum(1 for ln in lines if ln.location == looped[0].location)
        return _printed_in_loop(source_text(looped[0].node), looped[0].location, times)
    if matches:
        line = matches[-1]
        # Judge the print that produced the finished dictionary, not other prints: it is
        # in a loop if it sits in one, or if the same line printed dictionaries again.
        from_there = [x for x in matches + partials if x.location == line.location]
        in_a_loop = [p for p in prints if p.location == line.location and p.loops]
        if line.location is not None and (in_a_loop or len(from_there) > 1):
            return _printed_in_loop(f"print({RESULT})", line.location, len(from_there))
        if type(own) is not dict:
            # Text that only looks like the dictionary (a fake __repr__) is not it.
            first_failed = _first_failed_step(case) or 3
            return _fail(
                f"The line printed {where(line.location)} looks right, but `{RESULT}` is "
                f"{describe(own) if own is not MISSING else 'missing'}, not a dictionary: "
                f"fix step {first_failed} first.",
                f"step4.needs-step{first_failed}",
                line.location,
            )
        copy = _printed_copy(case, line)
        if copy is not None:
            return copy
        return PASS
    if case.program.kind == "notebook" and not prints:
        shown = [n for n in case.source.last_expressions() if mentions(n.node, RESULT)]
        if shown:
            return _fail(
                f"Cell {shown[0].location.cell} ends with `{source_text(shown[0].node)}`, which "
                "Jupyter displays, but nothing printed it. Write "
                f"`print({RESULT})` so the dictionary is printed.",
                "step4.display-only",
                shown[0].location,
            )
    for line in lines:
        if same(line.value, case.expected.systems) or (
            type(line.value) is dict and same(line.value, case.value(SYSTEMS))
        ):
            return _fail(
                f"The line printed {where(line.location)} shows `{SYSTEMS}`: {show(line.value)}. Print the "
                f"results instead: `print({RESULT})`.",
                "step4.print-systems",
                line.location,
            )
        if (type(line.value) is str and line.value == RESULT) or line.text.strip() == RESULT:
            return _fail(
                f"The program printed the text {RESULT} {where(line.location)}: the quotes make "
                f"it a string. Write `print({RESULT})` without quotes to print the variable.",
                "step4.print-string",
                line.location,
            )
    loops = [n.location for n in case.source.for_loops() if _over_items(n.node.iter)]  # type: ignore[attr-defined]
    early = {p.location for p in prints if loops and _before(p.location, loops[0])}
    empty = next((ln for ln in lines if ln.value == {} and ln.location in early), None)
    if empty is not None:
        return _fail(
            f"`print({RESULT})` {where(empty.location)} runs before the loop fills the "
            "dictionary, so it printed {}. Move it after the loop.",
            "step4.print-before-loop",
            empty.location,
        )
    if own is not MISSING and any(same(line.value, own) for line in lines):
        line = next(line for line in lines if same(line.value, own))
        first_failed = _first_failed_step(case) or 3
        return _fail(
            f"Your print {where(line.location)} shows `{RESULT}`, but the dictionary is not "
            f"right yet: fix step {first_failed} first.",
            f"step4.needs-step{first_failed}",
            line.location,
        )
    stop = stop_reason(case)
    earlier = _first_failed_step(case)
    stopped = f" (your program stopped {where(stop.location)})" if stop and stop.location else ""
    if own is MISSING:
        # The earlier step already explains the error; say which one, not the error again.
        return _fail(
            f"Fix step {earlier or 3} first: `{RESULT}` was never created{stopped}, so there "
            "is nothing to print.",
            f"step4.needs-step{earlier or 3}",
            stop.location if stop else None,
        )
    if stop is not None and not any(p.location in printed_from for p in prints):
        if earlier is not None:
            return _fail(
                f"Fix step {earlier} first: the program never reached the print{stopped}.",
                f"step4.needs-step{earlier}",
                stop.location,
            )
        return _fail(f"`{RESULT}` was never printed. {stop.text}", stop.code, stop.location)
    shared = next((ln for ln in lines if _holds(ln.text, expected)), None)
    if shared is not None:
        return _fail(
            f"The dictionary is printed with other text on its line{' ' + where(shared.location) if shared.location else ''}: "
            f"`{_short(shared.text, 120)}`. The step asks for it alone on its line, like "
            f"`{_short(repr(expected))}`: write `print({RESULT})` on a line of its own.",
            "step4.print-format",
            shared.location,
        )
    if prints:
        ran = [p for p in prints if p.location in printed_from]
        if not ran:
            call = prints[0]
            return _fail(
                f"`{source_text(call.node)}` {where(call.location)} never ran, so nothing "
                f"printed `{RESULT}`. Put `print({RESULT})` after the loop, at the top level "
                "of your program (not inside a function that is never called).",
                "step4.no-print",
                call.location,
            )
        call = ran[0]
        printed = next(ln.text for ln in lines if ln.location == call.location)
        return _fail(
            f"`{source_text(call.node)}` {where(call.location)} printed `{_short(printed)}`, but "
            f"the step asks for the dictionary alone on its line, like "
            f"`{_short(repr(expected))}`. Write `print({RESULT})`.",
            "step4.print-format",
            call.location,
        )
    return _fail(
        f"Nothing printed `{RESULT}`. Add `print({RESULT})` after the loop, with no indentation.",
        "step4.no-print",
    )


def _printed_copy(case: Case, line: _Line) -> Verdict | None:
    """Fail when the printed dict is a written copy rather than the variable itself."""
    statement = case.source.statement_at(line.location) if line.location else []
    calls = [n for n in statement if isinstance(n.node, (ast.Call, ast.Expr))]
    literal = any(
        isinstance(n.node, ast.Call) and any(isinstance(a, ast.Dict) for a in n.node.args)
        for n in calls
    ) or any(
        isinstance(n.node, ast.Expr)
        and isinstance(n.node.value, ast.Call)
        and any(isinstance(a, (ast.Dict, ast.Constant)) for a in n.node.value.args)
        for n in calls
    )
    mentioned = any(mentions(n.node, RESULT) for n in calls)
    follows = True
    for execution in case.run.executions[1:]:
        variant_value = case.value(RESULT, execution)
        if variant_value is MISSING or execution.missing or _new_errors(case, execution):
            continue  # a run that broke says nothing about where the print came from
        if not any(same(other.value, variant_value) for other in _output_lines(execution)):
            follows = False
    # A print of the variable itself is never a copy: if what it showed differs from
    # the final value, the dictionary changed after the print, which step 3 judges.
    if not mentioned and (literal or not follows):
        return _fail(
            f"The dictionary printed {where(line.location)} is a copy written by hand, so it "
            f"would not change if the results did. Print the variable itself: "
            f"`print({RESULT})`.",
            "step4.print-literal",
            line.location,
        )
    return None


CHECKS: dict[int, Callable[[Case], Verdict]] = {
    1: check_systems,
    2: check_load,
    3: check_loop,
    4: check_print,
}


def judge(case: Case, number: int) -> Verdict:
    """Return a step's verdict on a case, judging it only the first time it is asked for."""
    if number not in case.verdicts:
        case.verdicts[number] = CHECKS[number](case)
    return case.verdicts[number]


def make_case(program: Program, run: Run, expected: Expected, timeout: float) -> Case:
    """Bundle a program, its run and the expected values into a Case."""
    return Case(program, run, expected, Source(program), timeout)
