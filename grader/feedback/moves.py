"""The error model's larger corrections: a statement moved, added or unwrapped, a cell moved.

A line can be right and in the wrong place: a dictionary started inside the loop that
should fill it, a print inside the loop, a print before it, a function that holds the
whole solution and is never called, a notebook cell that uses a name before the cell
that creates it, code typed into a Markdown cell. These corrections read the cells'
syntax trees (nothing runs) and, like the line corrections, know Python, not an
exercise.
"""

from __future__ import annotations

import ast
import builtins
import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import replace

from grader.analysis import trees
from grader.feedback.edits import Edit, Focus, changed
from grader.feedback.order import Late, late_cells, made_by, move, said
from grader.feedback.runtime import operand_kinds, type_words
from grader.feedback.scan import replace_word, scan
from grader.load import Cell, Program
from grader.result import Location

_MISSING_NAME = re.compile(r"name '(\w+)' is not defined")
# Calls that turn a value into another type: removed, the value stays.
CONVERSIONS = frozenset({"str", "int", "float", "bool", "list", "tuple", "repr"})


class _Cell:
    """One cell that parses: its lines and its tree."""

    def __init__(self, program: Program, cell: Cell, tree: ast.Module) -> None:
        self.program = program
        self.cell = cell
        self.tree = tree
        self.lines = cell.source.split("\n")

    def place(self, line: int) -> Location:
        return Location(line, self.cell.number)

    def text(self, line: int) -> str:
        return self.lines[line - 1] if 1 <= line <= len(self.lines) else ""

    def edit(
        self,
        kind: str,
        lines: list[str],
        line: int,
        after: str,
        cost: int = 2,
        old: str = "",
        new: str = "",
        **facts: str,
    ) -> Edit:
        return Edit(
            kind=kind,
            cost=cost,
            place=self.place(line),
            before=self.text(line).strip(),
            after=after.strip(),
            old=old,
            new=new,
            cells=changed(self.program, self.cell.number, lines),
            markdown=self.program.markdown,
            facts=facts,
        )

    def replaced(self, kind: str, node: ast.expr, new: str, **facts: str) -> Edit:
        """A one-token-sized edit: the text of a node on one line replaced by ``new``.

        A node's offsets count bytes of UTF-8, and the learner's line may hold other
        characters than ASCII: the line is cut as bytes.
        """
        line = node.lineno
        raw = self.text(line).encode("utf-8")
        start, end = node.col_offset, node.end_col_offset or node.col_offset
        fixed = (raw[:start] + new.encode("utf-8") + raw[end:]).decode("utf-8", "replace")
        written = raw[start:end].decode("utf-8", "replace")
        lines = list(self.lines)
        lines[line - 1] = fixed
        return self.edit(kind, lines, line, fixed, cost=1, old=written, new=new, **facts)


def parsed(program: Program) -> list[_Cell]:
    """Return the program's cells that Python can read."""
    found = []
    for cell in program.cells:
        try:
            found.append(_Cell(program, cell, trees.parse(cell.source)))
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            continue
    return found


def _one_line(node: ast.AST) -> bool:
    return getattr(node, "lineno", 0) == getattr(node, "end_lineno", -1)


def _reads(node: ast.AST, names: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node))


def _targets(loop: ast.For) -> set[str]:
    return {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}


def _written(loop: ast.For) -> set[str]:
    """The names a loop's body stores into: assigned, or an entry of them set."""
    found: set[str] = set()
    for node in ast.walk(loop):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found.add(target.id)
                elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                    found.add(target.value.id)
    return found


