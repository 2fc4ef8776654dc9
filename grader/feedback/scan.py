"""Reading one line of the learner's code as a beginner wrote it, valid Python or not.

The corrections of the repair search change one token of a line (an operator, a quote,
a comma): they need to know where the line's strings, comment and code are, even on a
line Python cannot read. ``scan`` finds them with a small scanner of its own (the
tokenizer stops at the first error); the rest answers questions on that scan.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import re
from collections.abc import Iterator
from dataclasses import dataclass

from grader.analysis import trees
from grader.load import Program

BUILTIN_NAMES = frozenset(name for name in dir(builtins) if not name.startswith("_"))
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
_PREFIX = re.compile(r"[rRbBuUfF]{1,2}$")
# What stands in for a string's text in a masked line: never an operator or a name.
MASK = "\x00"
OPENERS, CLOSERS = "([{", ")]}"


@dataclass(frozen=True)
class Literal:
    """A string literal on a line: where it starts and ends, its quote, prefix and text."""

    start: int
    end: int
    quote: str
    prefix: str
    body: str


@dataclass(frozen=True)
class Line:
    """One line as scanned: its text, its string literals, and its text with them masked."""

    text: str
    strings: tuple[Literal, ...]
    # The code of the line with every string's text masked and the comment dropped
    # (same length as the text up to the comment).
    masked: str

    @property
    def indent(self) -> int:
        """The line's indentation, tabs counted as 8 columns as Python does."""
        return len(self.text) - len(self.text.lstrip(" \t"))

    @property
    def code(self) -> str:
        """The line without its comment and trailing blanks."""
        return self.text[: len(self.masked)].rstrip()

    def names(self) -> Iterator[re.Match[str]]:
        """Each identifier of the code that is not an attribute (after a dot) or a keyword."""
        for match in _IDENTIFIER.finditer(self.masked):
            before = self.masked[: match.start()].rstrip()
            if before.endswith(".") or keyword.iskeyword(match.group()):
                continue
            if match.start() > 0 and (
                self.masked[match.start() - 1].isdigit() or self.masked[match.start() - 1] == MASK
            ):
                continue  # a number's suffix or a string's prefix
            yield match


def scan(text: str) -> Line:
    """Scan a line: its string literals, and the code with their text masked."""
    strings: list[Literal] = []
    masked = list(text)
    index = 0
    end_of_code = len(text)
    while index < len(text):
        char = text[index]
        if char == "#":
            end_of_code = index
            break
        if char in "'\"":
            quote = text[index : index + 3] if text[index : index + 3] in ("'''", '"""') else char
            close = _closing(text, index + len(quote), quote)
            prefix_match = _PREFIX.search(text[:index])
            prefix = prefix_match.group() if prefix_match else ""
            if prefix and index - len(prefix) > 0 and _is_word(text[index - len(prefix) - 1]):
                prefix = ""  # the end of a name, not a prefix
            start = index - len(prefix)
            stop = len(text) if close < 0 else close + len(quote)
            body = text[index + len(quote) : stop - len(quote) if close >= 0 else len(text)]
            strings.append(Literal(start, stop, quote, prefix, body))
            for position in range(start, stop):
                masked[position] = MASK
            index = stop
            continue
        index += 1
    return Line(text, tuple(strings), "".join(masked[:end_of_code]))


def _closing(text: str, start: int, quote: str) -> int:
    """Return where a string's closing quote starts, or -1 if the line does not close it."""
    index = start
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text.startswith(quote, index):
            return index
        index += 1
    return -1


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def depth_changes(masked: str) -> tuple[list[tuple[int, str]], list[int]]:
    """Return a line's unclosed openers (position, bracket) and unmatched closers' positions.

    A closer of the wrong kind counts as unmatched; the opener it meets stays open.
    """
    opened: list[tuple[int, str]] = []
    stray: list[int] = []
    for position, char in enumerate(masked):
        if char in OPENERS:
            opened.append((position, char))
        elif char in CLOSERS:
            if opened and OPENERS.index(opened[-1][1]) == CLOSERS.index(char):
                opened.pop()
            else:
                stray.append(position)
    return opened, stray


def bound_names(program: Program) -> frozenset[str]:
    """Every name the program binds anywhere: assignments, loops, functions, imports.

    A cell Python cannot read still tells its plain assignments and loop variables.
    """
    names: set[str] = set()
    for cell in program.cells:
        try:
            tree = trees.parse(cell.source)
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            for line in cell.source.split("\n"):
                assigned = re.match(r"\s*([A-Za-z_]\w*)\s*=(?!=)", line)
                if assigned:
                    names.add(assigned.group(1))
                looped = re.match(r"\s*for\s+(.+?)\s+in\b", line)
                if looped:
                    names.update(_IDENTIFIER.findall(looped.group(1)))
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                names.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return frozenset(names)


def replace_span(text: str, start: int, end: int, new: str) -> str:
    """Return text with [start, end) replaced."""
    return text[:start] + new + text[end:]


def replace_word(line: Line, old: str, new: str) -> str:
    """Replace every use of a name in a line's code (not attributes, strings or comments)."""
    text = line.text
    for match in reversed([m for m in line.names() if m.group() == old]):
        text = replace_span(text, match.start(), match.end(), new)
    return text
