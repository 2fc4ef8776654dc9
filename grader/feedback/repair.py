"""The repair search's candidates: where to look, and every small edit of the error model there.

A search repairs one thing at a time, the first thing the learner reads: the error that
stopped the program (a syntax error, a NameError...), or, when the program ran, the
first step that failed. ``error_focus`` and ``step_focus`` say where to look for each,
nearest first; ``candidates`` applies the error model there and returns the edits in
the order they are worth trying, smallest first. Pure functions of the learner's code:
verifying a candidate (running it, judging it) is grader.feedback.search.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

from grader.analysis import trees
from grader.feedback.corrections import all_closed, closings, line_edits
from grader.feedback.edits import Edit, Focus, ranked, repeated
from grader.feedback.moves import statement_edits
from grader.feedback.scan import bound_names, scan
from grader.feedback.tokens import generic_edits
from grader.load import Program
from grader.result import Location
from grader.sandbox import Error

# Syntax errors whose line is often the one after the mistake (a colon or a bracket
# missing at the end of the line before).
_LOOK_BEFORE = ("expected ':'", "was never closed", "invalid syntax", "expected an indented block")


def candidates(program: Program, focus: Focus) -> list[Edit]:
    """Return the edits of the error model the focus asks for, in the order to try them."""
    bound = bound_names(program)
    lines = list(line_edits(program, focus, bound))
    found = [
        *lines,
        *repeated(lines, program),
        *closings(program, focus),
        *all_closed(program, focus),
        *statement_edits(program, focus, bound),
        # The generic model last: an edit a correction of its own names is said its way.
        *generic_edits(program, focus, bound),
    ]
    return ranked(found, focus, program)


def error_focus(
    program: Program,
    error: Error,
    wanted: tuple[str, ...] = (),
    kinds: Mapping[str, str] | None = None,
) -> Focus:
    """Look at an error's line first, then at the lines that make the values it uses."""
    kinds = kinds or {}
    if error.line is None:
        return Focus((), error, wanted, kinds)
    here = Location(error.line, error.cell)
    places = [here]
    if error.syntax:
        if any(key in error.message for key in _LOOK_BEFORE) and error.line > 1:
            places.append(Location(error.line - 1, error.cell))
        return Focus(tuple(places), error, wanted, kinds)
    cell = program.cell(error.cell)
    read = {m.group() for m in scan(cell.line_text(error.line)).names()} if cell else set()
    for other in program.cells:
        for number, text in enumerate(other.source.split("\n"), 1):
            assigned = re.match(r"\s*([A-Za-z_]\w*)\s*(?:=(?!=)|:)", text)
            place = Location(number, other.number)
            if assigned and assigned.group(1) in read and place not in places:
                places.append(place)
    return Focus(tuple(places), error, wanted, kinds)


def step_focus(
    program: Program,
    location: Location | None,
    wanted: tuple[str, ...] = (),
    kinds: Mapping[str, str] | None = None,
) -> Focus:
    """Look at the lines the step's value comes from, nearest the step's place first.

    A step is judged at a place: the line that makes the value it checks, or prints it.
    Only the lines that make that value, or a value those lines read, can change what
    the step sees; the others are left alone (a step about one name is not repaired by
    turning a comparison elsewhere).
    """
    cells = [cell.number for cell in program.cells]
    anchor_cell = location.cell if location is not None else None
    anchor_line = location.line if location is not None else 1
    anchor = cells.index(anchor_cell) if anchor_cell in cells else 0
    sources = slice_of(program, location)
    places = []
    for index, cell in enumerate(program.cells):
        for number, text in enumerate(cell.source.split("\n"), 1):
            place = Location(number, cell.number)
            if not text.strip() or text.lstrip().startswith("#"):
                continue
            if sources is not None and place not in sources:
                continue
            distance = (
                abs(index - anchor),
                abs(number - anchor_line) if index == anchor else number,
            )
            places.append((distance, place))
    ordered = tuple(place for _, place in sorted(places, key=lambda p: p[0]))
    return Focus(ordered, None, wanted, kinds or {}, strict=sources is not None)


