"""The rule kit: everything an exercise's steps are written with.

Each function answers one question about a case (a name exists with an exact type, a
value equals the reference's, a loop of a given shape goes over a given iterable, a
printed line shows a value, a computed value follows the variants) and knows nothing of
any exercise: names, values and wording of the step come in as arguments. Codes returned
here are step-local (``missing``, ``wrong-value``...): the engine adds ``stepN.``. Each
function that can return a verdict declares its codes (``@declares``), so that loading
an exercise can check that every step declares the codes its rule can give
(grader.checks.codes).

An exercise imports what it needs from here and from grader.exercise (``Exercise``,
``Step``, ``ReferenceError_``), and nothing else of the grader.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from grader.analysis import trees
from grader.analysis.source import (
    Node,
    is_method_call,
    mentions,
    source_text,
    target_names,
    targets_of,
)
from grader.checks.case import MISSING, PASS, Case, Verdict, first_failed, fix_first
from grader.checks.codes import declared, declares
from grader.checks.judge import judge
from grader.feedback.ending import explain_abrupt
from grader.feedback.explain import advice_for, explain, where
from grader.feedback.names import markdown_advice, text_cell_with
from grader.feedback.words import RUN_ALL
from grader.result import Explanation, Location
from grader.sandbox import Execution, Run
from grader.sandbox.model import Error, Origin
from grader.sandbox.values import decode, describe, same, show

__all__ = [
    "KINDS",
    "MISSING",
    "PASS",
    "Case",
    "Execution",
    "Line",
    "Location",
    "Node",
    "Run",
    "Verdict",
    "abrupt_reason",
    "aliases",
    "broke_with",
    "declared",
    "declares",
    "decode",
    "defines",
    "describe",
    "equals",
    "exists",
    "fail",
    "fills",
    "first_failed",
    "fix_first",
    "iterates",
    "judge",
    "literal",
    "loops_over",
    "mentions",
    "near_name",
    "new_errors",
    "output_lines",
    "same",
    "show",
    "shows",
    "source_text",
    "stop_reason",
    "unpacks",
    "value_problem",
    "variant_values",
    "where",
    "while_loops",
    "written_outside",
]

# What the child records of every top-level name: the kinds `defines` tells apart.
KINDS = ("value", "function", "class", "module")


def fail(message: str, code: str, location: Location | None = None) -> Verdict:
    """Fail a step with a message, a step-local mistake code and, if known, a place."""
    return Verdict(False, message, code, location)


def stop_reason(case: Case, execution: Execution | None = None) -> Explanation | None:
    """Explain the first error of an execution, if it had one."""
    execution = execution or case.run.main
    if not execution.errors:
        return None
    exercise = case.exercise
    error = execution.errors[0]
    return explain(
        error, case.program, execution, case.timeout, exercise.advice, names=exercise.names
    )


def abrupt_reason(case: Case, execution: Execution) -> str:
    """Say why an execution stopped: its first error, or how it ended abruptly."""
    stop = stop_reason(case, execution)
    return stop.text if stop else explain_abrupt(execution, case.timeout).text


# -- a name exists -------------------------------------------------------------------


@declares("missing", "name", "not-top-level", passes=True, unless={"name": "guess"})
def exists(
    case: Case, name: str, instruction: str, like: Any = MISSING, guess: bool = True
) -> Verdict | None:
    """Fail unless the program defines a top-level name; None when it does.

    With ``guess``, a name holding ``like`` (the value the name should hold), or a name
    spelled almost the same, is offered as the learner's name for it.
    """
    if case.value(name) is not MISSING:
        return None
    near = near_name(case, name, like) if guess else None
    if near is not None:
        at = case.source.first_assignment(near)
        return fail(
            f"There is no variable named `{name}`, but there is `{near}`"
            f"{' ' + where(at) if at else ''}. Rename it to `{name}`: the name must be "
            "exactly as the step says.",
            "name",
            at,
        )
    timed = _only_timed(case, name)
    if timed is not None:
        return timed
    stop = stop_reason(case)
    never = _never_written(case, name, like, stop)
    if never is not None:
        return never
    if stop is not None:
        # A name the program made, but that holds what cannot be sent back (a type, a
        # function), was created: the error alone says what went wrong.
        made = name in dict(case.run.main.names)
        lead = "" if made else f"`{name}` was never created. "
        return fail(f"{lead}{stop.text}", stop.code, stop.location)
    gone = _deleted(case, name) or _in_markdown(case, name)
    if gone is not None:
        return gone
    inner = case.source.assignments(name)
    if inner:
        return fail(
            f"`{name}` is only created inside a function {where(inner[0].location)}, so it "
            "does not exist when the program ends. Create it at the top level of your "
            "program, outside any function.",
            "not-top-level",
            inner[0].location,
        )
    return fail(f"There is no variable named `{name}`. {instruction}", "missing")


def _never_written(case: Case, name: str, like: Any, stop: Explanation | None) -> Verdict | None:
    """A name the step asks for that no line of the program makes (a notebook's cell
    deleted, or the line never written), read by a line that stopped on it: the line to
    write is the step's own, with the value it should hold, at the top."""
    error = case.run.main.errors[0] if case.run.main.errors else None
    if (
        stop is None
        or like is MISSING
        or error is None
        or f"name '{name}' is not defined" not in error.message
        or _binds(case, name)
        or advice_for(error, case.program, case.run.main, case.timeout, names=[name])[2]
    ):
        # A diagnosis that names the change (a `==` for `=`, a line in a text cell)
        # says it better: the value is there, written wrong.
        return None
    fact = stop.text.removesuffix("\n" + stop.advice) if stop.advice else stop.text
    line = f"`{name} = {show(like, 200)}`"
    if case.program.kind == "notebook":
        change = (
            f"No cell of your notebook creates `{name}` (a cell deleted, or never written). "
            f"Add this cell at the top, then {RUN_ALL}: {line}."
        )
    else:
        change = f"No line of your program creates `{name}`. Write at the top: {line}."
    return fail(f"{fact}\n{change}", stop.code, stop.location)


