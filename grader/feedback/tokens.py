"""The generic error model: one token of a line Python could not read, added, removed or replaced.

The corrections of grader.feedback.corrections each know one shape of a beginner's
mistake (`=>` for `>=`, a colon missing after `if`). Many mistakes Python cannot read
have no shape of their own: `and` between a loop's two variables, `of` for `in`, a
space inside a name, `else:` indented under its `if`. Each is one token away from code
Python reads, so this model proposes, on the line of a syntax error (and the line
before, where the mistake often is), every single-token edit of a small vocabulary:

- a token removed;
- a token replaced by a separator, an operator or a keyword of the vocabulary;
- a token of the vocabulary inserted between two tokens, or at the line's end;
- names written apart joined into one known name (`total sum` for `total_sum`);
- a line that continues a block (`else:`, `elif`, `except`) moved to the indentation
  of a header above it.

Only edits that make the cell compile are kept (grader.feedback.edits.ranked), and the
search verifies each by running it, so the model can be wide: what Python reads and what
the exercise's checks accept decide, never the shape alone. ``tokens`` reads a line's
tokens even where Python's own tokenizer gives up (a pasted sign, a quote left open).
"""

from __future__ import annotations

import ast
import difflib
import keyword
import re
from collections.abc import Iterator
from dataclasses import dataclass

from grader.analysis import trees
from grader.feedback.corrections import Site, sites
from grader.feedback.edits import Edit, Focus
from grader.feedback.scan import replace_span, scan
from grader.load import Program

# Python's operators and delimiters, longest first, with the spellings a beginner types
# that Python has not (`<>`, `=>`, `=<`, `=!`) read as one token each.
_SPELLED = (
    "**= //= >>= <<= ... -> := ** // == != <= >= << >> += -= *= /= %= &= |= ^= @= "
    "<> => =< =! + - * / % @ & | ^ ~ < > = . , : ; ! ? $ `"
)
OPERATORS = tuple(sorted(_SPELLED.split(" "), key=len, reverse=True))
OPENERS, CLOSERS = "([{", ")]}"
_NAME = re.compile(r"[^\W\d]\w*")
_NUMBER = re.compile(r"\d[\w.]*|\.\d\w*")

# What a one-token edit may write: the separators, brackets and operators a first-week
# program uses, and the keywords that join its parts. Each is tried in place of a token
# and between two tokens; the compiler and the checks decide which one was meant.
VOCABULARY = (",", ":", "=", "==", ">=", "<=", ".", "(", ")", "[", "]", "{", "}", "in")
# The keywords a keyword is most often written for: one of them in place of another. Not
# the words that start a statement (`for`, `if`): one of those for another is a new
# statement, not a typo.
KEYWORDS = ("in", "else", "elif", "and", "or", "not", "is")
# The keywords that continue a block, and the headers each continues.
_CONTINUES = {
    # Not `for` or `while`: their `else` is rarely what a first-week program means.
    "else": ("if", "elif", "try", "except"),
    "elif": ("if", "elif"),
    "except": ("try", "except"),
    "finally": ("try", "except", "else"),
}
# The kinds of edit this model makes. Proposed blind, by the token, each is a repair only
# when the exercise's checks accept the whole program after it: an edit that only lets
# Python read the line (`print, x` for `print x`) is no repair.
GENERIC = frozenset(
    {
        "token-removed",
        "token-replaced",
        "token-inserted",
        "name-joined",
        "continued-indented",
        "tokens-edited",
        "keyword-spelt",
    }
)
# The most edits the model proposes on one line: a long line has many tokens, and the
# right edit is among the first (near the caret) when there is one.
MOST = 400
# The two-token model's first edits are made only at this many tokens nearest the caret,
# its second only at the tokens on either side of where Python then stops reading, and
# only the first edits nearest the caret that get Python further are followed.
NEAR = 4
FOLLOWED = 6


@dataclass(frozen=True)
class Token:
    """One token of a line: its kind, its text, and where it is in the line."""

    # "name", "number", "string", "op", "open", "close" or "other" (a character Python
    # does not read in code: a pasted sign, a non-breaking space, a full-width colon).
    kind: str
    text: str
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    """Return a line's tokens, its strings whole and its comment left out."""
    line = scan(text)
    strings = {s.start: s for s in line.strings}
    found: list[Token] = []
    index, end = 0, len(line.masked)
    while index < end:
        char = text[index]
        if index in strings:
            literal = strings[index]
            found.append(Token("string", text[literal.start : literal.end], index, literal.end))
            index = literal.end
            continue
        if char in " \t\r\f\v":
            index += 1
            continue
        match = _NUMBER.match(text, index) if not _word_before(text, index) else None
        kind = "number"
        if match is None:
            match = _NAME.match(text, index)
            kind = "name"
        if match is not None and match.end() > index:
            found.append(Token(kind, match.group(), index, match.end()))
            index = match.end()
            continue
        op = next((o for o in OPERATORS if text.startswith(o, index)), None)
        if op is not None:
            found.append(Token("op", op, index, index + len(op)))
            index += len(op)
            continue
        kind = "open" if char in OPENERS else "close" if char in CLOSERS else "other"
        found.append(Token(kind, char, index, index + 1))
        index += 1
    return found


