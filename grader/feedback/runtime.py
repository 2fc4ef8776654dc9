"""Runtime errors in plain words: what each kind of error means to a beginner, and what to do.

Python's message names a symptom in its own terms ("'dict' object is not callable",
"cannot unpack non-iterable int object", "'>=' not supported between instances of 'int'
and 'tuple'"). Each function here turns one kind into a sentence a first-week learner
can act on, with the learner's own names where the line shows them. A diagnosis that
reads the construct behind the error (grader.feedback.diagnose) or a verified repair
(grader.feedback.search) says more when it can; this is what is said when neither does.

Each returns the mistake code, the advice, and whether the advice names the change to
make (a repair search is not needed then).
"""

from __future__ import annotations

import ast
import builtins
import difflib
import re
from collections.abc import Callable, Sequence

from grader.analysis import trees
from grader.feedback.ending import is_exit
from grader.feedback.scan import bound_names, scan
from grader.feedback.words import RUN_ALL
from grader.load import Program
from grader.sandbox import Error, Execution

Advice = tuple[str, str, bool]

_BUILTIN_NAMES = frozenset(name for name in dir(builtins) if not name.startswith("_"))
# Python's names for the types a beginner meets, in a beginner's words.
TYPE_WORDS = {
    "dict": "a dictionary",
    "list": "a list",
    "str": "text (a string)",
    "int": "a whole number",
    "float": "a decimal number",
    "bool": "True or False",
    "tuple": "a tuple (values grouped in round brackets, like `(7,)`)",
    "set": "a set",
    "NoneType": "None (no value)",
    "builtin_function_or_method": "a method",
    "method": "a method",
    "function": "a function",
    "type": "a type itself (like `dict`, where `dict()` makes a dictionary)",
}


def type_words(name: str) -> str:
    """Say what a type is in a beginner's words: 'int' -> 'a whole number'."""
    return TYPE_WORDS.get(name, f"a value of type {name}")


def operand_kinds(message: str) -> tuple[str, str] | None:
    """The two types an operator could not combine, as Python's message names them."""
    joined = re.search(r'can only concatenate (\w+) \(not "(\w+)"\)', message)
    if joined:
        return joined.group(1), joined.group(2)
    both = re.search(r"unsupported operand type\(s\) for [^:]+: '(\w+)' and '(\w+)'", message)
    return (both.group(1), both.group(2)) if both else None


def plain_words(
    error: Error, program: Program, execution: Execution, names: Sequence[str] = ()
) -> Advice:
    """Return the mistake code, plain-words advice, and whether it names the change.

    ``names`` are the names the exercise asks for: of two spellings of one name, the
    one the exercise uses is right.
    """
    if is_exit(error):
        return (
            "exit-called",
            (
                "Remove it: a program is graded only when it runs to its end, so no step "
                "passes while it calls exit(), quit(), sys.exit() or raises SystemExit."
            ),
            True,
        )
    if error.limit == "timeout":
        return (
            "timeout",
            (
                "It probably has a loop that never ends, such as `while True:` without a "
                "`break`, or it waits for something. Make sure every loop finishes."
            ),
            True,
        )
    if error.limit == "output":
        return (
            "output-limit",
            (
                "It probably prints inside a loop that never ends; make sure every loop "
                "finishes and print only what the steps ask for."
            ),
            True,
        )
    if error.type == "NameError":
        return _name_error(error, program, execution, names)
    words = _BY_TYPE.get(error.type)
    if words is not None:
        return words(error, program, execution)
    return "runtime-error", _unlisted(error, program), False


# What an error of a kind means, by the builtin class it is, or comes from (its first
# such base is the one said), in a first-week learner's words.
_MEANINGS: tuple[tuple[type[BaseException], str], ...] = (
    (
        UnboundLocalError,
        "a name this function assigns somewhere is the function's own, and here it has no "
        "value yet: give the function's new value another name, or assign it before this line",
    ),
    (
        AssertionError,
        "the test of an `assert` on this line was False, and a False `assert` stops the "
        "program: remove it, or store the test's answer where the step asks for it",
    ),
    (LookupError, "it looks up a key or a position that is not there"),
    (ArithmeticError, "a calculation on this line cannot be done with these numbers"),
    (
        RuntimeError,
        "what the line does cannot be done at this point of the program (changing a "
        "dictionary while a loop goes through it is the usual cause)",
    ),
    (OSError, "it reaches for a file or the system, which a graded program does not do"),
    (StopIteration, "it asks for one more item than there is"),
    (Exception, "what this line does cannot be done with these values"),
)