def _binds(case: Case, name: str) -> bool:
    """Whether any statement of the program binds a name, in any way."""
    for item in case.source.nodes():
        node = item.node
        if isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and (
            node.name == name
        ):
            return True
        if isinstance(node, ast.alias) and (node.asname or node.name.split(".")[0]) == name:
            return True
    return False


def _only_timed(case: Case, name: str) -> Verdict | None:
    """Fail a name that only code IPython times in a function of its own (%%timeit,
    %timeit) creates: it does not stay after that code."""
    magics = []
    for item in case.source.assignments(name):
        cell = case.program.cell(item.location.cell)
        timed = [t for t in (cell.timed if cell else ()) if t.line in (0, item.location.line)]
        if not timed:
            return None
        magics.append("%%timeit" if timed[0].line == 0 else "%timeit")
    if not magics:
        return None
    at = case.source.assignments(name)[0].location
    return fail(
        f"`{name}` is only created {where(at)}, which `{magics[0]}` runs inside a function of "
        f"its own, so it does not exist afterwards. Create it without `{magics[0]}`.",
        "not-top-level",
        at,
    )


def _deleted(case: Case, name: str) -> Verdict | None:
    """Fail a name that the program creates, then deletes with `del`."""
    for item in case.source.nodes():
        node = item.node
        if isinstance(node, ast.Delete) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return fail(
                f"`{source_text(node)}` {where(item.location)} deletes `{name}`, so it no "
                "longer exists when the program ends. Remove that line.",
                "deleted",
                item.location,
            )
    return None


def _in_markdown(case: Case, name: str) -> Verdict | None:
    """Fail a name whose code was typed into a notebook's Markdown cell."""
    found = text_cell_with(case.program, rf"^\s*{re.escape(name)}\s*=[^=]")
    if found is None:
        return None
    number, kind, line = found
    return fail(markdown_advice(name, number, line, kind), "name-error.markdown-cell", None)


def near_name(case: Case, name: str, like: Any = MISSING) -> str | None:
    """Find the learner's name for a value when the exact name is missing."""
    taken = case.exercise.names
    values = [n for n, category in case.run.main.names if category == "value" and n not in taken]
    if like is not MISSING:
        for other in values:
            if same(case.value(other), like):
                return other
    close = difflib.get_close_matches(name, values, 1, 0.75)
    if close:
        return close[0]
    lowered = [v for v in values if v.lower() == name.lower()]
    return lowered[0] if lowered else None


# -- a value equals the reference's --------------------------------------------------


