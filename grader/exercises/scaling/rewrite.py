"""Step 3's loop written in place of the code that made the result another way: every line.

A message that asks for the loop in place of other code is no use if it leaves out a
line the loop needs (the empty dictionary above it) or a line that must go (the
comprehension, the `while` loop and its counter, an entry typed in): the learner writes
the loop, the old code still runs, and the step fails again. `rewrite` reads the
program's top-level statements and says, in order, each line to write, to change and to
remove. A test applies every such message of the catalogue as it is written and grades
the result again: all four steps pass.

The words are fixed so that they can be applied line by line:
"write `X` above line N", "line N becomes `X`", "below line N, indented inside the
loop, write `X`", "remove line N" / "remove lines N to M", and, where no loop is left,
"replace line N with `X`, then below it write `for ...` and, indented inside the loop,
`...`" or "after `X` (line N) write `for ...` and, indented inside the loop, `...`".
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from grader.checks.kit import Case
from grader.exercises.scaling.spec import LOAD, LOOP_TARGETS, RESULT, SYSTEMS
from grader.result import Location

# Statements a rewrite may take away as a whole: simple ones, and blocks that hold no
# function, class or the loop itself.
_REMOVABLE = (
    ast.Assign,
    ast.AugAssign,
    ast.AnnAssign,
    ast.Expr,
    ast.For,
    ast.While,
    ast.If,
    ast.Delete,
)


@dataclass(frozen=True)
class _Statement:
    """A top-level statement of one cell: where it starts and ends, as the learner counts."""

    node: ast.stmt
    cell: int | None

    @property
    def first(self) -> int:
        return self.node.lineno

    @property
    def last(self) -> int:
        return self.node.end_lineno or self.node.lineno

    def key(self) -> tuple[int, int]:
        return (self.cell or 0, self.first)


def wanted() -> str:
    """The loop step 3 asks for, as the learner writes it."""
    return f"`for {', '.join(LOOP_TARGETS)} in {SYSTEMS}.items():`"


def store() -> str:
    """The line that stores each answer inside step 3's loop."""
    return f"`{RESULT}[{LOOP_TARGETS[0]}] = {LOOP_TARGETS[1]} >= {LOAD}`"


def lines(cell: int | None, numbers: list[int]) -> str:
    """Say 'line 3', 'lines 3 to 7', 'lines 4, 6 and 8' or 'lines 3 and 5 to 8', in a
    cell when there is one: a run of three or more lines is said as its ends."""
    prefix = f"cell {cell}, " if cell is not None else ""
    if len(numbers) == 1:
        return f"{prefix}line {numbers[0]}"
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    said = [
        part
        for run in runs
        for part in ([f"{run[0]} to {run[-1]}"] if len(run) > 2 else [str(n) for n in run])
    ]
    if len(said) == 1:
        return f"{prefix}lines {said[0]}"
    return f"{prefix}lines {', '.join(said[:-1])} and {said[-1]}"


def _line(cell: int | None, number: int) -> str:
    return lines(cell, [number])


def _top_level(case: Case) -> list[_Statement]:
    return [_Statement(s, cell) for cell, tree in case.source.trees for s in tree.body]


def _writes_result(node: ast.AST) -> bool:
    """Whether a statement (or anything in it) binds the result, stores an entry of it or
    fills it with a method."""
    for inner in ast.walk(node):
        if isinstance(inner, (ast.Name, ast.Subscript)) and isinstance(inner.ctx, ast.Store):
            base = inner.value if isinstance(inner, ast.Subscript) else inner
            if isinstance(base, ast.Name) and base.id == RESULT:
                return True
        if (
            isinstance(inner, ast.Call)
            and isinstance(inner.func, ast.Attribute)
            and isinstance(inner.func.value, ast.Name)
            and inner.func.value.id == RESULT
            and inner.func.attr in ("update", "setdefault", "__setitem__", "fromkeys")
        ):
            return True
    return False


