"""The order of a notebook's cells: a cell that uses names only a later cell makes.

Jupyter runs the cells from the top (Restart & Run All). A cell that reads a name no
cell above it makes stops with a NameError, or works only in the order the learner
happened to run the cells by hand. The repair is an order, said in cell numbers: the
cell that makes the names moved above the cell that uses them, or, when several cells
below make them, the cell that uses them moved below the last of those. The search
proposes these moves (grader.feedback.moves) and the diagnosis of a NameError says them
(grader.feedback.names) in the same words, from the same plan.

Pure functions of the cells' syntax trees: nothing runs.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from grader.feedback.words import RUN_ALL

Trees = Sequence[tuple[int | None, ast.Module]]

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


@dataclass(frozen=True)
class Late:
    """A cell that uses names only later cells make, and the first cell below making each."""

    cell: int
    # (name, the number of the first cell below that makes it), in the order of use.
    makers: tuple[tuple[str, int], ...]
    # Whether the plan moves this cell down, below the last cell making its names (when
    # several cells make them), rather than the cells making them up, above it. It does
    # not when a cell in between reads a name this cell makes: that cell would lose it.
    down: bool = False
    # When one cell below makes the names and holds more besides (a print), the lines
    # that make them, by number in that cell and as written: they move to the top of
    # this cell, and the rest of their cell stays where it is.
    lines: tuple[int, ...] = ()
    texts: tuple[str, ...] = ()

    @property
    def cells(self) -> tuple[int, ...]:
        """The cells that make the names, top to bottom, each once."""
        return tuple(sorted({number for _, number in self.makers}))


def late_cells(trees: Trees, sources: Mapping[int, str] | None = None) -> list[Late]:
    """Every cell that reads, outside any function, a name only a cell below it makes.

    Given the cells' text (``sources``), the lines that make the names are found too,
    where moving them alone is the smaller change (``Late.lines``).
    """
    found = []
    made: set[str] = set()
    bound = [(number, made_by(tree)) for number, tree in trees]
    for index, (number, tree) in enumerate(trees):
        own = bound[index][1]
        makers: list[tuple[str, int]] = []
        for name in _read(tree):
            if name in made or name in own:
                continue
            maker = next((n for n, names in bound[index + 1 :] if name in names), None)
            if maker is not None and number is not None and all(m != name for m, _ in makers):
                makers.append((name, maker))
        if makers and number is not None:
            last = max(m for _, m in makers)
            between = [t for n, t in trees[index + 1 :] if n is not None and n < last]
            needed = any(set(_read(t)) & own for t in between)
            several = len({m for _, m in makers}) > 1
            late = Late(number, tuple(makers), down=several and not needed)
            if not several and sources is not None:
                late = _with_lines(late, dict(trees)[last], sources.get(last, ""))
            found.append(late)
        made |= own
    return found


def _with_lines(late: Late, tree: ast.Module, source: str) -> Late:
    """The late cell with the one-line assignments of its maker cell that make its names,
    when that cell holds other statements too and those lines read nothing it makes."""
    names = {name for name, _ in late.makers}
    moving = [
        s
        for s in tree.body
        if isinstance(s, ast.Assign)
        and s.lineno == s.end_lineno
        and {t.id for t in s.targets if isinstance(t, ast.Name)} & names
    ]
    made_here = made_by(tree)
    rest = [s for s in tree.body if s not in moving]
    if (
        not moving
        or not rest
        # The rest of the cell fills or changes what the lines make (a loop storing
        # entries): the lines alone would carry an empty start, not the value.
        or any(_changes(s, names) for s in rest)
        or names - {t.id for s in moving for t in s.targets if isinstance(t, ast.Name)}
        or any(set(_read(ast.Module([s], []))) & made_here for s in moving)
    ):
        return late
    text = source.split("\n")
    return replace(
        late,
        lines=tuple(s.lineno for s in moving),
        texts=tuple(text[s.lineno - 1].strip() for s in moving),
    )


def _changes(statement: ast.stmt, names: set[str]) -> bool:
    """Whether a statement changes a value a name holds: an entry or attribute stored or
    deleted, a method called on it, or the name assigned again or augmented."""
    for node in _outside_functions(statement):
        if isinstance(node, (ast.Subscript, ast.Attribute)) and isinstance(
            node.ctx, (ast.Store, ast.Del)
        ):
            base = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            base = node.func.value
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            base = node
        else:
            continue
        if isinstance(base, ast.Name) and base.id in names:
            return True
    return False


def said(late: Late) -> str:
    """The diagnosis in words: which names are made where, and which cell goes where."""
    by_cell: dict[int, list[str]] = {}
    for name, number in late.makers:
        by_cell.setdefault(number, []).append(name)
    groups = sorted(by_cell.items())
    many = len(late.makers) > 1
    head, names = groups[0]
    verb = "are" if len(names) > 1 else "is"
    parts = [f"{_listed(names)} {verb} created in cell {head}"]
    parts += [f"{_listed(names)} in cell {number}" for number, names in groups[1:]]
    where = f"{_joined(parts)}, below cell {late.cell}"
    first = (
        f"{where}, which uses {'them' if many else 'it'}, so {'they do' if many else 'it does'} "
        f"not exist yet when cell {late.cell} runs."
    )
    return f"{first} {move(late)}, then run every cell again from the top ({RUN_ALL})."


def move(late: Late) -> str:
    """What to do, in cell numbers: 'Move cell 3 above cell 2', or 'Move cell 2 below cell 4'."""
    cells = late.cells
    if late.texts:
        written = _joined([f"`{t}`" for t in late.texts])
        return f"Move {written} from cell {cells[0]} to the top of cell {late.cell}"
    if late.down:
        return f"Move cell {late.cell} below cell {cells[-1]}"
    if len(cells) == 1:
        return f"Move cell {cells[0]} above cell {late.cell}"
    listed = _joined([str(c) for c in cells])
    return f"Move cells {listed} above cell {late.cell}, in that order"


def _listed(names: list[str]) -> str:
    return _joined([f"`{name}`" for name in names])


def _joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _outside_functions(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node of a tree but those inside a function, class or lambda body."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, _SCOPES):
            # A function's name is made where it is defined; its body runs when called.
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def _read(tree: ast.Module) -> list[str]:
    """The names a cell reads when it runs, in the order they appear."""
    seen: list[str] = []
    for node in _outside_functions(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in seen:
            seen.append(node.id)
    return seen


def made_by(tree: ast.Module) -> set[str]:
    """The names a cell makes when it runs: assigned, defined, imported, a loop's variable."""
    names: set[str] = set()
    for node in _outside_functions(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, _SCOPES[:3]):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names
