"""Rewrites of the samples' loop and print: ways around steps 3 and 4, and honest variations.

The rewrites in tests/rewrites.py add code before or after a sample; these edit the
sample's own loop over `systems.items()` and its `print(can_handle_load)` in place, in
whatever style the sample is written (a main guard, tabs, CRLF line ends, notebooks with
magics). A rule-breaking one carries the step's mistake code and the line it must be
reported at; a rule-keeping one must still pass. The capacities and keys typed in are
read from reference/solution.py, the way a learner who copied them would type them.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

from grader.load import strip_ipython
from tests.conftest import REFERENCE
from tests.rewrites import Edit, Rewrite, Sample

SYSTEMS = "systems"
RESULT = "can_handle_load"


def reference_systems() -> dict[str, int]:
    """Read the capacities the reference types in for `systems`, without running it."""
    tree = ast.parse((REFERENCE / "solution.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == SYSTEMS for t in node.targets)
            and isinstance(node.value, ast.Dict)
        ):
            found = ast.literal_eval(node.value)
            assert isinstance(found, dict)
            return found
    raise AssertionError("reference/solution.py has no literal `systems`")


@dataclass(frozen=True)
class Loop:
    """Where a sample's loop sits: its cell, its lines and the indentation of both parts."""

    cell: int
    header: int  # 0-based line of `for ...:`
    body: tuple[int, int]  # 0-based first and last line of its body
    indent: str  # the header's indentation
    body_indent: str
    newline: str


def _runnable(sample: Sample, index: int) -> str:
    """Return a cell as Python, IPython lines blanked, line numbers kept."""
    text = sample.cells[index]
    return strip_ipython(text, index)[0] if sample.kind == "notebook" else text


def find_loop(sample: Sample) -> Loop | None:
    """Find the first `for ... in systems.items():` loop that fills the dictionary."""
    for index, text in enumerate(sample.cells):
        try:
            tree = ast.parse(_runnable(sample, index).lstrip("\ufeff"))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.For) or "items" not in ast.unparse(node.iter):
                continue
            lines = text.split("\n")
            first, last = node.body[0].lineno - 1, (node.body[-1].end_lineno or 0) - 1
            return Loop(
                index,
                node.lineno - 1,
                (first, last),
                _indent(lines[node.lineno - 1]),
                _indent(lines[first]),
                "\r\n" if lines[node.lineno - 1].endswith("\r") else "\n",
            )
    return None


def _indent(line: str) -> str:
    """Return a line's leading whitespace, byte for byte (tabs stay tabs)."""
    stripped = line.lstrip("\ufeff")
    return stripped[: len(stripped) - len(stripped.lstrip(" \t"))]


def _lines(code: str, indent: str, newline: str) -> list[str]:
    """Indent lines of code and give them the sample's line ends (the last one's too)."""
    cr = "\r" if newline == "\r\n" else ""
    return [indent + line + cr for line in code.split("\n")]


def loop_edit(
    body: str, before: str = "", after: str = "", keep_body: bool = False, mark: str = "body"
) -> Callable[[Sample], Edit | None]:
    """Rewrite the sample's loop: new body lines (or the old ones and these after them),
    code before its header and after its end, at the loop's own indentation.

    The edit's place is the first line of ``mark``: "body", "before" or "after".
    """

    def edit(sample: Sample) -> Edit | None:
        loop = find_loop(sample)
        if loop is None:
            return None
        lines = sample.cells[loop.cell].split("\n")
        first, last = loop.body
        old_body = lines[first : last + 1]
        new_body = (old_body if keep_body else []) + _lines(body, loop.body_indent, loop.newline)
        head = _lines(before, loop.indent, loop.newline) if before else []
        tail = _lines(after, loop.indent, loop.newline) if after else []
        rewritten = (
            lines[: loop.header] + head + lines[loop.header : first] + new_body + tail
        ) + lines[last + 1 :]
        places = {
            "before": loop.header,
            "body": first + len(head) + (len(old_body) if keep_body else 0),
            "after": first + len(head) + len(new_body),
        }
        cells = list(sample.cells)
        cells[loop.cell] = "\n".join(rewritten)
        return Edit(tuple(cells), (loop.cell, places[mark] + 1))

    return edit


