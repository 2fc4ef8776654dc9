"""Edits: small changes to the learner's code, the candidates a repair search verifies.

A beginner's mistake is most often a small edit away from working code: `=>` for `>=`,
quotes around a variable, a comma too many, a line indented one level too deep. This
module holds what such an edit is (an ``Edit``: the kind of correction, where, the line
before and after), what the search looks at (a ``Focus``: the error to fix, or the lines
nearest a failed step), and the program an edit makes. The corrections themselves, the
error model, are in grader.feedback.corrections and grader.feedback.moves; verifying them
is grader.feedback.search.

Everything here is a pure function of the learner's text: nothing runs, and nothing
knows an exercise (the names a step asks for come in as data).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace

from grader.analysis import trees
from grader.load import Cell, Program
from grader.result import Location
from grader.sandbox import Error

# The most candidates one search considers before verifying any: the error model is
# applied near the mistake first, so the right edit, when there is one, comes early.
MAX_CANDIDATES = 80


@dataclass(frozen=True)
class Edit:
    """One small correction of the learner's code, and the program it makes.

    ``kind`` names the correction of the error model (see grader.feedback.corrections),
    ``cost`` its size (1 a token or a character, 2 a line moved or added, 3 a block).
    ``line`` is where the learner sees the change; ``before`` and ``after`` are that line
    as written and as corrected (for a moved line, its text, unchanged); ``old`` and
    ``new`` the fragment changed, when the change is one fragment of the line.
    """

    kind: str
    cost: int
    place: Location
    before: str
    after: str
    old: str = ""
    new: str = ""
    # The program's cells after the edit, and its Markdown cells (a cell made code).
    cells: tuple[Cell, ...] = ()
    markdown: tuple[tuple[int, str], ...] = ()
    # Facts the wording needs beyond the line: a name, the loop's line, a cell number.
    facts: Mapping[str, str] = field(default_factory=dict)

    def program(self, original: Program) -> Program:
        """Return the learner's program with this edit made."""
        return replace(original, cells=self.cells, markdown=self.markdown)


@dataclass(frozen=True)
class Focus:
    """What a search repairs: an error of the program, or a step that failed without one.

    ``places`` are the lines to correct first, nearest the mistake first. ``wanted`` are
    the names the exercise asks for (never renamed away, offered for a near miss), and
    ``kinds`` the type of each top-level value the program left (``dict``, ``int``...),
    so that a correction can tell a dictionary called like a function.
    """

    places: tuple[Location, ...]
    error: Error | None = None
    wanted: tuple[str, ...] = ()
    kinds: Mapping[str, str] = field(default_factory=dict)
    # Only the places named: an edit elsewhere cannot change what the step sees.
    strict: bool = False
    # The number each name the exercise asks for holds at the program's end: the same
    # number typed in elsewhere may be that name's value written by hand.
    numbers: Mapping[str, int | float] = field(default_factory=dict)


def lines_of(cell: Cell) -> list[str]:
    """Return a cell's runnable lines."""
    return cell.source.split("\n")


def changed(program: Program, number: int | None, lines: list[str]) -> tuple[Cell, ...]:
    """Return the program's cells with one cell's runnable lines replaced.

    Lines are the learner's own where they ran as written; a line Jupyter alone
    understands (blanked to run) keeps the learner's text for showing.
    """
    out = []
    for cell in program.cells:
        if cell.number != number:
            out.append(cell)
            continue
        old_source = cell.source.split("\n")
        old_shown = cell.original.split("\n")
        shown = []
        for index, text in enumerate(lines):
            blanked = (
                index < min(len(old_source), len(old_shown))
                and old_source[index] == text
                and old_shown[index] != text
            )
            shown.append(old_shown[index] if blanked else text)
        out.append(Cell(cell.number, "\n".join(lines), "\n".join(shown)))
    return tuple(out)


def compiles(edit: Edit, original: Program) -> bool:
    """Whether every cell the edit changed reads as Python (compiling runs nothing)."""
    before = {cell.number: cell.source for cell in original.cells}
    for cell in edit.cells:
        if before.get(cell.number) == cell.source:
            continue
        try:
            trees.compile_text(cell.source, "<cell>")
        except (SyntaxError, ValueError, MemoryError, RecursionError, OverflowError):
            return False
    return True