@declares("bool-value", "float-value", "string-value", "wrong-value")
def value_problem(label: str, got: Any, wanted: Any) -> tuple[str, str]:
    """Name what is wrong with one value (its type, or its number): (code, text)."""
    if type(got) is bool:
        return (
            "bool-value",
            f"{label} is {got}, which is not a number; it should be the number {show(wanted)}",
        )
    if type(got) is float and got == wanted:
        return (
            "float-value",
            f"{label} is {show(got)}, a number with a decimal point; write the whole number "
            f"{show(wanted)}",
        )
    if type(got) is str and got.strip() == str(wanted):
        return (
            "string-value",
            f"{label} is the string {show(got)}; remove the quotes so it is the number {show(wanted)}",
        )
    # The kind is said only when it is not the one asked for: "5 (an int)" beside "2"
    # says nothing the numbers do not.
    shown = show(got) if type(got) is type(wanted) else describe(got)
    return ("wrong-value", f"{label} is {shown}; it should be {show(wanted)}")


@declares(
    "missing",
    "name",
    "not-top-level",
    "bool-value",
    "float-value",
    "string-value",
    "wrong-value",
    passes=True,
)
def equals(case: Case, name: str, wanted: Any, instruction: str) -> Verdict:
    """Pass when a top-level name exists and holds exactly the reference's value."""
    missing = exists(case, name, instruction, like=wanted)
    if missing is not None:
        return missing
    value = case.value(name)
    if same(value, wanted):
        return PASS
    at = case.source.first_assignment(name)
    code, text = value_problem(f"`{name}`", value, wanted)
    return fail(f"{text[0].upper()}{text[1:]}{' (' + at.describe() + ')' if at else ''}.", code, at)


# -- a loop of a given shape over a given iterable ------------------------------------


def loops_over(case: Case, names: Iterable[str]) -> list[Node]:
    """Return the for statements whose iterable reads one of these names."""
    wanted = tuple(names)
    return [
        n
        for n in case.source.for_loops()
        if any(mentions(it, name) for it in _iterables(case, n) for name in wanted)
    ]


def _loop_iterable(case: Case, loop: Node) -> ast.AST:
    """The expression a for loop goes over, read through a name that stands for it.

    ``pairs = d.items()`` then ``for k, v in pairs:`` goes over ``d.items()`` as surely
    as ``for k, v in d.items():`` does, and so does ``for k, v in pairs:`` in a function
    whose parameter ``pairs`` every call gives ``d.items()``, or ``for k, v in items():``
    after ``items = d.items``. A name bound more than once,
    or otherwise than by a plain assignment, or given different things, stays the name.
    """
    iterable: ast.AST = loop.node.iter  # type: ignore[attr-defined]
    if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name):
        # `items = d.items` then `for k, v in items():`: the name stands for the method.
        method = _bound_once(case, iterable.func.id)
        if isinstance(method, ast.Attribute):
            return ast.Call(func=method, args=iterable.args, keywords=iterable.keywords)
    if not isinstance(iterable, ast.Name):
        return iterable
    value = _bound_once(case, iterable.id)
    if value is not None:
        return value
    given = _given(case, loop, iterable.id) if not case.source.assignments(iterable.id) else []
    if given and all(ast.dump(g) == ast.dump(given[0]) for g in given):
        return given[0]
    return iterable


def _bound_once(case: Case, name: str) -> ast.AST | None:
    """What a name is bound to by its one plain assignment (`x = ...`), or None."""
    bound = case.source.assignments(name)
    statement = bound[0].node if len(bound) == 1 else None
    if (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
    ):
        return statement.value
    return None


def _given(case: Case, loop: Node, parameter: str) -> list[ast.AST]:
    """What the calls of the function around a loop pass for one of its parameters."""
    function = _around(case, loop)
    if function is None:
        return []
    parameters = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    position = parameters.index(parameter) if parameter in parameters else None
    given: list[ast.AST] = []
    for call in (n.node for n in case.source.nodes() if isinstance(n.node, ast.Call)):
        if isinstance(call.func, ast.Name) and call.func.id == function.name:
            if position is not None and position < len(call.args):
                given.append(call.args[position])
            given.extend(k.value for k in call.keywords if k.arg == parameter)
    return given


