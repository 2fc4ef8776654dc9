"""The error model: the small corrections a beginner's code most often needs, one line at a time.

Each correction is a function from a site (one line of one cell) to the edits it
proposes there: an operator spelled `=>` or typed `≥`, `>` where `>=` was meant, quotes
around a variable or missing around a word, a colon or a comma, a bracket, a line's
indentation, `.keys()` for `.items()`, loop variables in the wrong order. The
corrections that move or add whole lines are in grader.feedback.moves. None of them
knows an exercise: they know Python, and the names a step asks for come in the Focus.
"""

from __future__ import annotations

import difflib
import keyword
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace

from grader.feedback.edits import Edit, Focus, changed
from grader.feedback.scan import (
    BUILTIN_NAMES,
    CLOSERS,
    MASK,
    OPENERS,
    Line,
    depth_changes,
    replace_span,
    replace_word,
    scan,
)
from grader.feedback.syntax import unwritten_block
from grader.load import Cell, Program
from grader.result import Location


@dataclass(frozen=True)
class Site:
    """One line of the learner's code, with what the corrections need to know around it."""

    program: Program
    cell: Cell
    number: int
    lines: tuple[str, ...]
    line: Line
    focus: Focus
    bound: frozenset[str]
    # How many brackets are still open where the line starts (a statement over lines).
    open_before: int = 0
    facts: Mapping[str, str] = field(default_factory=dict)

    @property
    def place(self) -> Location:
        """Where the line is, as the learner counts."""
        return Location(self.number, self.cell.number)

    def edit(
        self,
        kind: str,
        text: str,
        old: str = "",
        new: str = "",
        cost: int = 1,
        facts: Mapping[str, str] | None = None,
    ) -> Edit:
        """Return the edit that makes this line read ``text``."""
        lines = list(self.lines)
        lines[self.number - 1] = text
        return Edit(
            kind=kind,
            cost=cost,
            place=self.place,
            before=self.line.text.strip(),
            after=text.strip(),
            old=old,
            new=new,
            cells=changed(self.program, self.cell.number, lines),
            markdown=self.program.markdown,
            facts=dict(facts or {}),
        )

    @property
    def error_here(self) -> bool:
        """Whether the focus's error is on this line."""
        error = self.focus.error
        return error is not None and error.line == self.number and error.cell == self.cell.number


Correction = Callable[[Site], Iterator[Edit]]

# -- operators ---------------------------------------------------------------------------

_OPERATOR = re.compile(
    r"[<>=!]= ?==?|[<>!=] =(?!=)|==>|=>=|=<=|=>|=<|->|>>=|<<=|>>|<<|>=|<=|==|!=|<>|=!|≥|≤|≠|>|<"
)
# Spellings of a comparison Python does not read, and how Python writes it.
SPELLINGS = {
    ">==": ">=",
    "<==": "<=",
    "===": "==",
    "!==": "!=",
    "=>=": ">=",
    "=<=": "<=",
    "> =": ">=",
    "< =": "<=",
    "= =": "==",
    "! =": "!=",
    "=>": ">=",
    "==>": ">=",
    "=<": "<=",
    "=!": "!=",
    "<>": "!=",
    "≥": ">=",
    "≤": "<=",
    "≠": "!=",
}
# `>` for `>=` and back: the comparison that leaves out, or lets in, equal values.
STRICTNESS = {">": ">=", ">=": ">", "<": "<=", "<=": "<"}
# The comparison turned the other way round.
DIRECTION = {">": "<", "<": ">", ">=": "<=", "<=": ">="}
_CURLY = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "′": "'", "″": '"'})


def operators(site: Site) -> Iterator[Edit]:
    """An operator misspelled, typed as a sign, strict where it should not be, or reversed."""
    text = site.line.text
    for match in _OPERATOR.finditer(site.line.masked):
        op = match.group()
        start, end = match.span()
        if op in SPELLINGS:
            kind = "operator-sign" if not op.isascii() else "operator-spelling"
            if " " in op:
                kind = "operator-split"
            yield site.edit(kind, replace_span(text, start, end, SPELLINGS[op]), op, SPELLINGS[op])
        yield from _offsets(site, start, end)
        if op in STRICTNESS:
            new = STRICTNESS[op]
            yield site.edit("strictness", replace_span(text, start, end, new), op, new)
        if op in DIRECTION:
            new = DIRECTION[op]
            yield site.edit("direction", replace_span(text, start, end, new), op, new, cost=2)
    stripped = site.line.code.strip()
    statement = re.match(r"([A-Za-z_][\w.]*(?:\[[^\]]*\])*)\s*==\s*(?!=)", stripped)
    if statement and not keyword.iskeyword(statement.group(1)):
        at = site.line.masked.find("==")
        yield site.edit("compare-not-store", replace_span(text, at, at + 2, "="), "==", "=")
    typo = re.match(r"(\s*)([A-Za-z_]\w*)(\s*)([-:~+]|<-)(\s*)(?=\S)", site.line.masked)
    if typo and not keyword.iskeyword(typo.group(2)) and typo.group(2) not in site.bound:
        start, end = typo.span(4)
        yield site.edit(
            "sign-for-equals",
            replace_span(text, start, end, "="),
            typo.group(4),
            "=",
            facts={"name": typo.group(2)},
        )
    if not statement:
        for match in re.finditer(r"==", site.line.masked):
            for new in (">=", "<="):
                fixed = replace_span(text, match.start(), match.end(), new)
                yield site.edit("equality", fixed, "==", new, cost=2)
    header = re.match(r"\s*(if|elif|while)\b", site.line.masked)
    if header:
        for match in re.finditer(r"(?<![=!<>:+\-*/%&|^@])=(?!=)", site.line.masked):
            start = match.start()
            yield site.edit(
                "assign-in-condition", replace_span(text, start, start + 1, "=="), "=", "=="
            )


