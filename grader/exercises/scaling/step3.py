"""Step 3: a for loop over `systems.items()` computes `can_handle_load` for any load.

The loop's shape is read from the learner's syntax tree; its values are compared with
the reference's for the load as written and for every other load the program ran with.
"""

from __future__ import annotations

import ast
from typing import Any

from grader.analysis.source import Node, source_text, target_names
from grader.checks.kit import (
    MISSING,
    PASS,
    Case,
    Verdict,
    abrupt_reason,
    aliases,
    broke_with,
    exists,
    fail,
    fills,
    iterates,
    loops_over,
    stop_reason,
    unpacks,
    variant_values,
)
from grader.exercise import Step
from grader.exercises.scaling.explanations import missing_keys, other_runs, values_side_by_side
from grader.exercises.scaling.spec import LOAD, LOOP_TARGETS, RESULT, SYSTEMS, Setting
from grader.exercises.scaling.written import from_loop, not_from_loop
from grader.feedback.ending import how_far
from grader.feedback.explain import where
from grader.result import Location
from grader.sandbox import Execution
from grader.sandbox.values import describe, same, show

INSTRUCTION = (
    "Use a for loop with variables `strategy` and `capacity` to iterate over "
    "`systems.items()`. Inside the loop, create a dictionary called `can_handle_load` "
    "where each key is the strategy and the value is true if capacity is greater "
    "than or equal to load, otherwise false."
)


def good_loops(case: Case) -> list[Node]:
    """The for loops over `systems.items()` (or a parameter it is passed to) into
    `strategy, capacity`: the loops step 3 asks for."""
    names = aliases(case, SYSTEMS)
    return [
        n
        for n in loops_over(case, names)
        if iterates(n, names, "items") and unpacks(n, LOOP_TARGETS)
    ]