def _loops(tree: ast.Module) -> Iterator[tuple[ast.For, list[ast.stmt]]]:
    """Each for loop with the statements of the block it sits in."""
    stack: list[list[ast.stmt]] = [tree.body]
    while stack:
        block = stack.pop()
        for node in block:
            if isinstance(node, ast.For):
                yield node, block
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(node, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    stack.append(inner)
            for handler in getattr(node, "handlers", []):
                stack.append(handler.body)


def loop_moves(cell: _Cell) -> Iterator[Edit]:
    """Statements on the wrong side of a loop: before it, inside it, or after it."""
    for loop, block in _loops(cell.tree):
        if not _one_line(loop.target) or loop.lineno != loop.iter.end_lineno:
            continue
        indent = " " * loop.col_offset
        head = loop.lineno
        end = loop.end_lineno or head
        targets = _targets(loop)
        body = loop.body
        for statement in body:
            if not _one_line(statement):
                continue
            text = cell.text(statement.lineno)
            yield from _rebuilt(cell, loop, statement, indent)
            yield from _whole_for_entry(cell, loop, statement)
            if (
                isinstance(statement, ast.Assign)
                and all(isinstance(t, ast.Name) for t in statement.targets)
                and not _reads(statement.value, targets)
                and len(body) > 1
            ):
                lines = list(cell.lines)
                del lines[statement.lineno - 1]
                lines.insert(head - 1, indent + text.strip())
                yield cell.edit("before-loop", lines, statement.lineno, text, loop=str(head))
        last = body[-1]
        if len(body) > 1 and _one_line(last) and isinstance(last, ast.Expr):
            lines = list(cell.lines)
            lines[last.lineno - 1] = indent + cell.text(last.lineno).strip()
            yield cell.edit(
                "out-of-loop", lines, last.lineno, cell.text(last.lineno), loop=str(head)
            )
        position = block.index(loop)
        following = block[position + 1] if position + 1 < len(block) else None
        if following is not None and _one_line(following):
            lines = list(cell.lines)
            inner = " " * body[-1].col_offset
            lines[following.lineno - 1] = inner + cell.text(following.lineno).strip()
            yield cell.edit(
                "into-loop", lines, following.lineno, cell.text(following.lineno), loop=str(head)
            )
        written = _written(loop)
        for later in block[position + 1 :]:
            # `d = {}` after the loop that fills d: the start of it, on the wrong side.
            if (
                _one_line(later)
                and isinstance(later, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id in written for t in later.targets)
                and not _reads(later.value, written | targets)
            ):
                lines = list(cell.lines)
                moved = lines.pop(later.lineno - 1)
                lines.insert(head - 1, indent + moved.strip())
                yield cell.edit(
                    "before-loop", lines, later.lineno, moved, loop=str(head), late="yes"
                )
        yield from _else_of_the_loop(cell, loop)
        for earlier in block[:position]:
            if (
                _one_line(earlier)
                and isinstance(earlier, ast.Expr)
                and isinstance(earlier.value, ast.Call)
                and _reads(earlier, written)
            ):
                lines = list(cell.lines)
                moved = lines.pop(earlier.lineno - 1)
                lines.insert(end - 1, indent + moved.strip())
                yield cell.edit("after-loop", lines, earlier.lineno, moved, loop=str(head))


def _else_of_the_loop(cell: _Cell, loop: ast.For) -> Iterator[Edit]:
    """An `else:` lined up with the `for`, meant for the `if` inside the loop."""
    last = loop.body[-1]
    if not loop.orelse or not isinstance(last, ast.If) or last.orelse:
        return
    shift = last.col_offset - loop.col_offset
    start = next(
        (
            n
            for n in range(loop.orelse[0].lineno - 1, last.end_lineno or last.lineno, -1)
            if cell.text(n).strip().startswith("else")
        ),
        None,
    )
    end = loop.end_lineno or loop.lineno
    if start is None or shift <= 0:
        return
    lines = list(cell.lines)
    for number in range(start, end + 1):
        if lines[number - 1].strip():
            lines[number - 1] = " " * shift + lines[number - 1]
    yield cell.edit(
        "else-indented",
        lines,
        start,
        lines[start - 1],
        if_line=str(last.lineno),
        loop=str(loop.lineno),
    )


def _whole_for_entry(cell: _Cell, loop: ast.For, statement: ast.stmt) -> Iterator[Edit]:
    """`d = value` inside a loop, where `d` was started as a dictionary before it: the
    whole dictionary replaced every round, where one entry under the loop's key was meant."""
    if not (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
        and not isinstance(statement.value, ast.Dict)
    ):
        return
    name = statement.targets[0].id
    started = any(
        isinstance(node, ast.Assign)
        and node.lineno < loop.lineno
        and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
        and (
            isinstance(node.value, ast.Dict)
            or (isinstance(node.value, ast.Call) and getattr(node.value.func, "id", "") == "dict")
        )
        for node in ast.walk(cell.tree)
    )
    target = loop.target
    key = target.elts[0] if isinstance(target, ast.Tuple) and target.elts else target
    if not started or not isinstance(key, ast.Name):
        return
    value = ast.get_source_segment(cell.cell.source, statement.value) or ""
    if not value:
        return
    entry = f"{' ' * statement.col_offset}{name}[{key.id}] = {value}"
    lines = list(cell.lines)
    lines[statement.lineno - 1] = entry
    yield cell.edit(
        "entry-stored",
        lines,
        statement.lineno,
        entry,
        cost=1,
        old=f"{name} =",
        new=f"{name}[{key.id}] =",
        name=name,
        key=key.id,
    )


def _rebuilt(cell: _Cell, loop: ast.For, statement: ast.stmt, indent: str) -> Iterator[Edit]:
    """`d = {key: value}` inside a loop: a new dictionary every round, not one entry more."""
    if not (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
        and isinstance(statement.value, ast.Dict)
        and len(statement.value.keys) == 1
        and statement.value.keys[0] is not None
    ):
        return
    name = statement.targets[0].id
    text = cell.text(statement.lineno)
    key = ast.get_source_segment(cell.cell.source, statement.value.keys[0]) or ""
    value = ast.get_source_segment(cell.cell.source, statement.value.values[0]) or ""
    if not key or not value:
        return
    inner = " " * statement.col_offset
    entry = f"{inner}{name}[{key}] = {value}"
    lines = list(cell.lines)
    lines[statement.lineno - 1] = entry
    lines.insert(loop.lineno - 1, f"{indent}{name} = {{}}")
    yield cell.edit(
        "rebuilt-dict",
        lines,
        statement.lineno,
        entry,
        old=text.strip(),
        new=entry.strip(),
        name=name,
        loop=str(loop.lineno),
        start=f"{name} = {{}}",
    )


def creations(cell: _Cell, focus: Focus, bound: frozenset[str]) -> Iterator[Edit]:
    """A name used before anything creates it: created empty before the loop, or moved up."""
    error = focus.error
    if error is None or error.type != "NameError" or error.cell != cell.cell.number:
        return
    missing = _MISSING_NAME.search(error.message)
    if missing is None or error.line is None:
        return
    name = missing.group(1)
    top = next(
        (s for s in cell.tree.body if s.lineno <= error.line <= (s.end_lineno or s.lineno)), None
    )
    if top is None:
        return
    stores = any(
        isinstance(n, ast.Subscript)
        and isinstance(n.ctx, ast.Store)
        and isinstance(n.value, ast.Name)
        and n.value.id == name
        for n in ast.walk(top)
    )
    if stores and name not in bound:
        lines = list(cell.lines)
        indent = " " * top.col_offset
        lines.insert(top.lineno - 1, f"{indent}{name} = {{}}")
        yield cell.edit(
            "created-before",
            lines,
            top.lineno,
            f"{name} = {{}}",
            new=f"{name} = {{}}",
            name=name,
            statement=str(top.lineno),
            used=str(error.line),
            loop="yes" if isinstance(top, (ast.For, ast.While)) else "",
        )
    later = next(
        (
            s
            for s in cell.tree.body
            if s.lineno > (top.end_lineno or top.lineno)
            and _one_line(s)
            and isinstance(s, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in s.targets)
        ),
        None,
    )
    if later is not None:
        lines = list(cell.lines)
        moved = lines.pop(later.lineno - 1)
        lines.insert(top.lineno - 1, " " * top.col_offset + moved.strip())
        yield cell.edit(
            "moved-up", lines, later.lineno, moved, name=name, statement=str(top.lineno)
        )


_LOCAL_NAME = re.compile(r"local variable '(\w+)'")


def unbound_locals(cell: _Cell, focus: Focus, bound: frozenset[str]) -> Iterator[Edit]:
    """A function that reads a name and assigns it further down (UnboundLocalError).

    The assignment makes the name the function's own in all of it, so the read above
    finds no value. Either the assignment is not needed (the function meant the name
    made outside it): removed; or it comes too late: moved above the statement of the
    function's body that reads it.
    """
    error = focus.error
    if error is None or error.type != "UnboundLocalError" or error.cell != cell.cell.number:
        return
    local = _LOCAL_NAME.search(error.message)
    if local is None or error.line is None:
        return
    name, used = local.group(1), error.line
    function = min(
        (
            n
            for n in ast.walk(cell.tree)
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
            and n.lineno < used <= (n.end_lineno or n.lineno)
        ),
        key=lambda n: (n.end_lineno or n.lineno) - n.lineno,
        default=None,
    )
    if function is None:
        return
    top = next((s for s in function.body if s.lineno <= used <= (s.end_lineno or s.lineno)), None)
    for statement in _own_statements(function):
        if not (
            isinstance(statement, (ast.Assign, ast.AugAssign, ast.AnnAssign))
            and _one_line(statement)
            and statement.lineno != used
            and any(
                isinstance(t, ast.Name) and t.id == name
                for t in getattr(statement, "targets", [getattr(statement, "target", None)])
            )
        ):
            continue
        facts = {
            "name": name,
            "function": function.name,
            "used": str(used),
            "outside": "yes" if any(name in made_by(c.tree) for c in parsed(cell.program)) else "",
        }
        lines = list(cell.lines)
        text = lines[statement.lineno - 1]
        del lines[statement.lineno - 1]
        yield replace(cell.edit("local-removed", lines, statement.lineno, text), facts=facts)
        value = getattr(statement, "value", None)
        if (
            top is not None
            and statement.lineno > used
            and not isinstance(statement, ast.AugAssign)  # it reads the name it assigns
            and (value is None or not _reads(value, {name}))
        ):
            lines = list(cell.lines)
            moved = lines.pop(statement.lineno - 1)
            lines.insert(top.lineno - 1, " " * top.col_offset + moved.strip())
            edit = cell.edit("local-moved-up", lines, statement.lineno, moved)
            yield replace(edit, facts={**facts, "above": str(top.lineno)})


def _own_statements(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.stmt]:
    """The statements of a function's body, at any depth, but not those of a function in it."""
    stack: list[ast.stmt] = list(function.body)
    while stack:
        statement = stack.pop()
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        yield statement
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(statement, field, None)
            if isinstance(inner, list):
                stack.extend(s for s in inner if isinstance(s, ast.stmt))
        for handler in getattr(statement, "handlers", []):
            stack.extend(handler.body)


def operands(cell: _Cell, focus: Focus) -> Iterator[Edit]:
    """Two values an operator cannot combine (text `+` a dictionary): each kept alone.

    A label joined to a value with `+` is the usual cause; what the line was for is
    one of the two values, and verifying says which.
    """
    error = focus.error
    if (
        error is None
        or error.type != "TypeError"
        or error.cell != cell.cell.number
        or error.line is None
    ):
        return
    kinds = operand_kinds(error.message)
    if kinds is None:
        return
    for node in ast.walk(cell.tree):
        if not (isinstance(node, ast.BinOp) and node.lineno == error.line and _one_line(node)):
            continue
        sign = _SIGNS.get(type(node.op))
        whole = ast.get_source_segment(cell.cell.source, node)
        if sign is None or whole is None:
            continue
        for kept in (node.right, node.left):
            text = ast.get_source_segment(cell.cell.source, kept)
            if text:
                yield cell.replaced(
                    "operand-removed",
                    node,
                    text,
                    sign=sign,
                    kinds=f"{type_words(kinds[0])} and {type_words(kinds[1])}",
                )


_SIGNS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Mod: "%"}


