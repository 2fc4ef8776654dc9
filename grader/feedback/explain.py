"""Errors in plain words: what a Python error in the learner's code means, and what to do.

Each explanation names the learner's line (or cell and line) and never the grader's own
files or frames.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from grader.feedback.diagnose import diagnose
from grader.feedback.ending import enclosing_loop, exit_call, is_exit
from grader.feedback.runtime import plain_words
from grader.feedback.syntax import diagnose_syntax
from grader.feedback.words import RUN_ALL
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
        "The bracket the caret points at is opened but never closed: close it where what "
        "it holds ends, on this line or the next.",
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
        "This line's indentation matches no block above it, so Python cannot tell which "
        "block it belongs to: indent it exactly like the lines of its block (4 spaces per "
        "level), or not at all after a loop.",
    ),
    ("inconsistent use of tabs", "The indentation mixes tabs and spaces; use 4 spaces everywhere."),
    (
        "Missing parentheses in call to 'print'",
        "In Python 3, print is a function: write `print(...)` with parentheses.",
    ),
    (
        "Perhaps you forgot a comma",
        "Between two items Python expects a separator: a comma between items, and in a "
        "dictionary a colon between each key and its value.",
    ),
    ("cannot assign to", "The left side of `=` must be a name, like `x = 1`."),
    (
        "Maybe you meant '==' or ':=' instead of '='",
        "To compare, use `==`; to assign, put the name alone on the left of `=`.",
    ),
    ("unmatched", "There is a closing bracket without a matching opening one."),
    (
        "expected 'else' after 'if' expression",
        "A value chosen with `if` needs an `else` part: `a if condition else b`.",
    ),
    (
        "invalid decimal literal",
        "A number runs into letters; check for a missing operator or space.",
    ),
)


# Diagnoses that say what is wrong but not which of two changes is right: the repair
# search decides, and says it when it finds one.
UNSURE = frozenset({"type-error.swapped-targets"})


# Python's own guess at the change, after its message: "Did you mean print(...)?",
# "Maybe you meant '==' instead of '='?", "Perhaps you forgot a comma?".
_GUESS = re.compile(r"[.,]?\s*(?:Did you mean|Maybe you meant|Perhaps you forgot)\b[^?]*\?\s*$")


def without_guess(message: str) -> str:
    """Python's message without its guess at the change.

    Where the grader says the change itself (verified, or read from the line), Python's
    guess beside it is either the same advice again or another one, sometimes wrong (a
    comma guessed where a dictionary lacks a colon): only the grader's is said.
    """
    return _GUESS.sub("", message) or message


def syntax_advice(error: Error, program: Program) -> tuple[str, bool]:
    """Return the advice for a syntax error, and whether it names the change to make."""
    named = diagnose_syntax(error, program)
    if named:
        return named, True
    message = error.message or "invalid syntax"
    if "invalid character" in message:
        return _invalid_character(message), False
    hint = next((hint for key, hint in _SYNTAX_HINTS if key in message), "")
    return hint or _UNREAD, False


_UNREAD = (
    "Python stopped reading where the caret points: the mistake is there or just before "
    "it, often a character missing or one too many."
)
_QUOTES = "‘’“”′″"


def _invalid_character(message: str) -> str:
    """Say what to do about a character Python does not read: a curly quote, or a sign."""
    found = re.search(r"'(.)'", message)
    char = found.group(1) if found else ""
    if char and char in _QUOTES:
        return (
            f"`{char}` is a curly quote, the kind a word processor or a web page types; "
            "Python reads only plain quotes: type `'` or `\"` again."
        )
    shown = f"`{char}`" if char else "This character"
    return (
        f"{shown} is not a character Python reads in code (it was probably pasted from a "
        "document): type the line again with the keyboard's own characters."
    )


# Words that carry no part of what a message says.
_FILLER = frozenset({"a", "an", "the", "is", "was", "to", "of", "in", "at", "on", "it", "this"})


def repeats(message: str, advice: str) -> bool:
    """Whether a plain sentence already says every word of Python's message.

    Python's words are then said twice, once in its terms and once in plain ones; the
    plain one, which also says where and what to change, is kept.
    """
    said = {word.lower() for word in re.findall(r"[A-Za-z]+", advice)}
    words = {word.lower() for word in re.findall(r"[A-Za-z]+", message)} - _FILLER
    return bool(words) and words <= said


def explain_syntax(error: Error, program: Program, fix: str | None = None) -> Explanation:
    """Explain a syntax error with the learner's line, a caret and plain words.

    ``fix``, when given, is a verified change (grader.feedback.search) said in place of
    the general advice.
    """
    location = location_of(error) or Location(1, error.cell)
    message = error.message or "invalid syntax"
    general, named = syntax_advice(error, program)
    advice = fix or general
    if fix or named:
        message = without_guess(message)
    caret = None
    # An indentation error's offset is the end of the line: nothing there to point at.
    if error.offset and error.type not in ("IndentationError", "TabError"):
        caret = (error.offset, error.end_offset or error.offset + 1)
    quoted = quote_line(program, location, caret)
    text = f"Python could not read your code {where(location)}: {message.rstrip('.?!')}."
    if advice and repeats(message, advice):
        # Said once: the plain sentence below says what Python's words say, and more.
        text = f"Python could not read your code {where(location)}."
    if quoted:
        text += "\n" + quoted
    if advice:
        text += "\n" + advice
    if program.kind == "script":
        text += (
            "\nPython reads the whole file before it runs any of it, so none of your program "
            "ran: fix this first."
        )
    elif RUN_ALL not in advice:  # said once: the advice may end with it already
        text += f"\nFix it, then {RUN_ALL}."
    return Explanation("syntax-error", text, location)


# What runs a notebook afresh, top to bottom, as the grader does.


def explain(
    error: Error,
    program: Program,
    execution: Execution,
    timeout: float | None = None,
    advice: Mapping[str, str] | None = None,
    fix: str | None = None,
    names: Sequence[str] = (),
) -> Explanation:
    """Explain a runtime error, a timeout or an early exit in plain words.

    ``advice`` maps a mistake code to the exercise's own advice for it, in place of the
    general advice written here; ``fix``, when given, is a verified change
    (grader.feedback.search) said in place of either. ``names`` are the names the
    exercise asks for (of two spellings of a name, its own is the right one).
    """
    if error.syntax:
        return explain_syntax(error, program, fix)
    location = location_of(error)
    if error.limit == "timeout" and location is not None:
        # Where the clock ran out inside a loop is chance; the loop itself is the place.
        location = enclosing_loop(program, location) or location
    at = where(location)
    quoted = quote_line(program, location)
    code, said, named = advice_for(error, program, execution, timeout, advice, names)
    said = fix or said
    message = without_guess(error.message) if fix or named else error.message
    if said and message and repeats(message, said):
        # Said once, as for a syntax error: the plain sentence says every word of
        # Python's message, and where and what to change besides.
        message = ""
    shown = f"{error.type}: {inline(message)}" if message else error.type
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
    return Explanation(code, text, location, said)


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


def advice_for(
    error: Error,
    program: Program,
    execution: Execution,
    timeout: float | None = None,
    advice: Mapping[str, str] | None = None,
    names: Sequence[str] = (),
) -> tuple[str, str, bool]:
    """Return an error's mistake code, its advice, and whether the advice names the change.

    A diagnosis read from the learner's code names what to write; the general advice
    for an error's kind does not, and a repair search may find the change instead.
    """
    if error.syntax:
        text, named = syntax_advice(error, program)
        return "syntax-error", text, named
    found = diagnose(error, program, execution)
    if found is not None:
        code, said = found
        return code, (advice or {}).get(code, said), code not in UNSURE
    code, said, named = plain_words(error, program, execution, names)
    return code, (advice or {}).get(code, said), named
