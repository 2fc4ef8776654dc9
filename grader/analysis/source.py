"""The learner's source as syntax trees, with questions the step checks ask of it.

Parsing is not running: ``ast.parse`` reads the code and executes none of it, so the
checks may look at the structure of a program (which loop, which print) in the grader's
own process, next to the data the child sent back.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from grader.analysis import trees
from grader.load import Program
from grader.result import Location


@dataclass(frozen=True)
class Node:
    """A syntax node and the place it sits, as the learner counts lines and cells."""

    node: ast.AST
    location: Location
    # The loops (for/while) that enclose the node, innermost last.
    loops: tuple[ast.AST, ...] = ()


class Source:
    """Every cell of a program that parses, as syntax trees."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.trees: list[tuple[int | None, ast.Module]] = []
        # Each tree with its cell's text, for the readers that need both (outside.py).
        self.parsed: list[tuple[int | None, ast.Module, str]] = []
        # The cells nested too deeply for the parser to read: nothing can clear them.
        self.too_deep: list[int | None] = []
        # The walk is the same for every question the four checks ask, so it is done
        # once per Source (one per submission) and kept with it.
        self._nodes: tuple[Node, ...] | None = None
        # Name -> the statements that bind it by assignment, in order (see assignments).
        self._assigned: dict[str, list[Node]] | None = None
        for cell in program.cells:
            try:
                tree = trees.parse(cell.source)
            except (SyntaxError, ValueError, MemoryError):
                continue  # the child reports the syntax error in the learner's terms
            except RecursionError:
                self.too_deep.append(cell.number)
                continue
            self.trees.append((cell.number, tree))
            self.parsed.append((cell.number, tree, cell.source))

    def nodes(self) -> tuple[Node, ...]:
        """Return every node of every cell with its location and enclosing loops."""
        if self._nodes is None:
            self._nodes = tuple(node for cell, tree in self.trees for node in _walk(tree, cell, ()))
        return self._nodes

    def assignments(self, name: str) -> list[Node]:
        """Return the statements that bind a name by assignment, in order."""
        if self._assigned is None:
            # Every name the checks ask about is looked up in one index, made in one walk.
            self._assigned = {}
            for item in self.nodes():
                bound = {
                    n.id
                    for target in targets_of(item.node)
                    for n in ast.walk(target)
                    if isinstance(n, ast.Name)
                }
                for bound_name in bound:
                    self._assigned.setdefault(bound_name, []).append(item)
        return list(self._assigned.get(name, ()))

    def first_assignment(self, name: str) -> Location | None:
        """Return where a name is first assigned, if it is."""
        found = self.assignments(name)
        return found[0].location if found else None

    def for_loops(self) -> list[Node]:
        """Return every for statement."""
        return [n for n in self.nodes() if isinstance(n.node, (ast.For, ast.AsyncFor))]

    def calls(self, function: str) -> list[Node]:
        """Return every call of a function by its plain name, like print(...)."""
        return [
            n
            for n in self.nodes()
            if isinstance(n.node, ast.Call)
            and isinstance(n.node.func, ast.Name)
            and n.node.func.id == function
        ]

    def statement_at(self, location: Location) -> list[Node]:
        """Return the nodes that start on a given line of a given cell."""
        return [
            n
            for n in self.nodes()
            if n.location == location and isinstance(n.node, (ast.stmt, ast.expr))
        ]

    def last_expressions(self) -> list[Node]:
        """Return each cell's last statement when it is a bare expression (Jupyter shows it)."""
        found = []
        for cell, tree in self.trees:
            if tree.body and isinstance(tree.body[-1], ast.Expr):
                last = tree.body[-1]
                found.append(Node(last, Location(last.lineno, cell)))
        return found


def _walk(tree: ast.AST, cell: int | None, loops: tuple[ast.AST, ...]) -> Iterator[Node]:
    """Walk a tree depth first, keeping track of the loops around each node.

    An explicit stack, not recursion: a long expression that Python compiles happily
    (`x = 1+1+...+1`) is a deep tree, and must not exhaust the grader's own stack.
    """
    stack: list[tuple[ast.AST, tuple[ast.AST, ...]]] = [(tree, loops)]
    while stack:
        node, around_node = stack.pop()
        children = list(ast.iter_child_nodes(node))
        pending = []
        for child in children:
            around = around_node
            # A loop encloses its body, not its own target, iterable or else-branch.
            if isinstance(node, (ast.For, ast.AsyncFor, ast.While)) and child in node.body:
                around = (*around_node, node)
            yield Node(child, Location(getattr(child, "lineno", 1), cell), around)
            pending.append((child, around))
        stack.extend(reversed(pending))


def targets_of(node: ast.AST) -> list[ast.AST]:
    """Return what an assignment statement (=, +=, annotated) assigns to; [] for others."""
    if isinstance(node, ast.Assign):
        return list(node.targets)
    if isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        return [node.target]
    return []


def mentions(node: ast.AST, name: str) -> bool:
    """Whether a name is read anywhere inside a node; a dotted name (``self.d``) is an
    attribute read."""
    return any(_is_named(n, name) for n in ast.walk(node))


def _is_named(node: ast.AST, name: str) -> bool:
    """Whether a node is this name, or this dotted name's attribute (``self.d``)."""
    if "." in name:
        return isinstance(node, ast.Attribute) and ast.unparse(node) == name
    return isinstance(node, ast.Name) and node.id == name


def is_method_call(node: ast.AST, owner: str, method: str) -> bool:
    """Whether a node is ``owner.method()`` with no arguments."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == method
        and _is_named(node.func.value, owner)
        and not node.args
        and not node.keywords
    )


def target_names(target: ast.AST) -> tuple[str, ...] | None:
    """Return the plain names a for statement unpacks into, or None for other targets."""
    if isinstance(target, ast.Name):
        return (target.id,)
    if isinstance(target, (ast.Tuple, ast.List)) and all(
        isinstance(e, ast.Name) for e in target.elts
    ):
        return tuple(e.id for e in target.elts if isinstance(e, ast.Name))
    return None


def source_text(node: ast.AST) -> str:
    """Write a node back as source code, on one line."""
    try:
        return " ".join(ast.unparse(node).split())
    except Exception:  # ast.unparse fails on some hand-built trees; say nothing then
        return ""
