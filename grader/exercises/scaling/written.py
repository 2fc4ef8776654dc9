"""Step 3's rule on where `can_handle_load` gets its entries: from the loop, never by hand.

Varying `load` and `systems` catches typed-in values that do not follow them, but not
entries written by hand from expressions that do (`{'single_node': systems['single_node']
>= load, ...}`), nor a loop whose dictionary is replaced afterwards. Those are read from
the learner's syntax tree: every write to the dictionary is found, and one that names a
key by hand, or that replaces what the loop filled, fails the step.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass

from grader.analysis.source import Node, source_text
from grader.checks.kit import Case, Verdict, fail, fills, written_outside
from grader.exercises.scaling.rewrite import into_loop
from grader.exercises.scaling.spec import LOAD, LOOP_TARGETS, RESULT
from grader.feedback.explain import where
from grader.result import Location
from grader.sandbox.values import show

# Methods that put entries into a dictionary.
FILLING_METHODS = ("update", "setdefault", "__setitem__")


@dataclass(frozen=True)
class Write:
    """One statement that writes the dictionary: rebinds it, sets an entry, or calls a method."""

    item: Node
    # "bind" (name = value), "entry" (name[key] = value) or "method" (name.update(...)).
    kind: str
    # The rebinding's value, the entry's key or the method call.
    part: ast.AST | None


def writes(case: Case, name: str) -> list[Write]:
    """Return every statement that writes a name's dictionary, in order."""
    found = []
    for item in case.source.nodes():
        node = item.node
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id == name:
                    found.append(Write(item, "bind", node.value))
                elif (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == name
                ):
                    found.append(Write(item, "entry", target.slice))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in FILLING_METHODS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == name
        ):
            found.append(Write(item, "method", node))
    return found


def _typed_keys(node: ast.AST | None) -> bool:
    """Whether an expression holds a dictionary with keys typed in: {'a': ...}, dict(a=...)."""
    for inner in ast.walk(node) if node is not None else ():
        if isinstance(inner, ast.Dict) and any(isinstance(k, ast.Constant) for k in inner.keys):
            return True
        if (
            isinstance(inner, ast.Call)
            and isinstance(inner.func, ast.Name)
            and inner.func.id == "dict"
            and any(k.arg is not None for k in inner.keywords)
        ):
            return True
    return False


def _by_hand(case: Case, write: Write, spared: frozenset[str]) -> Node | None:
    """Return where a write's keys are typed in: the write itself, or the assignment of a
    name holding a dictionary written by hand that the write uses; None if nowhere."""
    part = write.part
    if write.kind == "entry":
        if isinstance(part, ast.Constant):
            return write.item
        return _keys_by_hand(case, part, spared) or _table_by_hand(
            case, getattr(write.item.node, "value", None), spared
        )
    if write.kind == "method" and isinstance(part, ast.Call):
        typed = _method_by_hand(part)
        if typed is not None:
            return write.item if typed else None
    if _typed_keys(part):
        return write.item
    return _through_name(case, part, spared)


def _keys_by_hand(case: Case, key: ast.AST | None, spared: frozenset[str]) -> Node | None:
    """Where an entry's key is read from a list of keys typed in (`names[i]`, with
    `names = ['single_node', ...]`): the key is not the strategy the loop is at."""
    if not (isinstance(key, ast.Subscript) and isinstance(key.value, ast.Name)):
        return None
    if key.value.id in spared:
        return None
    return next(
        (
            a
            for a in case.source.assignments(key.value.id)
            if _typed_list(getattr(a.node, "value", None))
        ),
        None,
    )


def _typed_list(node: ast.AST | None) -> bool:
    """Whether an expression is a list or tuple of text typed in: ['single_node', ...]."""
    return (
        isinstance(node, (ast.List, ast.Tuple))
        and bool(node.elts)
        and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts)
    )


def _table_by_hand(case: Case, value: ast.AST | None, spared: frozenset[str]) -> Node | None:
    """Where a stored value is an entry of a table written by hand, copied as it is
    (`table[strategy]`, with `table = {'single_node': ..., ...}`): the answers are typed
    in, the loop only copies them. None otherwise (a table of capacities compared with
    the load is another mistake, told apart by the values)."""
    if not (isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name)):
        return None
    table = value.value.id
    return next(
        (
            a
            for a in (case.source.assignments(table) if table not in spared else [])
            if _typed_keys(getattr(a.node, "value", None))
        ),
        None,
    )


