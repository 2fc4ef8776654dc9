"""How a run came to an end: exit calls, loops around a line, and runs that sent nothing back.

A program is graded at its end. This module tells an end the program chose (exit(),
quit(), sys.exit(), raise SystemExit) from an error, finds the loop a program was still
running in, and words a run that sent no answer at all (killed, timed out, os._exit).
"""

from __future__ import annotations

import ast
import re

from grader.analysis import trees
from grader.load import Program
from grader.result import Explanation, Location
from grader.sandbox import Error, Execution
from grader.sandbox.values import decode
from grader.sandbox.wire import Ended

# The names site.py gives Python to end it. The child runs Python without site (-S), so
# there they do not exist and calling one raises NameError, not SystemExit; a learner's
# Python has them. Either way the program asked to stop, and is graded as if it had.
EXIT_NAMES = frozenset({"exit", "quit"})
_MISSING_NAME = re.compile(r"name '(\w+)' is not defined")
_EXIT_CALL = re.compile(r"\b((?:\w+\.)?(?:exit|quit))\s*\(|\braise\s+(SystemExit)\b")


def is_exit(error: Error) -> bool:
    """Whether an error is the program ending itself: SystemExit, or exit()/quit()."""
    if error.type == "SystemExit":
        return True
    if error.type != "NameError":
        return False
    match = _MISSING_NAME.search(error.message)
    return match is not None and match.group(1) in EXIT_NAMES


def exit_call(program: Program, error: Error) -> str:
    """Say how a program ended itself, as its line shows it: "calls `sys.exit()`"..."""
    cell = program.cell(error.cell)
    line = cell.line_text(error.line) if cell is not None and error.line is not None else ""
    match = _EXIT_CALL.search(line)
    if match is not None:
        return f"calls `{match.group(1)}()`" if match.group(1) else "raises `SystemExit`"
    if error.type == "NameError":
        name = _MISSING_NAME.search(error.message)
        return f"calls `{name.group(1) if name else 'exit'}()`"
    return "raises `SystemExit`"


def enclosing_loop(program: Program, location: Location) -> Location | None:
    """Return the outermost loop statement around a line, if the line is in a loop."""
    cell = program.cell(location.cell)
    tree = trees.readable(cell.source if cell else None)
    if tree is None:
        return None
    loops = [
        node
        for node in ast.walk(tree)
        if isinstance(node, (ast.For, ast.While, ast.AsyncFor))
        and node.lineno <= location.line <= (node.end_lineno or node.lineno)
    ]
    if not loops:
        return None
    return Location(line=min(node.lineno for node in loops), cell=location.cell)


def how_far(
    program: Program,
    stop: Location | None,
    timed_out: bool = False,
    execution: Execution | None = None,
) -> str:
    """Say how far a program got before it stopped, as a loop's learner sees it.

    Before its first loop started, on the loop's own line (it never ran a round), inside
    it in its first round (its variables still hold the first item: it stopped there),
    or later inside it (it did not finish); a loop that runs out of time did not finish.
    """
    loops = _for_loops(program)
    if stop is None or not loops:
        return "Your loop did not finish." if timed_out else "Your loop did not run."
    inside = enclosing_loop(program, stop)
    if inside is not None and inside != stop:
        if not timed_out and execution is not None and _first_round(program, inside, execution):
            return "Your loop never got past its first round."
        return "Your loop did not finish."
    if timed_out:
        return "Your loop did not finish."
    if stop in loops:
        # The `for` line itself stopped it: it began, and no round of its body ran.
        return "Your loop's body never ran."
    first = min(loops, key=lambda place: ((place.cell or 0), place.line))
    if ((stop.cell or 0), stop.line) < ((first.cell or 0), first.line):
        return f"Your loop {'in' if first.cell is not None else 'at'} {first.describe()} never started."
    return "Your loop did not run."


def never_reached(program: Program, error: Error, place: Location | None) -> bool:
    """Whether a line comes after the statement an error stopped, so it never ran.

    The first error stops everything after it: in its script or cell, no line after the
    top-level statement that was running (the whole loop, if it stopped inside one) ran,
    whatever the source would have done there. A notebook's later cells still run.
    """
    if place is None or error.syntax or not error.frames:
        return False
    cell_number, line, _ = error.frames[0]
    cell = program.cell(cell_number)
    tree = trees.readable(cell.source if cell else None)
    if tree is None or place.cell != cell_number:
        return False
    running = next((s for s in tree.body if s.lineno <= line <= (s.end_lineno or s.lineno)), None)
    return running is not None and place.line > (running.end_lineno or running.lineno)


