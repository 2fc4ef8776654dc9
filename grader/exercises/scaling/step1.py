"""Step 1: `systems` is a dict with exactly the reference's keys and int values."""

from __future__ import annotations

import ast
import difflib
from typing import Any

from grader.analysis import trees
from grader.checks.kit import PASS, Case, Verdict, exists, fail, source_text, value_problem
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
    "repeated-key": "A key of systems is written twice (a line copied); Python keeps the second.",
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
    problems.extend(
        ("missing-key", f"the key {show(k)} is missing: add `{show(k)}: {show(expected[k])}`")
        for k in missing
    )
    problems.extend(("extra-key", f"the key {show(k)} should not be there") for k in extra)
    wrong = [k for k, w in expected.items() if (type(k), k) in keys and not same(value[k], w)]
    return problems + _value_problems(value, expected, wrong)


def _value_problems(
    value: dict[Any, Any], expected: dict[Any, Any], wrong: list[Any]
) -> list[tuple[str, str]]:
    """Name each wrong value; two that hold each other's values are said as swapped."""
    problems: list[tuple[str, str]] = []
    swapped = _swapped(value, expected, wrong)
    if swapped:
        one, other = swapped
        problems.append(
            (
                "wrong-value",
                f"the values of {show(one)} and {show(other)} are swapped: {show(one)} "
                f"should be {show(expected[one])} and {show(other)} {show(expected[other])}",
            )
        )
    for key in wrong:
        if key not in swapped:
            problems.append(value_problem(f"{show(key)}", value[key], expected[key]))
    return problems


def _swapped(value: dict[Any, Any], expected: dict[Any, Any], wrong: list[Any]) -> tuple[Any, ...]:
    """Two keys that hold each other's values (typed in another order): one slip, said
    as one, with the word for it."""
    for i, one in enumerate(wrong):
        for other in wrong[i + 1 :]:
            if same(value[one], expected[other]) and same(value[other], expected[one]):
                return (one, other)
    return ()


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
    repeated = _repeated_key(case, at, value, expected)
    if repeated is not None:
        return repeated
    details = "; ".join(text for _, text in problems)
    # The line to change is the one that writes the first wrong entry, which may be
    # several lines below where the dictionary starts.
    at = _entry_line(case, value, expected) or at
    # Each difference is said whole by its sentence (both sides); the dictionaries side
    # by side would say them again. Many are easier to see there than in a long sentence.
    pair = f"\nExpected: {show(expected, 200)}\nFound:    {show(value, 200)}"
    return fail(
        f"`{SYSTEMS}` is not right{' ' + where(at) if at else ''}: {details}."
        + (pair if len(problems) > _SAID_IN_WORDS else ""),
        problems[0][0],
        at,
    )


# How many differences one sentence says before the two dictionaries are clearer.
_SAID_IN_WORDS = 3


def _repeated_key(
    case: Case, at: Location | None, value: dict[Any, Any], expected: dict[Any, Any]
) -> Verdict | None:
    """A dictionary written out with one key twice: Python keeps the second entry, so a
    line copied whose key was never changed looks like a wrong value and a key missing.
    The second occurrence is the line to change."""
    literal = _literal_at(case, at)
    if literal is None or at is None:
        return None
    seen: dict[Any, tuple[ast.expr, ast.expr]] = {}
    for key_node, value_node in zip(literal.keys, literal.values, strict=True):
        if not isinstance(key_node, ast.Constant):
            continue
        first = seen.get(key_node.value)
        if first is None:
            seen[key_node.value] = (key_node, value_node)
            continue
        key = key_node.value
        missing = [k for k in expected if k not in value]
        offset = at.line - literal.lineno
        first_place = Location(first[0].lineno + offset, at.cell)
        place = Location(key_node.lineno + offset, at.cell)
        # The copy is the entry whose value is not the key's own: that one's key changes.
        copy: ast.expr = key_node
        if _holds(value_node, expected.get(key)) and not _holds(first[1], expected.get(key)):
            copy, value_node = first
        changed = Location(copy.lineno + offset, at.cell)
        both = f"{where(first_place)} and {where(place)}" if first_place != place else where(place)
        change = ""
        if len(missing) == 1:
            entry = f"{show(missing[0])}: {source_text(value_node)}"
            which = (
                where(changed)
                if first_place != place
                else f"in place of the {'first' if copy is first[0] else 'second'} {show(key)}"
            )
            change = f" Write the key {show(missing[0])} {which}: `{entry}`."
        return fail(
            f"`{SYSTEMS}` has the key {show(key)} twice, {both}. A dictionary keeps one "
            f"entry per key, the last one written, so the second replaces the first.{change}",
            "repeated-key",
            changed,
        )
    return None


def _holds(node: ast.expr, wanted: Any) -> bool:
    """Whether an entry's value, as written, is a constant equal to the one asked for."""
    return isinstance(node, ast.Constant) and same(node.value, wanted)


def _literal_at(case: Case, at: Location | None) -> ast.Dict | None:
    """The dictionary written out by the assignment at a place, if it is one."""
    if at is None:
        return None
    cell = case.program.cell(at.cell)
    tree = trees.readable(cell.source if cell else None)
    if tree is None:
        return None
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Dict)
            and node.lineno <= at.line <= (node.end_lineno or node.lineno)
        ):
            return node.value
    return None


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


def _entry_line(case: Case, value: dict[Any, Any], expected: dict[Any, Any]) -> Location | None:
    """Where the first wrong entry of `systems` is written: its key in the dictionary's
    braces or in `systems[key] = ...`, the last such write (it is the one that counts)."""
    wrong = [k for k in value if k in expected and not same(value[k], expected[k])]
    if not wrong:
        return None
    key = wrong[0]
    found = None
    for item in case.source.assignments(SYSTEMS):
        for node in ast.walk(item.node):
            keys: list[ast.AST | None] = []
            if isinstance(node, ast.Dict):
                keys = list(node.keys)
            elif (
                isinstance(node, ast.Subscript)
                and isinstance(node.ctx, ast.Store)
                and isinstance(node.value, ast.Name)
                and node.value.id == SYSTEMS
            ):
                keys = [node.slice]
            for k in keys:
                if isinstance(k, ast.Constant) and k.value == key:
                    found = Location(k.lineno, item.location.cell)
    return found