def _method_by_hand(call: ast.Call) -> bool | None:
    """Whether a filling method's call names a key by hand (`.update(a=...)`,
    `.setdefault('a', ...)`), or None when its argument decides (`.update({...})`)."""
    if call.keywords and any(k.arg is not None for k in call.keywords):
        return True
    if call.func.attr != "update" and call.args:  # type: ignore[attr-defined]
        return isinstance(call.args[0], ast.Constant)
    return None


def _through_name(case: Case, part: ast.AST | None, spared: frozenset[str]) -> Node | None:
    """One step further: a dictionary written by hand under another name, then used."""
    names = {n.id for n in ast.walk(part) if isinstance(n, ast.Name)} if part else set()
    return next(
        (
            a
            for name in sorted(names - spared)
            for a in case.source.assignments(name)
            if _typed_keys(getattr(a.node, "value", None))
        ),
        None,
    )


def _inside(item: Node, loops: Iterable[Node]) -> bool:
    """Whether a node sits in the body of one of these loops."""
    return any(loop.node in item.loops for loop in loops)


def _after(item: Node, loop: Node) -> bool:
    """Whether a node comes after the end of a loop, in run order."""
    end = getattr(loop.node, "end_lineno", loop.location.line)
    return ((item.location.cell or 0), item.location.line) > ((loop.location.cell or 0), end)


def _stores_what_it_held(found: list[Write]) -> bool:
    """Whether a write stores into the dictionary what it reads from it (`d[k] = d[k]`,
    `d[k] |= ...`, `d |= ...`), anywhere in the program (a helper the loop calls too)."""
    for write in found:
        node = write.item.node
        if isinstance(node, ast.AugAssign) and _is_result(node.target):
            return True
        if (
            isinstance(node, ast.Assign)
            and any(_is_result(t) for t in node.targets)
            and any(isinstance(n, ast.Name) and n.id == RESULT for n in ast.walk(node.value))
        ):
            return True
    return False


def _is_result(target: ast.AST) -> bool:
    """Whether an assignment's target is the dictionary or one of its entries."""
    inner = target.value if isinstance(target, ast.Subscript) else target
    return isinstance(inner, ast.Name) and inner.id == RESULT


def _left_an_entry(case: Case, item: Node) -> bool:
    """Whether a statement (a write, or the table written by hand it uses) gave an entry
    of the dictionary the program ends with its value, in some run, or the runs recorded
    no writes to tell.

    Keys typed in as placeholders that the loop then fills, or `.setdefault('a', ...)`
    of a key the loop already stored, leave nothing of their own: the program ends with
    the loop's work.
    """
    recorded = [
        origin
        for execution in case.run.executions
        if not execution.missing
        for origin in execution.provenance.get(RESULT, ())
    ]
    origins = [origin for origin in recorded if origin is not None]
    if not origins or len(origins) < len(recorded):
        return True
    first = getattr(item.node, "lineno", item.location.line)
    last = getattr(item.node, "end_lineno", None) or first
    return any(
        origin.location.cell == item.location.cell and first <= origin.location.line <= last
        for origin in origins
    )


def _scope(case: Case, item: Node) -> ast.AST | None:
    """Return the innermost function a node sits in, or None at the top level."""
    best: tuple[int, ast.AST] | None = None
    for other in case.source.nodes():
        function = other.node
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        end = getattr(function, "end_lineno", function.lineno)
        if (
            other.location.cell == item.location.cell
            and function.lineno < item.location.line <= end
            and (best is None or function.lineno > best[0])
        ):
            best = (function.lineno, function)
    return best[1] if best else None


def _program_writes(case: Case) -> list[Write]:
    """The writes of `can_handle_load` that can be writes of the program's own."""
    return [w for w in writes(case, RESULT) if _reaches_result(case, w)]