def _around(case: Case, loop: Node) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The innermost function a loop sits in, or None at the top level."""
    around = [
        n.node
        for n in case.source.nodes()
        if isinstance(n.node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and n.location.cell == loop.location.cell
        and n.node.lineno < loop.location.line <= (n.node.end_lineno or n.node.lineno)
    ]
    return max(around, key=lambda f: f.lineno, default=None)


def iterates(loop: Node, names: Iterable[str], method: str, case: Case | None = None) -> bool:
    """Whether a loop's iterable is ``name.method()`` for one of these names, bare or
    wrapped (``list(...)``, ``sorted(...)``); given the case, also through a name bound
    to it (`pairs = d.items()`, a parameter every call gives it)."""
    iterables = _iterables(case, loop) if case is not None else (loop.node.iter,)  # type: ignore[attr-defined]
    return any(
        is_method_call(node, name, method) or _method_of_a_copy(node, name, method)
        for iterable in iterables
        for node in ast.walk(iterable)
        for name in names
    )


def _method_of_a_copy(node: ast.AST, name: str, method: str) -> bool:
    """Whether a node is ``name.copy().method()`` or ``dict(name).method()``: a copy has
    the same items, keys and values as the dictionary itself."""
    if not (
        isinstance(node, ast.Call)
        and not node.args
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == method
    ):
        return False
    owner = node.func.value
    return is_method_call(owner, name, "copy") or (
        isinstance(owner, ast.Call)
        and isinstance(owner.func, ast.Name)
        and owner.func.id == "dict"
        and len(owner.args) == 1
        and not owner.keywords
        and isinstance(owner.args[0], ast.Name)
        and owner.args[0].id == name
    )


def _iterables(case: Case, loop: Node) -> tuple[ast.AST, ...]:
    """A loop's iterable as written, and what the name it may be stands for."""
    return (loop.node.iter, _loop_iterable(case, loop))  # type: ignore[attr-defined]


def unpacks(loop: Node, targets: tuple[str, ...]) -> bool:
    """Whether a for loop unpacks into exactly these names, each item's own names even
    when the items are counted: `enumerate(...)` yields (count, item), so in
    `for i, (a, b) in enumerate(d.items())` the item still unpacks into `a, b`."""
    target, iterable = loop.node.target, loop.node.iter  # type: ignore[attr-defined]
    if target_names(target) == targets:
        return True
    counted = (
        isinstance(iterable, ast.Call)
        and isinstance(iterable.func, ast.Name)
        and iterable.func.id == "enumerate"
    )
    return (
        counted
        and isinstance(target, (ast.Tuple, ast.List))
        and len(target.elts) == 2
        and target_names(target.elts[1]) == targets
    )


# -- a printed line shows a value ----------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One printed line: its text, the literal it reads as (or MISSING), where it came from."""

    text: str
    value: Any
    location: Location | None


def output_lines(execution: Execution) -> list[Line]:
    """Split what an execution printed into lines, each read as a literal when it is one."""
    texts = execution.stdout.split("\n")
    if texts and texts[-1] == "":
        texts.pop()
    lines = []
    for index, text in enumerate(texts):
        origin = execution.line_origins[index] if index < len(execution.line_origins) else None
        location = Location(origin[1], origin[0]) if origin and origin[1] else None
        lines.append(Line(text, literal(text), location))
    return lines


def literal(text: str) -> Any:
    """Read a printed line back as a Python literal (a dict, a string...), or MISSING."""
    stripped = text.strip()
    if not stripped or len(stripped) > 5000 or stripped[0] not in "{[('\"":
        return MISSING
    try:
        return trees.literal(stripped)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return MISSING


def shows(line: Line, value: Any) -> bool:
    """Whether a printed line is a value: its literal, or for a string, its very text."""
    if type(value) is str:
        return line.text == value
    return same(line.value, value)


# -- a computed value follows the variants -------------------------------------------


def new_errors(case: Case, execution: Execution) -> bool:
    """Whether a variant failed where the program as written did not."""
    seen = {(e.type, e.cell, e.line) for e in case.run.main.errors}
    return any((e.type, e.cell, e.line) not in seen for e in execution.errors)


