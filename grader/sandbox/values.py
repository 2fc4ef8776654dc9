"""Values: the child's encoded data turned back into builtin values, and described.

The child writes every value down with its exact type (an ``Encoded``, grader/sandbox/wire.py). Decoding
builds fresh builtin objects in the grader's process, so comparing them never runs a
method of the learner's; a value of any other type comes back as an Opaque marker.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from grader.sandbox.wire import CONTAINERS, PLAIN, Encoded


@dataclass(frozen=True)
class Opaque:
    """A value the child did not convert: an object of a type of the learner's."""

    type: str
    base: str | None = None

    def __repr__(self) -> str:
        return f"<{self.type} object>"


@dataclass(frozen=True)
class Truncated:
    """A container too large or too deep to be sent back whole."""

    type: str

    def __repr__(self) -> str:
        return f"<a large {self.type}>"


def decode(data: Encoded | object) -> Any:
    """Turn one encoded value back into a builtin value (or an Opaque marker)."""
    # The data crossed from learner-controlled territory: every field may be forged, so
    # anything of an unexpected shape becomes an Opaque marker, never an exception.
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        return Opaque("unknown")
    kind = data["type"]
    if kind in PLAIN:
        return _plain(kind, data)
    if kind == "NoneType":
        return None
    if kind in CONTAINERS:
        return _container(kind, data)
    base = data.get("base")
    return Opaque(str(kind), base if isinstance(base, str) else None)


def _plain(kind: str, data: Mapping[str, Any]) -> Any:
    """Decode a bool, int, float or str, checking that the value is of that type."""
    value = data.get("value")
    if kind == "float" and value is None:
        special = data.get("repr")
        return float(special) if special in ("nan", "inf", "-inf") else Opaque("float")
    if kind == "int" and isinstance(value, bool):
        return Opaque("unknown")
    expected: Any = {"bool": bool, "int": int, "float": (int, float), "str": str}[kind]
    if not isinstance(value, expected):
        return Opaque(str(kind))
    return float(value) if kind == "float" else value


def _container(kind: str, data: Mapping[str, Any]) -> Any:
    """Decode a dict, list, tuple, set or frozenset, element by element."""
    if data.get("truncated"):
        return Truncated(str(kind))
    items = data.get("items")
    if not isinstance(items, list):
        return Opaque(str(kind))
    if kind == "dict":
        return _dict(items)
    elements = [decode(element) for element in items]
    if kind == "list":
        return elements
    if kind == "tuple":
        return tuple(elements)
    try:
        return set(elements) if kind == "set" else frozenset(elements)
    except TypeError:
        return Opaque(str(kind))


def _dict(pairs: list[Any]) -> dict[Any, Any]:
    """Decode a dict's [key, value] pairs; a key that cannot be hashed becomes a marker."""
    result: dict[Any, Any] = {}
    for pair in pairs:
        if not (isinstance(pair, list) and len(pair) == 2):
            continue
        key = decode(pair[0])
        try:
            hash(key)
        except TypeError:
            key = Opaque("unhashable")
        result[key] = decode(pair[1])
    return result


def same(left: Any, right: Any) -> bool:
    """Whether two decoded values are equal with exactly the same types, all the way down."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(same(left[k], right[k]) for k in left)
    if isinstance(left, (list, tuple)):
        return len(left) == len(right) and all(
            same(a, b) for a, b in zip(left, right, strict=False)
        )
    if isinstance(left, float) and left != left:
        return bool(right != right)
    return bool(left == right)


_ARTICLES = {
    "bool": "a bool",
    "int": "an int",
    "float": "a float",
    "str": "a string",
    "list": "a list",
    "tuple": "a tuple",
    "set": "a set",
    "frozenset": "a frozenset",
    "dict": "a dict",
}


def kind_of(value: Any) -> str:
    """Name a decoded value's type for a learner: 'a string', 'a dict subclass MyDict'."""
    if value is None:
        return "None"
    if isinstance(value, Opaque):
        if value.type == "int" and not value.base:
            # A builtin int arrives opaque only when Python will not write it out: more
            # digits than its limit (`10**5000`), a number no step asks for.
            return "a whole number too long for Python to write out"
        if value.base:
            return f"an object of type {value.type} (a subclass of {value.base})"
        return f"an object of type {value.type}"
    if isinstance(value, Truncated):
        return f"a very large {value.type}"
    return _ARTICLES.get(type(value).__name__, type(value).__name__)


def show(value: Any, limit: int = 120) -> str:
    """Write a decoded value as Python would print it, shortened to a limit."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(value: Any) -> str:
    """Say what a value is, for a learner: "'1' (a string)", "True (a bool)"."""
    if value is None or isinstance(value, (Opaque, Truncated)):
        return kind_of(value)
    return f"{show(value)} ({kind_of(value)})"