def _unlisted(error: Error, program: Program) -> str:
    """Plain words for any other error: raised by the learner's own code, or by Python."""
    line = _line(error, program).strip()
    if line.startswith("raise"):
        return (
            f"Your own code raises `{error.type}` on this line, and that stops the program. "
            "A graded program runs to its end: remove the `raise`, or the test that leads "
            "to it, once it is right."
        )
    kind = getattr(builtins, error.type, None)
    if not (isinstance(kind, type) and issubclass(kind, BaseException)):
        return (
            f"`{error.type}` is an error raised by code your program uses, and it stopped "
            "the program on this line: look at what the line gives it."
        )
    local = re.search(r"local variable '(\w+)'", error.message)
    if issubclass(kind, UnboundLocalError) and local:
        name = local.group(1)
        later = _assigned_below(program, error, name)
        if later is not None:
            return (
                f"`{name}` is assigned at line {later}, inside the same function, and that "
                f"makes `{name}` the function's own name in all of it: at line {error.line}, "
                f"before line {later} has run, it has no value yet. Move line {later} above "
                f"line {error.line}, or remove it if the function should use the `{name}` "
                "made outside it."
            )
        return (
            f"`{name}` is assigned somewhere in this function, which makes it the function's "
            "own name, and here it has no value yet. Give the function's new value another "
            f"name than `{name}`, or assign `{name}` before this line."
        )
    meaning = next(m for base, m in _MEANINGS if issubclass(kind, base) or base is Exception)
    return f"Python stopped here because {meaning}."


def _assigned_below(program: Program, error: Error, name: str) -> int | None:
    """The first line below an error's, in the function around it, that assigns a name."""
    cell = program.cell(error.cell)
    if cell is None or error.line is None:
        return None
    try:
        tree = trees.parse(cell.source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    used = error.line
    functions = [
        n
        for n in ast.walk(tree)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        and n.lineno < used <= (n.end_lineno or n.lineno)
    ]
    if not functions:
        return None
    inner = min(functions, key=lambda n: (n.end_lineno or n.lineno) - n.lineno)
    lines = [
        n.lineno
        for n in ast.walk(inner)
        if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
    ]
    return min((line for line in lines if line > used), default=None)


def _line(error: Error, program: Program) -> str:
    cell = program.cell(error.cell)
    return cell.line_text(error.line) if cell is not None and error.line else ""


def _name_error(
    error: Error, program: Program, execution: Execution, names: Sequence[str] = ()
) -> Advice:
    match = re.search(r"name '(\w+)' is not defined", error.message)
    name = match.group(1) if match else ""
    slips = _every_lowercase_bool(program)
    if name in _LOWERCASE_BOOLS:
        return "name-error.lowercase-bool", _lowercase_bools(name, slips), True
    jupyter = _jupyter_only(name, error, program)
    if jupyter is not None:
        return "name-error.ipython", jupyter, True
    renamed = _renamed_loop_variable(name, error, program, names)
    if renamed is not None:
        return "name-error", renamed, True
    known = [n for n, _ in execution.names]
    if name in known:  # created later on: in a notebook, by a cell further down
        return (
            "name-error",
            (
                f"`{name}` is used before the code that creates it has run. Put the line "
                "(or the cell) that creates it above this one."
            ),
            True,
        )
    if name.lower() in _BUILTIN_NAMES and name != name.lower():
        return (
            "name-error",
            (f"Python tells capitals from small letters: write `{name.lower()}`, in lower case."),
            True,
        )
    # Compared without capitals (`Load` is `load` misspelt), and closely: a name that
    # only shares a part (`total_count`, `count`) is another name, not a typo.
    lowered = {k.lower(): k for k in known if k != name}
    close = [
        lowered[k] for k in difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.8)
    ] or [lowered[k] for k in lowered if _swapped(name.lower(), k)][:1]
    if close:
        return "name-error", _which_spelling(name, close[0], program, names), True
    if name in bound_names(program):
        return (
            "name-error",
            (
                f"The line that creates `{name}` has not run when this line runs: it is "
                "further down, inside a function, or in a block that was skipped. Create "
                f"`{name}` above this line, at the top level."
            ),
            False,
        )
    if _quoted_somewhere(name, program):
        return (
            "name-error",
            (
                f"If `{name}` is meant to be a variable, create it above this line: "
                f"`{name} = ...`; if it is meant as the text your program writes in quotes "
                f"elsewhere, put it in quotes here too: `'{name}'`."
            ),
            False,
        )
    # A notebook's kernel keeps what a cell made after the cell is deleted or changed:
    # the code ran for the learner, and runs afresh here.
    kernel = (
        f" If it worked for you, `{name}` came from a cell since deleted or changed: the "
        f"notebook is graded as {RUN_ALL} runs it, from the top in a fresh kernel."
        if program.kind == "notebook"
        else ""
    )
    return (
        "name-error",
        (
            f"Create `{name}` above this line (`{name} = ...`), or write here the name of "
            f"the value you meant.{kernel}"
        ),
        False,
    )