def variant_values(
    case: Case,
    name: str,
    varied: str | Callable[[Mapping[str, Any]], Any],
    skip: Callable[[Execution], bool] = lambda execution: False,
) -> tuple[dict[Any, Any], Execution | None]:
    """Read a name's value in the variants, keyed by their setting.

    With a name for ``varied``, only the variants that set it count, keyed by its value;
    with a function, every variant counts, keyed by the function of its overrides (for
    variants that change more than one name). Returns the values found, and the first
    variant that broke (no value, or an error the program as written did not have), if
    one did; ``skip`` leaves a variant out.
    """
    found: dict[Any, Any] = {}
    for execution in case.run.executions[1:]:
        if isinstance(varied, str) and varied not in execution.overrides:
            continue
        if skip(execution):
            continue
        value = case.value(name, execution)
        if (
            execution.missing
            or value is MISSING
            or (new_errors(case, execution) and not _settled(case, name, execution))
        ):
            return found, execution
        setting = (
            execution.overrides[varied] if isinstance(varied, str) else varied(execution.overrides)
        )
        found[setting] = value
    return found, None


# Builtins that reach names by their text, or an object's attributes: a call of one can
# change anything. Any other builtin changes a value only when it is handed it.
REACHING = frozenset(
    ("__import__", "delattr", "eval", "exec", "getattr", "globals", "locals", "setattr", "vars")
)
# A dictionary's methods that read it and change nothing.
READING_METHODS = frozenset(("copy", "get", "items", "keys", "values"))


def _settled(case: Case, name: str, execution: Execution) -> bool:
    """Whether every error new in a variant struck once the name's value was final.

    An error raised by a top-level statement that cannot change the name, with none
    after it that can (a self-check such as `assert result == {...}` at the end, true
    only for the exercise's own values), leaves the value as the run made it: the run
    is judged on that value. An error in or before a statement that can change it may
    have cut it short: the run broke.
    """
    seen = {(e.type, e.cell, e.line) for e in case.run.main.errors}
    new = [e for e in execution.errors if (e.type, e.cell, e.line) not in seen]
    if not new or len(case.source.trees) != len(case.program.cells):
        return False
    statements = [(cell, stmt) for cell, tree in case.source.trees for stmt in tree.body]
    classes = frozenset(
        n.node.name for n in case.source.nodes() if isinstance(n.node, ast.ClassDef)
    )
    changes = _Changes(aliases(case, name), _bound_anywhere(case), _callables(case), classes)
    for error in new:
        start = _raised_by(statements, error)
        if start is None or any(changes.statement(s) for _, s in statements[start:]):
            return False
    return True


def _raised_by(statements: list[tuple[int | None, ast.stmt]], error: Error) -> int | None:
    """The index of the top-level statement an error was raised in (its outermost frame)."""
    cell, line = error.frames[0][:2] if error.frames else (error.cell, error.line)
    if line is None:
        return None
    return next(
        (
            index
            for index, (at, stmt) in enumerate(statements)
            if at == cell and stmt.lineno <= line <= (stmt.end_lineno or stmt.lineno)
        ),
        None,
    )


def _bound_anywhere(case: Case) -> frozenset[str]:
    """Every name the program binds: assigned, defined, imported or made a loop variable."""
    found: set[str] = set()
    for item in case.source.nodes():
        node = item.node
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            found.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
        elif isinstance(node, ast.alias):
            found.add((node.asname or node.name).split(".")[0])
    return frozenset(found)