def _word_before(text: str, index: int) -> bool:
    return index > 0 and (text[index - 1].isalnum() or text[index - 1] == "_")


def generic_edits(program: Program, focus: Focus, bound: frozenset[str]) -> Iterator[Edit]:
    """The generic model's edits on every line the focus names, for a syntax error only."""
    if focus.error is None or not focus.error.syntax:
        return
    for site in sites(program, focus, bound):
        yield from token_edits(site)


def _statement(lines: tuple[str, ...], number: int) -> tuple[int, int]:
    """The lines (first, after last) of the top-level statement a line belongs to."""
    continues = ("else", "elif", "except", "finally", "#", ")", "]", "}")

    def top(number: int) -> bool:
        text = lines[number - 1]
        return bool(text.strip()) and not text[0].isspace() and not text.startswith(continues)

    first = next((n for n in range(number, 0, -1) if top(n)), 1)
    last = next((n for n in range(number + 1, len(lines) + 1) if top(n)), len(lines) + 1)
    return first, last


def _reads(site: Site, window: tuple[int, int], line: str) -> bool:
    """Whether the statement around the line reads as Python with the line written anew.

    Compiling a whole long program for each of hundreds of candidates costs seconds;
    the statement alone costs little, and a statement Python cannot read leaves the
    whole cell unreadable too. (A statement it can read is compiled whole afterwards,
    with the rest of the cell, as every candidate is.)
    """
    first, last = window
    lines = list(site.lines[first - 1 : last - 1])
    lines[site.number - first] = line
    try:
        trees.compile_text("\n".join(lines), "<statement>")
    except (SyntaxError, ValueError, MemoryError, RecursionError, OverflowError):
        return False
    return True


def token_edits(site: Site) -> Iterator[Edit]:
    """Every one-token edit of a line Python could not read, nearest the caret first."""
    error = site.focus.error
    if error is None or not error.syntax:
        return
    found = tokens(site.line.text)
    if not found:
        return
    window = _statement(site.lines, site.number)
    if error.line is not None and error.cell == site.cell.number and not site.error_here:
        # An edit on the line before must make the error's own line readable as well.
        there = _statement(site.lines, min(error.line, len(site.lines)))
        window = (min(window[0], there[0]), max(window[1], there[1]))
    yield from _keyword_spelt(site, found, window)
    yield from _joined(site, found, window)
    yield from _continued(site, found)
    caret = (error.offset or 1) - 1 if site.error_here else len(site.line.text)
    order = sorted(range(len(found)), key=lambda i: abs(found[i].start - caret))
    made = 0
    for index in order:
        for edit in _at(site, found, index, window):
            made += 1
            if made > MOST:
                return
            yield edit
    yield from pair_edits(site, found, window, caret)


def _at(site: Site, found: list[Token], index: int, window: tuple[int, int]) -> Iterator[Edit]:
    """The edits of one token: removed, replaced, or a token written after it."""
    for kind, fixed, old, new in _changes(site.line.text, found, index):
        yield from _edit(site, window, kind, fixed, old, new, found[index])


def _changes(text: str, found: list[Token], index: int) -> Iterator[tuple[str, str, str, str]]:
    """Every one-token change at a token, as (kind, line, old, new), readable or not.

    (An insertion is made after the token.)
    """
    token = found[index]
    if token.kind != "string" and token.kind != "number":
        yield "token-removed", _without(text, token), token.text, ""
    words = KEYWORDS if keyword.iskeyword(token.text) else ()
    for new in (*VOCABULARY, *words):
        if new == token.text or token.kind in ("string", "number"):
            continue
        if token.kind == "name" and not keyword.iskeyword(token.text) and not new.isalpha():
            continue  # a name is replaced only by a word; `=` for `x` is no typo
        yield "token-replaced", _put(text, token.start, token.end, new), token.text, new
    nxt = found[index + 1] if index + 1 < len(found) else None
    for new in VOCABULARY:
        if new == token.text or (nxt is not None and new == nxt.text):
            continue
        # An opening bracket is written against what it opens, as a learner writes it.
        end = nxt.start if nxt is not None and new in OPENERS else token.end
        yield "token-inserted", _put(text, token.end, end, new), "", new