def _reaches_result(case: Case, write: Write) -> bool:
    """Whether a write can be one to the program's own `can_handle_load`.

    At the top level it is. Inside a function the name is the function's own local
    dictionary, another one, unless the function declares it global (or nonlocal), or
    the dictionary the program ends with got an entry from a write inside that function
    in some run (the function handed its dictionary back). A helper that is never
    called, or that keeps its dictionary to itself, does not write the program's.
    """
    scope = _scope(case, write.item)
    if not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return True  # the top level (a lambda holds no statement)
    if any(
        isinstance(node, (ast.Global, ast.Nonlocal)) and RESULT in node.names
        for node in ast.walk(scope)
    ):
        return True
    cell = write.item.location.cell
    first, last = scope.lineno, scope.end_lineno or scope.lineno
    return any(
        origin is not None
        and origin.location.cell == cell
        and first <= origin.location.line <= last
        for execution in case.run.executions
        for origin in execution.provenance.get(RESULT, ())
    )


def not_from_loop(
    case: Case, filling: list[Node], spared: frozenset[str], loops: list[Node]
) -> Verdict | None:
    """Fail step 3 when entries are written by hand, copied from answers made before the
    loop, or the loop's dictionary is replaced.

    ``filling`` are the loops that fill the dictionary, ``loops`` all the loops the step
    asks for (a helper's among them); names in ``spared`` (the exercise's own dictionary
    of capacities) are not taken for hand-written copies. A rebinding after a filling
    loop is read from the syntax tree, for its message; the recorded writes decide
    whether it threw the loop's work away, as the program may fill the new dictionary
    again (a helper called after it, a loop cell run twice).
    """
    found = _program_writes(case)
    return (
        _written_by_hand(case, found, spared, loops)
        or _copied_answer(case, found, filling, spared)
        or _replaced(case, found, filling, loops)
    )


def _fix() -> str:
    """The line that fills the dictionary inside the loop."""
    return f"`{RESULT}[{LOOP_TARGETS[0]}] = {LOOP_TARGETS[1]} >= {LOAD}`"


def _written_by_hand(
    case: Case, found: list[Write], spared: frozenset[str], loops: list[Node]
) -> Verdict | None:
    """A write that names a key by hand, or uses a dictionary written by hand, and that
    left an entry of the dictionary the program ends with (it, or the table it uses).

    A write that stores what the dictionary already held (`d[k] = d[k]`, `d[k] |= ...`)
    carries the typed entries on under its own name: then every typed write counts.
    Where a loop of the step's shape is there, the change names every line it needs
    (the empty dictionary above it, the line that stores inside it, the typed lines
    that go).
    """
    carried = _stores_what_it_held(found)
    typed = next(
        (
            (w, at)
            for w in found
            if (at := _by_hand(case, w, spared | {RESULT}))
            and (carried or _left_an_entry(case, w.item) or _left_an_entry(case, at))
        ),
        None,
    )
    if typed is None:
        return None
    write, at = typed
    written = f"`{source_text(write.item.node)}` {where(write.item.location)}"
    if at is write.item:
        what = f"{written} writes entries of `{RESULT}` by hand."
    elif _typed_list(getattr(at.node, "value", None)):
        what = f"{written} takes its keys from a list written by hand {where(at.location)}."
    else:
        what = f"{written} uses a dictionary written by hand {where(at.location)}."
    block = into_loop(case, loops[0].location) if loops else None
    change = (
        f"To fill it from the loop {where(loops[0].location)} instead: {block}."
        if block
        else f"Let the loop fill every entry from the strategy it is at: {_fix()}, with "
        "no keys or capacities typed in."
    )
    return fail(f"{what} {change}", "hand-written", write.item.location)


def _copied_answer(
    case: Case, found: list[Write], filling: list[Node], spared: frozenset[str]
) -> Verdict | None:
    """A loop that stores answers copied from a table made before it."""
    copied = next(
        ((w, at) for w in found if (at := _answer_made_outside(case, w, filling, spared))),
        None,
    )
    if copied is None:
        return None
    write, at = copied
    return fail(
        f"`{source_text(write.item.node)}` {where(write.item.location)} copies an answer "
        f"from a table made {where(at.location)}, outside the loop, so the loop does not "
        f"compute it. Compare inside the loop: {_fix()}.",
        "not-from-loop",
        write.item.location,
    )


