"""Syntax errors recognised from the learner's line: what they wrote, and what to write.

Python's message for a line it cannot read names the symptom ("invalid syntax",
"'return' outside function"); the line itself often shows what the learner meant: a
result they wanted shown, or an English sentence from the instructions pasted as code.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import re
from functools import lru_cache

from grader.analysis import trees
from grader.feedback.words import RUN_ALL
from grader.load import Program
from grader.sandbox import Error


def diagnose_syntax(error: Error, program: Program) -> str:
    """Return advice for a syntax error recognised from the learner's line, or ''."""
    cell = program.cell(error.cell)
    line = cell.line_text(error.line) if cell is not None and error.line else ""
    if "'return' outside function" in error.message:
        value = line.strip()[len("return") :].strip()
        shown = f"`print({value})`" if value else "`print(...)`"
        return (
            "`return` only works inside a function (`def`), and this line is not in one. "
            f"To show the result, print it: {shown}."
        )
    empty = _comment_only_body(error, program) or _body_in_next_cell(error, program)
    if empty:
        return empty
    prompt = _PROMPT.match(line)
    if prompt is not None:
        fixed = line[prompt.end() :].strip()
        others = sum(
            1 for c in program.cells for text in c.original.split("\n") if _PROMPT.match(text)
        )
        also = " Delete it from the other lines that start with it as well." if others > 1 else ""
        return (
            f"`{prompt.group(1)}` at the start of this line is the prompt of Python's "
            "interactive shell, copied with the code; it is not part of the code. Delete it: "
            f"`{fixed}`.{also}"
        )
    code = prose_code(line)
    if code is not None:
        comment = "make the sentence a comment (start it with `#`)"
        if program.kind == "notebook":
            comment += " or move it to a Markdown cell"
        said = (
            f"It describes this code: `{code}`; write that instead, or {comment}."
            if code
            else f"{comment[0].upper()}{comment[1:]}."
        )
        return f"This line is an English sentence, not Python, so Python cannot read it. {said}"
    return ""


# The interactive shell's prompts (`>>> `, and `... ` on a line that goes on), copied
# with the code from a session or a tutorial's page.
_PROMPT = re.compile(r"\s*(>>>|\.\.\.)(?: |$)")

_NO_BODY = re.compile(r"expected an indented block after '(\w+)' statement on line (\d+)")


def unwritten_block(error: Error, program: Program) -> tuple[str, int] | None:
    """A block whose body is only comments: its keyword and header line, if the error is one.

    Python stops at the first line of code after the block's header and asks for it to be
    indented; but when a comment stands where the body goes (a "TODO"), the learner has
    not written the body yet, and indenting the next line would move it into the block.
    """
    found = _NO_BODY.search(error.message)
    cell = program.cell(error.cell)
    if found is None or cell is None or error.line is None:
        return None
    header = int(found.group(2))
    lines = cell.source.split("\n")
    # At the end of the cell Python stops on the comment itself: nothing follows it.
    last = error.line
    if all(not t.strip() or t.strip().startswith("#") for t in lines[error.line - 1 :]):
        last = len(lines) + 1
    between = [cell.line_text(n).strip() for n in range(header + 1, last)]
    if not any(text.startswith("#") for text in between) or any(
        text and not text.startswith("#") for text in between
    ):
        return None
    return found.group(1), header


def _body_in_next_cell(error: Error, program: Program) -> str:
    """A block's header that ends its notebook cell, with its body at the top of the next
    code cell: each cell is read alone, so a block cannot go on into the next one."""
    found = _NO_BODY.search(error.message)
    cell = program.cell(error.cell)
    if found is None or cell is None or cell.number is None:
        return ""
    header = int(found.group(2))
    after = [t for t in cell.original.split("\n")[header:] if t.strip()]
    later = [c for c in program.cells if (c.number or 0) > cell.number]
    if after or not later:
        return ""
    body = [t for t in later[0].original.split("\n") if t.strip()]
    if not body or body[0] == body[0].lstrip():
        return ""
    return (
        f"The `{found.group(1)}` line at cell {cell.number}, line {header} ends its cell, and "
        f"the code it should run, `{body[0].strip()}`, starts cell {later[0].number}: a block "
        "cannot go on into another cell. Move that code into cell "
        f"{cell.number}, under the `{found.group(1)}` line, then {RUN_ALL}."
    )