def _structure(case: Case) -> Verdict | None:
    """Check that a for loop over systems.items() with the right variables fills the dict."""
    names = aliases(case, SYSTEMS)
    loops = loops_over(case, names)
    good = good_loops(case)
    filling = [n for n in good if fills(n, RESULT)]
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
            return fail(
                f"`{source_text(reset.node)}` {where(reset.location)} is inside the loop, so the "
                "dictionary starts again empty for every strategy and only the last one is "
                "kept. Move it before the loop.",
                "reset-in-loop",
                reset.location,
            )
        return not_from_loop(case, filling, names)
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
            return fail(
                f"`{RESULT}` is built with a comprehension {where(comprehension.location)}, not "
                f"by the loop {where(loop.location)}. Fill it inside the loop: "
                f"`{RESULT}[{LOOP_TARGETS[0]}] = ...`.",
                "comprehension",
                comprehension.location,
            )
        # Filled some other way (a helper function): the values decide, unless by hand.
        return not_from_loop(case, [], names)
    if comprehension is not None:
        return fail(
            f"`{RESULT}` is built with a comprehension {where(comprehension.location)}. This "
            f"step asks for a for loop: start with `{RESULT} = {{}}`, then {wanted} and "
            "fill the dictionary inside the loop.",
            "comprehension",
            comprehension.location,
        )
    items_loops = [n for n in loops if iterates(n, names, "items")]
    if items_loops:
        loop = items_loops[0]
        unpacked = target_names(loop.node.target)  # type: ignore[attr-defined]
        used = ", ".join(unpacked) if unpacked else source_text(loop.node.target)  # type: ignore[attr-defined]
        return fail(
            f"Your loop {where(loop.location)} uses the variables `{used}`; the step asks "
            f"for `{LOOP_TARGETS[0]}` and `{LOOP_TARGETS[1]}`: {wanted}",
            "loop-names",
            loop.location,
        )
    if loops:
        loop = loops[0]
        iterable = source_text(loop.node.iter)  # type: ignore[attr-defined]
        return fail(
            f"Your loop {where(loop.location)} iterates over `{iterable}`. Iterate over "
            f"`{SYSTEMS}.items()` to get each strategy together with its capacity: {wanted}",
            "not-items",
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
        return fail(
            f"`{RESULT}` is written by hand {where(literal.location)}. Compute it with a for "
            f"loop instead, so that it follows `{LOAD}` when the load changes: start with "
            f"`{RESULT} = {{}}`, then {wanted}",
            "hardcoded",
            literal.location,
        )
    return fail(
        f"There is no for loop over `{SYSTEMS}.items()`. Start with `{RESULT} = {{}}`, then "
        f"{wanted} and fill the dictionary inside the loop.",
        "no-loop",
        None,
    )


def check_loop(case: Case) -> Verdict:
    """Step 3: a for loop over systems.items() computes can_handle_load for any load."""
    structure = _structure(case)
    value = case.value(RESULT)
    if structure is not None:
        stop = stop_reason(case)
        if stop is None:
            return structure
        if (
            stop.code in ("syntax-error", "type-error.not-called")
            or structure.code == "no-loop"
            or (structure.code == "not-items" and stop.location == structure.location)
        ):
            # The loop may sit in code that could not be read or stopped early (a
            # misspelled name): the error is the mistake to fix first.
            lead = (
                f"`{RESULT}` was never created."
                if value is MISSING
                else how_far(case.program, stop.location, stop.code == "timeout")
            )
            return fail(f"{lead} {stop.text}", stop.code, stop.location)
        return fail(f"{structure.message}\n{stop.text}", structure.code or "", structure.location)
    at = case.source.first_assignment(RESULT)
    if value is MISSING:
        return exists(case, RESULT, INSTRUCTION, guess=False) or PASS
    problem = _result_problem(case, value, case.expected.result, case.expected.load, at)
    if problem:
        stop = stop_reason(case)
        if stop is not None:
            # The loop was cut short; the error is the mistake, the values only follow.
            lead = how_far(case.program, stop.location, stop.code == "timeout")
            return fail(f"{lead} {stop.text}", stop.code, stop.location)
        return problem
    verdict = _check_other_loads(case, value, at)
    if not verdict.passed:
        return verdict
    # The values are right in every run; the writes the program made decide whether
    # its loop computed them.
    return from_loop(case, good_loops(case)) or PASS


def _result_problem(
    case: Case, value: Any, expected: dict[Any, Any], load: int, at: Location | None
) -> Verdict | None:
    """Compare the learner's dict with the expected one for one load."""
    if type(value) is not dict:
        return fail(
            f"`{RESULT}` {where(at)} should be a dictionary, but it is {describe(value)}. Start it "
            f"empty, `{RESULT} = {{}}`, and store each value under its key: "
            f"`{RESULT}[{LOOP_TARGETS[0]}] = {LOOP_TARGETS[1]} >= {LOAD}`.",
            "not-dict",
            at,
        )
    if {(type(k), k) for k in value} != {(type(k), k) for k in expected}:
        lone_if = missing_keys(case, value, expected)
        if lone_if is not None:
            return fail(lone_if, "wrong-keys", at)
        return fail(
            f"`{RESULT}` should have one key per strategy in `{SYSTEMS}` "
            f"({', '.join(show(k) for k in expected)}), but its keys are "
            f"{', '.join(show(k) for k in value) or 'none'}. Use `{LOOP_TARGETS[0]}` as the key.",
            "wrong-keys",
            at,
        )
    not_bool = [(k, v) for k, v in value.items() if type(v) is not bool]
    if not_bool:
        key, got = not_bool[0]
        return fail(
            f"The values of `{RESULT}` should be True or False, but {show(key)} is "
            f"{describe(got)}. Store the result of the comparison itself, "
            f"`{LOOP_TARGETS[1]} >= {LOAD}`, not text or numbers.",
            "not-bool",
            at,
        )
    if not same(value, expected):
        return _wrong_values(case, {Setting(load): value}, at)
    return None


def _check_other_loads(case: Case, value: Any, at: Location | None) -> Verdict:
    """Re-check can_handle_load in every other setting the program was run with."""
    expected = case.expected
    found, broken = variant_values(case, RESULT, expected.setting, skip=_divided_by_zero_load)
    if broken is not None:
        setting = expected.setting(broken.overrides)
        if setting.systems is None:
            return broke_with(
                case, broken, LOAD, RESULT, "fails-other-load", at, instead_of=str(expected.load)
            )
        stop = stop_reason(case, broken)
        return fail(
            f"With {setting.describe()}, your program did not produce `{RESULT}`. "
            f"{abrupt_reason(case, broken)}",
            "fails-other-load",
            stop.location if stop else at,
        )
    found = {Setting(expected.load): value, **found}
    mismatched = {
        setting: got
        for setting, got in found.items()
        if not same(got, expected.results.get(setting))
    }
    if not mismatched:
        return PASS
    verdict = _wrong_values(case, found, at)
    setting = next(iter(mismatched))
    return fail(
        other_runs(verdict.message, verdict.code or "", setting.describe(), expected.load)
        + values_side_by_side(verdict.code or "", expected.results[setting], mismatched[setting]),
        verdict.code or "",
        verdict.location,
    )


def _divided_by_zero_load(execution: Execution) -> bool:
    """Whether a run with load 0 stopped only because the program divided by it.

    Load 0 is the grader's choice, not the learner's: a correct program may divide by
    the load (a percentage), so that run says nothing either way.
    """
    return execution.overrides.get(LOAD) == 0 and any(
        e.type == "ZeroDivisionError" for e in execution.errors
    )


def _wrong_values(case: Case, found: dict[Setting, Any], at: Location | None) -> Verdict:
    """Name the mistake behind values that differ from the reference's."""
    expected = case.expected
    wrong = [s for s, got in found.items() if not same(got, expected.results.get(s))]
    loads_only = {s: got for s, got in found.items() if s.systems is None}
    firsts = list(loads_only.values())
    if len(loads_only) > 1 and all(same(v, firsts[0]) for v in firsts) and wrong[0] in loads_only:
        setting = wrong[0]
        return fail(
            f"`{RESULT}` does not change when `{LOAD}` changes: with {setting.describe()} it "
            f"should be {show(expected.results[setting], 200)}, but yours is still "
            f"{show(found[setting], 200)}. Compute each value from `{LOOP_TARGETS[1]}` and the "
            f"variable `{LOAD}` instead of writing True/False or a number by hand.",
            "hardcoded",
            at,
        )
    if all(s.systems is not None for s in wrong):
        setting = wrong[0]
        return fail(
            f"`{RESULT}` does not follow the capacities in `{SYSTEMS}`: with "
            f"{setting.describe()} it should be {show(expected.results[setting], 200)}, but "
            f"yours is {show(found[setting], 200)}. Compare `{LOOP_TARGETS[1]}`, the value the "
            f"loop reads from `{SYSTEMS}`, with `{LOAD}`; do not type the capacities in again.",
            "typed-capacities",
            at,
        )
    strict = True
    for setting, got in found.items():
        wanted = expected.results.get(setting, {})
        capacities = dict(setting.systems) if setting.systems else expected.systems
        if type(got) is not dict:
            strict = False
            break
        for key, right in wanted.items():
            if same(got.get(key), right):
                continue
            if not (
                right is True and got.get(key) is False and capacities.get(key) == setting.load
            ):
                strict = False
    setting = wrong[0]
    got = found[setting]
    if strict:
        capacities = dict(setting.systems) if setting.systems else expected.systems
        key = next(k for k, v in expected.results[setting].items() if not same(got.get(k), v))
        return fail(
            f"With {setting.describe()}, {show(key)} has capacity {show(capacities[key])}, "
            f"which is equal to the load, so it can handle it and should be True, but yours is "
            f"False. Use `>=` (greater than or equal), not `>`.",
            "strict-greater",
            at,
        )
    return fail(
        f"With {setting.describe()}, `{RESULT}` should be "
        f"{show(expected.results.get(setting), 200)}, but yours is {show(got, 200)}. A "
        f"strategy can handle the load when its capacity is greater than or equal to the "
        f"load: `{LOOP_TARGETS[1]} >= {LOAD}`.",
        "wrong-values",
        at,
    )


STEP = Step(
    number=3,
    title="Determine which strategies can handle the load",
    instruction=INSTRUCTION,
    hint="Start with an empty dictionary `can_handle_load = {}`. Then use a for loop to fill it.",
    rule=check_loop,
    hinted=("missing", "no-loop", "comprehension", "hardcoded", "hand-written", "reset-in-loop"),
    requires={1: SYSTEMS, 2: LOAD},
    mistakes={
        "missing": "There is no variable named can_handle_load.",
        "not-top-level": "can_handle_load is only created inside a function.",
        "no-loop": "There is no for loop over systems.items().",
        "not-items": "The loop iterates over systems (its keys) instead of systems.items().",
        "loop-names": "The loop variables are not named strategy and capacity.",
        "comprehension": "can_handle_load is built with a comprehension, not a for loop.",
        "hardcoded": "can_handle_load is written by hand and does not follow load.",
        "fails-other-load": "The program breaks when load has another value.",
        "not-dict": "can_handle_load is not a dict.",
        "wrong-keys": "can_handle_load does not have one key per strategy.",
        "reset-in-loop": "can_handle_load = {} is inside the loop, so only the last strategy is kept.",
        "not-bool": "The values of can_handle_load are not True/False.",
        "strict-greater": "The comparison uses > instead of >=.",
        "wrong-values": "The values of can_handle_load are wrong for some load.",
        "typed-capacities": "can_handle_load ignores the capacities in systems (typed in again).",
        "hand-written": "Entries of can_handle_load are written by hand, not by the loop.",
        "replaced-after-loop": "can_handle_load is replaced after the loop, throwing its work away.",
        "not-from-loop": "Entries of can_handle_load are written outside the loop over systems.items().",
    },
)