def compared_in_loop(case: Case, loops: list[Node]) -> Verdict | None:
    """Fail step 3 when the loop stores the answers the program ends with, right in every
    run, but compares nothing: they were decided elsewhere (a table in a function's
    default argument, a generator or a list made before the loop, ...) and the loop
    only hands them on.

    The step asks for the comparison inside the loop. A loop compares when its body
    holds a comparison, or calls a function of the program's (or a method of one of its
    classes) whose body holds one; what a function's default arguments compute is done
    when it is defined, before the loop. Asked once the values are right: wrong values
    have their own, more telling, message.
    """
    filling = [n for n in loops if fills(n, RESULT)]
    defined = _own_bodies(case)
    for write in _program_writes(case):
        if write.kind == "bind" or not _left_an_entry(case, write.item):
            continue
        loop = next((n for n in reversed(filling) if _inside(write.item, [n])), None)
        if loop is None or _compares(loop.node, defined):
            continue
        return fail(
            f"`{source_text(write.item.node)}` {where(write.item.location)} stores an answer "
            f"your loop {where(loop.location)} does not compute: nothing in the loop compares "
            f"a capacity with the load. Compare inside the loop: {_fix()}.",
            "not-from-loop",
            write.item.location,
        )
    return None


def _own_bodies(case: Case) -> dict[str, list[ast.AST]]:
    """The bodies of the program's own functions, lambdas bound to a name and methods,
    by the name a call uses: what runs when the loop calls them (never their defaults)."""
    bodies: dict[str, list[ast.AST]] = {}
    for item in case.source.nodes():
        node = item.node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            bodies.setdefault(node.name, []).extend(node.body)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    bodies.setdefault(target.id, []).append(node.value.body)
    return bodies


def _compares(loop: ast.AST, bodies: dict[str, list[ast.AST]]) -> bool:
    """Whether a loop's body holds a comparison, or calls a body of the program's that
    holds one (through the functions it calls in turn)."""
    seen: set[str] = set()
    todo: list[ast.AST] = [*getattr(loop, "body", []), *getattr(loop, "orelse", [])]
    while todo:
        for node in ast.walk(todo.pop()):
            if isinstance(node, ast.Compare):
                return True
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else None
            )
            if name is not None and name in bodies and name not in seen:
                seen.add(name)
                todo.extend(bodies[name])
    return False


def _replaced(
    case: Case, found: list[Write], filling: list[Node], loops: list[Node]
) -> Verdict | None:
    """A rebinding after the filling loops that the program ends with, not their work."""
    replaced = next(
        (
            (w, before)
            for w in found
            if w.kind == "bind"
            and not _inside(w.item, filling)
            and not any(isinstance(n, ast.Name) and n.id == RESULT for n in ast.walk(w.part))  # type: ignore[arg-type]
            and (before := _work_thrown_away(case, w.item, filling)) is not None
        ),
        None,
    )
    if replaced is None or _kept(case, loops):
        return None
    write, first = replaced
    return fail(
        f"`{source_text(write.item.node)}` {where(write.item.location)} replaces the "
        f"dictionary your loop filled {where(first.location)}, so the loop's work is "
        f"thrown away. Remove it: `{RESULT}` must be the dictionary the loop fills with "
        f"{_fix()}.",
        "replaced-after-loop",
        write.item.location,
    )


def _answer_made_outside(
    case: Case, write: Write, filling: list[Node], spared: frozenset[str]
) -> Node | None:
    """Where the table is made that an entry the loop stores is copied from, as it is:
    `can_handle_load[strategy] = answers[strategy]` (or `answers[i]` in a counted loop,
    or through a name the loop body binds to it), where `answers` is made before the
    loop and the loop writes nothing into it. The answers were computed elsewhere (a
    comprehension, zip, a list); the loop only copies them. None otherwise: a table the
    loop fills itself, or one read at a computed place (`(False, True)[capacity >= load]`)."""
    loop = next((n for n in filling if _inside(write.item, [n])), None)
    if loop is None or write.kind != "entry" or not isinstance(write.item.node, ast.Assign):
        return None
    table = _table_read(case, write.item.node.value, loop, spared | {RESULT})
    if table is None or any(_inside(w.item, [loop]) for w in writes(case, table)):
        return None
    return next((a for a in case.source.assignments(table) if not _inside(a, [loop])), None)