def _first_round(program: Program, loop: Location, execution: Execution) -> bool:
    """Whether the loop at a place stopped in its first round, as its variables show.

    Read only where it can be told for sure: a for loop over a recorded dictionary or
    list (or a dictionary's items(), keys() or values()), whose variables hold its first
    item and no later one.
    """
    cell = program.cell(loop.cell)
    tree = trees.readable(cell.source if cell else None)
    if tree is None:
        return False
    node = next(
        (n for n in ast.walk(tree) if isinstance(n, ast.For) and n.lineno == loop.line), None
    )
    if node is None:
        return False
    items = _items(node.iter, execution)
    target = _bound(node.target, execution)
    if not items or target is None:
        return False
    return items[0] == target and target not in items[1:]


def _items(iterable: ast.expr, execution: Execution) -> list[object] | None:
    """The items a loop's iterable gives, when it is a recorded value read as it stands."""
    method = ""
    if (
        isinstance(iterable, ast.Call)
        and isinstance(iterable.func, ast.Attribute)
        and not iterable.args
        and not iterable.keywords
        and iterable.func.attr in ("items", "keys", "values")
    ):
        method, iterable = iterable.func.attr, iterable.func.value
    if not isinstance(iterable, ast.Name) or iterable.id not in execution.values:
        return None
    value = decode(execution.values[iterable.id])
    if isinstance(value, dict):
        if method == "items":
            return [(key, item) for key, item in value.items()]
        return list(value.values()) if method == "values" else list(value)
    if isinstance(value, (list, tuple)) and not method:
        return [tuple(item) if isinstance(item, list) else item for item in value]
    return None


def _bound(target: ast.expr, execution: Execution) -> object | None:
    """What a loop's variables hold at the end (a tuple for several), if all were recorded."""
    if isinstance(target, ast.Name):
        if target.id not in execution.values:
            return None
        value: object = decode(execution.values[target.id])
        return value
    if isinstance(target, ast.Tuple) and all(isinstance(e, ast.Name) for e in target.elts):
        parts = [_bound(e, execution) for e in target.elts]
        return None if any(p is None for p in parts) else tuple(parts)
    return None


def _for_loops(program: Program) -> list[Location]:
    """Where each for loop of the program starts."""
    found: list[Location] = []
    for cell in program.cells:
        tree = trees.readable(cell.source)
        if tree is None:
            continue
        found.extend(
            Location(node.lineno, cell.number)
            for node in ast.walk(tree)
            if isinstance(node, (ast.For, ast.AsyncFor))
        )
    return found


def explain_abrupt(execution: Execution, timeout: float | None) -> Explanation:
    """Explain a run that sent nothing back: killed, timed out, or ended by os._exit."""
    if execution.timed_out:
        text = (
            "Your program was still running when its time ran out"
            + (f" ({timeout:g} seconds)" if timeout else "")
            + ", and it could not be stopped cleanly. It probably has a loop that never ends."
        )
        return Explanation("timeout", text, None)
    code, text = _ABRUPT.get(execution.ended, ("", ""))
    if code:
        return Explanation(code, text, None)
    if execution.signal in (7, 11):
        return Explanation(
            "crash",
            f"Your program crashed the Python interpreter ({execution.how_it_ended}), most often "
            "by recursing far deeper than Python allows. Do not raise the limit with "
            "sys.setrecursionlimit(); give every recursion a case where it stops.",
            None,
        )
    if execution.signal in (9, 24):
        return Explanation(
            "resource-limit",
            "Your program was stopped because it used more time, memory or output "
            "than allowed. It probably has a loop that never ends or builds something "
            "endless.",
            None,
        )
    return Explanation(
        "abrupt-exit",
        f"Your program ended abruptly ({execution.how_it_ended}) before the grader could "
        "look at its variables. Remove any call to os._exit() or exit(), and let the program run "
        "to its end.",
        None,
    )


# The ends a run can come to without an answer that need no more than their name.
_ABRUPT: dict[Ended | None, tuple[str, str]] = {
    Ended.OUTPUT_LIMIT: (
        "output-limit",
        "Your program wrote far too much output (straight to the terminal, behind "
        "print's back) and was stopped. It probably writes inside a loop that never "
        "ends; print only what the steps ask for.",
    ),
    Ended.UNREADABLE_VALUES: (
        "unreadable-values",
        "Your program ran, but its variables could not be read back: they hold "
        "something far larger than the exercise needs, beyond the memory allowed. "
        "Keep only the values the steps ask for.",
    ),
    # The learner's code wrote into the pipe its results travel on: nothing it sent
    # can be told apart from what it wrote, so none of it counts.
    Ended.GARBLED_ANSWER: (
        "garbled-answer",
        "Your program wrote into the grader's private channel, so nothing it did "
        "could be read. Do not write to file descriptors your program did not open "
        "(os.write, os.fdopen).",
    ),
}