def header_edit(name: str) -> Callable[[Sample], Edit | None]:
    """Rewrite the sample's loop to go over a name bound to `systems.items()` just before
    it: `pairs = systems.items()`, then `for strategy, capacity in pairs:`."""

    def edit(sample: Sample) -> Edit | None:
        loop = find_loop(sample)
        if loop is None:
            return None
        lines = sample.cells[loop.cell].split("\n")
        header = lines[loop.header]
        iterable = f"{SYSTEMS}.items()"
        if iterable not in header:
            return None
        bound = _lines(f"{name} = {iterable}", loop.indent, loop.newline)
        lines[loop.header : loop.header + 1] = [*bound, header.replace(iterable, name, 1)]
        cells = list(sample.cells)
        cells[loop.cell] = "\n".join(lines)
        return Edit(tuple(cells), (loop.cell, loop.header + 1))

    return edit


def print_edit(replacement: str) -> Callable[[Sample], Edit | None]:
    """Replace the sample's `print(can_handle_load)` with another print on the same line."""
    wanted = f"print({RESULT})"

    def edit(sample: Sample) -> Edit | None:
        for index, text in enumerate(sample.cells):
            lines = text.split("\n")
            for number, line in enumerate(lines):
                if line.strip(" \t\r\ufeff") == wanted:
                    lines[number] = line.replace(wanted, replacement)
                    cells = list(sample.cells)
                    cells[index] = "\n".join(lines)
                    return Edit(tuple(cells), (index, number + 1))
        return None

    return edit


def systems_edit(
    lines_for: Callable[[dict[str, int]], list[str]], later: str = ""
) -> Callable[[Sample], Edit | None]:
    """Rewrite the sample's `systems = {...}` as other lines building the same dictionary,
    at its indentation, and optionally complete it later: on the next line of a script,
    in a cell of its own right after it in a notebook."""

    def edit(sample: Sample) -> Edit | None:
        for index, text in enumerate(sample.cells):
            try:
                tree = ast.parse(_runnable(sample, index).lstrip("\ufeff"))
            except SyntaxError:
                continue
            node = next((n for n in ast.walk(tree) if _assigns_systems(n)), None)
            if node is None:
                continue
            lines = text.split("\n")
            first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
            newline = "\r\n" if lines[first].endswith("\r") else "\n"
            indent = _indent(lines[first])
            new = _lines("\n".join(lines_for(CAPACITIES)), indent, newline)
            cells = list(sample.cells)
            if later and sample.kind == "notebook":
                cells.insert(index + 1, later)
            elif later:
                new += _lines(later, indent, newline)
            cells[index] = "\n".join(lines[:first] + new + lines[last + 1 :])
            return Edit(tuple(cells), (index, first + 1))
        return None

    return edit


def _assigns_systems(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == SYSTEMS for t in node.targets)
        and isinstance(node.value, ast.Dict)
    )


def _key_by_key(capacities: dict[str, int]) -> list[str]:
    return [f"{SYSTEMS} = {{}}"] + [f"{SYSTEMS}[{k!r}] = {v}" for k, v in capacities.items()]


def _by_update(capacities: dict[str, int]) -> list[str]:
    return [f"{SYSTEMS} = dict()", f"{SYSTEMS}.update({capacities!r})"]


def _all_but_the_last(capacities: dict[str, int]) -> list[str]:
    return [f"{SYSTEMS} = {dict(list(capacities.items())[:-1])!r}"]


def _completion(capacities: dict[str, int]) -> str:
    key, value = list(capacities.items())[-1]
    return f"{SYSTEMS}[{key!r}] = {value}"


CAPACITIES = reference_systems()
# `single_node=1 >= load, ...`, `{'single_node': systems['single_node'] >= load, ...}`
KEYWORDS = ", ".join(f"{key}={value} >= load" for key, value in CAPACITIES.items())
LOOKED_UP = ", ".join(f"{key!r}: {SYSTEMS}[{key!r}] >= load" for key in CAPACITIES)
TYPED_IN = "\n".join(f"{RESULT}[{key!r}] = {value} >= load" for key, value in CAPACITIES.items())