def curly_quotes(site: Site) -> Iterator[Edit]:
    """Curly quotes pasted from a document, which Python does not read as quotes."""
    text = site.line.text
    fixed = text.translate(_CURLY)
    if fixed != text:
        old = next(ch for ch in text if ch in "‘’“”′″")
        yield site.edit("curly-quotes", fixed, old, old.translate(_CURLY))


# -- quotes ------------------------------------------------------------------------------

_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def quotes(site: Site) -> Iterator[Edit]:
    """Quotes around a variable, a number or True/False; or none around a word."""
    text = site.line.text
    plain = [s for s in site.line.strings if s.prefix.lower() in ("", "u") and len(s.quote) == 1]
    for literal in plain:
        body = literal.body
        written = text[literal.start : literal.end]
        if body.isidentifier() and not keyword.iskeyword(body) and body in site.bound:
            yield site.edit(
                "quoted-name",
                replace_span(text, literal.start, literal.end, body),
                written,
                body,
                facts={"name": body},
            )
        elif _NUMBER.fullmatch(body.strip()):
            yield site.edit(
                "quoted-number",
                replace_span(text, literal.start, literal.end, body.strip()),
                written,
                body.strip(),
            )
    quoted = [s for s in plain if _NUMBER.fullmatch(s.body.strip())]
    if len(quoted) > 1:
        # Every number of the line in quotes: one mistake, made once per value.
        fixed = text
        for literal in reversed(quoted):
            fixed = replace_span(fixed, literal.start, literal.end, literal.body.strip())
        first = quoted[0]
        yield site.edit(
            "quoted-number",
            fixed,
            text[first.start : first.end],
            first.body.strip(),
            facts={"count": str(len(quoted))},
        )
    keywords = [
        s
        for s in plain
        if s.body.isidentifier()
        and re.match(r"\s*=(?!=)", site.line.masked[s.end :])
        and _innermost(site.line.masked[: s.start]) == "("
    ]
    if keywords:
        fixed = text
        for literal in reversed(keywords):
            fixed = replace_span(fixed, literal.start, literal.end, literal.body)
        first = keywords[0]
        yield site.edit("quoted-keyword", fixed, text[first.start : first.end], first.body)
    numbers = re.search(r"\b1\s+if\s+(.+?)\s+else\s+0\b", site.line.masked)
    if numbers:
        condition = text[numbers.start(1) : numbers.end(1)]
        fixed = replace_span(text, numbers.start(), numbers.end(), condition)
        written = text[numbers.start() : numbers.end()]
        yield site.edit("numbers-for-bools", fixed, written, condition)
    truths = [s for s in plain if s.body in ("True", "False", "None")]
    if truths:
        fixed = text
        for literal in reversed(truths):
            fixed = replace_span(fixed, literal.start, literal.end, literal.body)
        first = truths[0]
        yield site.edit("quoted-bool", fixed, text[first.start : first.end], first.body)
    # A word meant as text is a value: not called, indexed, assigned or read from.
    bare = [
        m
        for m in site.line.names()
        if m.group() not in site.bound
        and m.group() not in BUILTIN_NAMES
        and not site.line.masked[m.end() :].lstrip().startswith(("(", "=", "[", "."))
    ]
    if bare and site.error_here:
        fixed = text
        for match in reversed(bare):
            fixed = replace_span(fixed, match.start(), match.end(), f"'{match.group()}'")
        yield site.edit(
            "unquoted-text",
            fixed,
            bare[0].group(),
            f"'{bare[0].group()}'",
            facts={"name": bare[0].group(), "count": str(len(bare))},
        )


# -- punctuation -------------------------------------------------------------------------

_BLOCK = re.compile(r"\s*(for|if|elif|else|while|def|class|with|try|except|finally)\b")


def punctuation(site: Site) -> Iterator[Edit]:
    """A comma too many at the end, a colon missing, a comma or colon between two items."""
    text = site.line.text
    code = site.line.code
    opened, _ = depth_changes(site.line.masked)
    if code.endswith(",") and site.open_before == 0 and not opened:
        cut = len(code) - 1
        fixed = text[:cut].rstrip() + text[len(code) :]
        yield site.edit("trailing-comma", fixed, ",", "")
    if code.endswith("::") and _BLOCK.match(site.line.masked):
        yield site.edit("double-colon", text[: len(code) - 1] + text[len(code) :], "::", ":")
    error = site.focus.error
    if (
        error is not None
        and "':' expected after dictionary key" in error.message
        and site.error_here
    ):
        after_caret = (error.offset or 1) - 1
        comma = site.line.masked.find(",", max(0, after_caret - 1))
        if comma >= 0:
            yield site.edit("comma-for-colon", replace_span(text, comma, comma + 1, ":"), ",", ":")
    if code.endswith(":") and not _BLOCK.match(site.line.masked) and site.error_here:
        yield site.edit("stray-colon", text[: len(code) - 1].rstrip() + text[len(code) :], ":", "")
    if _BLOCK.match(site.line.masked) and not code.endswith(":") and not opened:
        if code.endswith(";"):
            fixed = text[: len(code) - 1] + ":" + text[len(code) :]
        else:
            fixed = text[: len(code)] + ":" + text[len(code) :]
        yield site.edit("missing-colon", fixed, "", ":")
    yield from _between_items(site)
    masked = site.line.masked
    equals = [
        m
        for m in re.finditer(r"\s*(?<![=!<>:+\-*/%&|^@])=(?!=)", masked)
        if _innermost(masked[: m.start()]) == "{"
    ]
    if equals:
        fixed = text
        for match in reversed(equals):
            fixed = replace_span(fixed, match.start(), match.end(), ":")
        yield site.edit("dict-equals", fixed, "=", ":")
    semicolons = [m.start() for m in re.finditer(";", masked) if _innermost(masked[: m.start()])]
    if semicolons:
        fixed = text
        for position in reversed(semicolons):
            fixed = replace_span(fixed, position, position + 1, ",")
        yield site.edit("semicolon-for-comma", fixed, ";", ",")
    yield from _missing_quote(site)
    yield from _conditional_without_else(site)
    yield from _misused_syntax(site)
    yield from _python_words(site)
    yield from _reversed_assignment(site)