def _comment_only_body(error: Error, program: Program) -> str:
    """Say that a block holds only comments, and what to write in it."""
    block = unwritten_block(error, program)
    cell = program.cell(error.cell)
    if block is None or cell is None:
        return ""
    keyword_, header = block
    head = cell.line_text(header)
    indent = len(head.expandtabs(4)) - len(head.expandtabs(4).lstrip()) + 4
    where = f"line {header}" if error.cell is None else f"cell {error.cell}, line {header}"
    return (
        f"The `{keyword_}` at {where} has no code inside it yet: a comment does not count. "
        f"Write the code it should run on the lines under it, indented by {indent} spaces "
        "(a comment can stay, but at least one line of code must follow)."
    )


_WORD = re.compile(r"[A-Za-z]+[,.;:]?")
# fmt: off
_LITTLE_WORDS = frozenset({
    "a", "an", "the", "to", "of", "and", "with", "then", "that", "this", "it", "is", "are",
    "each", "use", "make", "create", "your",
})
# fmt: on
# A word of prose: letters, joined by an apostrophe, a hyphen or an underscore (let's,
# well-known, single_node); and what may stand around words in a sentence.
_PLAIN_WORD = re.compile(r"[A-Za-z]+(?:['’_-][A-Za-z]+)*")
# A title's number (Part 2, Step 3:, 1.5, 1-2), and what stands around words in a
# sentence or a heading: its punctuation, quotes, and Markdown's emphasis.
_NUMBER = re.compile(r"\d+(?:[.-]\d+)*")
_AROUND_WORDS = ".,;:?!()\"'‘’“”*"
# The dashes of typography (en and em) between a title's parts: never code.
_DASHES = frozenset("–—")
# What may open a line of notes: a bullet, or a number.
_BULLET = re.compile(r"(?:[-*•]+|\d+[.)])\s+")
_BUILTINS = frozenset(dir(builtins))


# A pure function of the line, asked again for the same line (each explanation of the
# same error, the search's candidates that keep it): each line is read once.
@lru_cache(maxsize=256)
def prose_code(line: str) -> str | None:
    """If a line Python could not read is a sentence or a title, return the code it
    quotes ('' if none).

    Words alone (two or more, with a sentence's punctuation or a heading's numbers and
    emphasis, after a bullet or a number if any) are prose, unless the first is a
    keyword or a builtin (`print total` is Python 2's print, not English). A line that holds more than words (code
    it quotes) is prose when it has four words in a row and two little words English
    cannot do without. The code it quotes is its longest run of words that parses as
    one statement more than a bare name (an assignment, a call), with no English word
    read as a name in it.
    """
    words = _BULLET.sub("", line.strip(), count=1).split()
    if not words or keyword.iskeyword(words[0].rstrip(":")) or words[0].startswith("#"):
        return None
    bare = [word.strip(_AROUND_WORDS) for word in words if word not in _DASHES]
    plain = [word for word in bare if _PLAIN_WORD.fullmatch(word)]
    if len(plain) >= 2 and all(word in plain or _NUMBER.fullmatch(word) for word in bare):
        return None if bare[0] in _BUILTINS else ""
    little = sum(1 for w in words if w.lower().strip(".,;:") in _LITTLE_WORDS)
    if little < 2:
        return None
    run = longest = 0
    for word in words:
        run = run + 1 if _WORD.fullmatch(word) else 0
        longest = max(longest, run)
    if longest < 4:
        return None
    best = ""
    for sentence in re.split(r"(?<=[.;,])\s+", line.strip()):
        words = sentence.split()
        for start in range(len(words)):
            for end in range(len(words), start, -1):
                text = " ".join(words[start:end]).rstrip(".,;").replace("`", "")
                if len(text) <= len(best):
                    break
                if _is_statement(text):
                    best = text
                    break
    return best


# The runs of words overlap from one line to the next (and repeat on every asking):
# each text is parsed once.
@lru_cache(maxsize=1024)
def _is_statement(text: str) -> bool:
    try:
        tree = trees.parse(text)
    except (SyntaxError, ValueError):
        return False
    if len(tree.body) != 1:
        return False
    node = tree.body[0]
    if any(isinstance(n, ast.Name) and n.id.lower() in _LITTLE_WORDS for n in ast.walk(node)):
        return False  # an English word read as a name: the sentence goes on past the code
    if isinstance(node, ast.Expr):
        return isinstance(node.value, ast.Call)
    return isinstance(node, (ast.Assign, ast.AugAssign))