def _started_empty(node: ast.stmt) -> bool:
    """`can_handle_load = {}` or `can_handle_load = dict()`."""
    if not (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id == RESULT
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


def _reads(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _feeders(top: list[_Statement], removed: list[_Statement]) -> list[_Statement]:
    """Top-level assignments that only fed the code that goes (a counter, a name for a
    list of keys, a value per strategy): read by removed lines and by nothing else."""
    found: list[_Statement] = []
    while True:
        gone = removed + found
        kept = [s for s in top if s not in gone]
        read_by_gone = set().union(*(_reads(s.node) for s in gone))
        more = [s for s in kept if _only_feeds(s, read_by_gone, kept)]
        if not more:
            return found
        found.extend(more)


def _only_feeds(statement: _Statement, read_by_gone: set[str], kept: list[_Statement]) -> bool:
    """Whether an assignment binds only names that lines going read and no line kept does."""
    node = statement.node
    if not isinstance(node, ast.Assign) or not all(isinstance(t, ast.Name) for t in node.targets):
        return False
    names = {t.id for t in node.targets if isinstance(t, ast.Name)}
    return (
        not names & {SYSTEMS, LOAD, RESULT}
        and names <= read_by_gone
        and not any(names & _reads(o.node) for o in kept if o is not statement)
    )


def _removed(top: list[_Statement], loop: ast.stmt | None) -> list[_Statement] | None:
    """The top-level statements that write the result other than the loop and the empty
    dictionary before it; None when one of them cannot simply go (a function, a class, a
    block that holds the loop)."""
    start = _start(top, loop)
    removed = []
    for statement in top:
        if statement.node is loop or statement is start or not _writes_result(statement.node):
            continue
        if not isinstance(statement.node, _REMOVABLE) or (
            loop is not None and any(n is loop for n in ast.walk(statement.node))
        ):
            return None
        removed.append(statement)
    return removed


def _start(top: list[_Statement], loop: ast.stmt | None) -> _Statement | None:
    """The empty dictionary the loop fills: the last `can_handle_load = {}` before it (or,
    with no loop yet, the last one at all)."""
    at = next((s for s in top if s.node is loop), None)
    starts = [s for s in top if _started_empty(s.node) and (at is None or s.key() < at.key())]
    return starts[-1] if starts else None


def _after_inputs(top: list[_Statement], place: _Statement) -> bool:
    """Whether `systems` and `load` are both made before a place the loop would go."""
    return all(
        any(
            s.key() < place.key()
            and any(isinstance(t, ast.Name) and t.id == name for t in _bound(s.node))
            for s in top
        )
        for name in (SYSTEMS, LOAD)
    )


def _bound(node: ast.stmt) -> list[ast.AST]:
    if isinstance(node, ast.Assign):
        return list(node.targets)
    if isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        return [node.target]
    return []


def _remove(statements: list[_Statement]) -> str:
    """'remove line 5' or 'remove lines 5 to 9 and cell 3, line 2', grouped by cell."""
    by_cell: dict[int | None, list[int]] = {}
    for s in sorted(statements, key=_Statement.key):
        by_cell.setdefault(s.cell, []).extend(range(s.first, s.last + 1))
    said = [lines(cell, numbers) for cell, numbers in by_cell.items()]
    return "remove " + (said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1])


def into_loop(case: Case, loop: Location) -> str | None:
    """Every change that makes an existing loop of the step's shape (at `loop`) fill the
    result: the empty dictionary above it, the line that stores inside it, and the old
    lines that made the result another way removed. None when the program's shape is not
    one a line-by-line change can reach (a function or class writes the result)."""
    top = _top_level(case)
    node = next((s.node for s in top if s.cell == loop.cell and s.first == loop.line), None)
    if not isinstance(node, ast.For):
        return None
    removed = _removed(top, node)
    inside = _inside(node, loop.cell)
    if removed is None or inside is None:
        return None
    removed += _feeders(top, removed)
    changes = []
    if _start(top, node) is None:
        changes.append(f"write `{RESULT} = {{}}` above {_line(loop.cell, loop.line)}")
    if inside:
        changes.append(inside)
    if removed:
        changes.append(_remove(removed))
    return "; ".join(changes) if changes else None


def _inside(loop: ast.For, cell: int | None) -> str | None:
    """The change inside the loop: the line that stores, written below its body or in
    place of the one line that stores something else; "" when it is there already, None
    when the body writes the result in another way."""
    entries = [s for s in loop.body if _writes_result(s)]
    if any(not _stores_entry(s) for s in entries) or len(entries) > 1:
        return None
    if not entries:
        return (
            f"below {_line(cell, loop.end_lineno or loop.lineno)}, indented inside the "
            f"loop, write {store()}"
        )
    if ast.unparse(entries[0]) != store().strip("`"):
        return f"{_line(cell, entries[0].lineno)} becomes {store()}"
    return ""


def _stores_entry(node: ast.stmt) -> bool:
    """`can_handle_load[...] = ...` on a line of its own."""
    return (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Subscript)
        and isinstance(node.targets[0].value, ast.Name)
        and node.targets[0].value.id == RESULT
    )


def new_loop(case: Case) -> str | None:
    """Every change that puts the step's loop where a program with no such loop makes
    the result another way (typed in, a comprehension, `dict(...)`, a `while` loop): the
    lines that go, and the loop written after the empty dictionary, or in place of the
    first line that made the result. None when the shape is out of reach."""
    top = _top_level(case)
    writing = _removed(top, None)
    if not writing:
        return None
    removed = writing + _feeders(top, writing)
    start = _start(top, None)
    loop = f"{wanted()} and, indented inside the loop, {store()}"
    if start is not None and start.key() < min(s.key() for s in writing):
        if not _after_inputs(top, start):
            return None
        place = f"after `{RESULT} = {{}}` ({_line(start.cell, start.first)}) write {loop}"
        return f"{_remove(removed)}; {place}"
    first = min(writing, key=_Statement.key)
    if (
        not isinstance(first.node, (ast.Assign, ast.AnnAssign))
        or not _after_inputs(top, first)
        or (start is not None and start.key() > first.key())
    ):
        return None
    rest = [s for s in removed if s is not first]
    replaced = lines(first.cell, list(range(first.first, first.last + 1)))
    said = f"replace {replaced} with `{RESULT} = {{}}`, then below it write {loop}"
    return said + (f"; {_remove(rest)}" if rest else "")
