"""The allowlist: the small part of Python an exercise lets a learner's program use.

A beginner's exercise needs a closed, known set of things: a few harmless modules (and
only some of their attributes), the built-in functions a beginner calls, and the methods
of the builtin types they use. Anything else is not graded as passed. An exercise
declares its allowlist (``Exercise.allowlist``); most keep ``DEFAULT`` or widen or narrow
it a little. The allowlist is read twice: in the grader's process, from the syntax tree
(grader/analysis/outside.py), and in the child, where the learner's code gets only the
allowed builtins and modules (``runtime()``, enforced by grader/sandbox/harness/guards.py).

Nothing here is a list of what is forbidden: a name that is not listed is not allowed.
"""

from __future__ import annotations
import __future__

import builtins
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# The builtin functions, types and constants a beginner's program calls, and dir() (it
# lists names, no more). Not here: exec, eval, compile, __import__, getattr, setattr,
# delattr, hasattr, vars, globals, locals, open, breakpoint, help, memoryview. input is
# here, and so are exit and quit (Python without site has neither): each keeps its own
# diagnosis.
BEGINNER_BUILTINS = frozenset(
    {
        "abs", "all", "any", "ascii", "bin", "bool", "bytearray", "bytes", "callable",
        "chr", "classmethod", "complex", "dict", "dir", "divmod", "enumerate", "exit", "filter",
        "float", "format", "frozenset", "hash", "hex", "id", "input", "int",
        "isinstance", "issubclass", "iter", "len", "list", "map", "max", "min", "next",
        "object", "oct", "ord", "pow", "print", "property", "quit", "range", "repr",
        "reversed", "round", "set", "slice", "sorted", "staticmethod", "str", "sum",
        "super", "tuple", "type", "zip", "Ellipsis", "NotImplemented",
    }
)  # fmt: skip

# Every exception class Python defines: raising and catching them is plain Python.
EXCEPTIONS = frozenset(
    name
    for name in dir(builtins)
    if isinstance(getattr(builtins, name), type)
    and issubclass(getattr(builtins, name), BaseException)
)

# The public methods and attributes of the builtin types a beginner uses: str, int,
# float, bool, list, tuple, dict, set, bytes, exceptions, and the print capture's write.
TYPE_ATTRIBUTES = frozenset(
    {
        # dict
        "clear", "copy", "fromkeys", "get", "items", "keys", "pop", "popitem",
        "setdefault", "update", "values",
        # list and tuple
        "append", "count", "extend", "index", "insert", "remove", "reverse", "sort",
        # str and bytes
        "capitalize", "casefold", "center", "decode", "encode", "endswith", "expandtabs",
        "find", "format", "format_map", "isalnum", "isalpha", "isascii", "isdecimal",
        "isdigit", "isidentifier", "islower", "isnumeric", "isprintable", "isspace",
        "istitle", "isupper", "join", "ljust", "lower", "lstrip", "maketrans",
        "partition", "removeprefix", "removesuffix", "replace", "rfind", "rindex",
        "rjust", "rpartition", "rsplit", "rstrip", "split", "splitlines", "startswith",
        "strip", "swapcase", "title", "translate", "upper", "zfill",
        # set and frozenset
        "add", "difference", "difference_update", "discard", "intersection",
        "intersection_update", "isdisjoint", "issubset", "issuperset",
        "symmetric_difference", "symmetric_difference_update", "union",
        # numbers
        "as_integer_ratio", "bit_count", "bit_length", "conjugate", "denominator",
        "from_bytes", "fromhex", "hex", "imag", "is_integer", "numerator", "real",
        "to_bytes",
        # exceptions
        "args", "code", "errno", "filename", "lineno", "msg", "name", "offset",
        "strerror", "text", "value",
        # ranges and slices
        "start", "step", "stop",
        # standard output (print(..., file=sys.stdout), sys.stdout.write)
        "flush", "write",
        # what an object is, as a beginner prints it (type(x).__name__, a __repr__'s
        # self.__class__.__name__): text, and the class type() gives anyway
        "__class__", "__doc__", "__name__",
    }
)  # fmt: skip

