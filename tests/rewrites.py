"""Rewrites of the passing samples: ones that break a rule, and ones that keep every rule.

Each passing sample in submissions/ is turned into variants by small, mechanical edits
of its code cells. A rewrite that breaks a rule must make the grader fail the program
with that rule's mistake code; a rewrite that keeps the rules must leave it passing. The
samples supply many valid styles (a script, notebooks, a main guard, tabs...), so each
rule is tried against all of them, not against one file.

To add a category, add a Rewrite to REWRITES: a function from a sample's code cells to
the rewritten cells (or None when it does not apply to that sample), the mistake code
it must get (None: it must still pass) and, if it matters, where the mistake must be
reported.
"""

from __future__ import annotations

import ast
import io
import json
import keyword
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from grader.load import Cell, Program, load, strip_ipython
from tests.conftest import SUBMISSIONS

# Names the exercise prescribes: a rewrite that renames temporaries leaves these alone.
EXERCISE_NAMES = frozenset({"systems", "load", "can_handle_load", "strategy", "capacity"})


@dataclass(frozen=True)
class Sample:
    """A passing sample as code cells, the way the learner wrote them."""

    name: str
    kind: str  # "script" or "notebook"
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Edit:
    """Rewritten cells, and the place (cell index, 1-based line) of the inserted code."""

    cells: tuple[str, ...]
    # Where the inserted code starts: (index into cells, line in that cell).
    at: tuple[int, int] | None = None


@dataclass(frozen=True)
class Rewrite:
    """A mechanical edit of a sample, and the verdict the edited program must get."""

    name: str
    edit: Callable[[Sample], Edit | None]
    # The mistake code the result must carry; None: the program must still pass.
    code: str | None = None
    # The line of the mistake within the inserted code (1: its first line), if pinned.
    line: int | None = None


@dataclass(frozen=True)
class Variant:
    """One rewritten sample, written to a file, with what its grading must show."""

    sample: str
    rewrite: Rewrite
    path: Path
    # Where the mistake must be reported: (notebook cell number or None, line).
    location: tuple[int | None, int] | None

    @property
    def id(self) -> str:
        return f"{self.sample}+{self.rewrite.name}"


def passing_samples() -> list[Sample]:
    """Return the samples that pass, named correct-*, as code cells."""
    found = []
    for path in sorted(SUBMISSIONS.glob("correct-*")):
        program = load(path)
        found.append(Sample(path.name, program.kind, tuple(c.original for c in program.cells)))
    return found


# -- edits ------------------------------------------------------------------------


def append(code: str) -> Callable[[Sample], Edit]:
    """Add code after everything: at the end of a script, as a last cell of a notebook."""

    def edit(sample: Sample) -> Edit:
        if sample.kind == "notebook":
            return Edit((*sample.cells, code), (len(sample.cells), 1))
        text = sample.cells[0].rstrip("\n") + "\n\n"
        return Edit((text + code + "\n",), (0, text.count("\n") + 1))

    return edit


def prepend(code: str) -> Callable[[Sample], Edit]:
    """Add code before everything: at the top of a script, as a first cell of a notebook."""

    def edit(sample: Sample) -> Edit:
        if sample.kind == "notebook":
            return Edit((code, *sample.cells), (0, 1))
        return Edit((code + "\n" + sample.cells[0],), (0, 1))

    return edit


def both(first: Callable[[Sample], Edit], then: Callable[[Sample], Edit]) -> Callable[..., Edit]:
    """Apply two edits, one after the other; the place is the second one's."""

    def edit(sample: Sample) -> Edit:
        done = first(sample)
        return then(Sample(sample.name, sample.kind, done.cells))

    return edit


def rename_temporaries(sample: Sample) -> Edit | None:
    """Rename every name the learner made up (not the exercise's), consistently."""
    cells = []
    renamed_any = False
    for cell in sample.cells:
        try:
            tree = ast.parse(cell)
        except SyntaxError:  # a cell with IPython magics: keep it as it is
            cells.append(cell)
            continue
        made_up = _made_up_names(tree)
        if made_up:
            renamed_any = True
            cell = _rename(cell, {name: f"renamed_{name}" for name in made_up})
        cells.append(cell)
    return Edit(tuple(cells)) if renamed_any else None