def changed_again(program: Program, focus: Focus) -> Iterator[Edit]:
    """A name the steps ask for, set at the top, then changed by a later line (`load =
    load + 1` in the loop, `load += 1`): the later line removed, so the name keeps the
    value it was set to. Across a notebook's cells too, in the order they run."""
    made: dict[str, Location] = {}
    for cell in parsed(program):
        for statement in _own_statements_of(cell.tree):
            if not _one_line(statement):
                continue
            targets = getattr(statement, "targets", None) or [getattr(statement, "target", None)]
            for name in [t.id for t in targets if isinstance(t, ast.Name)]:
                if name not in focus.wanted:
                    continue
                first = made.get(name)
                if first is None:
                    made[name] = cell.place(statement.lineno)
                    continue
                lines = list(cell.lines)
                text = lines.pop(statement.lineno - 1)
                shown = f"line {first.line}" if first.cell == cell.cell.number else first.describe()
                edit = cell.edit("changed-again-removed", lines, statement.lineno, text)
                yield replace(edit, facts={"name": name, "first": shown})


def _own_statements_of(tree: ast.Module) -> Iterator[ast.stmt]:
    """A cell's statements in the order they are written, at any depth outside functions."""
    found: list[ast.stmt] = []
    stack: list[ast.stmt] = list(reversed(tree.body))
    while stack:
        statement = stack.pop()
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        found.append(statement)
        inner: list[ast.stmt] = []
        for field in ("body", "orelse", "finalbody"):
            block = getattr(statement, field, None)
            if isinstance(block, list):
                inner.extend(s for s in block if isinstance(s, ast.stmt))
        stack.extend(reversed(inner))
    return iter(found)


