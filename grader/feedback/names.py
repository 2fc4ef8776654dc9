"""Diagnoses of a name Python does not know: where it is created, or what was meant.

A name "is not defined" for many reasons a learner can act on: the line (or notebook
cell) that creates it is further down, it was typed into a Markdown cell, or it is a
builtin misspelled or kept from Python 2.
"""

from __future__ import annotations

import ast
import builtins
import difflib
import re

from grader.analysis.source import Node, target_names
from grader.feedback.order import Late, late_cells, said
from grader.feedback.scene import Diagnosis, Scene
from grader.feedback.words import RUN_ALL
from grader.load import Program
from grader.result import Location

# Names a beginner meets in the first week; a close misspelling of one is named as such.
# fmt: off
_COMMON_BUILTINS = (
    "print", "range", "len", "dict", "list", "int", "str", "float", "bool", "input",
    "sum", "min", "max", "sorted", "type", "set", "tuple", "enumerate", "zip", "round",
    "abs", "isinstance",
)
# fmt: on
# Python 2 names a tutorial may still show, and what Python 3 calls them.
_PYTHON2 = {
    "raw_input": "input",
    "xrange": "range",
    "unicode": "str",
    "basestring": "str",
    "long": "int",
    "unichr": "chr",
}
_BUILTIN_NAMES = frozenset(name for name in dir(builtins) if not name.startswith("_"))


def builtin_misspelled(scene: Scene) -> Diagnosis | None:
    """`pritn(...)`, `raw_input()`: a builtin misspelled, or one from Python 2."""
    match = re.search(r"name '(\w+)' is not defined", scene.error.message)
    if match is None:
        return None
    name = match.group(1)
    if name in _PYTHON2:
        return "name-error", (f"`{name}` is Python 2; in Python 3 it is `{_PYTHON2[name]}`.")
    if name.lower() in _BUILTIN_NAMES:
        return None  # a capital letter: grader.feedback.explain says that one
    known = [n for n, _ in scene.execution.names]
    if difflib.get_close_matches(name, known, n=1, cutoff=0.7):
        return None
    close = difflib.get_close_matches(name, _COMMON_BUILTINS, n=1, cutoff=0.75)
    if not close:
        return None
    return "name-error", (
        f"There is no `{name}` in Python: did you mean `{close[0]}`? Correct the spelling."
    )


def created_later(scene: Scene) -> Diagnosis | None:
    """A name used above the line, or the cell, that creates it."""
    match = re.search(r"name '(\w+)' is not defined", scene.error.message)
    here = scene.location
    if match is None or here is None:
        return None
    name = match.group(1)
    # Only a plain `name = ...` makes a name; `name[key] = ...` needs it made already.
    later = [
        a
        for a in scene.source.assignments(name)
        + [n for n in scene.source.nodes() if _defines(n, name)]
        if _after(a.location, here) and not a.loops and _makes(a, name)
    ]
    if not later:
        return None
    first = min(later, key=lambda a: (a.location.cell or 0, a.location.line)).location
    if here.cell is not None and first.cell is not None and first.cell != here.cell:
        late = next(
            (
                late
                for late in late_cells(scene.source.trees, _sources(scene))
                if late.cell == here.cell and any(n == name for n, _ in late.makers)
            ),
            Late(here.cell, ((name, first.cell),)),
        )
        return "name-error", said(late)
    if isinstance(scene.statement, ast.Expr) and not scene.loops:
        # A line that only uses the name (a print): it is the one to move, below all
        # the code that makes the name, not the other way round.
        last = _last_writer(scene, name, here)
        return "name-error", (
            f"`{name}` is created at {first.describe()}, below this line, and Python runs "
            f"from the top down. Move this line down, below line {last}, so it runs once "
            f"`{name}` is made."
        )
    return "name-error", (
        f"`{name}` is created at {first.describe()}, below this line, and Python runs "
        f"from the top down. Move the line that creates `{name}` {_above(scene, here)}."
    )


def _sources(scene: Scene) -> dict[int, str]:
    """Each notebook cell's text, by number."""
    return {c.number: c.source for c in scene.program.cells if c.number is not None}


