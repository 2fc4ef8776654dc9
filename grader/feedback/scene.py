"""The scene of an error: the learner's failing statement and the loops around it.

Built once per error from the program's syntax trees, for the rules of grader.feedback.diagnose
and grader.feedback.names to read.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from grader.analysis.source import Source
from grader.load import Program
from grader.result import Location
from grader.sandbox import Error, Execution


@dataclass(frozen=True)
class Scene:
    """An error and what surrounds it in the learner's code."""

    error: Error
    program: Program
    execution: Execution
    source: Source
    # The innermost statement on the error's line, and the for loops around it.
    statement: ast.stmt | None
    loops: tuple[ast.For, ...]

    @property
    def location(self) -> Location | None:
        """Where the error happened."""
        if self.error.line is None:
            return None
        return Location(self.error.line, self.error.cell)


Diagnosis = tuple[str, str]
Rule = Callable[[Scene], "Diagnosis | None"]


def scene_of(error: Error, program: Program, execution: Execution) -> Scene:
    """Return the scene of an error in a program, from the program's trees."""
    source = _source_of(program)
    statement: ast.stmt | None = None
    loops: list[ast.For] = []
    if error.line is not None:
        tree = next((t for cell, t in source.trees if cell == error.cell), None)
        if tree is not None:
            statement, loops = _statement_at(tree, error.line)
    return Scene(error, program, execution, source, statement, tuple(loops))


# A program's errors are explained one after another (the program as written, then each
# step and variant, then the repair search's candidates, each explained once or more):
# the program is parsed once for all of them. Programs are immutable, and equal programs
# have equal trees; the few most recent are kept.
@lru_cache(maxsize=16)
def _source_of(program: Program) -> Source:
    return Source(program)


def _statement_at(tree: ast.Module, line: int) -> tuple[ast.stmt | None, list[ast.For]]:
    """Return the innermost statement on a line and the for loops around it."""
    found: ast.stmt | None = None
    loops: list[ast.For] = []
    body: list[ast.stmt] = list(tree.body)
    while body:
        here = next(
            (s for s in body if s.lineno <= line <= (s.end_lineno or s.lineno)),
            None,
        )
        if here is None:
            break
        found = here
        inner = [
            s
            for field in ("body", "orelse", "finalbody", "handlers")
            for s in getattr(here, field, [])
            if isinstance(s, ast.stmt)
        ]
        starts_here = here.lineno == line
        if isinstance(here, ast.For) and not starts_here:
            loops.append(here)
        if starts_here or not inner:
            break
        body = inner
    return found, loops


def place(location: Location | None, here: Location | None) -> str:
    """Say where something else is: 'line 3', or 'cell 2' when in another cell."""
    if location is None:
        return ""
    if location.cell is not None and here is not None and location.cell != here.cell:
        return f"cell {location.cell}"
    return location.describe()