def stored_returns(cell: _Cell, program: Program, focus: Focus) -> Iterator[Edit]:
    """`fill()` on a line of its own, where `fill` ends with `return name` and the name is
    missing at the top: the value it returns stored under that name."""
    error = focus.error
    missing = _MISSING_NAME.search(error.message) if error and error.type == "NameError" else None
    if missing is None:
        return
    name = missing.group(1)
    returning = {
        f.name
        for other in parsed(program)
        for f in ast.walk(other.tree)
        if isinstance(f, ast.FunctionDef)
        and isinstance(f.body[-1], ast.Return)
        and isinstance(f.body[-1].value, ast.Name)
        and f.body[-1].value.id == name
    }
    for statement in cell.tree.body:
        value = statement.value if isinstance(statement, ast.Expr) else None
        if not (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id in returning
            and _one_line(statement)
        ):
            continue
        call = ast.get_source_segment(cell.cell.source, value) or ""
        line = cell.text(statement.lineno)
        indent = line[: len(line) - len(line.lstrip())]
        lines = list(cell.lines)
        lines[statement.lineno - 1] = f"{indent}{name} = {call}"
        yield cell.edit(
            "return-stored",
            lines,
            statement.lineno,
            f"{name} = {call}",
            cost=1,
            old=call,
            new=f"{name} = {call}",
            name=name,
            function=value.func.id,
        )


def rebindings(program: Program) -> Iterator[Edit]:
    """A top-level name made again, later, from scratch: the later line removed.

    Across a notebook's cells too, in the order they run.
    """
    made: dict[str, Location] = {}
    for cell in parsed(program):
        for statement in cell.tree.body:
            if not (isinstance(statement, ast.Assign) and _one_line(statement)):
                continue
            for name in [t.id for t in statement.targets if isinstance(t, ast.Name)]:
                if name in made and not _reads(statement.value, {name}):
                    lines = list(cell.lines)
                    del lines[statement.lineno - 1]
                    first = made[name]
                    same = first.cell == cell.cell.number
                    shown = f"line {first.line}" if same else first.describe()
                    yield cell.edit(
                        "rebinding-removed", lines, statement.lineno, "", name=name, first=shown
                    )
                made.setdefault(name, cell.place(statement.lineno))