def _without(text: str, token: Token) -> str:
    """The line with a token taken out, and the spaces around it as a learner would leave them."""
    left, right = text[: token.start], text[token.end :]
    if not left.strip():
        return left + right.lstrip(" ")
    after, before = right.lstrip(" ")[:1], left.rstrip(" ")[-1:]
    spaced = left.endswith(" ") or right.startswith(" ")
    tight = not spaced or not after or after in ")]},:." or before in "([{."
    return left.rstrip(" ") + ("" if tight else " ") + right.lstrip(" ")


def _put(text: str, start: int, end: int, new: str) -> str:
    """Write a token in place of a span, with a space either side of a word where needed."""
    if new.isalpha():
        before, after = text[:start].rstrip(" ")[-1:], text[end:].lstrip(" ")[:1]
        lead = " " if before and (before.isalnum() or before in "_)]}'\"") else ""
        tail = " " if after and (after.isalnum() or after in "_([{'\"") else ""
        new = lead + new + tail
        return (
            text[:start].rstrip(" ") + new + text[end:].lstrip(" ")
            if lead or tail
            else (replace_span(text, start, end, new))
        )
    return replace_span(text, start, end, new)


def _edit(
    site: Site,
    window: tuple[int, int],
    kind: str,
    fixed: str,
    old: str,
    new: str,
    token: Token,
    facts: dict[str, str] | None = None,
) -> Iterator[Edit]:
    """The edit that writes a line anew, if its statement then reads as Python."""
    # Written as a learner would: one space between words, none before a separator.
    indent = fixed[: len(fixed) - len(fixed.lstrip())]
    body = re.sub(r"(?<=\S)  +", " ", fixed.strip())
    if new in (",", ":", ")", "]", "}", "."):
        body = re.sub(rf"(?<=\w) +(?={re.escape(new)})", "", body)
    if _reads(site, window, indent + body):
        # A line that then does nothing (a bare value, a comparison, a type annotation)
        # is rarely what was meant: it is tried after every edit that does something.
        cost = 3 if _idle(body) else 2 if kind == "tokens-edited" else 1
        yield site.edit(
            kind, indent + body, old, new, cost=cost, facts={"near": token.text, **(facts or {})}
        )


def _idle(body: str) -> bool:
    """Whether a line, read alone, is a statement that does nothing."""
    try:
        tree = trees.parse(body)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False  # a header or part of a statement: it does what its block does
    if len(tree.body) != 1:
        return False
    node = tree.body[0]
    if isinstance(node, ast.AnnAssign):
        return node.value is None
    return isinstance(node, ast.Expr) and not isinstance(
        node.value, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom)
    )


# Python's keywords as a learner writes a statement with them (not `True` or `None`:
# values, which have their own corrections).
_STATEMENT_WORDS = tuple(k for k in keyword.kwlist if k.islower() and len(k) > 2)


def _keyword_spelt(site: Site, found: list[Token], window: tuple[int, int]) -> Iterator[Edit]:
    """A keyword misspelt (`esle`), or spelt as another language does (`elsif`, `else if`).

    A name Python does not know, close to a keyword, or two words that run together
    into one (`else if`, `elseif`), written as the keyword. Tried before the one-token
    edits: removing `else` from `else if` reads too, but says the wrong thing.
    """
    text = site.line.text
    for index, token in enumerate(found):
        if token.kind != "name" or token.text in site.bound:
            continue
        pairs = [(token, token)]
        nxt = found[index + 1] if index + 1 < len(found) else None
        if nxt is not None and nxt.kind == "name":
            pairs.append((token, nxt))
        for first, last in pairs:
            word = text[first.start : last.end]
            if first is token and keyword.iskeyword(word):
                continue
            close = difflib.get_close_matches(
                word.replace(" ", "").lower(), _STATEMENT_WORDS, 3, 0.75
            )
            for new in close:
                fixed = replace_span(text, first.start, last.end, new)
                around = window
                if new in _CONTINUES and site.number > 1:
                    # It continues the statement above: read with it.
                    around = (min(window[0], _statement(site.lines, site.number - 1)[0]), window[1])
                if new != word and _reads(site, around, fixed):
                    yield site.edit("keyword-spelt", fixed, word, new, facts={"near": token.text})