# A side of a comparison shifted by a number typed in: `load - 1`, `capacity + 1`.
_SHIFTED_AFTER = re.compile(r"\s*([A-Za-z_][\w.]*)(\s*[-+]\s*\d+)(?![\w.(\[*/])")
_SHIFTED_BEFORE = re.compile(r"(?<![\w.)\]*/])([A-Za-z_][\w.]*)(\s*[-+]\s*\d+)\s*$")


def _offsets(site: Site, start: int, end: int) -> Iterator[Edit]:
    """A comparison whose side is moved by a number (`capacity >= load - 1`): the number
    taken away, so that the comparison is of the two values themselves. Tried before
    the operator's strictness, which can make the same values pass but keeps the shift."""
    text, masked = site.line.text, site.line.masked
    after = _SHIFTED_AFTER.match(masked, end)
    before = _SHIFTED_BEFORE.search(masked[:start])
    for found in (after, before):
        if found is None:
            continue
        at, to = found.span(2)
        shift = " ".join(text[at:to].split())
        yield site.edit(
            "offset-removed",
            replace_span(text, at, to, ""),
            f"{found.group(1)} {shift}",
            found.group(1),
        )


def _missing_quote(site: Site) -> Iterator[Edit]:
    """A string's closing quote missing: added after one of the words it swallowed."""
    open_strings = [s for s in site.line.strings if s.end == len(site.line.text) and s.quote]
    text = site.line.text
    unclosed = any(not text.rstrip().endswith(s.quote) or s.end - s.start < 2 for s in open_strings)
    if not site.error_here or "unterminated string" not in (
        site.focus.error.message if site.focus.error else ""
    ):
        return
    if not unclosed and not open_strings:
        return
    last = site.line.strings[-1] if site.line.strings else None
    if last is not None and last.end == len(text) and len(last.quote) == 1:
        # The opening quote of the text that never closes may be the one too many.
        opening = last.start + len(last.prefix)
        fixed = replace_span(text, opening, opening + 1, "")
        yield site.edit("quote-removed", fixed, last.quote, "", facts={"word": last.body.strip()})
    quotes = {s.quote for s in site.line.strings if len(s.quote) == 1} or {"'"}
    for match in re.finditer(r"(?<=[A-Za-z0-9_])(?=[^A-Za-z0-9_])", text):
        for quote in sorted(quotes):
            fixed = replace_span(text, match.start(), match.start(), quote)
            word = re.search(r"[A-Za-z0-9_]+$", text[: match.start()])
            yield site.edit(
                "missing-quote", fixed, "", quote, facts={"word": word.group() if word else ""}
            )


def _python_words(site: Site) -> Iterator[Edit]:
    """A keyword with a capital, two statements on one line, `:=` for `=`, a stored `.items()`,
    a number written as a word in quotes."""
    text, code, masked = site.line.text, site.line.code, site.line.masked
    error = site.focus.error
    if error is not None and error.syntax and site.error_here:
        for match in site.line.names():
            word = match.group()
            if word != word.lower() and keyword.iskeyword(word.lower()):
                fixed = replace_span(text, match.start(), match.end(), word.lower())
                yield site.edit("keyword-case", fixed, word, word.lower())
        caret = (error.offset or 0) - 1
        gap = re.search(r"[\w\x00)\]}]\s+$", masked[:caret]) if caret > 0 else None
        if gap and not _innermost(masked[:caret]) and re.match(r"[A-Za-z_]", masked[caret:]):
            indent = text[: len(text) - len(text.lstrip())]
            first, second = text[:caret].rstrip(), indent + text[caret:]
            edit = site.edit("two-statements", first, "", "")
            lines = list(site.lines)
            lines[site.number - 1 : site.number] = [first, second]
            yield replace(
                edit,
                after=f"{first.strip()} / {second.strip()}",
                cells=changed(site.program, site.cell.number, lines),
                facts={"first": first.strip(), "second": second.strip()},
            )
        if ":=" in masked:
            at = masked.index(":=")
            yield site.edit("walrus", replace_span(text, at, at + 2, "="), ":=", "=")
    stored = re.match(r"(\s*[A-Za-z_]\w*\s*=\s*\{.*\})(\.(?:items|keys|values)\(\))\s*$", code)
    if stored:
        yield site.edit("method-dropped", stored.group(1) + text[len(code) :], stored.group(2), "")
    for literal in site.line.strings:
        if literal.body.strip().lower() in NUMBER_WORDS and len(literal.quote) == 1:
            digits = NUMBER_WORDS[literal.body.strip().lower()]
            fixed = replace_span(text, literal.start, literal.end, f"'{digits}'")
            yield site.edit("number-text", fixed, literal.body, digits)