# Names of other languages' and notebooks' spellings of True, False and None.
_LOWERCASE_BOOLS = {
    "true": "True",
    "false": "False",
    "none": "None",
    "null": "None",
    "TRUE": "True",
    "FALSE": "False",
}


def _every_lowercase_bool(program: Program) -> list[tuple[str, str]]:
    """Every place the program writes true/false/none as a name: (the name, where)."""
    found: list[tuple[str, str, int]] = []
    for cell in program.cells:
        tree = trees.readable(cell.source)
        if tree is None:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in _LOWERCASE_BOOLS:
                place = (
                    f"line {node.lineno}"
                    if cell.number is None
                    else f"cell {cell.number}, line {node.lineno}"
                )
                found.append((node.id, place, node.col_offset))
    ordered = sorted(set(found), key=lambda item: (_place_key(item[1]), item[2]))
    return [(name, place) for name, place, _ in ordered]


def _place_key(place: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", place))


def _lowercase_bools(name: str, slips: list[tuple[str, str]]) -> str:
    """Name every line that writes True, False or None in lower case, not only the one
    that ran: a line the run did not reach has the same slip, and fails another day."""
    if len(slips) <= 1:
        right = _LOWERCASE_BOOLS[name]
        return (
            f"Python writes `{right}` with a capital letter; `{name}` is read as a "
            f"variable, and there is none of that name. Write `{right}`."
        )
    rights = _joined([f"`{r}`" for r in dict.fromkeys(_LOWERCASE_BOOLS[n] for n, _ in slips)])
    at: dict[str, list[str]] = {}
    for n, place in slips:
        at.setdefault(place, []).append(f"`{_LOWERCASE_BOOLS[n]}`")
    places = _joined([f"{_joined(list(dict.fromkeys(w)))} at {place}" for place, w in at.items()])
    return (
        f"Python writes {rights} with a capital letter; in lower case they are read as "
        f"variables, and there are none of those names. Write {places}."
    )


def _joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# Names a notebook gives every cell that plain Python does not have, and what a script
# writes instead.
_JUPYTER_ONLY = {"display": "print"}


def _jupyter_only(name: str, error: Error, program: Program) -> str | None:
    """A name only Jupyter defines (`display`), called in a script: say what a script
    writes instead, on the learner's own line."""
    if name == "get_ipython":
        return (
            "This line only works inside Jupyter (a notebook saved as a script keeps "
            "its magics this way). Remove it: the exercise does not need it."
        )
    instead = _JUPYTER_ONLY.get(name)
    if instead is None:
        return None
    line = re.sub(r"\s+#.*$", "", _line(error, program)).strip()
    fixed = re.sub(rf"\b{name}\s*\(", f"{instead}(", line)
    change = f"`{fixed}`" if fixed != line else f"`{instead}(...)`"
    return (
        f"`{name}` exists only in Jupyter, which shows a value with it; plain Python has "
        f"no `{name}`, and shows a value with `{instead}`. Write {change}."
    )


def _renamed_loop_variable(
    name: str, error: Error, program: Program, names: Sequence[str]
) -> str | None:
    """A name used inside a for loop whose `for` line spells it another way
    (`for names, sizes in ...:` above `size`): the two spellings are one
    name, and the `for` line is where to make them agree (the exercise's spelling wins)."""
    cell = program.cell(error.cell)
    tree = trees.readable(cell.source) if cell is not None else None
    if tree is None or error.line is None or cell is None:
        return None
    loops = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.For) and n.body[0].lineno <= error.line <= (n.end_lineno or 0)
    ]
    for loop in sorted(loops, key=lambda n: -n.lineno):
        targets = [t.id for t in ast.walk(loop.target) if isinstance(t, ast.Name)]
        used = {
            n.id
            for stmt in loop.body
            for n in ast.walk(stmt)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
        }
        near = {
            t: u for t in targets if t not in used for u in used if u not in targets and _near(t, u)
        }
        if name not in near.values():
            continue
        made = next(t for t, u in near.items() if u == name)
        header = cell.line_text(loop.lineno).strip()
        at = (
            f"line {loop.lineno}"
            if cell.number is None
            else f"cell {cell.number}, line {loop.lineno}"
        )
        if made in names and name not in names:
            # Every line of the body that spells it so changes with this one.
            others = sorted(
                {
                    n.lineno
                    for stmt in loop.body
                    for n in ast.walk(stmt)
                    if isinstance(n, ast.Name) and n.id == name and n.lineno != error.line
                }
            )
            also = (
                f", and on {'line' if len(others) == 1 else 'lines'} "
                f"{', '.join(map(str, others))} too"
                if others
                else ""
            )
            return (
                f"The loop at {at} names its variable `{made}`, not `{name}`: write `{made}` "
                f"here{also}."
            )
        for target, body_name in near.items():
            header = re.sub(rf"\b{target}\b", body_name, header, count=1)
        return (
            f"The loop at {at} names its variable `{made}`, but its body uses `{name}`. "
            f"Use the body's names in the `for` line: `{header}`"
        )
    return None


