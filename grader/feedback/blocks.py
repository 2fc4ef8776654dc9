"""A block left with only a comment inside, filled with what the exercise's own code puts
in the same block.

Python cannot read a `for` or an `if` whose body is only a comment (a "TODO" where the
code goes). The learner's header says which block it is; the exercise's reference has
a block with the same header, and its body is the line the learner has not written yet.
The repair search verifies that line like any other edit: it runs the program with it
and judges the steps, so a header the reference writes otherwise gives no candidate and
a body that does not fit gives no repair.
"""

from __future__ import annotations

import ast

from grader.analysis import trees
from grader.feedback.edits import Edit, changed
from grader.feedback.syntax import unwritten_block
from grader.load import Program
from grader.result import Location
from grader.sandbox import Error


def _header(text: str) -> ast.stmt | None:
    """A block's header line read alone, with a body made up for it."""
    tree = trees.readable(text.strip() + "\n    pass")
    return tree.body[0] if tree is not None and len(tree.body) == 1 else None


def _same_block(learner: ast.stmt, reference: ast.stmt) -> bool:
    """Whether two blocks have the same header: the same kind, loop or condition."""
    if type(learner) is not type(reference):
        return False
    if isinstance(learner, ast.For) and isinstance(reference, ast.For):
        return ast.dump(learner.target) == ast.dump(reference.target) and ast.dump(
            learner.iter
        ) == ast.dump(reference.iter)
    if isinstance(learner, (ast.If, ast.While)) and isinstance(reference, (ast.If, ast.While)):
        return ast.dump(learner.test) == ast.dump(reference.test)
    return False


def _bodies(header: ast.stmt, reference: str) -> list[str]:
    """The one-line bodies the reference gives blocks with this header, in its order."""
    tree = trees.readable(reference)
    if tree is None:
        return []
    found = []
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(node, ast.stmt) or not _same_block(header, node) or not body:
            continue
        if len(body) == 1 and body[0].lineno == body[0].end_lineno:
            text = ast.get_source_segment(reference, body[0])
            if text:
                found.append(text.strip())
    return found


def filled_blocks(program: Program, error: Error, reference: str) -> list[Edit]:
    """The edits that write the reference's body into a block that holds only comments."""
    block = unwritten_block(error, program)
    cell = program.cell(error.cell)
    if block is None or cell is None or not reference:
        return []
    keyword, line = block
    lines = cell.source.split("\n")
    header = _header(lines[line - 1])
    if header is None:
        return []
    head = lines[line - 1].expandtabs(4)
    indent = " " * (len(head) - len(head.lstrip()) + 4)
    # The body goes below the last comment of the block, where the learner left the gap.
    last = max(
        n
        for n in range(line + 1, min(error.line or line, len(lines)) + 1)
        if lines[n - 1].strip().startswith("#")
    )
    edits = []
    for body in _bodies(header, reference):
        new = [*lines[:last], indent + body, *lines[last:]]
        edits.append(
            Edit(
                kind="block-filled",
                cost=2,
                place=Location(last + 1, cell.number),
                before=lines[line - 1].strip(),
                after=body,
                cells=changed(program, cell.number, new),
                markdown=program.markdown,
                facts={
                    "keyword": keyword,
                    "header": Location(line, cell.number).describe(),
                    "indent": str(len(indent)),
                },
            )
        )
    return edits