def _misused_syntax(site: Site) -> Iterator[Edit]:
    """A colon for `=`, empty brackets after a name, a for loop without its `in`."""
    text, code, masked = site.line.text, site.line.code, site.line.masked
    annotation = re.fullmatch(r"(\s*)([A-Za-z_]\w*)\s*:\s*(\S.*)", code)
    if annotation and not _BLOCK.match(masked) and not keyword.iskeyword(annotation.group(2)):
        fixed = f"{annotation.group(1)}{annotation.group(2)} = {annotation.group(3)}"
        yield site.edit("annotation-for-assignment", fixed + text[len(code) :], ":", "=")
    for empty in re.finditer(r"(?<=[\w\x00)\]])\[\s*\]", masked):
        fixed = replace_span(text, empty.start(), empty.end(), "")
        yield site.edit("empty-subscript", fixed, "[]", "")
    header = re.match(
        r"(\s*for\s+[A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)(\s+)(?!in\b)(\S.*):\s*$", code
    )
    if header and site.error_here:
        fixed = f"{header.group(1)} in {header.group(3)}:" + text[len(code) :]
        yield site.edit("missing-in", fixed, "", "in")


def _conditional_without_else(site: Site) -> Iterator[Edit]:
    """`x = True if c`: a conditional expression needs its `else` part."""
    error = site.focus.error
    if error is None or "expected 'else'" not in error.message or not site.error_here:
        return
    match = re.search(r"\b(True|False)\s+if\s+.+$", site.line.code)
    if match:
        other = "False" if match.group(1) == "True" else "True"
        fixed = site.line.code + f" else {other}" + site.line.text[len(site.line.code) :]
        yield site.edit("else-missing", fixed, "", f"else {other}")


def _reversed_assignment(site: Site) -> Iterator[Edit]:
    """`7 = load`: the value on the left of `=`, the name on its right."""
    match = re.fullmatch(r"(\s*)([^=\s][^=]*?)\s*=\s*([A-Za-z_]\w*)\s*", site.line.code)
    if match and not match.group(2).isidentifier() and "[" not in match.group(2):
        fixed = f"{match.group(1)}{match.group(3)} = {match.group(2)}"
        yield site.edit("assignment-reversed", fixed, match.group(2), match.group(3))


def _innermost(masked: str) -> str:
    """Return the innermost bracket still open at the end of a piece of code, or ''."""
    opened, _ = depth_changes(masked)
    return opened[-1][1] if opened else ""


def _between_items(site: Site) -> Iterator[Edit]:
    """Two items side by side where Python's caret points: a colon or a comma between them."""
    error = site.focus.error
    if error is None or not error.syntax or not site.error_here:
        return
    masked = site.line.masked
    start = (error.offset or 1) - 1
    end = (error.end_offset or len(masked) + 1) - 1
    if end <= start:
        start, end = 0, len(masked)
    start = max(0, start - 1)  # the gap just before the token the caret is under
    header = re.match(r"\s*for\s+(.*?)\s+in\b", masked)
    for gap in re.finditer(r"(?<=[\w\x00)\]}])\s+(?=[\w\x00(\[{'\"])", masked):
        if not (start <= gap.start() <= end):
            continue
        before = masked[: gap.start()]
        text = site.line.text
        if header and header.start(1) < gap.start() < header.end(1):
            # `for a b in ...`: the loop's variables are separated by a comma.
            yield site.edit(
                "missing-comma-in-targets",
                replace_span(text, gap.start(), gap.start(), ","),
                "",
                ",",
            )
            continue
        if _innermost(before) == "{":
            fixed = replace_span(text, gap.start(), gap.start(), ":")
            yield site.edit("missing-colon-in-dict", fixed, "", ":")
            yield from _at_every_gap(site, "missing-colon-in-dict", ":", "{")
        if _innermost(before):
            fixed = replace_span(text, gap.start(), gap.start(), ",")
            yield site.edit("missing-comma", fixed, "", ",")
            yield from _at_every_gap(site, "missing-comma", ",", _innermost(before))


def _at_every_gap(site: Site, kind: str, separator: str, bracket: str) -> Iterator[Edit]:
    """The same separator written at every gap between two items inside the bracket: a
    learner who leaves out one colon of a dictionary leaves out each of them."""
    masked = site.line.masked
    gaps = [
        gap.start()
        for gap in re.finditer(r"(?<=[\w\x00)\]}])\s+(?=[\w\x00(\[{'\"])", masked)
        if _innermost(masked[: gap.start()]) == bracket
    ]
    if len(gaps) < 2:
        return
    text = site.line.text
    for position in reversed(gaps):
        text = replace_span(text, position, position, separator)
    yield site.edit(kind, text, "", separator, facts={"times": str(len(gaps))})


# -- brackets ----------------------------------------------------------------------------

_NOT_CALLABLE = frozenset({"dict", "list", "str", "int", "float", "bool", "tuple", "set"})


