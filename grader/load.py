"""Loading: a submission file becomes a Program, cells of code with their origin.

A script is one cell. A notebook is its code cells, in order, as "Restart & Run All"
runs them; stored outputs and execution counts are ignored, and markdown and raw cells
never run (their text is kept, for saying that code typed into one does not run).
IPython-only lines (magics, shell escapes) are blanked out so that the rest of the cell
still runs as Python, each with a note for the learner. Nothing here executes code.
"""

from __future__ import annotations

import errno
import io
import json
import os
import re
import stat
import tokenize
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.analysis import trees
from grader.safe import inline

SUFFIXES = (".py", ".ipynb")

# The code that runs: a script's file, or a notebook's code cells together. Far larger
# than any solution to a beginner's exercise, small enough that a hostile file cannot
# make the grader parse or send megabytes of code.
MAX_BYTES = 1_000_000
# A notebook file itself, stored outputs included (plots, tables, images): they are
# never run or read as code, so the bound is generous; it only keeps the grader from
# reading a file of any size.
MAX_NOTEBOOK_BYTES = 20_000_000

# Cell magics whose body is Python that Jupyter runs: the body still runs here, in the
# program's namespace (IPython runs %%time, %%prun and %%debug there, and %%capture
# through run_cell) except for %%timeit's (see Timed).
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})
# IPython's %timeit repeats a timing -r times (7 unless told), each of -n loops.
TIMEIT_REPEAT = 7

_LINE_MAGIC = re.compile(r"^(\s*)(?:%|!|[A-Za-z_][\w.]*\s*=\s*[%!])")
# `%time stmt` and `%timeit [-n N -r R ...] stmt` run a statement of Python.
_TIMED_STATEMENT = re.compile(
    r"^(\s*)%(?P<name>timeit|time)(?P<options>(?:\s+-[a-z]+(?:\s*\d+)?)*)\s+(?P<statement>[^-\s].*)$"
)
_HELP = re.compile(r"^(\s*)[\w.]+\?\??\s*$")
# The grader's own magics (`%load_ext grader`, `%grade`): skipped without a note, as
# they are how the learner asked for this grade, not part of their work.
_GRADER_MAGIC = re.compile(r"^(\s*)%(?:re)?load_ext\s+grader\s*$|^(\s*)%grade(?:\s.*)?$")


class LoadError(Exception):
    """The file cannot be graded as it is; the message says why, for the learner."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Timed:
    """Code IPython's %%timeit or %timeit runs inside a timing function of its own.

    IPython compiles ``def inner(_it, _timer): setup; for _i in _it: stmt``, so what the
    code assigns stays in that function, and runs it at least once to calibrate and then
    ``-r`` times (7), each time ``-n`` loops (1 at the least); with ``-n`` given, exactly
    ``-r`` times ``-n`` loops. ``line`` is the statement's line, or 0 for the whole cell.
    """

    line: int
    setup: str
    loops: int
    calls: int

    @property
    def runs(self) -> int:
        """How many times the code runs."""
        return self.loops * self.calls


@dataclass(frozen=True)
class Cell:
    """One piece of code that runs as a unit: a script, or a notebook's code cell."""

    # The cell's position among all the notebook's cells, counted from 1 as the learner
    # sees them; None for a script.
    number: int | None
    # The code as it runs (IPython-only lines blanked, line numbers unchanged).
    source: str
    # The code as the learner wrote it, for showing their lines back to them.
    original: str
    # Code IPython runs in a timing function (%%timeit, %timeit), and whether IPython
    # keeps what the cell prints from showing (%%capture).
    timed: tuple[Timed, ...] = ()
    muted: bool = False

    def wire(self) -> dict[str, Any]:
        """Return the cell as the child's request carries it (plain data)."""
        return {
            "number": self.number,
            "source": self.source,
            "timed": [[t.line, t.setup, t.loops, t.calls] for t in self.timed],
            "muted": self.muted,
        }

    def line_text(self, line: int) -> str:
        """Return the learner's own text of a 1-based line of this cell, or ''."""
        lines = self.original.split("\n")
        return lines[line - 1] if 1 <= line <= len(lines) else ""


@dataclass(frozen=True)
class Program:
    """A submission ready to run: its cells and what the learner should know."""

    path: str
    kind: str  # "script" or "notebook"
    cells: tuple[Cell, ...]
    notes: tuple[str, ...] = ()
    # A notebook's Markdown cells (number, text): never run, but a learner may type a
    # step's code into one, and the diagnosis says so.
    markdown: tuple[tuple[int, str], ...] = ()
    # A notebook's Raw cells (number, text): never run either; a cell turned Raw by a
    # key pressed in command mode keeps its code as text.
    raw: tuple[tuple[int, str], ...] = ()

    def cell(self, number: int | None) -> Cell | None:
        """Return the cell with this number (None: the script's single cell)."""
        for cell in self.cells:
            if cell.number == number:
                return cell
        return None