def _near(one: str, other: str) -> bool:
    """Two spellings of one name: close, or one the other's plural."""
    a, b = sorted((one.lower(), other.lower()), key=len)
    if b in (a + "s", a + "es", a[:-1] + "ies"):
        return True
    # A shortening of the other (`num` for `number`, `val` for `value`): its
    # first three letters or more, as a learner abbreviates a long name.
    if len(a) >= 3 and b.startswith(a):
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.8


def _swapped(one: str, other: str) -> bool:
    """Whether two names differ only by two letters side by side typed in the wrong order
    (`laod`, `load`): the commonest typo, which a ratio of shared letters scores low in
    a short name."""
    if len(one) != len(other) or len(one) < 3:
        return False
    diff = [i for i, (a, b) in enumerate(zip(one, other, strict=True)) if a != b]
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and one[diff[0]] == other[diff[1]]
        and one[diff[1]] == other[diff[0]]
    )


def _which_spelling(missing: str, made: str, program: Program, names: Sequence[str]) -> str:
    """Say which of two spellings of one name to keep: the exercise's, if it names one of
    them; otherwise the one the program uses most."""
    uses = {missing: 0, made: 0}
    for cell in program.cells:
        for text in cell.source.split("\n"):
            for match in scan(text).names():
                if match.group() in uses:
                    uses[match.group()] += 1
    asked = [n for n in (missing, made) if n in names]
    keep = asked[0] if len(asked) == 1 else missing if uses[missing] > uses[made] else made
    if keep == missing:
        at = _made_at(made, program)
        why = "the name the exercise asks for" if asked else "as the rest of your program does"
        return (
            f"There is no `{missing}`: the line that makes it{at} spells it `{made}`. Spell "
            f"it `{missing}` there too, {why}."
        )
    return f"There is no `{missing}`, but there is `{made}`: write `{made}` here."