def _joined(site: Site, found: list[Token], window: tuple[int, int]) -> Iterator[Edit]:
    """Names written apart, with spaces, that are one known name with underscores."""
    known = set(site.bound) | set(site.focus.wanted)
    text = site.line.text
    for start in range(len(found)):
        for stop in range(start + 2, min(start + 5, len(found) + 1)):
            run = found[start:stop]
            if any(t.kind != "name" or keyword.iskeyword(t.text) for t in run):
                break
            name = "_".join(t.text for t in run)
            if name in known:
                old = text[run[0].start : run[-1].end]
                fixed = replace_span(text, run[0].start, run[-1].end, name)
                if _reads(site, window, fixed):
                    yield site.edit("name-joined", fixed, old, name, facts={"name": name})


def _continued(site: Site, found: list[Token]) -> Iterator[Edit]:
    """`else:` (or `elif`, `except`) at another indentation than the header it continues."""
    first = found[0].text
    headers = _CONTINUES.get(first)
    if headers is None:
        return
    current = site.line.indent
    body = site.line.text.lstrip(" \t")
    for number in range(site.number - 1, 0, -1):
        above = site.lines[number - 1]
        if not above.strip() or above.lstrip().startswith("#"):
            continue
        level = len(above) - len(above.lstrip(" "))
        word = re.match(r"\s*(\w+)", above)
        if word and word.group(1) in headers and level != current:
            yield site.edit(
                "continued-indented",
                " " * level + body,
                str(current),
                str(level),
                facts={"word": first, "header": word.group(1), "line": str(number)},
            )
        if level == 0:
            return


# -- two tokens ---------------------------------------------------------------------------


def _stops(site: Site, window: tuple[int, int], line: str) -> tuple[int, str] | None:
    """Where Python stops reading the statement with the line written anew: the column
    (from 1) on that line and its message; None when it reads it, or stops elsewhere."""
    first, last = window
    lines = list(site.lines[first - 1 : last - 1])
    lines[site.number - first] = line
    try:
        trees.compile_text("\n".join(lines), "<statement>")
    except SyntaxError as error:
        if error.lineno != site.number - first + 1:
            return None
        return (error.offset or 1), error.msg or ""
    except (ValueError, MemoryError, RecursionError, OverflowError):
        return None
    return None


def pair_edits(
    site: Site, found: list[Token], window: tuple[int, int], caret: int
) -> Iterator[Edit]:
    """Two one-token changes of a line, when one alone does not make Python read it.

    `print x`, `if x => y` without its colon: the first change is made near the caret,
    and is kept only if Python then reads further along the line (or stops at a bracket
    it opened, never closed); of those, the ones that get Python furthest are followed,
    and the second change is made where Python then stops. Each pair is one edit,
    verified as every edit is.
    """
    text = site.line.text
    order = sorted(range(len(found)), key=lambda i: abs(found[i].start - caret))[:NEAR]
    firsts = []
    for rank, index in enumerate(order):
        for kind, line, old, new in _changes(text, found, index):
            stop = _stops(site, window, line)
            if stop is None:
                continue
            offset, message = stop
            if "never closed" in message or offset - 1 > caret:
                reach = len(line) + 1 if "never closed" in message else offset
                firsts.append((-reach, rank, index, kind, line, old, new, offset, message))
    firsts.sort(key=lambda f: f[:2])
    seen: set[str] = set()
    for _, _, index, kind, line, old, new, offset, message in firsts[:FOLLOWED]:
        again = tokens(line)
        if "never closed" in message:
            # The bracket it opened: its closer after any token from there on.
            opener = line[offset - 1 : offset]
            closer = CLOSERS[OPENERS.index(opener)] if opener in OPENERS else ""
            later = [t for t in again if t.start >= offset and t.kind != "close"]
            seconds = [
                ("token-inserted", _put(line, t.end, t.end, closer), "", closer, t, again)
                for t in reversed(later)
                if closer
            ]
        else:
            near = sorted(range(len(again)), key=lambda i: abs(again[i].start - offset + 1))
            seconds = [(*c, again[i], again) for i in near[:2] for c in _changes(line, again, i)]
        for kind2, line2, old2, new2, at, there in seconds:
            if line2 in seen:
                continue
            seen.add(line2)
            changes = {
                "first": _said(kind, old, new, found[index], found),
                "second": _said(kind2, old2, new2, at, there),
            }
            yield from _edit(
                site,
                window,
                "tokens-edited",
                line2,
                f"{old}{old2}",
                f"{new}{new2}",
                found[index],
                changes,
            )


def _said(kind: str, old: str, new: str, token: Token, found: list[Token]) -> str:
    """One change of a pair in words: "add `(` after `print`", "write `>=` for `=>`"."""
    if kind == "token-removed":
        return f"remove `{old}`"
    if kind == "token-replaced":
        return f"write `{new}` for `{old}`"
    if token is found[-1]:
        return f"add `{new}` at the end"
    return f"add `{new}` after `{token.text}`"
