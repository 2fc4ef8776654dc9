"""Errors in plain words: what a Python error in the learner's code means, and what to do.

Each explanation names the learner's line (or cell and line) and never the grader's own
files or frames.
"""

from __future__ import annotations

import builtins
import difflib
import re
from collections.abc import Mapping

from grader.feedback.diagnose import diagnose
from grader.feedback.ending import enclosing_loop, exit_call, is_exit
from grader.feedback.syntax import diagnose_syntax
from grader.load import Program
from grader.result import Explanation, Location
from grader.safe import inline
from grader.sandbox import Error, Execution
from grader.sandbox.wire import Ended


def location_of(error: Error) -> Location | None:
    """Return where an error happened in the learner's code, if known."""
    if error.line is None:
        return None
    return Location(line=error.line, cell=error.cell)


def where(location: Location | None) -> str:
    """Say 'at line 4' or 'in cell 3, line 2', or nothing when the place is unknown."""
    if location is None:
        return ""
    return ("in " if location.cell is not None else "at ") + location.describe()


def quote_line(
    program: Program, location: Location | None, caret: tuple[int, int] | None = None
) -> str:
    """Return the learner's line, indented, with a caret under a column range if given."""
    if location is None:
        return ""
    cell = program.cell(location.cell)
    if cell is None:
        return ""
    text = cell.line_text(location.line)
    if not text.strip():
        return ""
    shown = text.expandtabs(4).rstrip()
    if len(shown) > 160:
        shown = shown[:159] + "…"
    block = "    " + shown
    if caret is not None:
        start, end = caret
        prefix = text[: max(0, start - 1)].expandtabs(4)
        width = max(1, min(end - start, len(shown) - len(prefix)) if end > start else 1)
        if len(prefix) < len(shown) + 1:
            block += "\n    " + " " * len(prefix) + "^" * width
    return block


_SYNTAX_HINTS: tuple[tuple[str, str], ...] = (
    (
        "expected ':'",
        "A line that starts a block (`for`, `if`, `else`, `def`) must end with a colon `:`.",
    ),
    (
        "was never closed",
        "A bracket or parenthesis is opened but never closed; add the closing one.",
    ),
    (
        "unterminated string",
        "A string starts with a quote but has no closing quote on the same line.",
    ),
    ("unterminated triple-quoted", "A triple-quoted string is never closed."),
    (
        "unexpected indent",
        "This line is indented more than the code around it; line it up with its block.",
    ),
    (
        "expected an indented block",
        "The line after a colon must be indented (4 spaces) to be inside the block.",
    ),
    (
        "unindent does not match",
        "This line's indentation does not line up with any block above it.",
    ),
    ("inconsistent use of tabs", "The indentation mixes tabs and spaces; use 4 spaces everywhere."),
    (
        "Missing parentheses in call to 'print'",
        "In Python 3, print is a function: write `print(...)` with parentheses.",
    ),
    ("Perhaps you forgot a comma", "Items of a dictionary or list must be separated by commas."),
    (
        "invalid character",
        "The line contains a character Python does not accept, often a curly quote pasted from a document; type plain quotes `'` or `\"`.",
    ),
    ("cannot assign to", "The left side of `=` must be a name, like `x = 1`."),
    (
        "Maybe you meant '==' or ':=' instead of '='",
        "To compare, use `==`; to assign, put the name alone on the left of `=`.",
    ),
    ("unmatched", "There is a closing bracket without a matching opening one."),
    (
        "invalid decimal literal",
        "A number runs into letters; check for a missing operator or space.",
    ),
)


def explain_syntax(error: Error, program: Program) -> Explanation:
    """Explain a syntax error with the learner's line, a caret and plain words."""
    location = location_of(error) or Location(1, error.cell)
    message = error.message or "invalid syntax"
    advice = diagnose_syntax(error, program) or next(
        (hint for key, hint in _SYNTAX_HINTS if key in message), ""
    )
    caret = None
    if error.offset:
        caret = (error.offset, error.end_offset or error.offset + 1)
    quoted = quote_line(program, location, caret)
    text = f"Python could not read your code {where(location)}: {message.rstrip('.?!')}."
    if quoted:
        text += "\n" + quoted
    if advice:
        text += "\n" + advice
    text += (
        "\nNothing after a syntax error can run, so fix it first."
        if program.kind == "script"
        else (f"\nCell {location.cell} could not run; fix it, then run all cells again.")
    )
    return Explanation("syntax-error", text, location)