def _made_at(name: str, program: Program) -> str:
    """Where a name is first assigned, as ' (line 4)' or ' (cell 2, line 1)'; '' if unseen."""
    assigned = re.compile(rf"\s*{re.escape(name)}\s*(?:\[[^\]]*\]\s*)?=(?!=)")
    for cell in program.cells:
        for number, text in enumerate(cell.source.split("\n"), 1):
            if assigned.match(text):
                place = (
                    f"line {number}"
                    if cell.number is None
                    else f"cell {cell.number}, line {number}"
                )
                return f" ({place})"
    return ""


def _quoted_somewhere(name: str, program: Program) -> bool:
    """Whether the program writes a name as text, in quotes (a key: `'single_node'`)."""
    return any(
        literal.body == name
        for cell in program.cells
        for text in cell.source.split("\n")
        for literal in scan(text).strings
    )


def _quoted_number(program: Program) -> bool:
    """Whether the program writes a number in quotes, like '7' (text, not a number)."""
    for cell in program.cells:
        for text in cell.source.split("\n"):
            for literal in scan(text).strings:
                if re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", literal.body):
                    return True
    return False


def _type_error(error: Error, program: Program, execution: Execution) -> Advice:
    message = error.message
    compared = re.search(r"'(\S+)' not supported between instances of '(\w+)' and '(\w+)'", message)
    if compared:
        operator, *sides = compared.groups()
        if "str" in sides and ("int" in sides or "float" in sides) and _quoted_number(program):
            return (
                "type-error.compare-str",
                (
                    "This compares a number with text (a string). A value in quotes, like "
                    "'7', is text, not a number: remove the quotes so both sides are numbers."
                ),
                False,
            )
        if len(sides) == 2:
            return (
                "type-error.compare",
                (
                    f"`{operator}` cannot compare {type_words(sides[0])} with "
                    f"{type_words(sides[1])}: both sides must be numbers. Look at how each "
                    "side got its value."
                ),
                False,
            )
    callable_ = re.fullmatch(r"'(\w+)' object is not callable", message)
    if callable_:
        kind = callable_.group(1)
        called = _called_name(_line(error, program), kind, execution)
        who = f"`{called}` is" if called else "Something on this line is"
        return (
            "type-error.not-callable",
            (
                f"{who} {type_words(kind)}, not a function, so it cannot be called: brackets "
                f"`(...)` right after a name ask Python to call it. Remove the brackets"
                + (f" after `{called}`." if called else ".")
            ),
            bool(called),
        )
    unpack = re.fullmatch(r"cannot unpack non-iterable (\w+) object", message)
    if unpack:
        return (
            "unpacking-error",
            (
                f"The for loop splits each item into several variables, but each item here is "
                f"{type_words(unpack.group(1))}, a single value that cannot be split. Loop over "
                "something that gives pairs: a dictionary's `.items()` gives each key with its "
                "value."
            ),
            False,
        )
    if "object is not iterable" in message:
        kind = re.search(r"'(\w+)' object", message)
        return (
            "type-error.not-iterable",
            (
                f"A for loop needs something with several items to go through, and this is "
                f"{type_words(kind.group(1) if kind else '')}: a single value."
            ),
            False,
        )
    if "does not support item assignment" in message:
        kind = re.search(r"'(\w+)' object", message)
        return (
            "type-error.item-assignment",
            (
                f"`[...] =` stores an entry, which {type_words(kind.group(1) if kind else '')} "
                "cannot hold: make it a dictionary, `{}`."
            ),
            False,
        )
    if "unsupported operand type" in message or "can only concatenate" in message:
        kinds = operand_kinds(message)
        what = (
            f"{type_words(kinds[0])} and {type_words(kinds[1])}"
            if kinds
            else "two values of kinds that do not go together"
        )
        return (
            "type-error.operand",
            f"This line combines {what}, which Python cannot do. Look at how each one got "
            "its value.",
            False,
        )
    return (
        "runtime-error",
        (
            "This line uses a value in a way its type does not allow. Look at how each value "
            "on it was made."
        ),
        False,
    )


def _called_name(line: str, kind: str, execution: Execution) -> str:
    """The name on a line that is called but holds a value of this kind, if one does."""
    scanned = scan(line)
    for match in scanned.names():
        if scanned.masked[match.end() :].lstrip().startswith("("):
            data = execution.values.get(match.group())
            if isinstance(data, dict) and data.get("type") == kind:
                return match.group()
    return ""