# The harmless modules a beginner may import, and what of each: never a module (json's
# codecs, typing's sys), never something that turns text into code (typing's
# get_type_hints evaluates the strings it finds).
DEFAULT_MODULES: dict[str, frozenset[str]] = {
    # Directives to the compiler (from __future__ import annotations), not a library.
    "__future__": frozenset(__future__.all_feature_names),
    "math": frozenset(
        name
        for name in dir(math)
        if not name.startswith("_") and not isinstance(getattr(math, name), type(math))
    ),
    "pprint": frozenset({"PrettyPrinter", "isreadable", "isrecursive", "pformat", "pp", "pprint", "saferepr"}),
    "json": frozenset({"JSONDecodeError", "JSONDecoder", "JSONEncoder", "dump", "dumps", "load", "loads"}),
    "time": frozenset(
        {
            "asctime", "ctime", "gmtime", "localtime", "mktime", "monotonic", "monotonic_ns",
            "perf_counter", "perf_counter_ns", "process_time", "sleep", "strftime",
            "struct_time", "time", "time_ns",
        }
    ),
    "typing": frozenset(
        {
            "Any", "Callable", "ClassVar", "Counter", "DefaultDict", "Deque", "Dict",
            "Final", "FrozenSet", "Generator", "Iterable", "Iterator", "List", "Literal",
            "Mapping", "MutableMapping", "NamedTuple", "NoReturn", "Optional",
            "OrderedDict", "Sequence", "Set", "TYPE_CHECKING", "Tuple", "Type",
            "TypedDict", "Union", "cast",
        }
    ),
    "collections": frozenset(
        {"ChainMap", "Counter", "OrderedDict", "defaultdict", "deque", "namedtuple"}
    ),
    "random": frozenset(
        {
            "Random", "betavariate", "choice", "choices", "expovariate", "gauss",
            "getrandbits", "normalvariate", "randint", "random", "randrange", "sample",
            "seed", "shuffle", "triangular", "uniform",
        }
    ),
    # What notebook templates and habits do with sys: sys.path.append(".."), print the
    # version, print(..., file=sys.stdout), sys.exit() (which keeps its own diagnosis).
    "sys": frozenset(
        {
            "argv", "byteorder", "exit", "maxsize", "path", "platform", "stderr",
            "stdout", "version", "version_info",
        }
    ),
}  # fmt: skip

# Methods of the allowed modules' classes that a beginner calls on their objects.
MODULE_OBJECT_ATTRIBUTES = frozenset(
    {
        "appendleft", "default_factory", "elements", "extendleft", "maps", "maxlen",
        "most_common", "move_to_end", "new_child", "parents", "popleft", "rotate",
        "subtract", "total", "major", "minor", "micro",
        # namedtuple's own methods
        "_asdict", "_fields", "_make", "_replace",
        # time.struct_time, json.JSONDecodeError
        "tm_hour", "tm_isdst", "tm_mday", "tm_min", "tm_mon", "tm_sec", "tm_wday",
        "tm_yday", "tm_year", "colno", "doc", "pos",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Allowlist:
    """What a learner's program may import, call and reach, as an exercise declares it.

    ``modules`` pairs each module with the attributes of it a program may use;
    ``builtins`` are the builtin names it may refer to (a name the program defines is
    its own); ``attributes`` are the attribute names it may use on any object (the
    allowed modules' attributes count too, and so do names the program defines on its
    own classes and objects). ``unrestricted`` turns the allowlist off altogether (for
    tools that run trusted code through the grader, never for learners).
    """

    modules: tuple[tuple[str, frozenset[str]], ...]
    builtins: frozenset[str]
    attributes: frozenset[str]
    unrestricted: bool = False
    # Derived once: every attribute name the allowlist admits.
    names: frozenset[str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        names = set(self.attributes)
        for _, attributes in self.modules:
            names.update(attributes)
        object.__setattr__(self, "names", frozenset(names))

    @classmethod
    def of(
        cls,
        modules: Mapping[str, Iterable[str]],
        builtins: Iterable[str],
        attributes: Iterable[str],
    ) -> Allowlist:
        """Build an allowlist from plain collections."""
        return cls(
            tuple(sorted((name, frozenset(names)) for name, names in modules.items())),
            frozenset(builtins),
            frozenset(attributes),
        )

    def module(self, name: str) -> frozenset[str] | None:
        """Return the attributes a program may use of a module, or None if it may not import it."""
        return dict(self.modules).get(name)

    def module_names(self) -> tuple[str, ...]:
        """Return the modules a program may import, in order."""
        return tuple(name for name, _ in self.modules)

    def widen(
        self,
        modules: Mapping[str, Iterable[str]] | None = None,
        builtins: Iterable[str] = (),
        attributes: Iterable[str] = (),
    ) -> Allowlist:
        """Return this allowlist with more modules (or module attributes), builtins and names."""
        merged = {name: set(names) for name, names in self.modules}
        for name, names in (modules or {}).items():
            merged.setdefault(name, set()).update(names)
        return Allowlist.of(
            merged, self.builtins | set(builtins), self.attributes | set(attributes)
        )

    def narrow(
        self,
        modules: Iterable[str] = (),
        builtins: Iterable[str] = (),
        attributes: Iterable[str] = (),
    ) -> Allowlist:
        """Return this allowlist without some modules, builtins and attribute names."""
        dropped = set(modules)
        kept = {name: names for name, names in self.modules if name not in dropped}
        return Allowlist.of(kept, self.builtins - set(builtins), self.attributes - set(attributes))

    def runtime(self) -> dict[str, Any] | None:
        """Return what the child enforces, as plain data: None when nothing is enforced."""
        if self.unrestricted:
            return None
        return {
            "modules": {name: sorted(names) for name, names in self.modules},
            "builtins": sorted(self.builtins),
            "attributes": sorted(self.names),
        }


DEFAULT = Allowlist.of(
    DEFAULT_MODULES, BEGINNER_BUILTINS | EXCEPTIONS, TYPE_ATTRIBUTES | MODULE_OBJECT_ATTRIBUTES
)

# No allowlist at all: the program may use the whole of Python. For trusted code only.
UNRESTRICTED = Allowlist((), frozenset(), frozenset(), unrestricted=True)