def is_supported(path: Path) -> bool:
    """Whether the grader knows how to load a file with this name."""
    return path.suffix.lower() in SUFFIXES


def load(path: Path, shown_as: str | None = None) -> Program:
    """Read a script or notebook into a Program, or raise LoadError in plain words."""
    name = shown_as if shown_as is not None else str(path)
    notebook = path.suffix.lower() == ".ipynb"
    limit = MAX_NOTEBOOK_BYTES if notebook else MAX_BYTES
    data = _read_regular_file(path, name, limit)
    text = decode(data, name, limit, script=not notebook)
    if notebook:
        return _load_notebook(text, name)
    if not text.strip():
        raise LoadError(
            f"{name} is empty. Write the code for the exercise's steps in it, save it, "
            "and submit it again.",
            "empty",
        )
    return Program(path=name, kind="script", cells=(Cell(None, text, text),))


# Not following a link, not blocking on a FIFO; Windows has none of these flags (and
# O_BINARY instead, so that its C library leaves line endings alone).
_OPEN_FLAGS = os.O_RDONLY | sum(
    getattr(os, flag, 0) for flag in ("O_NOFOLLOW", "O_NONBLOCK", "O_CLOEXEC", "O_BINARY")
)


def _read_regular_file(path: Path, name: str, limit: int = MAX_BYTES) -> bytes:
    """Read at most limit + 1 bytes of a regular file that is not a symbolic link.

    A submission that is a link could make the grader read, and then quote back as a
    syntax error, anything the grader may read (/proc/self/environ, a token file); a
    FIFO or a device could block it or never end.
    """
    try:
        if not hasattr(os, "O_NOFOLLOW") and path.is_symlink():
            raise OSError(errno.ELOOP, "a symbolic link")  # Windows: no flag does it
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise LoadError(
                f"{name} is a symbolic link. Submit the file itself, not a link to it.",
                "not-a-file",
            ) from None
        raise LoadError(
            f"{name} could not be read ({error.strerror or error}). "
            "Check that the file exists and that you may read it.",
            "unreadable",
        ) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise LoadError(
                f"{name} is not a regular file. Submit the .py or .ipynb file you wrote.",
                "not-a-file",
            )
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(limit + 1)
    except OSError as error:
        raise LoadError(
            f"{name} could not be read ({error.strerror or error}). "
            "Check that the file exists and that you may read it.",
            "unreadable",
        ) from None
    finally:
        os.close(fd)