def brackets(site: Site) -> Iterator[Edit]:
    """A bracket never closed or closed twice; a call's brackets missing or one too many."""
    text = site.line.text
    masked = site.line.masked
    opened, stray = depth_changes(masked)
    code = site.line.code
    if opened and site.open_before == 0:
        closers = "".join(CLOSERS[OPENERS.index(b)] for _, b in reversed(opened))
        cut = len(code) - 1 if code.endswith(":") and _BLOCK.match(masked) else len(code)
        yield site.edit("missing-bracket", replace_span(text, cut, cut, closers), "", closers)
    for position in stray:
        yield site.edit(
            "extra-bracket", replace_span(text, position, position + 1, ""), text[position], ""
        )
        if opened and opened[-1][0] < position:
            right = CLOSERS[OPENERS.index(opened[-1][1])]
            yield site.edit(
                "wrong-bracket",
                replace_span(text, position, position + 1, right),
                text[position],
                right,
            )
    for match in re.finditer(r"\.([A-Za-z_]\w*)\b(?!\s*\()", masked):
        if match.group(1) in ("items", "keys", "values"):
            fixed = replace_span(text, match.end(), match.end(), "()")
            yield site.edit("missing-call", fixed, match.group(), match.group() + "()")
    kinds = site.focus.kinds
    for match in re.finditer(r"(?<![.\w])([A-Za-z_]\w*)\s*\(\s*\)", masked):
        name = match.group(1)
        if kinds.get(name) in _NOT_CALLABLE:
            fixed = replace_span(text, match.start(), match.end(), name)
            yield site.edit(
                "extra-call", fixed, match.group(), name, facts={"name": name, "type": kinds[name]}
            )
    assigned_call = re.match(r"(\s*)([A-Za-z_]\w*)\((.*?)\)(\s*=[^=])", masked)
    if assigned_call and not keyword.iskeyword(assigned_call.group(2)):
        name = assigned_call.group(2)
        start, end = assigned_call.start(2), assigned_call.end(3) + 1
        inner = text[assigned_call.start(3) : assigned_call.end(3)]
        yield site.edit(
            "call-for-subscript",
            replace_span(text, start, end, f"{name}[{inner}]"),
            f"{name}(",
            f"{name}[",
            facts={"name": name},
        )
    update = re.match(r"(\s*)([A-Za-z_]\w*)\.update\((.+?),\s*(.+)\)\s*$", site.line.code)
    if update and "=" not in update.group(3) and "{" not in update.group(3):
        indent, owner, key, value = update.groups()
        fixed = f"{indent}{owner}[{key}] = {value}"
        yield site.edit(
            "update-to-store", fixed, f"{owner}.update(", f"{owner}[", facts={"name": owner}
        )
    for match in re.finditer(r"(?<![.\w])print\s*\[", masked):
        close = _matching(masked, match.end() - 1)
        if close > 0:
            fixed = replace_span(text, close, close + 1, ")")
            fixed = replace_span(fixed, match.end() - 1, match.end(), "(")
            yield site.edit("subscript-for-call", fixed, "print[", "print(")
    bare_type = re.search(r"=\s*(dict|list|set)\s*$", site.line.code)
    if bare_type:
        end = bare_type.end(1)
        fixed = replace_span(text, end, end, "()")
        yield site.edit("type-not-called", fixed, bare_type.group(1), bare_type.group(1) + "()")
    for match in re.finditer(r"=\s*(?:\[\s*\]|set\(\s*\)|list\(\s*\))", masked):
        old = text[match.start() : match.end()].lstrip("= ").strip()
        fixed = replace_span(text, match.start(), match.end(), "= {}")
        yield site.edit("list-for-dict", fixed, old, "{}")
    for match in re.finditer(r"\[", masked):
        close = _matching(masked, match.start())
        inside = masked[match.start() + 1 : close] if close > 0 else ""
        # A list display (not an index: nothing before it) holding key: value pairs.
        indexes = re.search(r"[\w\x00)\]]\s*$", masked[: match.start()]) is not None
        if close > 0 and ":" in inside and not indexes:
            fixed = replace_span(text, close, close + 1, "}")
            fixed = replace_span(fixed, match.start(), match.start() + 1, "{")
            yield site.edit("brackets-for-dict", fixed, "[", "{")


def _matching(masked: str, at: int) -> int:
    """Return the position of the bracket closing the one at ``at``, or -1."""
    depth = 0
    for position in range(at, len(masked)):
        if masked[position] in OPENERS:
            depth += 1
        elif masked[position] in CLOSERS:
            depth -= 1
            if depth == 0:
                return position
    return -1


# -- indentation -------------------------------------------------------------------------

_WHY = (("expected an indented block", "expected"), ("unexpected indent", "unexpected"))
_INDENT_ERRORS = ("indent", "unindent", "expected an indented block", "inconsistent use of tabs")


def indentation(site: Site) -> Iterator[Edit]:
    """A line indented to no level of the block it belongs to (or with tabs and spaces)."""
    error = site.focus.error
    if error is None or not error.syntax or not site.error_here:
        return
    if error.type not in ("IndentationError", "TabError") and not any(
        key in error.message for key in _INDENT_ERRORS
    ):
        return
    if unwritten_block(error, site.program) is not None:
        # A block with only a comment in it is not written yet: the line after it is
        # not meant to go inside (see grader.feedback.syntax).
        return
    text = site.line.text
    body = text.lstrip(" \t")
    tabbed = [
        n for n, ln in enumerate(site.lines, 1) if "\t" in ln[: len(ln) - len(ln.lstrip(" \t"))]
    ]
    # A tab reaches the next multiple of 8 columns for Python, and of 4 in many editors:
    # each reading is tried, and the run that passes says which the learner meant.
    for size in (8, 4) if tabbed else ():
        lines = [
            ln[: len(ln) - len(ln.lstrip(" \t"))].expandtabs(size) + ln.lstrip(" \t")
            for ln in site.lines
        ]
        edit = site.edit("tabs", lines[site.number - 1], "\t", " " * size)
        shown = ", ".join(str(n) for n in tabbed)
        yield replace(
            edit,
            cells=changed(site.program, site.cell.number, lines),
            facts={
                "lines": shown,
                "count": str(len(tabbed)),
                "indent": str(len(lines[site.number - 1]) - len(body)),
            },
        )
    if "unexpected indent" in error.message:
        written = [ln for ln in site.lines if ln.strip()]
        common = min(len(ln) - len(ln.lstrip(" ")) for ln in written) if written else 0
        if common and site.lines[site.number - 1] == written[0]:
            dedented = [ln[common:] if ln.strip() else ln for ln in site.lines]
            edit = site.edit("dedented", dedented[site.number - 1], str(common), "0")
            yield replace(edit, cells=changed(site.program, site.cell.number, dedented))
    above = [
        ln for ln in site.lines[: site.number - 1] if ln.strip() and not ln.lstrip().startswith("#")
    ]
    levels = {0} | {len(ln.expandtabs(4)) - len(ln.expandtabs(4).lstrip()) for ln in above}
    if above and above[-1].rstrip().endswith(":"):
        levels.add(len(above[-1].expandtabs(4)) - len(above[-1].expandtabs(4).lstrip()) + 4)
    current = len(text.expandtabs(4)) - len(body)
    why = next((w for key, w in _WHY if key in error.message), "")
    for level in sorted(levels, key=lambda n: (abs(n - current), n)):
        if level != current:
            yield site.edit(
                "indentation",
                " " * level + body,
                str(current),
                str(level),
                facts={"from": str(current), "to": str(level), "why": why},
            )