def explain(
    error: Error,
    program: Program,
    execution: Execution,
    timeout: float | None = None,
    advice: Mapping[str, str] | None = None,
) -> Explanation:
    """Explain a runtime error, a timeout or an early exit in plain words.

    ``advice`` maps a mistake code to the exercise's own advice for it, in place of the
    general advice written here.
    """
    if error.syntax:
        return explain_syntax(error, program)
    location = location_of(error)
    if error.limit == "timeout" and location is not None:
        # Where the clock ran out inside a loop is chance; the loop itself is the place.
        location = enclosing_loop(program, location) or location
    at = where(location)
    quoted = quote_line(program, location)
    shown = f"{error.type}: {inline(error.message)}" if error.message else error.type
    code, said = diagnose(error, program, execution) or _advice(error, execution, timeout)
    said = (advice or {}).get(code, said)
    if location is not None and location.cell is not None:
        # A notebook goes on after a failing cell: the cell stopped, not the program.
        text = f"Cell {location.cell} stopped at line {location.line} with {shown}."
    elif at:
        text = f"Your program stopped {at} with {shown}."
    else:
        text = f"Your program stopped with {shown}."
    if error.limit == "timeout":
        text = f"Your program was still running {at} when its time ran out" + (
            f" ({timeout:g} seconds)." if timeout else "."
        )
    elif error.limit == "output":
        text = f"Your program printed far too much {at} and was stopped."
    elif is_exit(error):
        text = f"Your program {exit_call(program, error)} {at}, which ends it there."
    if quoted:
        text += "\n" + quoted
    if said:
        text += "\n" + said
    return Explanation(code, text, location)


def ending(
    program: Program,
    execution: Execution,
    timeout: float | None,
    advice: Mapping[str, str] | None = None,
) -> Explanation | None:
    """Explain why a run that came back did not end as a graded program must, if it did not.

    A program is graded at its end: one that ends itself on purpose (exit(), quit(),
    sys.exit(), raise SystemExit, KeyboardInterrupt), wherever it does, or one still
    running when its time ran out, has no end to grade, so none of its steps pass.
    """
    stop = next(
        # A time limit is known from the harness's own record (`limit`), never from the
        # name of a class that learner code could define.
        (
            e
            for e in execution.errors
            if is_exit(e) or e.limit == "timeout" or e.type == "KeyboardInterrupt"
        ),
        None,
    )
    if stop is None and execution.ended == Ended.INTERRUPTED and execution.errors:
        stop = execution.errors[-1]
    if stop is not None:
        return explain(stop, program, execution, timeout, advice)
    if execution.timed_out:
        return Explanation(
            "timeout",
            "Your program was still running when its time ran out"
            + (f" ({timeout:g} seconds)" if timeout else "")
            + ". It probably has a loop that never ends; make sure every loop finishes.",
            None,
        )
    if execution.ended == Ended.THREAD:
        return Explanation(
            "timeout",
            "Your program's last line ran, but a thread it started was still running when "
            "its time ran out, and Python does not exit while such a thread runs, so the "
            "program never ends. Let every thread finish, or start it with daemon=True.",
            None,
        )
    return None


_BUILTIN_NAMES = frozenset(name for name in dir(builtins) if not name.startswith("_"))