def emptying_calls(cell: _Cell) -> Iterator[Edit]:
    """`d.clear()` (or another method called on a result) after the loop that filled it."""
    for loop, block in _loops(cell.tree):
        written = _written(loop)
        for later in block[block.index(loop) + 1 :]:
            if (
                _one_line(later)
                and isinstance(later, ast.Expr)
                and isinstance(later.value, ast.Call)
                and isinstance(later.value.func, ast.Attribute)
                and _reads(later.value.func.value, written)
            ):
                lines = list(cell.lines)
                del lines[later.lineno - 1]
                yield cell.edit("call-removed", lines, later.lineno, "", loop=str(loop.lineno))


def guards(cell: _Cell) -> Iterator[Edit]:
    """`if <condition>:` around code that must run: the `if` taken away, its body kept."""
    for statement in cell.tree.body:
        if not isinstance(statement, ast.If) or statement.orelse:
            continue
        first = statement.body[0]
        end = statement.end_lineno or statement.lineno
        shift = first.col_offset - statement.col_offset
        if statement.lineno == first.lineno or shift <= 0:
            continue
        body = [
            text[shift:] if text[:shift].strip() == "" else text
            for text in cell.lines[first.lineno - 1 : end]
        ]
        lines = cell.lines[: statement.lineno - 1] + body + cell.lines[end:]
        yield cell.edit("guard-removed", lines, statement.lineno, cell.text(statement.lineno))


def exits(cell: _Cell) -> Iterator[Edit]:
    """A `break` that ends a for loop before it has gone through its items: taken away.

    A `break` in the loop's own body ends it in its first round; one that is alone under
    an `if` ends it once the condition holds, and goes with its `if`.
    """
    for loop in ast.walk(cell.tree):
        if not isinstance(loop, ast.For) or loop.orelse:
            continue
        iterable = ast.get_source_segment(cell.cell.source, loop.iter) or ""
        for statement in loop.body:
            if isinstance(statement, ast.Break) and len(loop.body) > 1:
                lines = list(cell.lines)
                del lines[statement.lineno - 1]
                yield cell.edit(
                    "break-removed", lines, statement.lineno, "", first="1", iterable=iterable
                )
            elif (
                isinstance(statement, ast.If)
                and not statement.orelse
                and len(statement.body) == 1
                and isinstance(statement.body[0], ast.Break)
                and len(loop.body) > 1
            ):
                end = statement.end_lineno or statement.lineno
                lines = cell.lines[: statement.lineno - 1] + cell.lines[end:]
                yield cell.edit(
                    "break-removed",
                    lines,
                    statement.lineno,
                    "",
                    first="",
                    iterable=iterable,
                )


def removals(cell: _Cell, focus: Focus) -> Iterator[Edit]:
    """A line that stops the program and that the steps do not need: removed."""
    error = focus.error
    if error is None or error.syntax or error.cell != cell.cell.number or error.line is None:
        return
    for block in _blocks(cell.tree):
        for statement in block:
            if (
                statement.lineno == error.line
                and _one_line(statement)
                and isinstance(statement, ast.Expr)
                and len(block) > 1
            ):
                lines = list(cell.lines)
                del lines[statement.lineno - 1]
                yield cell.edit("line-removed", lines, statement.lineno, "")