def _above(scene: Scene, here: Location) -> str:
    """Where a line that makes a name goes so that it runs before a line that uses it.

    Above the line itself, unless the line is inside a block (a loop, an `if`): then
    above the block's first line, with no indentation, for a line moved into the block
    would run only inside it, and after what the block did before.
    """
    tree = next((t for cell, t in scene.source.trees if cell == here.cell), None)
    for statement in tree.body if tree is not None else []:
        end = getattr(statement, "end_lineno", None) or statement.lineno
        if statement.lineno < here.line <= end:
            block = "the loop" if isinstance(statement, (ast.For, ast.While)) else "the block"
            return f"above {block} that holds this one, at line {statement.lineno}, with no indentation"
    return "above this one"


def _last_writer(scene: Scene, name: str, here: Location) -> int:
    """The last line of the top-level statements of the cell that write a name."""
    tree = next((t for cell, t in scene.source.trees if cell == here.cell), None)
    last = here.line
    for statement in tree.body if tree is not None else []:
        writes = any(
            (isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store))
            or (
                isinstance(n, ast.Subscript)
                and isinstance(n.ctx, ast.Store)
                and isinstance(n.value, ast.Name)
                and n.value.id == name
            )
            for n in ast.walk(statement)
        )
        if writes:
            last = max(last, statement.end_lineno or statement.lineno)
    return last


def _makes(item: Node, name: str) -> bool:
    """Whether a statement binds a name itself (not only an entry or attribute of it)."""
    node = item.node
    targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
    if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.For)):
        return True
    return any(
        isinstance(n, ast.Name) and n.id == name
        for target in targets
        if target is not None
        for n in ([target] if isinstance(target, ast.Name) else getattr(target, "elts", []))
    )


def _defines(item: Node, name: str) -> bool:
    node = item.node
    return isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.For)) and (
        getattr(node, "name", None) == name
        or (isinstance(node, ast.For) and name in (target_names(node.target) or ()))
    )


def _after(location: Location, here: Location) -> bool:
    return ((location.cell or 0), location.line) > ((here.cell or 0), here.line)


def in_markdown(scene: Scene) -> Diagnosis | None:
    """A step typed into a notebook's Markdown cell: shown, never run."""
    match = re.search(r"name '(\w+)' is not defined", scene.error.message)
    if match is None:
        return None
    name = match.group(1)
    found = text_cell_with(scene.program, rf"^\s*{re.escape(name)}\s*=[^=]")
    if found is None:
        return None
    number, kind, line = found
    return "name-error.markdown-cell", markdown_advice(name, number, line, kind)


def markdown_defining(program: Program, name: str) -> tuple[int, str] | None:
    """Return the Markdown cell (number, line) whose text assigns a name, if one does."""
    found = text_cell_with(program, rf"^\s*{re.escape(name)}\s*=[^=]")
    return (found[0], found[2]) if found is not None else None


def text_cell_with(program: Program, pattern: str) -> tuple[int, str, str] | None:
    """The first Markdown or Raw cell with a line that matches a pattern: its number, its
    kind ("Markdown", "Raw") and the line. Neither kind ever runs, whatever it holds."""
    found = re.compile(pattern)
    cells = sorted(
        [(n, "Markdown", t) for n, t in program.markdown] + [(n, "Raw", t) for n, t in program.raw]
    )
    for number, kind, text in cells:
        for line in text.split("\n"):
            if found.match(line):
                return number, kind, line.strip()
    return None


def markdown_advice(name: str, number: int, line: str, kind: str = "Markdown") -> str:
    """Say that the code creating a name sits in a Markdown (or Raw) cell, and what to do."""
    shown = "shows it as text" if kind == "Markdown" else "keeps it as text"
    return (
        f"`{line}` is in cell {number}, a {kind} cell: Jupyter {shown} and never runs it, "
        f"so `{name}` is never created. {code_cell(number)}"
    )


def code_cell(number: int) -> str:
    """What turns a text cell back into code, and runs it where the program expects."""
    return (
        f"Select cell {number}, make it a Code cell (press Y, or choose Code in the "
        f"toolbar), then {RUN_ALL}."
    )