def _advice(error: Error, execution: Execution, timeout: float | None) -> tuple[str, str]:
    """Return the mistake code and the plain-words advice for one runtime error."""
    message = error.message
    if is_exit(error):
        return "exit-called", (
            "Remove it: a program is graded only when it runs to its end, so no step "
            "passes while it calls exit(), quit(), sys.exit() or raises SystemExit."
        )
    if error.type == "NameError":
        match = re.search(r"name '(\w+)' is not defined", message)
        name = match.group(1) if match else ""
        if name in ("true", "false", "TRUE", "FALSE", "none", "null"):
            right = {"true": "True", "false": "False", "none": "None", "null": "None"}.get(
                name.lower(), name.title()
            )
            return "name-error.lowercase-bool", (
                f"Python writes `{right}` with a capital letter; `{name}` is read as a "
                "variable that does not exist."
            )
        known = [n for n, _ in execution.names]
        if name in known:  # created later on: in a notebook, by a cell further down
            return "name-error", (
                f"`{name}` is used before the code that creates it has run. Put the line "
                "(or the cell) that creates it above this one."
            )
        if name == "get_ipython":
            return "name-error.ipython", (
                "This line only works inside Jupyter (a notebook saved as a script keeps "
                "its magics this way). Remove it: the exercise does not need it."
            )
        if name.lower() in _BUILTIN_NAMES and name != name.lower():
            return "name-error", (
                f"Python is case-sensitive: write `{name.lower()}`, in lower case."
            )
        close = difflib.get_close_matches(name, [k for k in known if k != name], n=1, cutoff=0.7)
        if close:
            return "name-error", (
                f"There is no `{name}`, but there is `{close[0]}`. Spell each name the same "
                "way everywhere."
            )
        return "name-error", (
            f"`{name}` is used but was never created. Check its spelling, and that the "
            "line that creates it runs before this one."
        )
    if error.type in ("ModuleNotFoundError", "ImportError"):
        return "import-error", (
            "Your program is graded with Python's standard library only, so this import "
            "is not available: remove the line, or do without the module."
        )
    if error.type == "TypeError" and "not supported between instances of" in message:
        kinds = re.findall(r"'(\w+)'", message)
        if "str" in kinds and ("int" in kinds or "float" in kinds):
            return "type-error.compare-str", (
                "This compares a number with a string. A value in quotes, like '7', is "
                "text, not a number: remove the quotes so both sides are numbers."
            )
        return "type-error.compare", (
            "This compares two values that cannot be compared with each other; check "
            "the types of both sides."
        )
    if error.type == "ValueError" and "values to unpack" in message:
        return "unpacking-error", (
            "The for loop unpacks each item into several variables, but the items do not "
            "have that many parts. Check what the loop goes over: looping over a "
            "dictionary itself gives only its keys."
        )
    if error.type == "PermissionError" and message.startswith("[Errno 1]"):
        # EPERM: the syscall filter (grader/sandbox/seccomp.py) or another process's uid.
        return "not-permitted", (
            "The grader runs your program with no network and no reach beyond it: no "
            "sockets of any kind, no other processes to trace or signal, no namespaces, "
            "mounts, shared memory or kernel keys. This exercise needs none of it: remove "
            "the line."
        )
    if error.type == "EOFError":
        return "input-call", (
            "The program calls input(), which waits for someone to type. Nobody types "
            "while your work is graded: write the value into your code instead."
        )
    if error.limit == "timeout":
        return "timeout", (
            "It probably has a loop that never ends, such as `while True:` without a "
            "`break`, or it waits for something. Make sure every loop finishes."
        )
    if error.limit == "output":
        return "output-limit", (
            "It probably prints inside a loop that never ends; make sure every loop "
            "finishes and print only what the steps ask for."
        )
    if error.type == "KeyboardInterrupt":
        return "exit-called", (
            "Remove the `raise KeyboardInterrupt`: the grader needs your program to run to its end."
        )
    if error.type == "AttributeError":
        match = re.search(r"has no attribute '(\w+)'", message)
        if match and match.group(1) in ("item", "iteritems", "Items"):
            return "attribute-error", "A dictionary's pairs come from `.items()`, with an s."
        return "attribute-error", "Check the spelling of the method or attribute after the dot."
    if error.type == "KeyError":
        return "key-error", (
            "The dictionary has no entry with that key; check the key's spelling, or add "
            "the entry before reading it."
        )
    if error.type == "ZeroDivisionError":
        return "zero-division", "A number is divided by zero; check the divisor."
    if error.type == "RecursionError":
        return "recursion", "A function calls itself without end; give it a case where it stops."
    if error.type == "MemoryError":
        return (
            "memory-limit",
            "The program needs more memory than it may use; it probably builds something endless.",
        )
    if error.type == "IndentationError":
        return "syntax-error", "Check the indentation of this line."
    return (
        "runtime-error",
        "Read the line above and the error's message; fix the line and run it again.",
    )