@dataclass
class _Changes:
    """What can change the value of some names, read from the program's syntax trees."""

    # The names (a name and those that stand for it), every name the program binds, its
    # functions and methods by name (a class as its __init__), and its classes' names.
    names: frozenset[str]
    bound: frozenset[str]
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef]
    classes: frozenset[str]
    # The functions already read: a call of one again adds nothing.
    read: set[str] = field(default_factory=set)

    def statement(self, statement: ast.stmt, rebinds: bool = True) -> bool:
        """Whether a statement can change one of the names: it binds (``rebinds``: at the
        top level, or in a function that declares it global), deletes or stores into one,
        calls one's method that writes, hands one to another object's method, calls a
        builtin that reaches names (exec, setattr...), or calls a function of the
        program's that can."""
        return any(
            (rebinds and self._binds(node)) or self._stores_into(node) or self._call(node)
            for node in ast.walk(statement)
        )

    def _binds(self, node: ast.AST) -> bool:
        """Whether a node binds one of the names: assigns, deletes, defines or imports it."""
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return node.name in self.names
        if isinstance(node, ast.alias):
            return (node.asname or node.name).split(".")[0] in self.names
        return (
            isinstance(node, ast.Name)
            and not isinstance(node.ctx, ast.Load)
            and node.id in self.names
        )

    def _stores_into(self, node: ast.AST) -> bool:
        """Whether a node stores into, or deletes from, one of the names: `name[key] = ...`."""
        return (
            isinstance(node, (ast.Subscript, ast.Attribute))
            and not isinstance(node.ctx, ast.Load)
            and any(isinstance(n, ast.Name) and n.id in self.names for n in ast.walk(node))
        )

    def _call(self, call: ast.AST) -> bool:
        """Whether a node is a call that can change one of the names (see statement)."""
        if not isinstance(call, ast.Call):
            return False
        function = call.func
        if isinstance(function, ast.Name):
            if function.id in self.bound:
                return self._function(function.id)
            return function.id in REACHING  # no other builtin changes what it is handed
        elif isinstance(function, ast.Attribute):
            owner = function.value
            if isinstance(owner, ast.Name) and owner.id in self.names:
                return function.attr not in READING_METHODS
            if function.attr in self.bound:
                return self._function(function.attr)  # a method of the program's classes
        else:
            return True
        passed = [*call.args, *(k.value for k in call.keywords)]
        return any(
            isinstance(n, ast.Name) and n.id in self.names for a in passed for n in ast.walk(a)
        )

    def _function(self, name: str) -> bool:
        """Whether calling one of the program's names can change one of the names."""
        function = self.functions.get(name)
        if function is None:
            # A class with no __init__ only makes an object; anything else (a lambda, a
            # name bound to what the source does not say) may do anything.
            return name not in self.classes
        if name in self.read:
            return False
        self.read.add(name)
        declared = {
            bound
            for node in ast.walk(function)
            if isinstance(node, (ast.Global, ast.Nonlocal))
            for bound in node.names
        }
        rebinds = bool(declared & self.names)
        return any(self.statement(s, rebinds) for s in function.body)


def broke_with(
    case: Case,
    broken: Execution,
    varied: str,
    name: str,
    code: str,
    at: Location | None = None,
    instead_of: str = "",
) -> Verdict:
    """Fail a step because the program, run with another value of ``varied``, broke."""
    stop = stop_reason(case, broken)
    instead = f" instead of {instead_of}" if instead_of else ""
    return fail(
        f"With `{varied} = {show(broken.overrides.get(varied))}`{instead}, your program did "
        f"not produce `{name}`. {abrupt_reason(case, broken)}",
        code,
        stop.location if stop else at,
    )


def written_outside(
    case: Case, name: str, loops: Iterable[Node], copies: bool = True
) -> tuple[Execution, Any, Origin | None] | None:
    """Find an entry of a top-level dict that none of these loops wrote while it ran.

    What decides is what the program did, in every run: the write that last gave each
    entry its value (grader/sandbox/harness/guards.py records them), with the loops
    running at that moment. A write by a function the loop's body calls counts as the
    loop's; a comprehension, a dictionary built by dict(...) or zip(...), or a write
    after the loop does not. A copy of a dictionary the loop filled keeps the loop's
    writes; with ``copies`` False it does not (an entry must have been written into this
    very dictionary). Returns the run, the key and the origin it has (None: no write of
    the program's made it), or None when the loops wrote every entry in every run.
    """
    wanted = {loop.location for loop in loops}
    for execution in case.run.executions:
        value = case.value(name, execution)
        if execution.missing or type(value) is not dict:
            continue
        origins = execution.provenance.get(name, ())
        for index, key in enumerate(value):
            origin = origins[index] if index < len(origins) else None
            if (
                origin is None
                or origin.kind == "comprehension"
                or not wanted & set(origin.loops)
                or (origin.copied and not copies)
            ):
                return execution, key, origin
    return None


def aliases(case: Case, name: str) -> frozenset[str]:
    """Return a name and the names that stand for it: the parameters it is passed to
    (``def f(caps): ... f(name)``, a class's ``__init__`` too) or is the default of
    (``def f(caps=name)``), the names bound once to it (``caps = name``), the attributes
    it is stored in (``self.caps = name``), and theirs in turn."""
    functions = _callables(case)
    calls = [n.node for n in case.source.nodes() if isinstance(n.node, ast.Call)]
    names = {name}
    while True:
        found = set(names)
        for call in calls:
            function = functions.get(call.func.id) if isinstance(call.func, ast.Name) else None
            if function is not None:
                for known in names:
                    found.update(_receiving(function, call, known))
        found.update(_defaulting(functions.values(), names))
        found.update(_renaming(case, names))
        found.update(_kept(case, names))
        if found == names:
            return frozenset(names)
        names = found


