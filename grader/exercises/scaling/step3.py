"""Step 3: a for loop over `systems.items()` computes `can_handle_load` for any load.

The loop's shape is read from the learner's syntax tree; its values are compared with
the reference's for the load as written and for every other load the program ran with.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from grader.analysis.source import Node, source_text, target_names, targets_of
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
from grader.exercises.scaling.rewrite import into_loop, lines, new_loop
from grader.exercises.scaling.spec import LOAD, LOOP_TARGETS, RESULT, SYSTEMS, Setting
from grader.exercises.scaling.written import compared_in_loop, from_loop, not_from_loop
from grader.feedback.ending import how_far, never_reached
from grader.feedback.explain import where
from grader.feedback.names import code_cell, text_cell_with
from grader.result import Explanation, Location
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
        if iterates(n, names, "items", case) and unpacks(n, LOOP_TARGETS)
    ]


@dataclass(frozen=True)
class _Loops:
    """What step 3 reads of the learner's loops and assignments before judging their shape."""

    names: frozenset[str]
    # The for loops over `systems` (or a name it is passed as); those over its items;
    # the ones step 3 asks for (over `.items()` into `strategy, capacity`); and those
    # of them that fill the result.
    loops: list[Node]
    items: list[Node]
    good: list[Node]
    filling: list[Node]
    # The assignment that builds the result with a comprehension, and the one that
    # types it in as a dictionary with keys, if any.
    comprehension: Node | None
    typed: Node | None


def _loops(case: Case) -> _Loops:
    """Read the loops over `systems` and how the result is built."""
    names = aliases(case, SYSTEMS)
    loops = loops_over(case, names)
    good = good_loops(case)
    assigned = case.source.assignments(RESULT)
    return _Loops(
        names=names,
        loops=loops,
        items=[n for n in loops if iterates(n, names, "items", case)],
        good=good,
        filling=[n for n in good if fills(n, RESULT)],
        comprehension=next((a for a in assigned if _comprehended(a.node)), None),
        typed=next((a for a in assigned if _typed_in(a.node)), None),
    )


def _comprehended(node: ast.AST) -> bool:
    """Whether an assignment's value is a comprehension, or a call given one."""
    if not isinstance(node, ast.Assign):
        return False
    value = node.value
    if isinstance(value, (ast.DictComp, ast.GeneratorExp, ast.ListComp)):
        return True
    return isinstance(value, ast.Call) and any(
        isinstance(arg, (ast.GeneratorExp, ast.ListComp, ast.DictComp)) for arg in value.args
    )


def _typed_in(node: ast.AST) -> bool:
    """Whether an assignment's value is a dictionary with keys written out."""
    return (
        isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict) and bool(node.value.keys)
    )


def _emptied(node: ast.AST, name: str) -> bool:
    """Whether an assignment makes the name itself a new empty dictionary: `name = {}` or
    `name = dict()` (an entry stored with a call, `name[key] = f()`, is not)."""
    if not isinstance(node, ast.Assign) or not any(
        isinstance(target, ast.Name) and target.id == name for target in node.targets
    ):
        return False
    value = node.value
    if isinstance(value, ast.Dict):
        return not value.keys
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id == "dict"
        and not value.args
        and not value.keywords
    )


def _wanted() -> str:
    """The loop step 3 asks for, as the learner writes it."""
    return f"`for {', '.join(LOOP_TARGETS)} in {SYSTEMS}.items():`"