# -- loops -------------------------------------------------------------------------------

_FOR = re.compile(
    r"(?P<head>\s*for\s+)(?P<first>[A-Za-z_]\w*)(?P<comma>\s*,\s*)(?P<second>[A-Za-z_]\w*)"
    r"(?P<in>\s+in\s+)(?P<iter>.+?)(?P<colon>\s*:?\s*)$"
)
_ITERABLE = re.compile(
    r"(?P<owner>[A-Za-z_]\w*)(?:\.(?P<method>keys|values|item|iteritems|itens|iterms|Items)\s*\(\s*\)"
    r"|\.(?P<uncalled>items)|(?P<bare>))$"
)


_ONE_TARGET = re.compile(
    r"(?P<head>\s*for\s+)(?P<first>[A-Za-z_]\w*)(?P<in>\s+in\s+)(?P<iter>.+?\.items\(\s*\))\s*:\s*$"
)


def _other_key(site: Site, first: str, second: str) -> Iterator[Edit]:
    """`d[value] = ...` in a loop over `.items()`: the entry stored under the other variable."""
    indent = site.line.indent
    for offset, following in enumerate(site.lines[site.number :], site.number + 1):
        if following.strip() and len(following) - len(following.lstrip()) <= indent:
            break
        line = scan(following)
        store = re.match(rf"(\s*[A-Za-z_]\w*\[\s*){re.escape(second)}(\s*\]\s*=[^=])", line.masked)
        if store:
            start, end = store.end(1), store.start(2)
            fixed = replace_span(following, start, end, first)
            lines = list(site.lines)
            lines[offset - 1] = fixed
            yield Edit(
                "other-key",
                1,
                Location(offset, site.cell.number),
                following.strip(),
                fixed.strip(),
                second,
                first,
                changed(site.program, site.cell.number, lines),
                site.program.markdown,
                {"first": first, "second": second},
            )


# A dictionary handed to a function (`range(d)`, `enumerate(d)`, `items(d)`) where its
# pairs were meant.
_WRAPPED = re.compile(r"(?P<call>[A-Za-z_]\w*)\(\s*(?P<owner>[A-Za-z_]\w*)\s*\)$")


def _wrapped(site: Site, match: re.Match[str]) -> Iterator[Edit]:
    """`for k, v in f(d):` over a dictionary `d`, where `d.items()` gives the pairs."""
    wrapped = _WRAPPED.match(match.group("iter").strip())
    if wrapped is None or site.focus.kinds.get(wrapped.group("owner")) != "dict":
        return
    owner, call = wrapped.group("owner"), wrapped.group("call")
    text = site.line.text
    start = match.start("iter")
    end = start + len(match.group("iter").rstrip())
    yield site.edit(
        "items",
        replace_span(text, start, end, f"{owner}.items()"),
        text[start:end],
        f"{owner}.items()",
        facts={"owner": owner, "call": call},
    )


def loops(site: Site) -> Iterator[Edit]:
    """A for loop's two variables in the wrong order, or over a dictionary's keys or values."""
    code = site.line.code
    single = _ONE_TARGET.match(code)
    if single:
        # `for key in d.items():` with the value's name used below and created nowhere.
        body = [
            scan(t)
            for t in site.lines[site.number :]
            if t[: len(t) - len(t.lstrip())] > t[:0] and t.strip()
        ]
        unbound = sorted(
            {
                m.group()
                for line in body[:6]
                for m in line.names()
                if m.group() not in site.bound and m.group() not in BUILTIN_NAMES
            }
        )
        for name in unbound[:2]:
            end = single.end("first")
            fixed = replace_span(site.line.text, end, end, f", {name}")
            yield site.edit(
                "target-missing",
                fixed,
                single.group("first"),
                f"{single.group('first')}, {name}",
                facts={"name": name, "first": single.group("first")},
            )
    match = _FOR.match(code)
    if match is None:
        return
    text = site.line.text
    first, second = match.group("first"), match.group("second")
    yield from _other_key(site, first, second)
    swapped = (
        text[: match.start("first")]
        + second
        + match.group("comma")
        + first
        + text[match.end("second") :]
    )
    yield site.edit(
        "swapped-targets",
        swapped,
        f"{first}, {second}",
        f"{second}, {first}",
        facts={"first": first, "second": second},
    )
    yield from _wrapped(site, match)
    iterable = _ITERABLE.match(match.group("iter").strip())
    if iterable and (
        iterable.group("method") or iterable.group("uncalled") or iterable.group("bare") is not None
    ):
        owner = iterable.group("owner")
        if iterable.group("bare") is not None and site.focus.kinds.get(owner, "dict") != "dict":
            return
        start = match.start("iter")
        end = start + len(match.group("iter").rstrip())
        old = text[start:end]
        yield site.edit(
            "items",
            replace_span(text, start, end, f"{owner}.items()"),
            old,
            f"{owner}.items()",
            facts={"owner": owner},
        )


# -- names -------------------------------------------------------------------------------