def _blocks(tree: ast.Module) -> Iterator[list[ast.stmt]]:
    """Every block of statements of a tree: the module's, and each body inside it."""
    stack: list[list[ast.stmt]] = [tree.body]
    while stack:
        block = stack.pop()
        yield block
        for node in block:
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(node, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    stack.append(inner)


def functions(cell: _Cell, program: Program) -> Iterator[Edit]:
    """A function never called: called at the end, or its body taken out of it."""
    called = {
        n.func.id
        for other in parsed(program)
        for n in ast.walk(other.tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }
    for node in cell.tree.body:
        if not isinstance(node, ast.FunctionDef) or node.name in called:
            continue
        arguments = node.args
        required = len(arguments.args) - len(arguments.defaults) + len(arguments.posonlyargs)
        required += sum(1 for d in arguments.kw_defaults if d is None)
        if required:
            continue
        lines = list(cell.lines)
        lines.append(f"{node.name}()")
        yield cell.edit("call-added", lines, node.lineno, f"{node.name}()", cost=2, name=node.name)
        first = node.body[0]
        indent = first.col_offset
        end = node.end_lineno or node.lineno
        body = [
            (text[indent:] if text[:indent].strip() == "" else text.lstrip())
            for text in cell.lines[first.lineno - 1 : end]
        ]
        last = node.body[-1]
        if isinstance(last, ast.Return) and _one_line(last):
            body[last.lineno - first.lineno] = ""
        header = node.lineno - 1 if not node.decorator_list else node.decorator_list[0].lineno - 1
        unwrapped = cell.lines[:header] + body + cell.lines[end:]
        yield cell.edit(
            "function-unwrapped",
            unwrapped,
            node.lineno,
            cell.text(node.lineno),
            cost=3,
            name=node.name,
        )


_CALLABLE_BUILTINS = frozenset(
    name for name in dir(builtins) if callable(getattr(builtins, name)) and name[:1].islower()
)


def references(
    cell: _Cell, program: Program, focus: Focus, bound: frozenset[str]
) -> Iterator[Edit]:
    """A function named on a line of its own, where a call was meant: `main`, `print`.

    A name alone on its line does nothing; when it names a function (one the program
    defines, or one of Python's), the learner meant to call it. The call is tried
    empty, with the value on the line below it (`print` then `x` on the next line),
    and with each name the exercise asks for that the program makes, nearest first.
    """
    defined = {
        n.name: n
        for other in parsed(program)
        for n in ast.walk(other.tree)
        if isinstance(n, ast.FunctionDef)
    }
    body = {id(s): s for s in ast.walk(cell.tree) if isinstance(s, ast.stmt)}
    for statement in body.values():
        if not isinstance(statement, ast.Expr) or not _one_line(statement):
            continue
        value = statement.value
        if isinstance(value, ast.Name):
            name = value.id
            if name not in defined and (name in bound or name not in _CALLABLE_BUILTINS):
                continue
        elif isinstance(value, ast.Attribute):
            name = ast.get_source_segment(cell.cell.source, value) or ""
        else:
            continue
        line = cell.text(statement.lineno)
        indent = line[: len(line) - len(line.lstrip())]
        function = defined.get(name)
        needs = _required(function) if function is not None else None
        arguments: list[tuple[str, int | None]] = []
        if not needs:
            arguments.append(("", None))
        following = _next_statement(cell.tree, statement)
        if (
            isinstance(following, ast.Expr)
            and _one_line(following)
            and following.col_offset == statement.col_offset
            and needs != 0
        ):
            text = ast.get_source_segment(cell.cell.source, following.value)
            if text:
                arguments.append((text, following.lineno))
        if needs is None or needs == 1:
            arguments.extend((w, None) for w in _made_before(program, cell, statement, focus))
        for argument, merged in arguments:
            lines = list(cell.lines)
            lines[statement.lineno - 1] = f"{indent}{name}({argument})"
            if merged is not None:
                del lines[merged - 1]
            yield cell.edit(
                "reference-called",
                lines,
                statement.lineno,
                f"{name}({argument})",
                cost=1,
                old=name,
                new=f"{name}({argument})",
                name=name,
                merged=cell.text(merged).strip() if merged is not None else "",
            )


def _required(function: ast.FunctionDef) -> int:
    """How many arguments a function cannot be called without."""
    arguments = function.args
    required = len(arguments.args) - len(arguments.defaults) + len(arguments.posonlyargs)
    return required + sum(1 for d in arguments.kw_defaults if d is None)


def _next_statement(tree: ast.Module, statement: ast.stmt) -> ast.stmt | None:
    """The statement right after another in the same block, if any."""
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and statement in block:
                index = block.index(statement)
                return block[index + 1] if index + 1 < len(block) else None
    return None


def _made_before(program: Program, cell: _Cell, statement: ast.stmt, focus: Focus) -> list[str]:
    """The names the exercise asks for that are assigned above a statement, the last first."""
    made: dict[str, tuple[int, int]] = {}
    order = [c.number for c in program.cells]
    here = (order.index(cell.cell.number), statement.lineno)
    for other in parsed(program):
        position = order.index(other.cell.number)
        for node in ast.walk(other.tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                where = (position, node.lineno)
                if node.id in focus.wanted and where < here:
                    made[node.id] = max(made.get(node.id, where), where)
    return sorted(made, key=lambda n: made[n], reverse=True)


def lookups(cell: _Cell) -> Iterator[Edit]:
    """`d[value]` inside `for key, value in d.items()`: a value looked up again, as a key.

    The loop gives both, so the value is used as it is, or looked up by the key.
    """
    for loop in ast.walk(cell.tree):
        if not (
            isinstance(loop, ast.For)
            and isinstance(loop.target, ast.Tuple)
            and len(loop.target.elts) == 2
            and all(isinstance(e, ast.Name) for e in loop.target.elts)
            and isinstance(loop.iter, ast.Call)
            and isinstance(loop.iter.func, ast.Attribute)
            and loop.iter.func.attr == "items"
            and isinstance(loop.iter.func.value, ast.Name)
        ):
            continue
        key, value = (e.id for e in loop.target.elts if isinstance(e, ast.Name))
        table = loop.iter.func.value.id
        for statement in loop.body:
            for node in ast.walk(statement):
                if not (
                    isinstance(node, ast.Subscript)
                    and isinstance(node.ctx, ast.Load)
                    and isinstance(node.value, ast.Name)
                    and node.value.id == table
                    and isinstance(node.slice, ast.Name)
                    and node.slice.id == value
                    and node.lineno == node.end_lineno
                ):
                    continue
                for new in (value, f"{table}[{key}]"):
                    yield cell.replaced(
                        "value-as-key", node, new, key=key, value=value, table=table
                    )


def branch_answers(cell: _Cell) -> Iterator[Edit]:
    """`if test:` then `t = a`, `else:` then `t = b`: the same place written in both branches.

    When what is stored is not the answer the `if` found (True where the test holds,
    False where not), the answer is stored: True and False in the two branches, or the
    test itself, once.
    """
    for node in ast.walk(cell.tree):
        if not (
            isinstance(node, ast.If)
            and len(node.body) == 1
            and len(node.orelse) == 1
            and isinstance(node.body[0], ast.Assign)
            and isinstance(node.orelse[0], ast.Assign)
            and _one_line(node.body[0])
            and _one_line(node.orelse[0])
            and _one_line(node.test)
        ):
            continue
        first, second = node.body[0], node.orelse[0]
        target = ast.get_source_segment(cell.cell.source, first.targets[0])
        other = ast.get_source_segment(cell.cell.source, second.targets[0])
        test = ast.get_source_segment(cell.cell.source, node.test)
        if not target or target != other or len(first.targets) != 1 or not test:
            continue
        values = [v.value for v in (first.value, second.value) if isinstance(v, ast.Constant)]
        if values == [True, False]:
            continue
        indent = " " * first.col_offset
        lines = list(cell.lines)
        lines[first.lineno - 1] = f"{indent}{target} = True"
        lines[second.lineno - 1] = f"{indent}{target} = False"
        stored = ast.get_source_segment(cell.cell.source, first.value) or ""
        facts = {"test": test, "stored": stored, "header": str(node.lineno)}
        yield cell.edit(
            "branch-answers",
            lines,
            first.lineno,
            f"{target} = True",
            cost=2,
            old=stored,
            new="True",
            **facts,
        )
        end = node.end_lineno or second.lineno
        collapsed = [
            *cell.lines[: node.lineno - 1],
            f"{' ' * node.col_offset}{target} = {test}",
            *cell.lines[end:],
        ]
        yield cell.edit(
            "branch-test-stored",
            collapsed,
            node.lineno,
            f"{target} = {test}",
            cost=2,
            old=stored,
            new=test,
            **facts,
        )


def conversions(cell: _Cell) -> Iterator[Edit]:
    """`str(x)` where x itself was meant: the value turned into text (or another type)."""
    for node in ast.walk(cell.tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in CONVERSIONS
            and len(node.args) == 1
            and not node.keywords
            and _one_line(node)
        ):
            continue
        inner = ast.get_source_segment(cell.cell.source, node.args[0])
        if inner is None or node.end_col_offset is None:
            continue
        yield cell.replaced("conversion-removed", node, inner, function=node.func.id)


def renames(program: Program, focus: Focus, bound: frozenset[str]) -> Iterator[Edit]:
    """A name the step asks for, written almost the same way: renamed everywhere."""
    for wanted in focus.wanted:
        if wanted in focus.kinds or wanted in bound:
            continue
        candidates = [b for b in bound if b.lower() == wanted.lower()]
        candidates += difflib.get_close_matches(wanted, sorted(bound - set(focus.wanted)), 1, 0.8)
        for written in candidates[:1]:
            cells = []
            first: Location | None = None
            for cell in program.cells:
                lines = cell.source.split("\n")
                new_lines = [replace_word(scan(text), written, wanted) for text in lines]
                for number, (old, new) in enumerate(zip(lines, new_lines, strict=True), 1):
                    if old != new and first is None:
                        first = Location(number, cell.number)
                cells.append((cell.number, new_lines))
            if first is None:
                continue
            edited = program
            for cell_number, new_lines in cells:
                edited = Program(
                    edited.path,
                    edited.kind,
                    changed(edited, cell_number, new_lines),
                    edited.notes,
                    edited.markdown,
                )
            shown = program.cell(first.cell)
            before = shown.line_text(first.line).strip() if shown else ""
            yield Edit(
                "renamed",
                1,
                first,
                before,
                before.replace(written, wanted),
                written,
                wanted,
                edited.cells,
                program.markdown,
                {"name": written, "to": wanted},
            )


def _cell_orders(program: Program, late: Late) -> Iterator[Edit]:
    """The orders that put the cells making a cell's names above it: the plan first."""
    numbers = sorted([*(c.number or 0 for c in program.cells), *(n for n, _ in program.markdown)])
    makers = late.cells
    if late.lines:
        yield _lines_moved(program, late)
    late = replace(late, lines=(), texts=())
    seen = set()
    for plan in (late, replace(late, down=not late.down)):
        order = [n for n in numbers if n not in makers] if not plan.down else list(numbers)
        if plan.down:
            order.remove(late.cell)
            order.insert(order.index(makers[-1]) + 1, late.cell)
        else:
            at = order.index(late.cell)
            order[at:at] = list(makers)
        if tuple(order) in seen or order == numbers:
            continue
        seen.add(tuple(order))
        cells, markdown = _renumbered(program, order)
        moved = late.cell if plan.down else makers[0]
        shown = program.cell(moved)
        text = shown.source.split("\n") if shown else []
        first = next((n for n, t in enumerate(text, 1) if t.strip()), 1)
        line = shown.line_text(first).strip() if shown else ""
        # A cell dragged is one action and changes no line: the size of one token.
        yield Edit(
            "cell-moved",
            1,
            Location(first, moved),
            line,
            line,
            cells=cells,
            markdown=markdown,
            facts={"name": late.makers[0][0], "said": said(plan), "move": move(plan)},
        )


def _lines_moved(program: Program, late: Late) -> Edit:
    """The lines that make a cell's names, moved from the cell below to the top of it."""
    maker = late.cells[0]
    source = program.cell(maker)
    kept = [t for n, t in enumerate(source.source.split("\n") if source else [], 1)]
    kept = [t for n, t in enumerate(kept, 1) if n not in late.lines]
    edited = replace(program, cells=changed(program, maker, kept))
    user = edited.cell(late.cell)
    lines = [*late.texts, *(user.source.split("\n") if user else [])]
    cells = changed(edited, late.cell, lines)
    first = late.lines[0]
    return Edit(
        "cell-moved",
        1,
        Location(first, maker),
        late.texts[0],
        late.texts[0],
        cells=cells,
        markdown=program.markdown,
        facts={"name": late.makers[0][0], "said": said(late), "move": move(late)},
    )


def _renumbered(
    program: Program, order: list[int]
) -> tuple[tuple[Cell, ...], tuple[tuple[int, str], ...]]:
    """A notebook's cells in a new order, each numbered where it lands."""
    code = {c.number or 0: c for c in program.cells}
    text = dict(program.markdown)
    place = dict(zip(order, sorted(order), strict=True))
    cells = tuple(replace(code[n], number=place[n]) for n in order if n in code)
    markdown = tuple((place[n], text[n]) for n in order if n in text)
    return cells, markdown


def cell_moves(program: Program, focus: Focus) -> Iterator[Edit]:
    """A notebook cell that uses a name before the cell creating it; code in a Markdown cell.

    For a NameError, the cell that stopped; otherwise every cell that reads a name only
    a cell below makes (it ran only in the order the learner ran the cells by hand).
    Each cell moved is numbered where it lands, as the notebook numbers it then, so the
    checks judge the moved program as the learner will have it.
    """
    if program.kind != "notebook":
        return
    error = focus.error
    missing = _MISSING_NAME.search(error.message) if error and error.type == "NameError" else None
    trees_of = [(c.cell.number, c.tree) for c in parsed(program)]
    sources = {c.number: c.source for c in program.cells if c.number is not None}
    for late in late_cells(trees_of, sources):
        if error is not None and (missing is None or late.cell != error.cell):
            continue
        if missing is not None and all(n != missing.group(1) for n, _ in late.makers):
            continue
        yield from _cell_orders(program, late)
    cells = list(program.cells)
    for number, text in program.markdown:
        try:
            tree = trees.parse(text)
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            continue
        if not any(
            not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)) for s in tree.body
        ):
            continue
        made = Cell(number, text, text)
        order = sorted([*cells, made], key=lambda c: c.number or 0)
        first = tree.body[0].lineno
        shown = text.split("\n")[first - 1].strip()
        yield Edit(
            "markdown-cell",
            2,
            Location(first, number),
            shown,
            shown,
            cells=tuple(order),
            markdown=tuple(m for m in program.markdown if m[0] != number),
            facts={"cell": str(number)},
        )


StatementCorrection = Callable[[Program, Focus, frozenset[str]], Iterator[Edit]]


def statement_edits(program: Program, focus: Focus, bound: frozenset[str]) -> Iterator[Edit]:
    """Every statement-level correction of the error model on the program."""
    for cell in parsed(program):
        yield from stored_returns(cell, program, focus)
        if focus.error is None:
            yield from loop_moves(cell)
            yield from branch_answers(cell)
            yield from conversions(cell)
            yield from guards(cell)
            yield from emptying_calls(cell)
            yield from exits(cell)
        yield from creations(cell, focus, bound)
        yield from unbound_locals(cell, focus, bound)
        yield from operands(cell, focus)
        yield from removals(cell, focus)
        yield from functions(cell, program)
        yield from references(cell, program, focus, bound)
        yield from lookups(cell)
    if focus.error is None:
        yield from rebindings(program)
        yield from changed_again(program, focus)
    yield from renames(program, focus, bound)
    yield from cell_moves(program, focus)