def _filled_by_loop(case: Case, shape: _Loops) -> Verdict | None:
    """A loop of the step's shape fills the result: it must not empty it every round,
    write entries by hand, or have its dictionary replaced afterwards."""
    reset = next(
        (
            a
            for a in case.source.assignments(RESULT)
            if any(a.node in loop.node.body for loop in shape.filling)  # type: ignore[attr-defined]
            and _emptied(a.node, RESULT)
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
    return not_from_loop(case, shape.filling, shape.names, shape.good)


def _filled_elsewhere(case: Case, shape: _Loops) -> Verdict | None:
    """A loop of the step's shape that does not fill the result itself: a comprehension
    fails; a helper function it calls is judged by the values, unless it types keys in."""
    if shape.comprehension is not None:
        block = into_loop(case, shape.good[0].location)
        return fail(
            f"`{RESULT}` is built with a comprehension {where(shape.comprehension.location)}, "
            f"not by the loop {where(shape.good[0].location)}. "
            + (
                f"To fill it from the loop: {block}."
                if block
                else f"Fill it inside the loop: `{RESULT}[{LOOP_TARGETS[0]}] = ...`."
            ),
            "comprehension",
            shape.comprehension.location,
        )
    return not_from_loop(case, [], shape.names, shape.good)


def _comprehension(case: Case, shape: _Loops) -> Verdict | None:
    """No loop of the step's shape; a comprehension builds the result."""
    at = shape.comprehension.location if shape.comprehension is not None else None
    block = new_loop(case)
    return fail(
        f"`{RESULT}` is built with a comprehension {where(at)}. This step asks for a for "
        + (
            f"loop: {block}."
            if block
            else f"loop: start with `{RESULT} = {{}}`, then {_wanted()} and fill the "
            "dictionary inside the loop."
        ),
        "comprehension",
        at,
    )


def _loop_names(case: Case, shape: _Loops) -> Verdict | None:
    """A loop over `systems.items()` whose variables have other names."""
    loop = shape.items[0]
    unpacked = target_names(loop.node.target)  # type: ignore[attr-defined]
    used = ", ".join(unpacked) if unpacked else source_text(loop.node.target)  # type: ignore[attr-defined]
    renamed = _renamed_lines(case, loop, unpacked)
    if renamed:
        change = "; ".join(f"{at.describe()} becomes `{text}`" for at, text in renamed)
        return fail(
            f"Your loop {where(loop.location)} uses the variables `{used}`; the step asks "
            f"for `{LOOP_TARGETS[0]}` and `{LOOP_TARGETS[1]}`. "
            + (
                "Rename them: "
                if len(renamed) == 1
                else "Rename them on every line that uses them: "
            )
            + f"{change}.",
            "loop-names",
            loop.location,
        )
    return fail(
        f"Your loop {where(loop.location)} uses the variables `{used}`; the step asks "
        f"for `{LOOP_TARGETS[0]}` and `{LOOP_TARGETS[1]}`: {_wanted()}",
        "loop-names",
        loop.location,
    )


def _renamed_lines(
    case: Case, loop: Node, unpacked: tuple[str, ...] | None
) -> list[tuple[Location, str]]:
    """Each line that changes when the loop's two variables take the step's names, as it
    reads after the change: the `for` line, every line of its body that uses them, and
    the lines after it that read them, in its cell and in the cells below it (unless
    another statement outside the loop binds the name: that one is a variable of its
    own). Empty when the loop does not unpack two plain names, or when a line's text
    cannot be read back."""
    if unpacked is None or len(unpacked) != len(LOOP_TARGETS):
        return []
    renames = dict(zip(unpacked, LOOP_TARGETS, strict=True))
    here = loop.location.cell
    trees = [
        (number, tree)
        for number, tree in case.source.trees
        if number == here or (here is not None and number is not None and number > here)
    ]
    spans = _rename_spans(trees, loop, renames)
    if spans is None:
        return []
    changed = []
    for (number, line), found in sorted(
        spans.items(), key=lambda item: (item[0][0] or 0, item[0][1])
    ):
        cell = case.program.cell(number)
        lines = cell.source.splitlines() if cell is not None else []
        if line > len(lines):
            return []
        text = lines[line - 1].encode()
        # Right to left, so that each column still points where the parser saw it.
        for start, end, name in sorted(found, reverse=True):
            text = text[:start] + name.encode() + text[end:]
        changed.append((Location(line, number), text.decode().strip()))
    return changed


def _rename_spans(
    trees: list[tuple[int | None, ast.Module]], loop: Node, renames: dict[str, str]
) -> dict[tuple[int | None, int], list[tuple[int, int, str]]] | None:
    """(cell, line) -> the columns (in bytes, as the parser counts) of each use of a
    renamed name and its new name, in the loop's cell and the cells given after it; None
    when a use spans lines (its text cannot be rewritten here)."""
    inside = {id(n) for n in ast.walk(loop.node)}
    outside_binds = {
        n.id
        for _, tree in trees
        for n in ast.walk(tree)
        if id(n) not in inside and isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    spans: dict[tuple[int | None, int], list[tuple[int, int, str]]] = {}
    for number, tree in trees:
        after = loop.location.line if number == loop.location.cell else 0
        uses = _uses(tree, renames, inside, after, outside_binds)
        if any(n.end_lineno != n.lineno or n.end_col_offset is None for n in uses):
            return None
        for n in uses:
            spans.setdefault((number, n.lineno), []).append(
                (n.col_offset, n.end_col_offset or 0, renames[n.id])
            )
    return spans


def _uses(
    tree: ast.Module, renames: dict[str, str], inside: set[int], after: int, bound: set[str]
) -> list[ast.Name]:
    """The uses of the renamed names to rewrite: inside the loop, and after its line in
    names no statement outside the loop binds again."""
    return [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Name)
        and n.id in renames
        and (id(n) in inside or (n.lineno > after and n.id not in bound))
    ]


def _not_items(case: Case, shape: _Loops) -> Verdict | None:
    """A loop over `systems` itself, or its keys or values, not its items."""
    loop = shape.loops[0]
    iterable = source_text(loop.node.iter)  # type: ignore[attr-defined]
    # A second loop inside the first, over the same dictionary, to fetch the other half
    # of each item: with the items, it has nothing left to do.
    inner = next(
        (
            n
            for n in ast.walk(loop.node)
            if n is not loop.node
            and isinstance(n, ast.For)
            and any(isinstance(m, ast.Name) and m.id == SYSTEMS for m in ast.walk(n.iter))
        ),
        None,
    )
    remove = ""
    if inner is not None:
        line = Location(inner.lineno + loop.location.line - loop.node.lineno, loop.location.cell)  # type: ignore[attr-defined]
        remove = (
            f" Then remove the inner loop {where(line)}, "
            f"`for {source_text(inner.target)} in {source_text(inner.iter)}:`, and move its "
            f"body out one level: it goes through all of `{SYSTEMS}` again for each strategy, "
            "so only its last round counts."
        )
    return fail(
        f"Your loop {where(loop.location)} iterates over `{iterable}`. Iterate over "
        f"`{SYSTEMS}.items()` to get each strategy together with its capacity: {_wanted()}"
        + (f".{remove}" if remove else ""),
        "not-items",
        loop.location,
    )


def _hardcoded(case: Case, shape: _Loops) -> Verdict | None:
    """No loop at all; the result is a dictionary typed in."""
    at = shape.typed.location if shape.typed is not None else None
    if shape.typed is None or at is None:
        return fail(
            f"`{RESULT}` is written by hand. Compute it with a for "
            f"loop instead, so that it follows `{LOAD}` when the load changes: start with "
            f"`{RESULT} = {{}}`, then {_wanted()}",
            "hardcoded",
            at,
        )
    block = new_loop(case)
    if block:
        return fail(
            f"`{RESULT}` is written by hand {where(at)}. Compute it with a for loop "
            f"instead, so that it follows `{LOAD}` when the load changes: {block}.",
            "hardcoded",
            at,
        )
    node = shape.typed.node
    last = at.line + (getattr(node, "end_lineno", None) or node.lineno) - node.lineno  # type: ignore[attr-defined]
    typed = _lines(at, list(range(at.line, last + 1)))
    return fail(
        f"`{RESULT}` is written by hand {where(at)}. Compute it with a for "
        f"loop instead, so that it follows `{LOAD}` when the load changes: replace {typed} "
        f"with `{RESULT} = {{}}`, then below it write {_wanted()} and, indented inside "
        f"the loop, {_store()}.",
        "hardcoded",
        at,
    )


def _store() -> str:
    """The line that stores each answer inside step 3's loop."""
    return f"`{RESULT}[{LOOP_TARGETS[0]}] = {LOOP_TARGETS[1]} >= {LOAD}`"


def _lines(at: Location, numbers: list[int]) -> str:
    """Say 'line 3', 'lines 3 to 7' or 'lines 4, 6 and 8', in the cell of `at`."""
    cell = f"cell {at.cell}, " if at.cell is not None else ""
    if len(numbers) == 1:
        return f"{cell}line {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{cell}lines {numbers[0]} to {numbers[-1]}"
    return f"{cell}lines {', '.join(map(str, numbers[:-1]))} and {numbers[-1]}"


def _store_location(case: Case) -> Location | None:
    """Where a loop stores an entry of the result (`can_handle_load[...] = ...`): the
    line whose value is the one to change, if there is one."""
    return next(
        (
            n.location
            for n in case.source.nodes()
            if isinstance(n.node, (ast.Assign, ast.AugAssign, ast.AnnAssign))
            and n.loops
            and any(_writes_result(t) for t in targets_of(n.node))
        ),
        None,
    )


def _typed_one_per_line(case: Case, at: Location | None) -> Verdict | None:
    """No loop; the answers stored one per line by hand: those lines go, the loop comes
    after the empty dictionary."""
    by_hand = _written_by_hand(case)
    if not by_hand:
        return None
    first = by_hand[0].location
    numbers = [n.location.line for n in by_hand if n.location.cell == first.cell]
    place = f"({at.describe()})" if at is not None else ""
    typed = (
        f"There is no for loop over `{SYSTEMS}.items()`: {_lines(first, numbers)} "
        f"{'types' if len(numbers) == 1 else 'type'} each answer in by hand."
    )
    block = new_loop(case)
    if block:
        return fail(
            f"There is no for loop over `{SYSTEMS}.items()`: the answers are typed in by "
            f"hand. {block[0].upper()}{block[1:]}.",
            "no-loop",
            first,
        )
    return fail(
        f"{typed} Remove "
        f"{'it' if len(numbers) == 1 else 'them'}, and after `{RESULT} = {{}}` {place} "
        f"write {_wanted()} and, indented inside the loop, {_store()}.",
        "no-loop",
        first,
    )


def _written_by_hand(case: Case) -> list[Node]:
    """The statements outside any loop that store an entry of the result:
    `can_handle_load['single_node'] = False`, typed in one per line."""
    return [
        n
        for n in case.source.nodes()
        if isinstance(n.node, ast.Assign)
        and not n.loops
        and any(_writes_result(t) for t in n.node.targets)
    ]


def _while_loop(case: Case) -> Verdict | None:
    """A `while` loop that fills the result: named as what to replace, with the lines
    that count."""
    filling = next(
        (
            n
            for n in case.source.nodes()
            if isinstance(n.node, ast.While)
            and any(_writes_result(inner) for inner in ast.walk(n.node))
        ),
        None,
    )
    if filling is not None:
        block = new_loop(case)
        return fail(
            f"Your `while` loop {where(filling.location)} fills `{RESULT}`, but this step asks "
            f"for a for loop, which needs no counter: {_wanted()} gives each strategy and its "
            "capacity in turn. "
            + (
                f"Put it in place of the `while` loop and the lines that count: {block}."
                if block
                else "Write it in place of the `while` loop and the lines that count, "
                f"and store each answer inside it: {_store()}."
            ),
            "no-loop",
            filling.location,
        )
    return None


def _no_loop(case: Case, shape: _Loops) -> Verdict | None:
    """Nothing of the step's loop: a `while` loop that fills the result is named as what
    to replace; a result already started empty is not asked for again."""
    filling = _while_loop(case)
    if filling is not None:
        return filling
    at = case.source.first_assignment(RESULT)
    started = at is not None and any(
        isinstance(n.node, ast.Assign)
        and isinstance(n.node.value, ast.Dict)
        and not n.node.value.keys
        and n.location == at
        for n in case.source.assignments(RESULT)
    )
    start = (
        f"After `{RESULT} = {{}}` ({at.describe()}), write"
        if started and at is not None
        else f"Start with `{RESULT} = {{}}`, then"
    )
    unrun = text_cell_with(case.program, rf"^\s*for\b.*\b{SYSTEMS}\b")
    if unrun is not None:
        number, kind, line = unrun
        return fail(
            f"Your loop, `{line}`, is in cell {number}, a {kind} cell: Jupyter never runs "
            f"it, so `{RESULT}` stays empty. {code_cell(number)}",
            "no-loop",
            Location(1, number),
        )
    typed = _typed_one_per_line(case, at)
    block = new_loop(case) if typed is None else None
    if block:
        return fail(
            f"There is no for loop over `{SYSTEMS}.items()` making `{RESULT}`: {block}.",
            "no-loop",
            at,
        )
    return typed or fail(
        f"There is no for loop over `{SYSTEMS}.items()`. {start} "
        f"{_wanted()} and fill the dictionary inside the loop.",
        "no-loop",
        None,
    )


def _writes_result(node: ast.AST) -> bool:
    """Whether a node stores an entry of the result: `can_handle_load[...] = ...`."""
    return (
        isinstance(node, ast.Subscript)
        and isinstance(node.ctx, ast.Store)
        and isinstance(node.value, ast.Name)
        and node.value.id == RESULT
    )


# The shapes of step 3's loop, in order: the first whose condition holds decides, and a
# rule that finds nothing wrong with its shape gives None (the values decide).
SHAPES: tuple[tuple[Callable[[_Loops], bool], Callable[[Case, _Loops], Verdict | None]], ...] = (
    (lambda shape: bool(shape.filling), _filled_by_loop),
    (lambda shape: bool(shape.good), _filled_elsewhere),
    (lambda shape: shape.comprehension is not None, _comprehension),
    (lambda shape: bool(shape.items), _loop_names),
    (lambda shape: bool(shape.loops), _not_items),
    (lambda shape: shape.typed is not None, _hardcoded),
    (lambda shape: True, _no_loop),
)


def _structure(case: Case) -> Verdict | None:
    """Check that a for loop over systems.items() with the right variables fills the dict."""
    shape = _loops(case)
    return next((rule(case, shape) for applies, rule in SHAPES if applies(shape)), None)


def check_loop(case: Case) -> Verdict:
    """Step 3: a for loop over systems.items() computes can_handle_load for any load."""
    structure = _structure(case)
    if structure is not None:
        return _with_stop(case, structure)
    value = case.value(RESULT)
    at = case.source.first_assignment(RESULT)
    if value is MISSING:
        return _loop_stores_nothing(case) or exists(case, RESULT, INSTRUCTION, guess=False) or PASS
    problem = _result_problem(case, value, case.expected.result, case.expected.load, at)
    if problem:
        stop = stop_reason(case)
        if stop is not None:
            # The loop was cut short; the error is the mistake, the values only follow.
            lead = how_far(case.program, stop.location, stop.code == "timeout", case.run.main)
            return fail(f"{lead} {stop.text}", stop.code, stop.location)
        return problem
    verdict = _check_other_loads(case, value, at)
    if not verdict.passed:
        return verdict
    # The values are right in every run; the writes the program made decide whether
    # its loop computed them.
    loops = good_loops(case)
    return from_loop(case, loops) or compared_in_loop(case, loops) or PASS


def _loop_stores_nothing(case: Case) -> Verdict | None:
    """The step's loop is there and ran, but no `can_handle_load` was ever made: the
    loop only prints, or keeps its answers in another name. Every line it needs is
    named (the empty dictionary above it, the line that stores inside it)."""
    good = good_loops(case)
    if not good or stop_reason(case) is not None or case.source.assignments(RESULT):
        return None
    if _keeps_answers(good[0].node):
        # It stores them under another name: not "stores nothing".
        return _fills_another(case, good[0])
    block = into_loop(case, good[0].location)
    if block is None:
        return None
    return fail(
        f"There is no variable named `{RESULT}`: your loop {where(good[0].location)} "
        f"stores nothing. To fill `{RESULT}` from the loop: {block}.",
        "missing",
        good[0].location,
    )


def _fills_another(case: Case, loop: Node) -> Verdict | None:
    """The step's loop fills a dictionary of another name (`results[strategy] = ...`):
    the name to change, on every line that uses it."""
    stored = {
        t.value.id
        for n in ast.walk(loop.node)
        if isinstance(n, ast.Assign)
        for t in n.targets
        if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name)
    }
    if len(stored) != 1:
        return None
    other = stored.pop()
    uses = [
        n.location
        for n in case.source.nodes()
        if isinstance(n.node, ast.Name) and n.node.id == other
    ]
    cells = sorted({at.cell for at in uses}, key=lambda c: c or 0)
    said = " and ".join(
        lines(cell, sorted({at.line for at in uses if at.cell == cell})) for cell in cells
    )
    return fail(
        f"There is no variable named `{RESULT}`: your loop {where(loop.location)} fills "
        f"`{other}` instead. Rename `{other}` to `{RESULT}` on every line that uses it: "
        f"{said}.",
        "missing",
        loop.location,
    )


def _keeps_answers(loop: ast.AST) -> bool:
    """Whether a loop's body stores anything: an entry, an attribute, a name bound
    outside it (`results[strategy] = ...`, `answers.append(...)`)."""
    return any(
        (isinstance(n, (ast.Subscript, ast.Attribute)) and isinstance(n.ctx, ast.Store))
        or (
            isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and n.func.attr in ("append", "update", "setdefault", "add", "extend", "insert")
        )
        for n in ast.walk(loop)
    )


def _with_stop(case: Case, structure: Verdict) -> Verdict:
    """A wrong loop, and the error that stopped the program, if one did."""
    stop = stop_reason(case)
    if stop is None:
        return structure
    if _stop_first(stop, structure) or _after_the_stop(case, structure):
        # The loop may sit in code that could not be read or stopped early (a
        # misspelled name): the error is the mistake to fix first.
        lead = (
            f"`{RESULT}` was never created."
            if case.value(RESULT) is MISSING
            else how_far(case.program, stop.location, stop.code == "timeout", case.run.main)
        )
        return fail(f"{lead} {stop.text}", stop.code, stop.location)
    # The loop's message says what to change; the error is what that mistake made
    # happen, said as a fact: its own advice beside the loop's would be a second opinion.
    fact = stop.text.removesuffix("\n" + stop.advice) if stop.advice else stop.text
    return fail(f"{structure.message}\n{fact}", structure.code or "", structure.location)


def _after_the_stop(case: Case, structure: Verdict) -> bool:
    """Whether the loop's mistake is on a line the program never reached: the error that
    stopped it first is what happened, and the line after it did nothing yet."""
    errors = case.run.main.errors
    return bool(errors) and never_reached(case.program, errors[0], structure.location)


def _stop_first(stop: Explanation, structure: Verdict) -> bool:
    """Whether the error that stopped the program is the mistake to name before the loop's."""
    return (
        stop.code in ("syntax-error", "type-error.not-called")
        or structure.code == "no-loop"
        or (structure.code == "not-items" and stop.location == structure.location)
    )


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
        return _wrong_keys(case, value, expected, at)
    not_bool = [(k, v) for k, v in value.items() if type(v) is not bool]
    if not_bool:
        key, got = not_bool[0]
        stored = _store_location(case) or at
        return fail(
            f"The values of `{RESULT}` should be True or False, but {show(key)} is "
            f"{describe(got)}. Store the result of the comparison itself "
            f"{where(stored)}, `{LOOP_TARGETS[1]} >= {LOAD}`, not text or numbers.",
            "not-bool",
            at,
        )
    if not same(value, expected):
        return _wrong_values(case, {Setting(load): value}, at)
    return None


def _wrong_keys(
    case: Case, value: dict[Any, Any], expected: dict[Any, Any], at: Location | None
) -> Verdict:
    """The result's keys are not the strategies: say why, where the code shows it."""
    lone_if = missing_keys(case, value, expected)
    if lone_if is not None:
        return fail(lone_if, "wrong-keys", at)
    idle = (None if value else _idle_loop(case)) or _key_and_value_swapped(case)
    if idle is not None:
        return idle
    keys = f"its keys are {', '.join(show(k) for k in value)}" if value else "it has no keys"
    return fail(
        f"`{RESULT}` should have one key per strategy in `{SYSTEMS}` "
        f"({', '.join(show(k) for k in expected)}), but {keys}. "
        f"Use `{LOOP_TARGETS[0]}` as the key.",
        "wrong-keys",
        at,
    )


def _key_and_value_swapped(case: Case) -> Verdict | None:
    """A write whose value is the loop's key and whose brackets hold something else
    (`{RESULT}[capacity >= load] = strategy`): the two sides are swapped, and the line
    to write is the same two pieces the other way round."""
    key = LOOP_TARGETS[0]
    for item in case.source.nodes():
        node = item.node
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target = node.targets[0]
        if not (
            isinstance(target, ast.Subscript)
            and isinstance(target.value, ast.Name)
            and target.value.id == RESULT
            and isinstance(node.value, ast.Name)
            and node.value.id == key
            and not any(isinstance(n, ast.Name) and n.id == key for n in ast.walk(target.slice))
        ):
            continue
        return fail(
            f"`{source_text(node)}` {where(item.location)} has the key and the value "
            f"swapped: the key, `{key}`, goes in the square brackets, and the answer on the "
            f"right of `=`. Write `{RESULT}[{key}] = {source_text(target.slice)}`.",
            "wrong-keys",
            item.location,
        )
    return None


def _idle_loop(case: Case) -> Verdict | None:
    """The loop step 3 asks for is there but stores nothing (its body only `pass`, or a
    note to finish it): where it is, and the line to write in it."""
    loop = next((n for n in good_loops(case) if not fills(n, RESULT)), None)
    if loop is None:
        return None
    body = loop.node.body  # type: ignore[attr-defined]
    fix = f"`{RESULT}[{LOOP_TARGETS[0]}] = {LOOP_TARGETS[1]} >= {LOAD}`"
    placeholder = next((n for n in body if isinstance(n, ast.Pass)), None)
    if placeholder is not None and all(isinstance(n, (ast.Pass, ast.Expr)) for n in body):
        at = Location(placeholder.lineno, loop.location.cell)
        return fail(
            f"Your loop {where(loop.location)} does nothing yet: `pass` {where(at)} stores "
            f"nothing, so `{RESULT}` stays empty. Write in its place {fix}.",
            "wrong-keys",
            at,
        )
    return fail(
        f"Your loop {where(loop.location)} stores nothing in `{RESULT}`, so it stays empty. "
        f"Inside the loop, write {fix}.",
        "wrong-keys",
        loop.location,
    )


def _check_other_loads(case: Case, value: Any, at: Location | None) -> Verdict:
    """Re-check can_handle_load in every other setting the program was run with."""
    expected = case.expected

    def left_out(execution: Execution) -> bool:
        return expected.is_drawn(execution.overrides) or _divided_by_zero_load(execution)

    found, broken = variant_values(case, RESULT, expected.setting, skip=left_out)
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
        return _check_drawn(case, at)
    verdict = _wrong_values(case, found, at)
    setting = next(iter(mismatched))
    return fail(
        other_runs(verdict.message, verdict.code or "", setting.describe(), expected.load)
        + values_side_by_side(verdict.code or "", expected.results[setting], mismatched[setting]),
        verdict.code or "",
        verdict.location,
    )


def _check_drawn(case: Case, at: Location | None) -> Verdict:
    """Re-check can_handle_load with the settings drawn at random, once every fixed one
    is right: only a program that does not compare fails here, and its message names
    no drawn value (the same program gets the same report wherever it is graded)."""
    expected = case.expected
    found, broken = variant_values(
        case, RESULT, expected.setting, skip=lambda e: not expected.is_drawn(e.overrides)
    )
    if broken is None and all(same(got, expected.results.get(s)) for s, got in found.items()):
        return PASS
    drawn = expected.drawn[0].describe() if expected.drawn else "other values"
    happened = "did not produce" if broken is not None else "gave the wrong"
    return fail(
        f"With {drawn}, your program {happened} `{RESULT}`, though it is right for the "
        f"exercise's own values. Compute each value inside the loop from the loop's "
        f"variables, whatever `{SYSTEMS}` and `{LOAD}` hold: "
        f"`{RESULT}[{LOOP_TARGETS[0]}] = {LOOP_TARGETS[1]} >= {LOAD}`.",
        "fails-other-load" if broken is not None else "wrong-values",
        at,
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
    wrong = [s for s, got in found.items() if not same(got, case.expected.results.get(s))]
    for rule in WRONG_VALUES:
        verdict = rule(case, found, wrong, at)
        if verdict is not None:
            return verdict
    setting = wrong[0]
    stored = _store_location(case)
    store = (
        f": store `{LOOP_TARGETS[1]} >= {LOAD}` {where(stored)}"
        if stored is not None
        else f": `{LOOP_TARGETS[1]} >= {LOAD}`"
    )
    return fail(
        f"With {setting.describe()}, `{RESULT}` should be "
        f"{show(case.expected.results.get(setting), 200)}, but yours is "
        f"{show(found[setting], 200)}. A strategy can handle the load when its capacity is "
        f"greater than or equal to the load{store}.",
        "wrong-values",
        at,
    )


def _ignores_load(
    case: Case, found: dict[Setting, Any], wrong: list[Setting], at: Location | None
) -> Verdict | None:
    """The same dictionary for every load: its values are typed in."""
    loads_only = {s: got for s, got in found.items() if s.systems is None}
    firsts = list(loads_only.values())
    if not (
        len(loads_only) > 1 and all(same(v, firsts[0]) for v in firsts) and wrong[0] in loads_only
    ):
        return None
    setting = wrong[0]
    stored = _store_location(case)
    return fail(
        f"`{RESULT}` does not change when `{LOAD}` changes: with {setting.describe()} it "
        f"should be {show(case.expected.results[setting], 200)}, but yours is still "
        f"{show(found[setting], 200)}. Compute each value from `{LOOP_TARGETS[1]}` and the "
        f"variable `{LOAD}` instead of writing True/False or a number by hand"
        + (f": store `{LOOP_TARGETS[1]} >= {LOAD}` {where(stored)}." if stored else "."),
        "hardcoded",
        at,
    )


def _ignores_capacities(
    case: Case, found: dict[Setting, Any], wrong: list[Setting], at: Location | None
) -> Verdict | None:
    """Wrong only when the capacities change: they are typed in again."""
    if not all(s.systems is not None for s in wrong):
        return None
    setting = wrong[0]
    stored = _store_location(case)
    return fail(
        f"`{RESULT}` does not follow the capacities in `{SYSTEMS}`: with "
        f"{setting.describe()} it should be {show(case.expected.results[setting], 200)}, but "
        f"yours is {show(found[setting], 200)}. "
        + (f"At {stored.describe()}, compare" if stored else "Compare")
        + f" `{LOOP_TARGETS[1]}`, the value the loop reads from `{SYSTEMS}`, with `{LOAD}`; "
        "do not type the capacities in again.",
        "typed-capacities",
        at,
    )


def _capacities(case: Case, setting: Setting) -> dict[Any, Any]:
    """The capacities a run had: its own, or the exercise's."""
    return dict(setting.systems) if setting.systems else case.expected.systems


def _only_at_equal(case: Case, setting: Setting, got: Any) -> bool:
    """Whether a run's dictionary is wrong only where a capacity equals the load, and False
    there: what `>` gives where `>=` was meant."""
    if type(got) is not dict:
        return False
    capacities = _capacities(case, setting)
    return all(
        same(got.get(key), right)
        or (right is True and got.get(key) is False and capacities.get(key) == setting.load)
        for key, right in case.expected.results.get(setting, {}).items()
    )


def _strict_greater(
    case: Case, found: dict[Setting, Any], wrong: list[Setting], at: Location | None
) -> Verdict | None:
    """Wrong only where a capacity equals the load: `>` for `>=`."""
    if not all(_only_at_equal(case, setting, got) for setting, got in found.items()):
        return None
    setting = wrong[0]
    got = found[setting]
    capacities = _capacities(case, setting)
    key = next(k for k, v in case.expected.results[setting].items() if not same(got.get(k), v))
    stored = _store_location(case)
    return fail(
        f"With {setting.describe()}, {show(key)} has capacity {show(capacities[key])}, "
        f"which is equal to the load, so it can handle it and should be True, but yours is "
        f"False. Use `>=` (greater than or equal){' ' + where(stored) if stored else ''}: "
        f"`{LOOP_TARGETS[1]} >= {LOAD}`.",
        "strict-greater",
        at,
    )


# What values that differ from the reference's say, in order; the first that recognises
# them names the mistake, else the comparison is explained.
WRONG_VALUES: tuple[
    Callable[[Case, dict[Setting, Any], list[Setting], Location | None], Verdict | None], ...
] = (_ignores_load, _ignores_capacities, _strict_greater)


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