def _made_up_names(tree: ast.AST) -> set[str]:
    """Names the program binds itself, apart from the exercise's and dunders."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            bound.add(node.name)
            bound.update(arg.arg for arg in ast.walk(node.args) if isinstance(arg, ast.arg))
    return {n for n in bound - EXERCISE_NAMES if not n.startswith("__")}


def _rename(source: str, names: dict[str, str]) -> str:
    """Rename NAME tokens (never strings, comments or attributes) in a cell."""
    lines = source.split("\n")
    hits: list[tuple[int, int, str, str]] = []
    previous = ""
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if (
            token.type == tokenize.NAME
            and token.string in names
            and not keyword.iskeyword(token.string)
            and previous != "."
        ):
            hits.append((token.start[0], token.start[1], token.string, names[token.string]))
        if token.type not in (tokenize.NL, tokenize.COMMENT):
            previous = token.string
    for row, col, old, new in sorted(hits, reverse=True):
        line = lines[row - 1]
        lines[row - 1] = line[:col] + new + line[col + len(old) :]
    return "\n".join(lines)


# -- the table of rewrites ------------------------------------------------------------

END_ITSELF = (
    Rewrite("exit-at-end", append("exit()"), "exit-called", 1),
    Rewrite("quit-at-end", append("quit()"), "exit-called", 1),
    Rewrite("sys-exit-at-end", append("import sys\nsys.exit()"), "exit-called", 2),
    Rewrite("raise-system-exit-at-end", append("raise SystemExit"), "exit-called", 1),
    Rewrite("exit-with-code-at-end", append("exit(0)"), "exit-called", 1),
)
NEVER_END = (
    Rewrite("endless-loop-at-end", append("while True:\n    pass"), "timeout", 1),
    # A program that catches the grader's interrupt at its time limit is still running
    # at its limit, whatever it catches.
    Rewrite(
        "timeout-swallowed-at-end",
        append("import time\ntry:\n    while True:\n        time.sleep(1)\nexcept:\n    pass"),
        "timeout",
    ),
    Rewrite(
        "timeout-swallowed-in-a-loop-at-end",
        append(
            "while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass"
        ),
        "timeout",
    ),
)
# Each uses what the exercise's allowlist does not, at the line given: never passed.
OUTSIDE_SNIPPETS: tuple[tuple[str, str, int], ...] = (
    ("module-table", "import sys\nmodules = sys.modules", 2),
    ("module-table-through-an-expression", "import sys\ntable = [sys][0].modules", 2),
    ("frame", "import sys\nframe = sys._getframe()", 2),
    (
        "frame-from-traceback",
        "try:\n    1 / 0\nexcept ZeroDivisionError as e:\n    f = e.__traceback__.tb_frame",
        4,
    ),
    ("ctypes", "import ctypes", 1),
    ("raw-descriptor", "import os\nos.write(1, b'')", 1),
    ("descriptor-opened", "handle = open(3, 'wb', closefd=False)", 1),
    ("computed-import", "name = 'o' + 's'\nmodule = __import__(name)", 2),
    ("import-module", "import importlib\nmodule = importlib.import_module('o' + 's')", 1),
    ("resolve-name", "import pkgutil\nmodule = pkgutil.resolve_name('ctypes')", 1),
    ("exec-alias", "run = exec\nrun('x = ' + '1')", 1),
    ("code-from-pieces", "code = 'import g' + 'c'\nexec(code)", 2),
    ("compiled-function", "f = type(print)(compile('1', '<cell 1>', 'eval'), {})", 1),
    ("attrgetter", "import operator\nget = operator.attrgetter('tb_fr' + 'ame')", 1),
    ("formatter", "import string\nf = string.Formatter().get_field('0.write', [print], {})", 1),
    ("format-string", "text = '{0.__class__}'.format(load)", 1),
    ("builtins-patch", "__builtins__.len = len", 1),
    ("subclasses", "classes = object.__subclasses__()", 1),
    ("function-globals", "def helper():\n    pass\nnames = helper.__globals__", 3),
    ("computed-attribute", "import sys\ntable = getattr(sys, 'mod' + 'ules')", 2),
    ("namespace", "names = globals()", 1),
    ("type-hints", "import typing\nhints = typing.get_type_hints(print)", 2),
    ("module-of-a-module", "import json\nc = json.codecs", 2),
)
OUTSIDE = tuple(
    Rewrite(f"outside-{name}", append(snippet), "integrity", line)
    for name, snippet, line in OUTSIDE_SNIPPETS
)
KEEP_RULES = (
    Rewrite("renamed-temporaries", rename_temporaries),
    Rewrite("import-math-at-top", prepend("import math")),
    Rewrite("notebook-template-line", prepend("import sys\nsys.path.append('..')")),
    Rewrite(
        "a-class-of-its-own",
        both(
            prepend(
                "class Report:\n    def __init__(self, heading):\n        self.heading = heading\n"
                "        self._lines = []\n\n    def add(self, line):\n"
                "        self._lines.append(line)\n        return len(self._lines)\n\n\n"
                "report = Report('Scaling')"
            ),
            append("report.add(str(load))\nprint(report.heading, report.add('done'))"),
        ),
    ),
    Rewrite(
        "debug-prints-of-other-values",
        both(
            prepend("print('checking the strategies')"),
            append("print('load was', load)\nprint('strategies:', len(systems))"),
        ),
    ),
    Rewrite(
        "plain-standard-library",
        both(
            prepend("import json\nimport random\nimport sys\nfrom pprint import pprint"),
            append(
                "random.seed(load)\npprint(sorted(systems))\n"
                "print(json.dumps(load), file=sys.stdout)"
            ),
        ),
    ),
)
REWRITES: tuple[Rewrite, ...] = (*END_ITSELF, *NEVER_END, *OUTSIDE, *KEEP_RULES)


# -- writing the variants -------------------------------------------------------------


# Each sample is graded with this many of the allowlist's rewrites, in turn, so that every
# one is graded on some samples; the test reads all of them on every sample (reading the
# source is cheap; running it is not).
OUTSIDE_PER_SAMPLE = 2


def plan(rewrites: tuple[Rewrite, ...] = REWRITES) -> Iterator[tuple[Sample, Rewrite, Edit]]:
    """Yield each passing sample with each rewrite that applies to it, and its edit."""
    for index, sample in enumerate(passing_samples()):
        turn = {
            OUTSIDE[(index * OUTSIDE_PER_SAMPLE + k) % len(OUTSIDE)].name
            for k in range(OUTSIDE_PER_SAMPLE)
        }
        for rewrite in rewrites:
            if rewrite in OUTSIDE and rewrite.name not in turn:
                continue
            edit = rewrite.edit(sample)
            if edit is not None:
                yield sample, rewrite, edit


def variants(folder: Path, rewrites: tuple[Rewrite, ...] = REWRITES) -> Iterator[Variant]:
    """Write every planned rewrite of every passing sample into a folder."""
    for sample, rewrite, edit in plan(rewrites):
        stem, suffix = sample.name.rsplit(".", 1)
        path = folder / f"{stem}+{rewrite.name}.{suffix}"
        numbers = _write(path, sample.kind, edit.cells)
        location = None
        if rewrite.line is not None and edit.at is not None:
            index, first = edit.at
            location = (numbers[index], first + rewrite.line - 1)
        yield Variant(sample.name, rewrite, path, location)


def program_of(sample: Sample, edit: Edit) -> Program:
    """Return the rewritten sample as the loader would make it, without writing a file."""
    numbers = [None] if sample.kind == "script" else range(2, len(edit.cells) + 2)
    cells = []
    for number, text in zip(numbers, edit.cells, strict=True):
        runnable = text if number is None else strip_ipython(text, number)[0]
        cells.append(Cell(number, runnable, text))
    return Program(sample.name, sample.kind, tuple(cells))


def _write(path: Path, kind: str, cells: tuple[str, ...]) -> list[int | None]:
    """Write a script or a notebook; return each code cell's number as the grader counts."""
    if kind == "script":
        path.write_text(cells[0], encoding="utf-8")
        return [None]
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    notebook = new_notebook(
        cells=[new_markdown_cell("A rewritten sample."), *(new_code_cell(c) for c in cells)],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    path.write_text(json.dumps(nbformat.from_dict(notebook)), encoding="utf-8")
    return list(range(2, len(cells) + 2))