_MISSING_NAME = re.compile(r"name '(\w+)' is not defined")
# A number written as a word, which Python reads as a name.
NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ]
    )
}
_NO_ATTRIBUTE = re.compile(r"'(\w+)' object has no attribute '(\w+)'")
_TYPES = {"dict": dict, "list": list, "str": str, "set": set, "tuple": tuple, "int": int}


def names(site: Site) -> Iterator[Edit]:
    """A name or a method misspelled, in another case, or from Python 2."""
    error = site.focus.error
    if error is None or not site.error_here:
        return
    missing = _MISSING_NAME.search(error.message) if error.type == "NameError" else None
    if missing:
        name = missing.group(1)
        known = sorted(
            (site.bound | set(site.focus.wanted) | set(BUILTIN_NAMES) | {"True", "False", "None"})
            - {name}
        )
        exact_case = [k for k in known if k.lower() == name.lower()]
        for other in exact_case + difflib.get_close_matches(name, known, n=3, cutoff=0.75):
            fixed = replace_word(site.line, name, other)
            if fixed != site.line.text:
                yield site.edit(
                    "near-miss-name", fixed, name, other, facts={"name": name, "to": other}
                )
    if missing:
        yield from _dashed(site, missing.group(1))
    if missing and missing.group(1).lower() in NUMBER_WORDS:
        name = missing.group(1)
        digits = NUMBER_WORDS[name.lower()]
        fixed = replace_word(site.line, name, digits)
        yield site.edit("number-word", fixed, name, digits)
    attribute = _NO_ATTRIBUTE.search(error.message) if error.type == "AttributeError" else None
    if attribute and attribute.group(1) in _TYPES:
        kind, wrong = attribute.groups()
        public = [a for a in dir(_TYPES[kind]) if not a.startswith("_")]
        for other in difflib.get_close_matches(wrong, public, n=2, cutoff=0.7):
            text = site.line.text
            spots = [m for m in re.finditer(rf"\.{re.escape(wrong)}\b", site.line.masked)]
            for spot in reversed(spots):
                text = replace_span(text, spot.start() + 1, spot.end(), other)
            if spots:
                yield site.edit(
                    "near-miss-attribute", text, f".{wrong}", f".{other}", facts={"type": kind}
                )


def _dashed(site: Site, name: str) -> Iterator[Edit]:
    """`can-handle-load`: a known name written with dashes, which Python reads as minus."""
    known = set(site.bound) | set(site.focus.wanted)
    for match in re.finditer(rf"\b{re.escape(name)}(?:\s*-\s*[A-Za-z_]\w*)+", site.line.masked):
        written = site.line.text[match.start() : match.end()]
        joined = "_".join(part.strip() for part in written.split("-"))
        if joined in known:
            fixed = replace_span(site.line.text, match.start(), match.end(), joined)
            yield site.edit("name-joined", fixed, written, joined, facts={"name": joined})


_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d*)?(?![\w.])")


def typed_values(site: Site) -> Iterator[Edit]:
    """A number typed where the name the exercise asks for, that holds it, was meant.

    A program that compares with `10` where it has `limit = 10` is right for that value
    only. The name replaces the number anywhere but in the line that gives the name its
    value; only a run with other values (the checks') tells which was meant.
    """
    numbers = site.focus.numbers
    if not numbers:
        return
    text, masked = site.line.text, site.line.masked
    assigned = re.match(r"\s*([A-Za-z_]\w*)\s*=(?!=)", masked)
    for match in _NUMBER.finditer(masked):
        typed = float(match.group())
        for name, value in numbers.items():
            if value != typed or (assigned and assigned.group(1) == name):
                continue
            if not _typed_once(site.program, name, typed):
                continue
            if _beside_its_name(masked, match, name):
                continue
            fixed = replace_span(text, match.start(), match.end(), name)
            yield site.edit(
                "typed-value",
                fixed,
                match.group(),
                name,
                facts={"name": name, "at": str(match.start())},
            )


def _beside_its_name(masked: str, number: re.Match[str], name: str) -> bool:
    """Whether the number is the other side of an operation with the name itself.

    `limit == 10` checks the name's value rather than using it: the name in the number's
    place would make both sides the same (`limit == limit`), which says nothing.
    """
    operation = r"(?:[<>!=]=|[<>+\-*/%])"
    before = re.search(rf"\b{re.escape(name)}\s*{operation}\s*$", masked[: number.start()])
    after = re.match(rf"\s*{operation}\s*{re.escape(name)}\b", masked[number.end() :])
    return before is not None or after is not None


def _typed_once(program: Program, name: str, number: float) -> bool:
    """Whether the program gives a name its number by typing it: `name = 7`.

    A name that holds a number only as a loop's last value (or a sum's) was never typed,
    so no number typed elsewhere stands for it.
    """
    pattern = re.compile(rf"\s*{re.escape(name)}\s*=\s*(\d+(?:\.\d*)?)\s*$")
    for cell in program.cells:
        for text in cell.source.split("\n"):
            match = pattern.match(scan(text).code)
            if match and float(match.group(1)) == number:
                return True
    return False


LINE_CORRECTIONS: tuple[Correction, ...] = (
    operators,
    curly_quotes,
    quotes,
    punctuation,
    brackets,
    indentation,
    loops,
    names,
    typed_values,
)


def sites(program: Program, focus: Focus, bound: frozenset[str]) -> Iterator[Site]:
    """Each line the focus names, as a site for the corrections."""
    for place in focus.places:
        cell = program.cell(place.cell)
        if cell is None:
            continue
        lines = tuple(cell.source.split("\n"))
        if not 1 <= place.line <= len(lines) or not lines[place.line - 1].strip():
            continue
        if lines[place.line - 1] != cell.line_text(place.line):
            continue  # a line only Jupyter understands, blanked to run: not the learner's code
        open_before = 0
        for text in lines[: place.line - 1]:
            masked = scan(text).masked
            open_before += sum(masked.count(c) for c in OPENERS) - sum(
                masked.count(c) for c in CLOSERS
            )
            open_before = max(0, open_before)
        yield Site(
            program, cell, place.line, lines, scan(lines[place.line - 1]), focus, bound, open_before
        )


