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

from grader.feedback.corrections import line_edits
from grader.feedback.edits import Edit, Focus, ranked
from grader.feedback.moves import statement_edits
from grader.feedback.scan import bound_names, scan
from grader.load import Program
from grader.result import Location
from grader.sandbox import Error

# Syntax errors whose line is often the one after the mistake (a colon or a bracket
# missing at the end of the line before).
_LOOK_BEFORE = ("expected ':'", "was never closed", "invalid syntax", "expected an indented block")


def candidates(program: Program, focus: Focus) -> list[Edit]:
    """Return the edits of the error model the focus asks for, in the order to try them."""
    bound = bound_names(program)
    found = [*line_edits(program, focus, bound), *statement_edits(program, focus, bound)]
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
            assigned = re.match(r"\s*([A-Za-z_]\w*)\s*=(?!=)", text)
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
    """Look at every line of the program, nearest the step's place first."""
    cells = [cell.number for cell in program.cells]
    anchor_cell = location.cell if location is not None else None
    anchor_line = location.line if location is not None else 1
    anchor = cells.index(anchor_cell) if anchor_cell in cells else 0
    places = []
    for index, cell in enumerate(program.cells):
        for number, text in enumerate(cell.source.split("\n"), 1):
            if text.strip() and not text.lstrip().startswith("#"):
                distance = (
                    abs(index - anchor),
                    abs(number - anchor_line) if index == anchor else number,
                )
                places.append((distance, Location(number, cell.number)))
    return Focus(
        tuple(place for _, place in sorted(places, key=lambda p: p[0])), None, wanted, kinds or {}
    )


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
            ast.parse(cell.source)
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return False
    return True
