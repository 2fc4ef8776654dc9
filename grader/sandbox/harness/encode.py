"""The harness's answer: values, errors and data written as plain JSON.

Every value is written with its exact type, calling none of its methods; the
shapes are those of grader/sandbox/wire.py.
"""

import os
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:  # in the child, the files share one namespace (grader/sandbox/bundle.py)
    from typing import Any

raw_write = os.write
hard_exit = os._exit
monotonic = time.monotonic

# Limits on the data one run sends back, so that a hostile value cannot flood the pipe.
MAX_ITEMS = 200
MAX_DEPTH = 6
MAX_STR = 2000
MAX_NAMES = 300
MAX_ANSWER = 4_000_000


# The module of the harness's own classes. The child runs the harness as __main__, the
# module every class of the learner's belongs to, and the guards let a program read any
# attribute of its own objects (guards.py, _ownership): an object of the harness's that
# reaches the learner's code (an exception raised in it) must never pass for one.
HARNESS_MODULE = "grader-harness"


class Timeout(BaseException):
    """Raised in the learner's code when its time is up."""

    __module__ = HARNESS_MODULE


class OutputLimit(BaseException):
    """Raised in the learner's code when it prints far more than any solution would."""

    __module__ = HARNESS_MODULE


def learner_origin(filename: str) -> "int | bool | None":
    """Return the cell number for a learner code object's filename, or False."""
    if filename == "<submission>":
        return None
    if filename.startswith("<cell ") and filename.endswith(">"):
        try:
            return int(filename[6:-1])
        except ValueError:
            return False
    return False


# What a string needs escaped to be JSON text that is also plain ASCII: quotes, the
# backslash, control characters and the surrogates (which UTF-8 cannot carry).
_JSON_ESCAPES = {
    code: f"\\u{code:04x}"
    for code in (*range(0x20), 0x7F, *range(0x80, 0xA0), *range(0xD800, 0xE000))
}
_JSON_ESCAPES.update({ord('"'): '\\"', ord("\\"): "\\\\"})


def json_text(value: "Any") -> str:
    """Write builtin data as JSON text (the json module costs a child milliseconds to import).

    Dict keys become strings; a float that JSON cannot carry becomes null.
    """
    kind = type(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        return float.__repr__(value) if value - value == 0 else "null"
    if kind is str:
        return '"' + str.translate(value, _JSON_ESCAPES) + '"'
    if kind is dict:
        return (
            "{"
            + ",".join(
                json_text(str(key)) + ":" + json_text(item) for key, item in dict.items(value)
            )
            + "}"
        )
    if kind is list or kind is tuple:
        return "[" + ",".join(json_text(item) for item in value) + "]"
    return json_text(str(value))


def encode_value(value: "Any", depth: int = 0, budget: "list[int] | None" = None) -> "Any":
    """Convert a value to builtin JSON data with its exact type, calling none of its methods.

    Types are told apart by identity (``is``), never by ``==`` or ``in``: those would
    call the ``__eq__`` of a metaclass the program made, after the program has ended.
    """
    if budget is None:
        budget = [5000]
    budget[0] -= 1
    kind = type(value)
    if kind is bool:
        return {"type": "bool", "value": value}
    if kind is int:
        if -(10**18) <= value <= 10**18:
            return {"type": "int", "value": value}
        return {"type": "int", "value": None, "big": True}
    if kind is float:
        if value != value or value in (float("inf"), float("-inf")):
            return {"type": "float", "value": None, "repr": float.__repr__(value)}
        return {"type": "float", "value": value}
    if kind is str:
        return {"type": "str", "value": value[:MAX_STR], "truncated": len(value) > MAX_STR}
    if value is None:
        return {"type": "NoneType"}
    if kind is dict or kind is list or kind is tuple or kind is set or kind is frozenset:
        if depth >= MAX_DEPTH or budget[0] <= 0:
            return {"type": kind.__name__, "truncated": True}
        if kind is dict:
            items: list[Any] = []
            for key, item in dict.items(value):
                if len(items) >= MAX_ITEMS or budget[0] <= 0:
                    break
                items.append(
                    [encode_value(key, depth + 1, budget), encode_value(item, depth + 1, budget)]
                )
            return {"type": "dict", "items": items, "length": dict.__len__(value)}
        iterator = kind.__iter__(value)
        length = kind.__len__(value)
        elements: list[Any] = []
        for element in iterator:
            if len(elements) >= MAX_ITEMS or budget[0] <= 0:
                break
            elements.append(encode_value(element, depth + 1, budget))
        return {"type": kind.__name__, "items": elements, "length": length}
    # Anything else is described by its type alone: its own methods are never called.
    name_of = type.__dict__["__name__"].__get__  # type's own: a metaclass's __name__ never runs
    bases = [name_of(base) for base in type.__dict__["__mro__"].__get__(kind)]
    builtin_base = next(
        (
            name
            for name in bases[1:]
            if name in ("bool", "int", "float", "str", "dict", "list", "tuple", "set")
        ),
        None,
    )
    return {
        "type": name_of(kind),
        "module": str(type.__dict__["__module__"].__get__(kind))
        if "__module__" in type.__dict__
        else "",
        "base": builtin_base,
    }


def category_of(value: "Any") -> str:
    """Name what kind of thing a top-level name holds, without touching the value."""
    kind = type(value)
    if kind is type(sys):
        return "module"
    if kind is type(encode_value) or kind is type(len) or kind is type:
        return "function" if kind is not type else "class"
    return "value"


def error_record(
    exception: BaseException, cell_numbers: "list[int | None]", unreadable: bool = False
) -> "dict[str, Any]":
    """Describe an exception with the learner's own frames only.

    ``unreadable``: the harness's own compile of a cell failed. Only then is a
    SyntaxError the program's syntax error: one raised while the program runs (its own
    ``raise SyntaxError(...)``, whose file name, line and text it chose) is an error of
    the run like any other, placed by the program's frames.
    """
    try:
        message = str(exception)
    except BaseException:
        message = ""
    if type(message) is not str:
        message = ""
    record = {
        "type": type.__dict__["__name__"].__get__(type(exception)),
        "message": message[:MAX_STR],
        "frames": [],
    }
    if unreadable and isinstance(exception, SyntaxError):
        origin = learner_origin(exception.filename or "")
        record["syntax"] = True
        record["msg"] = str(exception.msg)[:MAX_STR]
        record["cell"] = origin if origin is not False else None
        record["line"] = exception.lineno
        record["offset"] = exception.offset
        record["end_offset"] = getattr(exception, "end_offset", None)
        return record
    tb = exception.__traceback__
    while tb is not None:
        origin = learner_origin(tb.tb_frame.f_code.co_filename)
        if origin is not False:
            record["frames"].append([origin, tb.tb_lineno, tb.tb_frame.f_code.co_name])
        tb = tb.tb_next
    if record["frames"]:
        record["cell"], record["line"] = record["frames"][-1][0], record["frames"][-1][1]
    else:
        record["cell"], record["line"] = (cell_numbers[0] if cell_numbers else None), None
    return record