def _callables(case: Case) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    """The program's functions by name, and its classes as their ``__init__``."""
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {
        n.node.name: n.node
        for n in case.source.nodes()
        if isinstance(n.node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    functions.update(
        (n.node.name, init)
        for n in case.source.nodes()
        if isinstance(n.node, ast.ClassDef)
        for init in n.node.body
        if isinstance(init, ast.FunctionDef) and init.name == "__init__"
    )
    return functions


def _defaulting(
    functions: Iterable[ast.FunctionDef | ast.AsyncFunctionDef], names: set[str]
) -> Iterator[str]:
    """Yield the parameters whose default value is one of these names."""
    for function in functions:
        arguments = function.args
        positional = [*arguments.posonlyargs, *arguments.args]
        paired = [
            *zip(
                positional[len(positional) - len(arguments.defaults) :],
                arguments.defaults,
                strict=True,
            ),
            *zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True),
        ]
        for parameter, default in paired:
            if isinstance(default, ast.Name) and default.id in names:
                yield parameter.arg


def _kept(case: Case, names: set[str]) -> Iterator[str]:
    """Yield the attributes of a plain name that one of these names is stored in
    (``self.caps = caps``), dotted: ``self.caps``."""
    for item in case.source.nodes():
        node = item.node
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Name)
            and node.value.id in names
        ):
            yield from (
                ast.unparse(t)
                for t in node.targets
                if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name)
            )


def _renaming(case: Case, names: set[str]) -> Iterator[str]:
    """Yield the names bound once, by a plain assignment, to one of these names."""
    for item in case.source.nodes():
        node = item.node
        if not (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Name)
            and node.value.id in names
        ):
            continue
        for target in node.targets:
            if isinstance(target, ast.Name) and len(case.source.assignments(target.id)) == 1:
                yield target.id


def _receiving(
    function: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, name: str
) -> Iterator[str]:
    """Yield the parameters of a function that a call passes a name to; a class's
    ``__init__`` is called without its first parameter (``self``)."""
    parameters = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    parameters = parameters[1:] if function.name == "__init__" else parameters
    for position, arg in enumerate(call.args[: len(parameters)]):
        if isinstance(arg, ast.Name) and arg.id == name:
            yield parameters[position]
    for keyword in call.keywords:
        if keyword.arg and isinstance(keyword.value, ast.Name) and keyword.value.id == name:
            yield keyword.arg


def fills(loop: Node, name: str) -> bool:
    """Whether a loop's body adds to a dict of this name (item assignment, update, ...)."""
    for node in ast.walk(loop.node):
        for target in targets_of(node):
            if isinstance(target, ast.Subscript) and mentions(target.value, name):
                return True
            if isinstance(target, ast.Name) and target.id == name and node is not loop.node:
                return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("update", "setdefault", "__setitem__")
            and mentions(node.func.value, name)
        ):
            return True
    return False


# -- a name exists with an exact kind -----------------------------------------------


@declares("missing", "not-{kind}", passes=True, choices={"kind": KINDS})
def defines(case: Case, name: str, kind: str, instruction: str) -> Verdict | None:
    """Fail unless the program defines a top-level name of this kind; None when it does.

    ``kind`` is what the child records for every top-level name: "value", "function",
    "class" or "module". Codes: ``missing``, ``not-<kind>``.
    """
    kinds = dict(case.run.main.names)
    if kinds.get(name) == kind:
        return None
    if name in kinds:
        at = case.source.first_assignment(name)
        return fail(
            f"`{name}` is a {kinds[name]} here, not a {kind}. {instruction}", f"not-{kind}", at
        )
    stop = stop_reason(case)
    if stop is not None:
        return fail(f"`{name}` was never created. {stop.text}", stop.code, stop.location)
    return fail(f"There is no {kind} named `{name}`. {instruction}", "missing")


def while_loops(case: Case) -> list[Node]:
    """Return every while statement of the program."""
    return [n for n in case.source.nodes() if isinstance(n.node, ast.While)]