def _value_error(error: Error, program: Program, execution: Execution) -> Advice:
    if "values to unpack" in error.message:
        return (
            "unpacking-error",
            (
                "The for loop splits each item into several variables, but the items do not "
                "have that many parts. Check what the loop goes over: looping over a "
                "dictionary itself gives only its keys."
            ),
            False,
        )
    return (
        "runtime-error",
        (
            "A value has the right type but not a value this line can use; look at where it "
            "was made."
        ),
        False,
    )


# `.items()` as beginners misspell it, and what each spelling misses.
_ITEMS_MISSPELT = {
    "item": "A dictionary's pairs come from `.items()`, with an s.",
    "iteritems": "`.iteritems()` is Python 2's; in Python 3 a dictionary's pairs come from "
    "`.items()`.",
    "Items": "Python tells capitals from small letters: a dictionary's pairs come from "
    "`.items()`, with a small i.",
}


def _attribute_error(error: Error, program: Program, execution: Execution) -> Advice:
    match = re.search(r"'(\w+)' object has no attribute '(\w+)'", error.message)
    if match and match.group(2) in _ITEMS_MISSPELT:
        return "attribute-error", _ITEMS_MISSPELT[match.group(2)], True
    if match:
        kind, name = match.groups()
        return (
            "attribute-error",
            (
                f"{type_words(kind)[0].upper()}{type_words(kind)[1:]} has no `.{name}`: check the "
                "spelling of the name after the dot, and that the value is what you meant."
            ),
            False,
        )
    return "attribute-error", "Check the spelling of the method or attribute after the dot.", False


def _fixed(code: str, text: str) -> Callable[[Error, Program, Execution], Advice]:
    def words(error: Error, program: Program, execution: Execution) -> Advice:
        return code, text, True

    return words


def _loose(code: str, text: str) -> Callable[[Error, Program, Execution], Advice]:
    def words(error: Error, program: Program, execution: Execution) -> Advice:
        return code, text, False

    return words


def _permission(error: Error, program: Program, execution: Execution) -> Advice:
    if not error.message.startswith("[Errno 1]"):
        return "runtime-error", "The program may not open or change this file; it needs none.", True
    # EPERM: the syscall filter (grader/sandbox/seccomp.py) or another process's uid.
    return (
        "not-permitted",
        (
            "The grader runs your program with no network and no reach beyond it: no "
            "sockets of any kind, no other processes to trace or signal, no namespaces, "
            "mounts, shared memory or kernel keys. This exercise needs none of it: remove "
            "the line."
        ),
        True,
    )


_IMPORT = _fixed(
    "import-error",
    "Your program is graded with Python's standard library only, so this import is not "
    "available: remove the line, or do without the module.",
)

_BY_TYPE: dict[str, Callable[[Error, Program, Execution], Advice]] = {
    "NameError": _name_error,
    "TypeError": _type_error,
    "ValueError": _value_error,
    "AttributeError": _attribute_error,
    "ModuleNotFoundError": _IMPORT,
    "ImportError": _IMPORT,
    "PermissionError": _permission,
    "EOFError": _fixed(
        "input-call",
        "The program calls input(), which waits for someone to type. Nobody types while "
        "your work is graded: write the value into your code instead.",
    ),
    "KeyboardInterrupt": _fixed(
        "exit-called",
        "Remove the `raise KeyboardInterrupt`: the grader needs your program to run to its end.",
    ),
    "KeyError": _loose(
        "key-error",
        "The dictionary has no entry with that key yet: an entry is read before it is "
        "stored, or its key is spelled another way. Store it first, or check the key.",
    ),
    "IndexError": _loose(
        "index-error",
        "The list has fewer items than this line expects: its places are numbered from 0, "
        "so the last one is its length minus one.",
    ),
    "ZeroDivisionError": _loose("zero-division", "A number is divided by zero; check the divisor."),
    "RecursionError": _fixed(
        "recursion", "A function calls itself without end; give it a case where it stops."
    ),
    "MemoryError": _fixed(
        "memory-limit",
        "The program needs more memory than it may use; it probably builds something endless.",
    ),
    "IndentationError": _loose("syntax-error", "Check the indentation of this line."),
}