def same_code(edit: Edit, original: Program) -> bool:
    """Whether the edited program is the original one in another layout (no real change)."""
    if len(edit.cells) != len(original.cells) or edit.markdown != original.markdown:
        return False
    for new, old in zip(edit.cells, original.cells, strict=True):
        if new.number != old.number:
            return False
        if new.source == old.source:
            continue
        try:
            if ast.dump(trees.parse(new.source)) != ast.dump(trees.parse(old.source)):
                return False
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return False
    return True


# Among edits of one size, those that fix what is odd in a line (quotes around a
# variable, a comma at the end of an assignment) before those that change what is
# ordinary (a comparison, the order of a loop's variables), which any correct program
# also has. A number made the name that holds it is last: every program has numbers,
# and most are not a name's value typed again.
ORDINARY = ("strictness", "swapped-targets", "direction", "equality", "into-loop", "typed-value")


# Edits that reshape the program rather than a line of the step's: a name made, a
# function's body taken out, a cell moved or made code, a block indented, a loop's
# `break` taken away (it writes nothing, yet decides how many rounds write).
WHOLE_PROGRAM = frozenset(
    {
        "renamed",
        "function-unwrapped",
        "call-added",
        "reference-called",
        "markdown-cell",
        "cell-moved",
        "moved-up",
        "else-indented",
        "break-removed",
    }
)


# Corrections a beginner makes the same way on several lines (quotes around `True` and
# around `False`): the same correction on every line is one change, said once.
REPEATED = ("quoted-bool", "quoted-number", "quoted-name")


def repeated(edits: Iterable[Edit], original: Program) -> Iterator[Edit]:
    """The edits of one kind of ``REPEATED`` on every line they apply to, as one edit.

    Of each line, the last edit of the kind proposed counts: a line's edit of all its
    values comes after those of one value.
    """
    by_kind: dict[str, dict[Location, Edit]] = {}
    for edit in edits:
        if edit.kind in REPEATED:
            by_kind.setdefault(edit.kind, {})[edit.place] = edit
    for at in by_kind.values():
        if len(at) < 2:
            continue
        lines = {cell.number: cell.source.split("\n") for cell in original.cells}
        for place, edit in at.items():
            changed_cell = next(c for c in edit.cells if c.number == place.cell)
            lines[place.cell][place.line - 1] = changed_cell.source.split("\n")[place.line - 1]
        program = original
        for number, text in lines.items():
            program = replace(program, cells=changed(program, number, text))
        cells = program.cells
        places = sorted(at, key=lambda p: ((p.cell or 0), p.line))
        first = at[places[0]]
        also = ", ".join(p.describe() for p in places[1:])
        yield replace(first, cells=cells, facts={**first.facts, "also": also})


def ranked(edits: Iterable[Edit], focus: Focus, original: Program) -> list[Edit]:
    """Order candidates smallest first, then oddest first, then nearest the mistake.

    A candidate that does not compile, or that changes nothing Python would see, cannot
    be the repair; two candidates that make the same program are one.
    """
    order = {place: index for index, place in enumerate(focus.places)}
    seen: set[tuple[str, ...]] = set()
    kept: list[tuple[tuple[int, int, int, int], Edit]] = []
    for position, edit in enumerate(edits):
        if len(kept) >= MAX_CANDIDATES:
            break
        if focus.strict and edit.place not in order and edit.kind not in WHOLE_PROGRAM:
            continue
        key = tuple(cell.source for cell in edit.cells) + tuple(t for _, t in edit.markdown)
        if key in seen or not compiles(edit, original) or same_code(edit, original):
            continue
        seen.add(key)
        nearness = order.get(edit.place, len(order))
        ordinary = ORDINARY.index(edit.kind) + 1 if edit.kind in ORDINARY else 0
        kept.append(((edit.cost, ordinary, nearness, position), edit))
    return [edit for _, edit in sorted(kept, key=lambda pair: pair[0])]