def line_edits(program: Program, focus: Focus, bound: frozenset[str]) -> Iterator[Edit]:
    """Every correction of the error model on every line the focus names."""
    for site in sites(program, focus, bound):
        if MASK in site.line.masked and not site.line.masked.replace(MASK, "").strip():
            continue  # a line that is only a string: a docstring or a pasted sentence
        for correction in LINE_CORRECTIONS:
            yield from correction(site)


def closings(program: Program, focus: Focus) -> Iterator[Edit]:
    """A bracket Python says is never closed, closed at the end of each line after it.

    Python stops where the bracket opens, but its closer belongs after the last line of
    what it holds, which only the structure tells: the closer is tried at the end of each
    line from the opening one on, nearest first. The compiler keeps those that read, and
    the search keeps the nearest that verifies.
    """
    error = focus.error
    if error is None or not error.syntax or error.line is None or not error.offset:
        return
    cell = program.cell(error.cell)
    if cell is None:
        return
    lines = cell.source.split("\n")
    if not 1 <= error.line <= len(lines):
        return
    opening = scan(lines[error.line - 1])
    at = error.offset - 1
    if not 0 <= at < len(opening.masked) or opening.masked[at] not in OPENERS:
        return  # the caret is not on a bracket: not a bracket left open
    closer = CLOSERS[OPENERS.index(opening.masked[at])]
    facts = {"opener": opening.masked[at], "opened": Location(error.line, cell.number).describe()}
    for number in range(error.line + 1, len(lines) + 1):
        line = scan(lines[number - 1])
        code = line.code
        if not code.strip():
            continue
        new = list(lines)
        new[number - 1] = replace_span(line.text, len(code), len(code), closer)
        yield Edit(
            kind="bracket-closed",
            cost=1,
            place=Location(number, cell.number),
            before=code.strip(),
            after=new[number - 1].strip(),
            old="",
            new=closer,
            cells=changed(program, cell.number, new),
            markdown=program.markdown,
            facts=facts,
        )


# A line that starts a statement of its own: a name assigned, called or read from, or a
# keyword that opens one. What a bracket holds (a key in quotes, a number, a name and a
# comma) does not start so.
_STATEMENT = re.compile(
    r"\s*(?:[A-Za-z_]\w*\s*(?:=(?!=)|[-+*/]=|\(|\.|\[)"
    r"|(?:for|if|elif|else|while|def|class|with|try|return|import|from|print)\b)"
)


def left_open(lines: list[str]) -> list[tuple[int, list[tuple[int, str]]]]:
    """Every line after which brackets are left open: (line number, [(opened at, bracket)]).

    Brackets still open when the next line starts a statement of its own, no deeper than
    the line that opened them, or when the text ends, are never closed: what they hold
    ends on the line before.
    """
    found: list[tuple[int, list[tuple[int, str]]]] = []
    stack: list[tuple[int, str]] = []
    last = 0
    for number, text in enumerate(lines, 1):
        line = scan(text)
        if not line.code.strip():
            continue
        if stack and last:
            first = stack[0][0]
            indent = len(lines[first - 1]) - len(lines[first - 1].lstrip())
            here = len(text) - len(text.lstrip())
            if here <= indent and _STATEMENT.match(line.masked):
                found.append((last, stack))
                stack = []
        for char in line.masked:
            if char in OPENERS:
                stack.append((number, char))
            elif char in CLOSERS and stack and OPENERS.index(stack[-1][1]) == CLOSERS.index(char):
                stack.pop()
        last = number
    if stack and last:
        found.append((last, stack))
    return found


def all_closed(program: Program, focus: Focus) -> Iterator[Edit]:
    """Several brackets never closed in one cell: each closed where what it holds ends.

    Python stops at the first; closing it alone leaves a program Python still cannot
    read, so one edit closes them all, and says each.
    """
    error = focus.error
    if error is None or not error.syntax:
        return
    cell = program.cell(error.cell)
    if cell is None:
        return
    lines = cell.source.split("\n")
    places = left_open(lines)
    if len(places) < 2:
        return
    new = list(lines)
    said = []
    for number, opened in places:
        line = scan(lines[number - 1])
        code = line.code
        closers = "".join(CLOSERS[OPENERS.index(b)] for _, b in reversed(opened))
        cut = len(code) - 1 if code.endswith(":") and _BLOCK.match(line.masked) else len(code)
        new[number - 1] = replace_span(line.text, cut, cut, closers)
        openers = " and ".join(f"`{b}`" for _, b in opened)
        starts = sorted({Location(at, cell.number).describe() for at, _ in opened})
        # The last item the bracket holds, after its last comma or opener, says where.
        held = max((i for i, c in enumerate(line.masked[:cut]) if c in OPENERS + ","), default=-1)
        tail = code[held + 1 : cut].strip()
        if not tail or any(c in CLOSERS for c in line.masked[held + 1 : cut]):
            tail = code[:cut].strip()
        said.append(
            f"the {openers} opened at {' and '.join(starts)}: add `{closers}` at the end of "
            f"{Location(number, cell.number).describe()}, after `{tail}`"
        )
    first = places[0][0]
    yield Edit(
        kind="brackets-closed",
        cost=1,
        place=Location(first, cell.number),
        before=lines[first - 1].strip(),
        after=new[first - 1].strip(),
        new="",
        cells=changed(program, cell.number, new),
        markdown=program.markdown,
        facts={"places": "; ".join(said), "count": str(len(places))},
    )
