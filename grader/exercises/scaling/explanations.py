"""What the exercise says about a mistake it recognises in the learner's code.

The steps' rules decide that a step fails; these functions read the learner's syntax
tree to say why, in the exercise's words: a set where `systems` should be a dictionary,
a loop whose `if` has no `else`, one line that prints the dictionary several times.
"""

from __future__ import annotations

import ast
from typing import Any

from grader.analysis.source import Node, source_text
from grader.checks.kit import Case
from grader.exercises.scaling.spec import LOAD, LOOP_TARGETS, RESULT, SYSTEMS
from grader.feedback.explain import where
from grader.result import Location
from grader.sandbox.values import Opaque, describe, show


def not_a_dict(case: Case, value: Any, at: Location | None) -> str:
    """Say why `systems` is not a dictionary, from what the learner wrote."""
    written = _assigned_value(case, SYSTEMS)
    if isinstance(written, ast.Set):
        pairs = written.elts
        first = f"{source_text(pairs[0])}: {source_text(pairs[1])}" if len(pairs) > 1 else ""
        more = ", ..." if len(pairs) > 2 else ""
        example = f" `{{{first}{more}}}`" if first else ""
        return (
            f"`{SYSTEMS}` {where(at)} is a set, not a dictionary: between curly braces, "
            "items separated only by commas make a set. A dictionary pairs each key with "
            f"its value, with a colon between them:{example or ' `key: value`'}."
        )
    if isinstance(value, Opaque) and value.type in ("dict", "Dict"):
        return (
            f"`{SYSTEMS}` is an object of a class of your own named `{value.type}`, not "
            f"Python's dictionary. Rename your class, so that `{{...}}` and `dict(...)` "
            "make real dictionaries again."
        )
    kind = describe(value)
    if isinstance(value, Opaque) and value.base == "dict":
        kind = f"an object of type {value.type}, which only behaves like a dict"
    return (
        f"`{SYSTEMS}`{' ' + where(at) if at else ''} should be a plain dictionary, like "
        f"`{SYSTEMS} = {{'key': 1, ...}}`, but it is {kind}."
    )


def _assigned_value(case: Case, name: str) -> ast.AST | None:
    """The value of the first top-level `name = ...`, if the learner wrote one."""
    for item in case.source.assignments(name):
        if isinstance(item.node, ast.Assign) and not item.loops:
            return item.node.value
    return None


def missing_keys(case: Case, value: dict[Any, Any], expected: dict[Any, Any]) -> str | None:
    """Say which strategies an `if` without `else` leaves out of the dictionary."""
    keys = {(type(k), k) for k in value}
    missing = [k for k in expected if (type(k), k) not in keys]
    extra = [k for k in value if (type(k), k) not in {(type(e), e) for e in expected}]
    if not missing or extra:
        return None
    branch = _lone_if(case)
    if branch is None:
        return None
    names = ", ".join(show(k) for k in missing)
    # Said once: what the dictionary lacks, as what the lone `if` leads to.
    lacks = (
        f"{names} get{'s' if len(missing) == 1 else ''} no key in `{RESULT}`"
        if value
        else f"`{RESULT}` is empty, as no strategy can handle the load"
    )
    key = LOOP_TARGETS[0]
    return (
        f"The `if` {where(branch.location)} stores an entry only when its condition is "
        f"true, and has no `else`, so {lacks}. Store the comparison itself for every "
        f"strategy, `{RESULT}[{key}] = {LOOP_TARGETS[1]} >= {LOAD}`, or add "
        f"`else: {RESULT}[{key}] = False`."
    )


def _lone_if(case: Case) -> Node | None:
    """An `if` inside a loop that stores into the result and has no `else`."""
    for item in case.source.nodes():
        node = item.node
        if not (isinstance(node, ast.If) and item.loops and not node.orelse):
            continue
        stores = any(
            isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id == RESULT
            for s in node.body
            if isinstance(s, ast.Assign)
            for t in s.targets
        )
        if stores:
            return item
    return None


def printed_on_one_line(call: str, location: Location | None, times: int) -> str:
    """Say that one line, not a loop, prints the dictionary several times."""
    return (
        f"`{call}` is written {times} times on one line, {where(location)}, so the "
        f"dictionary is printed {times} times. Keep one `{call}`."
    )


def other_runs(message: str, code: str, setting: str, load: int) -> str:
    """Open a failure found in another run by saying why the grader ran the program again."""
    varied = "capacities" if code == "typed-capacities" else "loads"
    return (
        f"Your `{RESULT}` is right for `{LOAD} = {load}`. The grader also runs your "
        f"program with other {varied}, to check that it works for any of them, and "
        f"there it is wrong.\n{message}"
    )


def values_side_by_side(code: str, wanted: Any, got: Any) -> str:
    """Show the expected dictionary above the learner's, unless the message shows both."""
    if code in ("hardcoded", "typed-capacities", "wrong-values"):
        return ""  # their messages already show both dictionaries
    return f"\nExpected: {show(wanted, 200)}\nFound:    {show(got, 200)}"