def slice_of(program: Program, location: Location | None) -> frozenset[Location] | None:
    """The lines a value at a place comes from: its line, the lines that write the names
    it uses, and so on back (with the loops around them); None when that cannot be read.
    """
    if location is None:
        return None
    statements: list[tuple[Location, set[str], set[str]]] = []
    for cell in program.cells:
        try:
            tree = trees.parse(cell.source)
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return None
        statements.extend(_flow(tree, cell.number))
    here = [s for s in statements if s[0] == location]
    if not here:
        return None
    wanted: set[str] = set()
    for _, written, read in here:
        wanted |= written | read
    lines = {location}
    while True:
        writers = [s for s in statements if s[1] & wanted and s[0] not in lines]
        if not writers:
            return frozenset(lines)
        for place, _, read in writers:
            lines.add(place)
            wanted |= read


def _flow(tree: ast.Module, cell: int | None) -> list[tuple[Location, set[str], set[str]]]:
    """Each simple statement's place, the names it writes and the names it reads.

    A loop's header writes its variables from what it reads; a statement inside a loop
    or an `if` also reads what decides whether it runs. `d[k] = v` and `d.update(...)`
    write `d`.
    """
    out: list[tuple[Location, set[str], set[str]]] = []
    stack: list[tuple[ast.AST, set[str]]] = [(node, set()) for node in tree.body]
    while stack:
        node, around = stack.pop()
        if isinstance(node, (ast.For, ast.AsyncFor)):
            targets = _names(node.target, ast.Store)
            out.append((Location(node.lineno, cell), targets, _names(node.iter, ast.Load) | around))
            stack.extend((child, around | targets) for child in [*node.body, *node.orelse])
            continue
        if isinstance(node, (ast.If, ast.While, ast.With, ast.Try, ast.FunctionDef)):
            test = getattr(node, "test", None)
            inner = around | (_names(test, ast.Load) if test is not None else set())
            if test is not None:
                # The test decides what the body writes: it writes it too, in effect.
                out.append((Location(node.lineno, cell), _written(node), inner))
            for field in ("body", "orelse", "finalbody"):
                stack.extend((child, inner) for child in getattr(node, field, []))
            for handler in getattr(node, "handlers", []):
                stack.extend((child, inner) for child in handler.body)
            continue
        place = Location(getattr(node, "lineno", 1), cell)
        out.append((place, _written(node), _names(node, ast.Load) | around))
    return out


def _written(node: ast.AST) -> set[str]:
    """The names a statement writes: assigns, stores an entry of, or calls a method of."""
    written: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, (ast.Store, ast.Del)):
            written.add(sub.id)
        elif isinstance(sub, ast.Subscript) and isinstance(sub.ctx, ast.Store):
            written |= _names(sub.value, ast.Load)
        elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute):
            written |= _names(sub.func.value, ast.Load)
    return written


def _names(node: ast.AST | None, context: type) -> set[str]:
    if node is None:
        return set()
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, context)}


def kinds_of(values: Mapping[str, object]) -> dict[str, str]:
    """Return the type name of each top-level value a run sent back (its ``type`` field)."""
    out = {}
    for name, data in values.items():
        kind = data.get("type") if isinstance(data, dict) else None
        if isinstance(kind, str):
            out[name] = kind
    return out


def parses(program: Program) -> bool:
    """Whether every cell of a program reads as Python."""
    for cell in program.cells:
        try:
            trees.parse(cell.source)
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return False
    return True


def numbers_of(values: Mapping[str, object], wanted: tuple[str, ...]) -> dict[str, int | float]:
    """The number each asked-for name holds at the end of a run, of those that hold one.

    A truth value is no number here: `True` typed in is not `1` written by hand.
    """
    out: dict[str, int | float] = {}
    for name in wanted:
        data = values.get(name)
        if not isinstance(data, dict) or data.get("type") not in ("int", "float"):
            continue
        number = data.get("value")
        if isinstance(number, (int, float)) and not isinstance(number, bool):
            out[name] = number
    return out