BREAK_STEPS = (
    Rewrite("typed-in-capacities-in-the-loop", loop_edit(TYPED_IN), "step3.hand-written", 1),
    Rewrite(
        "second-table-of-capacities",
        loop_edit(
            f"{RESULT}[strategy] = sizes[strategy] >= load", before=f"sizes = {CAPACITIES!r}"
        ),
        "step3.typed-capacities",
    ),
    Rewrite(
        "update-with-typed-in-keywords",
        loop_edit(f"{RESULT}.update({KEYWORDS})"),
        "step3.hand-written",
        1,
    ),
    Rewrite(
        "dead-loop-then-a-literal",
        loop_edit("pass", after=f"{RESULT} = {{{LOOKED_UP}}}", mark="after"),
        "step3.hand-written",
        1,
    ),
    Rewrite(
        "print-of-a-hand-written-copy",
        print_edit(f"print(dict({KEYWORDS}))"),
        "step4.print-literal",
        1,
    ),
    Rewrite(
        "print-of-edited-text",
        print_edit(f"print(str({RESULT}).replace('True', 'False'))"),
        "step4.print-not-result",
        1,
    ),
)
# A loop that computes nothing, followed by another way of building the dictionary.
DECOY = "print(strategy, capacity)"
ZIPPED = f"{RESULT} = dict(zip({SYSTEMS}, map(lambda c: c >= load, {SYSTEMS}.values())))"
ZIPPED_LIST = f"{RESULT} = dict(zip({SYSTEMS}.keys(), [c >= load for c in {SYSTEMS}.values()]))"
UPDATED = f"{RESULT}.update({{s: c >= load for s, c in {SYSTEMS}.items()}})"
COMPREHENSION = f"{RESULT} = {{s: c >= load for s, c in {SYSTEMS}.items()}}"
GENERATOR = f"{RESULT} = dict((s, c >= load) for s, c in {SYSTEMS}.items())"
UPDATED_ZIP = f"{RESULT}.update(zip({SYSTEMS}, [c >= load for c in {SYSTEMS}.values()]))"
DECOYS = (
    Rewrite(
        "decoy-loop-then-zip",
        loop_edit(DECOY, after=ZIPPED, mark="after"),
        "step3.not-from-loop",
        1,
    ),
    Rewrite(
        "decoy-loop-then-zip-of-a-list",
        loop_edit(DECOY, after=ZIPPED_LIST, mark="after"),
        "step3.not-from-loop",
        1,
    ),
    Rewrite(
        "decoy-loop-then-update-with-a-comprehension",
        loop_edit(DECOY, after=UPDATED, mark="after"),
        "step3.comprehension",
        1,
    ),
    Rewrite(
        "decoy-loop-then-a-comprehension",
        loop_edit(DECOY, after=COMPREHENSION, mark="after"),
        "step3.comprehension",
        1,
    ),
    Rewrite(
        "decoy-loop-then-a-generator",
        loop_edit(DECOY, after=GENERATOR, mark="after"),
        "step3.comprehension",
        1,
    ),
    Rewrite(
        "loop-storing-none-then-update-with-zip",
        loop_edit(f"{RESULT}[strategy] = None", after=UPDATED_ZIP, mark="after"),
        "step3.not-from-loop",
        1,
    ),
    Rewrite(
        "loop-storing-none-then-update-with-a-comprehension",
        loop_edit(f"{RESULT}[strategy] = None", after=UPDATED, mark="after"),
        "step3.comprehension",
        1,
    ),
)
KEEP_STEPS = (
    Rewrite("systems-built-key-by-key", systems_edit(_key_by_key)),
    Rewrite("systems-built-with-update", systems_edit(_by_update)),
    Rewrite(
        "systems-completed-later",
        systems_edit(_all_but_the_last, later=_completion(reference_systems())),
    ),
    Rewrite(
        "helper-that-writes-the-entry",
        loop_edit(
            "put(strategy, capacity)",
            before=f"def put(name, size):\n    {RESULT}[name] = size >= load",
        ),
    ),
    Rewrite(
        "update-method-passed-to-map",
        loop_edit(f"list(map({RESULT}.update, [{{strategy: capacity >= load}}]))"),
    ),
    Rewrite(
        "helper-function",
        loop_edit(
            f"{RESULT}[strategy] = fits(capacity, load)",
            before="def fits(size, limit):\n    return size >= limit",
        ),
    ),
    Rewrite("items-through-a-name", header_edit("pairs")),
    Rewrite("not-capacity-less-than-load", loop_edit(f"{RESULT}[strategy] = not capacity < load")),
    Rewrite(
        "debugging-prints-in-the-loop",
        loop_edit(f"print(len({RESULT}))\nprint(strategy, {RESULT}[strategy])", keep_body=True),
    ),
)
STEP_REWRITES = (*BREAK_STEPS, *DECOYS, *KEEP_STEPS)