def _table_read(
    case: Case, value: ast.AST | None, loop: Node, spared: frozenset[str]
) -> str | None:
    """The name of the table a stored value reads as it is, at one of the loop's own
    variables (`answers[strategy]`), directly or through a name the loop's body binds to
    it once; None for any other value."""
    if isinstance(value, ast.Name):
        bound = [a for a in case.source.assignments(value.id) if _inside(a, [loop])]
        value = getattr(bound[-1].node, "value", None) if len(bound) == 1 else None
    targets = {n.id for n in ast.walk(loop.node.target) if isinstance(n, ast.Name)}  # type: ignore[attr-defined]
    if (
        isinstance(value, ast.Subscript)
        and isinstance(value.value, ast.Name)
        and isinstance(value.slice, ast.Name)
        and value.slice.id in targets
        and value.value.id not in spared
    ):
        return value.value.id
    return None


def _kept(case: Case, loops: list[Node]) -> bool:
    """Whether every run ends with a dictionary that has entries, each written into it by
    these loops while they ran: whatever was rebound on the way, the program ends with
    the loops' work. A dictionary made outside them that only holds equal values (True
    and False are each one object) is not filled by them."""
    ended = [case.value(RESULT, e) for e in case.run.executions if not e.missing]
    return all(type(value) is dict and value for value in ended) and (
        written_outside(case, RESULT, loops, copies=False) is None
    )


def _work_thrown_away(case: Case, item: Node, filling: list[Node]) -> Node | None:
    """The filling loop whose work a rebinding throws away: the last one of its scope
    before it, when none of that scope comes after it. A loop that fills the new
    dictionary (a notebook's loop cell run twice, a solution written out again) does
    the work again, and the program ends with that loop's dictionary."""
    scope = _scope(case, item)
    same = [loop for loop in filling if _scope(case, loop) is scope]
    if not same or not all(_after(item, loop) for loop in same):
        return None
    return same[-1]


def from_loop(case: Case, loops: list[Node]) -> Verdict | None:
    """Fail step 3 unless the loops wrote every entry of `can_handle_load`, in every run.

    The run recorded the write that gave each entry its value, with the loops running
    at that moment; a helper function the loop calls writes for the loop. A loop that
    only prints or stores something else, followed by `dict(zip(...))`, a comprehension
    or `.update({...})`, did not compute the dictionary.
    """
    found = written_outside(case, RESULT, loops)
    if found is None or not loops:
        return None
    execution, key, origin = found
    loop = loops[0]
    block = into_loop(case, loop.location)
    fix = f"`{RESULT}[{LOOP_TARGETS[0]}] = {LOOP_TARGETS[1]} >= {LOAD}`"
    run = (
        ""
        if execution is case.run.main
        else f"With {case.expected.setting(execution.overrides).describe()}: "
    )
    if origin is None:
        at = _last_binding(case)
        made = f" by `{source_text(at.node)}` {where(at.location)}" if at is not None else ""
        return fail(
            f"{run}The entry {show(key)} of `{RESULT}` was made{made} without your loop "
            f"{where(loop.location)} writing it. "
            + (
                f"To fill it from the loop: {block}."
                if block
                else f"Fill the dictionary inside the loop: {fix}."
            ),
            "not-from-loop",
            at.location if at is not None else loop.location,
        )
    if origin.kind == "comprehension":
        return fail(
            f"{run}The entries of `{RESULT}` come from the comprehension {where(origin.location)}, "
            f"not from your loop {where(loop.location)}. "
            + (
                f"To fill it from the loop: {block}."
                if block
                else f"Fill it inside the loop: {fix}."
            ),
            "comprehension",
            origin.location,
        )
    written = _statement_text(case, origin.location)
    return fail(
        f"{run}{written} {where(origin.location)} writes the entry {show(key)} of `{RESULT}` "
        f"outside your loop {where(loop.location)}, so the loop does not compute it. "
        + (
            f"To fill it from the loop: {block}."
            if block
            else f"Fill every entry inside the loop: {fix}."
        ),
        "not-from-loop",
        origin.location,
    )


def _last_binding(case: Case) -> Node | None:
    """The last statement that binds `can_handle_load`, in the program's order."""
    bound = [w.item for w in writes(case, RESULT) if w.kind == "bind"]
    return max(bound, key=lambda n: (n.location.cell or 0, n.location.line), default=None)


def _statement_text(case: Case, location: Location) -> str:
    """The learner's statement at a place, quoted, or "The line" when there is none."""
    statements = [n for n in case.source.statement_at(location) if isinstance(n.node, ast.stmt)]
    return f"`{source_text(statements[0].node)}`" if statements else "The line"
