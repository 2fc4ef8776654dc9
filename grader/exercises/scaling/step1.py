"""Step 1: `systems` is a dict with exactly the reference's keys and int values."""

from __future__ import annotations

import ast
import difflib
from typing import Any

from grader.analysis import trees
from grader.checks.kit import PASS, Case, Verdict, exists, fail, value_problem
from grader.exercise import Step
from grader.exercises.scaling.explanations import not_a_dict
from grader.exercises.scaling.spec import RESULT, SYSTEMS
from grader.feedback.explain import where
from grader.result import Location
from grader.sandbox.values import same, show

INSTRUCTION = (
    "Create a dictionary called `systems` with these exact entries: "
    "`'single_node': 1`, `'horizontal_scaling': 5`, and `'vertical_scaling': 2`."
)

MISTAKES = {
    "missing": "There is no variable named systems.",
    "name": "The dictionary exists under another name than systems.",
    "not-top-level": "systems is only created inside a function.",
    "not-dict": "systems is not a plain dict (a set, a list, an object of another type).",
    "near-miss-key": "A key of systems is misspelled (case, spaces, underscores).",
    "missing-key": "A key of systems is missing.",
    "extra-key": "systems has a key the step does not ask for.",
    "bool-value": "A capacity in systems is True/False instead of a number.",
    "float-value": "A capacity in systems is a float (5.0) instead of a whole number.",
    "string-value": "A capacity in systems is a string ('5') instead of a number.",
    "wrong-value": "A capacity in systems has the wrong number.",
    "changed-later": "systems is changed after it is made: a loop writes other values into it.",
}


def _normal_key(key: Any) -> str:
    return "".join(ch for ch in str(key).lower() if ch.isalnum())


def _near_key(key: Any, extra: list[Any]) -> Any:
    """Return the extra key that is an almost-right spelling of a missing key, if any."""
    return next(
        (
            e
            for e in extra
            if _normal_key(e) == _normal_key(key)
            or difflib.SequenceMatcher(None, str(e), str(key)).ratio() >= 0.8
        ),
        None,
    )


def key_problems(value: dict[Any, Any], expected: dict[Any, Any]) -> list[tuple[str, str]]:
    """Name each missing, extra, misspelled or wrong entry: (code, text) pairs."""
    problems: list[tuple[str, str]] = []
    keys = {(type(k), k) for k in value}
    wanted = {(type(k), k) for k in expected}
    missing = [k for k in expected if (type(k), k) not in keys]
    extra = [k for k in value if (type(k), k) not in wanted]
    for key in list(missing):
        near = _near_key(key, extra)
        if near is not None:
            problems.append(("near-miss-key", f"the key {show(near)} should be {show(key)}"))
            missing.remove(key)
            extra.remove(near)
    problems.extend(("missing-key", f"the key {show(k)} is missing") for k in missing)
    problems.extend(("extra-key", f"the key {show(k)} should not be there") for k in extra)
    for key, wanted_value in expected.items():
        if (type(key), key) in keys and not same(value[key], wanted_value):
            problems.append(value_problem(f"{show(key)}", value[key], wanted_value))
    return problems


def check(case: Case) -> Verdict:
    """Step 1: `systems` is a dict with exactly the reference's keys and int values."""
    expected = case.expected.systems
    missing = exists(case, SYSTEMS, INSTRUCTION, like=expected)
    if missing is not None:
        return missing
    value = case.value(SYSTEMS)
    at = case.source.first_assignment(SYSTEMS)
    if type(value) is not dict:
        return fail(not_a_dict(case, value, at), "not-dict", at)
    problems = key_problems(value, expected)
    if not problems:
        return PASS
    later = _written_later(case, at)
    if later is not None:
        return later
    details = "; ".join(text for _, text in problems)
    # One difference is said whole by its sentence (both sides); the dictionaries side by
    # side would say it again. Several are easier to see there.
    pair = f"\nExpected: {show(expected, 200)}\nFound:    {show(value, 200)}"
    return fail(
        f"`{SYSTEMS}` is not right{' ' + where(at) if at else ''}: {details}."
        + (pair if len(problems) > 1 else ""),
        problems[0][0],
        at,
    )


def _written_later(case: Case, at: Location | None) -> Verdict | None:
    """`systems` made at one line and filled with other values by a loop's line after it.

    The line that made it may well be right: the values at the end come from the line
    that wrote them, and that line is the one to change.
    """
    origins = case.run.main.provenance.get(SYSTEMS, ())
    distinct = set(origins)
    if at is None or len(distinct) != 1 or not _dict_display(case, at, empty=False):
        return None
    origin = distinct.pop()
    if origin is None or origin.kind != "store" or not origin.loops or origin.location == at:
        return None
    place = origin.location
    cell = case.program.cell(place.cell)
    line = cell.line_text(place.line).strip() if cell is not None else ""
    shown = f", `{line}`," if line else ""
    own = case.source.first_assignment(RESULT)
    if own is not None and _dict_display(case, own, empty=True):
        # The answers already have their dictionary: the write into systems is extra.
        change = "remove that line"
    else:
        change = (
            f"store the answers in a dictionary of their own, `{RESULT}`, started empty "
            f"before the loop (`{RESULT} = {{}}`)"
        )
    return fail(
        f"`{SYSTEMS}` is made {where(at)}, but then your loop writes into it {where(place)}"
        f"{shown} and replaces its capacities. `{SYSTEMS}` must keep them: {change}.",
        "changed-later",
        place,
    )


def _dict_display(case: Case, at: Location, empty: bool) -> bool:
    """Whether the line at a place assigns a dictionary written out: `{}` when ``empty``,
    else one with entries (`systems = {...}`)."""
    cell = case.program.cell(at.cell)
    tree = trees.readable(cell.source if cell else None)
    if tree is None:
        return False
    return any(
        isinstance(node, ast.Assign)
        and node.lineno == at.line
        and isinstance(node.value, ast.Dict)
        and (not node.value.keys) == empty
        for node in ast.walk(tree)
    )


STEP = Step(
    number=1,
    title="Create the initial system capacities",
    instruction=INSTRUCTION,
    hint="Use curly braces to create a dictionary with the exact keys and values.",
    rule=check,
    mistakes=MISTAKES,
)