def decode(data: bytes, name: str, limit: int = MAX_BYTES, script: bool = False) -> str:
    """Turn a file's bytes into text with '\\n' line endings, or raise LoadError.

    A script is read as Python reads it: UTF-8, unless its first lines declare another
    encoding (``# -*- coding: latin-1 -*-``, PEP 263).
    """
    if len(data) > limit:
        advice = (
            "Clear its outputs (Edit > Clear All Outputs in Jupyter), save, and submit again."
            if limit == MAX_NOTEBOOK_BYTES
            else "Submit only your solution's code."
        )
        raise LoadError(
            f"{name} is larger than {limit // 1_000_000} MB, far more than this exercise "
            f"needs. {advice}",
            "too-large",
        )
    if b"\x00" in data:
        raise LoadError(
            f"{name} is not a text file (it contains binary data). Submit the .py or "
            ".ipynb file you wrote, saved as plain text.",
            "binary-file",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        declared = _declared_encoding(data) if script else None
        if declared is not None:
            return declared.replace("\r\n", "\n").replace("\r", "\n")
        raise LoadError(
            f"{name} is not valid UTF-8 text (byte {error.object[error.start]:#04x} at "
            f"position {error.start}). Save the file with UTF-8 encoding in your editor "
            "and submit it again.",
            "not-utf8",
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _declared_encoding(data: bytes) -> str | None:
    """A script's text in the encoding its coding declaration names, or None when it
    declares none, or one that does not decode it."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding) if encoding not in ("utf-8", "utf-8-sig") else None
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return None


def _load_notebook(text: str, name: str) -> Program:
    """Read a notebook's code cells, tolerating nbformat 3 and 4."""
    import nbformat  # imported here: scripts never pay for it

    try:
        data = json.loads(text)
    except ValueError as error:
        raise LoadError(
            f"{name} is not a valid notebook: it is not JSON ({error}). Open it in "
            "Jupyter, save it again, and submit the saved .ipynb file.",
            "bad-notebook",
        ) from None
    except RecursionError:  # brackets nested thousands deep: no notebook looks like that
        raise LoadError(
            f"{name} is not a valid notebook: its JSON is nested far too deeply. Open it "
            "in Jupyter, save it again, and submit the saved .ipynb file.",
            "bad-notebook",
        ) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            stripped = json.dumps(_without_outputs(data))
            notebook = nbformat.reads(stripped, as_version=4)  # type: ignore[no-untyped-call]
            cells = list(notebook.cells)
            language = _language(notebook.get("metadata", {}))
            raw = [(cell.get("cell_type"), cell.get("source", "")) for cell in cells]
    except Exception as error:  # nbformat raises many kinds; all mean "not a notebook"
        raise LoadError(
            f"{name} is JSON but not a Jupyter notebook nbformat can read "
            f"({type(error).__name__}). Open it in Jupyter, save it again, and submit "
            "the saved .ipynb file.",
            "bad-notebook",
        ) from None
    if language and not language.startswith(("python", "ipython")):
        raise LoadError(
            # The language is the learner's metadata: one line, and short.
            f"{name} is a {inline(language[:40])} notebook; this exercise is graded as Python. "
            "Choose a Python 3 kernel, run your cells, save, and submit again.",
            "not-python",
        )
    program_cells: list[Cell] = []
    notes: list[str] = []
    markdown: list[tuple[int, str]] = []
    raws: list[tuple[int, str]] = []
    for number, (kind, source) in enumerate(raw, start=1):
        if isinstance(source, list):  # not normalised by every nbformat version
            source = "".join(str(part) for part in source)
        if not isinstance(source, str):
            continue
        if kind == "markdown":
            markdown.append((number, source))
        if kind == "raw":
            raws.append((number, source))
        if kind != "code":
            continue
        source = source.replace("\r\n", "\n").replace("\r", "\n")
        runnable, cell_notes = strip_ipython(source, number)
        notes.extend(cell_notes)
        timed, muted = ipython_runs(source)
        program_cells.append(Cell(number, runnable, source, timed, muted))
    code_bytes = sum(len(cell.source.encode("utf-8", "surrogatepass")) for cell in program_cells)
    if code_bytes > MAX_BYTES:
        raise LoadError(
            f"{name} has more than {MAX_BYTES // 1_000_000} MB of code in its code cells, "
            "far more than this exercise needs. Submit only your solution's code.",
            "too-large",
        )
    if not any(cell.source.strip() for cell in program_cells):
        raise LoadError(
            f"{name} has no code in its code cells. Write the exercise's code in code "
            "cells (not markdown cells), save the notebook, and submit it again.",
            "no-code",
        )
    return Program(
        path=name,
        kind="notebook",
        cells=tuple(program_cells),
        notes=tuple(notes),
        markdown=tuple(markdown),
        raw=tuple(raws),
    )


def _without_outputs(data: object) -> object:
    """Empty what running the cells stored (outputs, attachments): none of it runs.

    nbformat then reads, converts and validates only the code and the words, however
    many megabytes of plots the learner's notebook kept. Format 3 keeps its cells in
    worksheets.
    """
    if not isinstance(data, dict):
        return data
    groups = [data.get("cells")]
    sheets = data.get("worksheets")
    if isinstance(sheets, list):
        groups.extend(sheet.get("cells") for sheet in sheets if isinstance(sheet, dict))
    for cells in groups:
        for cell in cells if isinstance(cells, list) else ():
            if isinstance(cell, dict):
                if "outputs" in cell:
                    cell["outputs"] = []
                cell.pop("attachments", None)
    return data


def _language(metadata: object) -> str:
    """Return the notebook's declared language, lower-case, or '' if it says none."""
    if not isinstance(metadata, dict):
        return ""
    for key, field in (("kernelspec", "language"), ("language_info", "name")):
        section = metadata.get(key)
        if isinstance(section, dict) and isinstance(section.get(field), str):
            return str(section[field]).strip().lower()
    return ""


def strip_ipython(source: str, cell: int) -> tuple[str, list[str]]:
    """Blank out IPython-only lines of a cell, keeping line numbers; say what went."""
    try:
        trees.compile_text(source, "<cell>")
        return source, []  # valid Python: a '%' or '!' line here is an operator
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        pass
    lines = source.split("\n")
    notes: list[str] = []
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        magic = lines[first].strip()
        magic_name = magic[2:].split(maxsplit=1)[0] if len(magic) > 2 else ""
        if magic_name not in PYTHON_CELL_MAGICS:
            notes.append(
                f"Cell {cell}: `{_short(magic)}` makes the cell something other than "
                "Python, so the grader skipped the whole cell."
            )
            return "", notes
        lines[first] = ""
        notes.append(_cell_magic_note(cell, magic, magic_name))
    for index, line in enumerate(lines):
        timed = _TIMED_STATEMENT.match(line)
        if timed is not None:
            # Jupyter runs the statement and times it: the statement still runs here.
            lines[index] = timed.group(1) + timed.group("statement")
            notes.append(
                _line_magic_note(cell, index + 1, timed.group("name"), timed.group("options"))
            )
            continue
        if _GRADER_MAGIC.match(line):
            lines[index] = line[: len(line) - len(line.lstrip())] + "pass"
            continue
        match = _LINE_MAGIC.match(line) or _HELP.match(line)
        if match is None:
            continue
        lines[index] = match.group(1) + "pass"
        notes.append(
            f"Cell {cell}, line {index + 1}: `{_short(line.strip())}` only works in "
            "Jupyter; the grader skipped it."
        )
    return "\n".join(lines), notes


def ipython_runs(source: str) -> tuple[tuple[Timed, ...], bool]:
    """Read how IPython runs a cell: the code it times in a function, and whether it mutes it."""
    lines = source.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return (), False
    head = lines[first].strip()
    if head.startswith("%%"):
        name, _, rest = head[2:].partition(" ")
        if name == "timeit":
            return (_timed(0, rest),), False
        return (), name == "capture"
    found = []
    for index, line in enumerate(lines):
        match = _TIMED_STATEMENT.match(line)
        if match is not None and match.group("name") == "timeit":
            found.append(_timed(index + 1, match.group("options")))
    return tuple(found), False


def _timed(line: int, arguments: str) -> Timed:
    """Read %timeit's options (-n, -r; the others change only what it reports) and the
    setup statement that follows them, the way IPython's option parser reads them."""
    words = arguments.split()
    values: dict[str, str] = {}
    used = 0
    while used < len(words) and words[used].startswith("-") and len(words[used]) > 1:
        word = words[used][1:]
        used += 1
        for position, letter in enumerate(word):
            if letter in "nrpv":  # options that take a value: the rest, or the next word
                value = word[position + 1 :]
                if not value and used < len(words):
                    value, used = words[used], used + 1
                values[letter] = value
                break
    setup = arguments.strip()
    for word in words[:used]:
        setup = setup[setup.index(word) + len(word) :].lstrip()
    number = int(values["n"]) if values.get("n", "").isdigit() else 0
    repeat = int(values["r"]) if values.get("r", "").isdigit() else TIMEIT_REPEAT
    calls = repeat if number else 1 + repeat
    return Timed(line, setup if line == 0 else "", max(1, number), max(1, calls))


def _cell_magic_note(cell: int, magic: str, name: str) -> str:
    """Tell the learner how a Python cell magic's cell was run."""
    if name == "timeit":
        runs = _times(_timed(0, magic[2:].partition(" ")[2]).runs)
        return (
            f"Cell {cell}: `{_short(magic)}` runs the cell's code inside a function of its "
            f"own, {runs}: what it assigns does not stay after the cell, and what it "
            "prints is printed each time. The grader ran it the same way."
        )
    if name == "capture":
        return (
            f"Cell {cell}: `{_short(magic)}` keeps what the cell prints from showing; the "
            "grader ran the cell's code and kept nothing it printed."
        )
    return (
        f"Cell {cell}: `{_short(magic)}` only works in Jupyter; the grader skipped "
        "that line and ran the rest of the cell as Python."
    )


def _line_magic_note(cell: int, line: int, name: str, options: str) -> str:
    """Tell the learner how a %time or %timeit statement was run."""
    if name == "timeit":
        runs = _times(_timed(line, options).runs)
        return (
            f"Cell {cell}, line {line}: `%timeit` runs the statement inside a function of "
            f"its own, {runs}, so what it assigns does not stay. The grader ran it the "
            "same way."
        )
    return (
        f"Cell {cell}, line {line}: `%time` only works in Jupyter; the grader ran the "
        "statement after it without timing it."
    )


def _times(runs: int) -> str:
    """Say how many times IPython runs timed code, at the least."""
    return "once" if runs == 1 else f"{runs} times"


def _short(text: str, limit: int = 60) -> str:
    """Shorten a line for a note, and keep backticks from breaking its quoting."""
    text = text.replace("`", "'")
    return text if len(text) <= limit else text[: limit - 1] + "…"
