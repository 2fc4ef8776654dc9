"""What a program uses outside its exercise's allowlist, read from its syntax trees.

The rule is the allowlist (grader/analysis/allowlist.py): a module that is not listed, a
builtin that is not listed (a name the program defines is its own), an attribute of an
allowed module that is not listed, an attribute wrapped in underscores, an attribute of
the interpreter's running code (frames, code objects, tracebacks, generators), a change
to a module, a format string that reaches attributes, or a class pattern that reads
attributes by name. Each is named with its line;
a program that has one is never reported as passed, and course staff see a review flag.

This reads the source in the grader's process and executes nothing. An attribute whose
name is in no list and that the program does not define may be a typo (``.item()``):
it is left to the child, where reaching a real attribute of that name on an object the
program did not make is refused (grader/sandbox/harness/guards.py) and reported back.
"""

from __future__ import annotations

import ast
import builtins
import string
import symtable
import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from grader.analysis.allowlist import Allowlist
from grader.analysis.source import Source
from grader.load import Program
from grader.result import Explanation, Location
from grader.sandbox.harness.instrument import RESERVED, SELF_MATCHING

# The mistake code of a program that uses something outside the allowlist. It is for
# course staff (a review flag); the learner reads a plain sentence without it.
CODE = "integrity"
# Why the child refused something while the program ran (an attribute that exists on an
# object the program did not make, an import), for the learner's sentence.
REFUSED = "it reaches into an object the program did not make"
# Findings beyond this many are not collected: the first one is what the learner reads.
MAX_FINDINGS = 100
# Code nested deeper than this is not read (nor instrumented): no plain program is.
MAX_NESTING = 200

# Every name Python's builtins (and site.py) define: a program refers to one of these,
# rather than to a typo, when it has not defined the name itself.
KNOWN_BUILTINS = frozenset(dir(builtins)) | {
    "exit",
    "quit",
    "help",
    "copyright",
    "credits",
    "license",
}

# The attributes of the interpreter's running code: frames, code objects, tracebacks,
# generators, coroutines, closure cells and classes' method resolution order.
INTERNALS = frozenset(
    name
    for kind in (
        types.FrameType,
        types.CodeType,
        types.TracebackType,
        types.GeneratorType,
        types.CoroutineType,
        types.AsyncGeneratorType,
        types.CellType,
        type,
    )
    for name in dir(kind)
    if not name.startswith("_")
)

# Why a builtin is left out, for the learner's sentence; others "are not needed here".
_BUILTIN_REASONS = {
    **dict.fromkeys(("exec", "eval", "compile"), "it runs code made from text"),
    **dict.fromkeys(
        ("getattr", "setattr", "delattr", "hasattr"),
        "it reaches attributes by names made at run time",
    ),
    **dict.fromkeys(("globals", "locals", "vars"), "it hands out a program's insides"),
    "open": "it opens files and channels",
    "memoryview": "it reaches raw memory",
    **dict.fromkeys(("breakpoint", "help"), "it waits for someone at the keyboard"),
}


@dataclass(frozen=True)
class Finding:
    """One construct outside the allowlist, as the learner wrote it, why, and where."""

    construct: str
    reason: str
    location: Location


def scan(
    program: Program, allowlist: Allowlist, source: Source | None = None
) -> tuple[Finding, ...]:
    """Return every construct of a program outside the allowlist, in the program's order.

    ``source`` is the program's syntax trees when they are made already (a case's).
    """
    if allowlist.unrestricted:
        return ()
    if source is None or source.program is not program:
        source = Source(program)
    # A cell that cannot be read cannot run either; one nested too deeply to read is flagged.
    parsed = source.parsed
    found = [_too_deep(number) for number in source.too_deep]
    try:
        reader = _Reader(allowlist, parsed)
        for number, tree, _ in parsed:
            found.extend(reader.cell(number, tree))
    except RecursionError:
        # Nested beyond what can be read safely: no plain program looks like this, and
        # what cannot be read cannot be cleared.
        found.append(_too_deep(parsed[0][0] if parsed else None))
    unique = dict.fromkeys(found)
    return tuple(sorted(unique, key=lambda f: (f.location.cell or 0, f.location.line)))[
        :MAX_FINDINGS
    ]


def flagged(
    program: Program,
    allowlist: Allowlist,
    refused: tuple[Finding, ...] = (),
    source: Source | None = None,
) -> Explanation | None:
    """Explain why a program may not be graded under its allowlist, or return None.

    ``refused`` are what the child refused while the program ran, found the same way;
    ``source`` the program's syntax trees, when they are made already.
    """
    findings = scan(program, allowlist, source) or refused
    if not findings:
        return None
    first = findings[0]
    return Explanation(CODE, sentence(first, len(findings)), first.location)


def sentence(finding: Finding, count: int = 1) -> str:
    """Say, in one sentence for the learner, what was found, where, and what to do."""
    place = finding.location.describe()
    more = f" (and {count - 1} more such line{'s' if count > 2 else ''})" if count > 1 else ""
    return (
        f"{place[0].upper()}{place[1:]} uses `{finding.construct}`{more}, which this exercise "
        f"does not allow ({finding.reason}), so the program was not graded: remove it and "
        "submit again."
    )


def _too_deep(cell: int | None, line: int = 1) -> Finding:
    return Finding("…", "code nested too deeply to check", Location(line, cell))


def _text(node: ast.AST, limit: int = 60) -> str:
    """The learner's construct, on one line and shortened for a message."""
    try:
        text = " ".join(ast.unparse(node).split())
    except Exception:  # an odd tree: fall back to its kind
        return type(node).__name__
    text = text.replace("`", "'")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


# The names in double underscores Python itself gives a module or its builtins: never
# free for a program's own use, whatever it stores there.
_PYTHONS = frozenset(
    name
    for name in {*dir(builtins), *vars(types.ModuleType("m")), *vars(sys.modules[__name__])}
    if _dunder(name)
) | {"__builtins__", "__annotations__", "__getattr__", "__dir__", "__path__"}


def _metadata(trees: list[ast.Module]) -> frozenset[str]:
    """Names in double underscores a program sets only to a constant at its top level, as
    module metadata (``__author__ = "Ana"``, ``__all__ = ["main"]``): plain text or
    numbers under a name Python gives no meaning, bound nowhere else."""
    constant: dict[str, int] = {}
    for tree in trees:
        for statement in tree.body:
            if (
                isinstance(statement, ast.Assign)
                and all(isinstance(t, ast.Name) for t in statement.targets)
                and _constant(statement.value)
            ):
                for target in statement.targets:
                    name = target.id  # type: ignore[attr-defined]
                    constant[name] = constant.get(name, 0) + 1
    bound: dict[str, int] = {}
    for tree in trees:
        for node in ast.walk(tree):
            for name in _bound_names(node):
                bound[name] = bound.get(name, 0) + 1
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                bound[node.id] = bound.get(node.id, 0) + 1
    return frozenset(
        name
        for name, times in constant.items()
        if _dunder(name)
        and times == bound.get(name, 0)
        and name not in _PYTHONS
        and not name.startswith(RESERVED)
    )


def _constant(node: ast.AST) -> bool:
    """Whether an expression is a constant: text, a number, or a list or tuple of them."""
    if isinstance(node, (ast.Tuple, ast.List)):
        return all(isinstance(e, ast.Constant) for e in node.elts)
    return isinstance(node, ast.Constant)


def _own_in_class(name: str, owner: ast.ClassDef | None) -> bool:
    """Whether a name in underscores is one the class being defined gives itself
    (``__init__``, ``__eq__``): never one of the names the grader's instrumentation
    reserves for its helpers, which a class body's own loops would find first."""
    return owner is not None and name in _class_names(owner) and not name.startswith(RESERVED)


def is_stdlib(module: str) -> bool:
    """Whether a module is one Python ships (or the grader's own): what the child could load."""
    top = module.split(".")[0]
    return top in sys.stdlib_module_names or top in ("grader", "__main__") or top.startswith("_")


class _Reader:
    """What the whole program defines (names, attributes, module aliases), then each cell."""

    def __init__(self, allowlist: Allowlist, trees: list[tuple[int | None, ast.Module, str]]):
        self.allow = allowlist
        self.defined: set[str] = set()  # names the program binds at its top level
        self.read: set[str] = set()  # names some scope reads as a global or builtin
        self.attributes: set[str] = set()  # attribute names the program defines
        self.modules: dict[str, str] = {}  # a name bound only by an import -> its module
        rebound: set[str] = set()
        for _, tree, source in trees:
            self._scopes(source)
            for node in ast.walk(tree):
                self._learn(node, rebound)
        for name in rebound:
            self.modules.pop(name, None)
        self.metadata = _metadata([tree for _, tree, _ in trees])
        # Names a program could reach on what it holds without making it: the running
        # code's, and the allowed modules' own (sys.modules, json.codecs, typing.sys).
        self.internal = (INTERNALS | _module_parts(allowlist)) - allowlist.names
        self.found: list[Finding] = []
        self.cell_number: int | None = None

    def _scopes(self, source: str) -> None:
        """Learn which names the program defines and which it reads as globals (symtable)."""
        try:
            table = symtable.symtable(source, "<cell>", "exec")
        except (SyntaxError, ValueError):
            return
        for symbol in table.get_symbols():
            if symbol.is_assigned() or symbol.is_imported() or symbol.is_namespace():
                self.defined.add(symbol.get_name())
        stack = [table]
        while stack:
            scope = stack.pop()
            stack.extend(scope.get_children())
            for symbol in scope.get_symbols():
                if symbol.is_declared_global() and symbol.is_assigned():
                    self.defined.add(symbol.get_name())
                if symbol.is_referenced() and symbol.is_global():
                    self.read.add(symbol.get_name())

    def _learn(self, node: ast.AST, rebound: set[str]) -> None:
        """Note the attribute names a node defines and the module a name stands for."""
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, (ast.Store, ast.Del)):
            self.attributes.add(node.attr)
        elif isinstance(node, ast.ClassDef):
            self.attributes.update(_class_names(node))
        elif isinstance(node, ast.Call) and _called(node) == "namedtuple":
            self.attributes.update(_field_names(node))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                self.modules[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if self.allow.module(full) is not None:
                    self.modules[alias.asname or alias.name] = full
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            rebound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            rebound.add(node.name)

    def cell(self, number: int | None, tree: ast.Module) -> list[Finding]:
        """Return what one cell uses outside the allowlist."""
        self.found = []
        self.cell_number = number
        for node, owner, depth in _walk(tree):
            if depth > MAX_NESTING:
                self.found.append(_too_deep(number, getattr(node, "lineno", 1)))
                break
            rule = _RULES.get(type(node))
            if rule is not None:
                rule(self, node, owner)
            if len(self.found) >= MAX_FINDINGS:
                break
        return self.found

    def flag(self, node: ast.AST, construct: str, reason: str) -> None:
        line = getattr(node, "lineno", 1)
        self.found.append(Finding(construct, reason, Location(line, self.cell_number)))

    # -- the rules, one per kind of node ------------------------------------------------

    def name(self, node: ast.Name, owner: ast.ClassDef | None) -> None:
        """A builtin outside the list, or a name wrapped in double underscores."""
        name = node.id
        if _dunder(name):
            if name == "__name__" or name in self.metadata or _own_in_class(name, owner):
                return
            self.flag(
                node, name, "names wrapped in double underscores reach Python's own machinery"
            )
            return
        if (
            isinstance(node.ctx, ast.Load)
            and name in KNOWN_BUILTINS
            and name in self.read
            and name not in self.defined
            and name not in self.allow.builtins
        ):
            self.flag(
                node, name, _BUILTIN_REASONS.get(name, "programs of this exercise do not need it")
            )

    def binding(self, node: ast.AST, owner: ast.ClassDef | None) -> None:
        """A name in double underscores bound other than by assignment: a function, class,
        parameter, import alias, exception, pattern capture or global. Python's own names
        and the grader's helpers live there; only a class's own methods may use them."""
        for name in _bound_names(node):
            if not _dunder(name):
                continue
            if _own_in_class(name, owner):
                continue
            self.flag(
                node, name, "names wrapped in double underscores reach Python's own machinery"
            )
            return

    def attribute(self, node: ast.Attribute, owner: ast.ClassDef | None) -> None:
        """An attribute in underscores, of the running code, of a module, or changing one."""
        name = node.attr
        if name in ("format", "format_map") and isinstance(node.value, ast.Constant):
            self._format_string(node.value)
        if _dunder(name):
            # A listed name in underscores is listed to be read (type(x).__name__); set
            # or deleted, it changes what an object is (x.__class__ = Other).
            written = not isinstance(node.ctx, ast.Load)
            if written or (
                name not in self.allow.names
                and not (name == "__init__" and _called(node.value) == "super")
            ):
                self.flag(
                    node,
                    _text(node),
                    "names wrapped in double underscores reach Python's own machinery",
                )
            return
        if name.startswith("_") and name not in self.attributes | self.allow.names:
            self.flag(
                node,
                _text(node),
                "names starting with an underscore are another module's private parts",
            )
            return
        module = self.modules.get(node.value.id) if isinstance(node.value, ast.Name) else None
        if module is not None:
            self._module_attribute(node, module)
            return
        if name in self.internal and name not in self.attributes:
            self.flag(node, _text(node), "it reaches the interpreter's or a module's insides")

    def _module_attribute(self, node: ast.Attribute, module: str) -> None:
        if not isinstance(node.ctx, ast.Load):
            self.flag(node, _text(node), "it changes a module")
            return
        allowed = self.allow.module(module) or frozenset()
        if node.attr not in allowed and self.allow.module(f"{module}.{node.attr}") is None:
            self.flag(
                node, _text(node), f"it allows only these parts of `{module}`: {_listed(allowed)}"
            )

    def import_(self, node: ast.Import, owner: ast.ClassDef | None) -> None:
        """An import of a module that is not listed."""
        for alias in node.names:
            if self.allow.module(alias.name) is None and is_stdlib(alias.name):
                self.flag(node, f"import {alias.name}", self._modules_reason())

    def import_from(self, node: ast.ImportFrom, owner: ast.ClassDef | None) -> None:
        """A relative import, or a name a listed module does not offer."""
        module = node.module or ""
        if node.level:
            self.flag(
                node,
                _text(node),
                "a program of this exercise imports only from the standard library",
            )
            return
        allowed = self.allow.module(module)
        if allowed is None:
            if is_stdlib(module):
                self.flag(node, f"from {module} import …", self._modules_reason())
            return
        for alias in node.names:
            if (
                alias.name != "*"
                and alias.name not in allowed
                and self.allow.module(f"{module}.{alias.name}") is None
            ):
                self.flag(
                    node,
                    f"from {module} import {alias.name}",
                    f"it allows only these parts of `{module}`: {_listed(allowed)}",
                )

    def pattern(self, node: ast.MatchClass, owner: ast.ClassDef | None) -> None:
        """A class pattern that reads attributes: Python reads them by name (``C(x=p)``,
        or ``C(p)`` through the class's ``__match_args__``), out of any guard's sight.
        Only a builtin type that matches itself (``case int(x)``) reads none."""
        if not node.patterns and not node.kwd_patterns:
            return
        itself = (
            isinstance(node.cls, ast.Name)
            and node.cls.id in SELF_MATCHING
            and node.cls.id not in self.defined
        )
        if node.kwd_patterns or not (itself and len(node.patterns) == 1):
            self.flag(node, _text(node), "its class pattern reads attributes by name")

    def _format_string(self, node: ast.Constant) -> None:
        """A literal format string whose fields reach attributes the allowlist does not name."""
        if not isinstance(node.value, str):
            return
        for attribute in _format_attributes(node.value):
            if (
                attribute.startswith("_")
                or attribute in self.internal
                or attribute not in self.allow.names | self.attributes
            ):
                self.flag(node, _text(node, 40), "its format string reaches an attribute")
                return

    def _modules_reason(self) -> str:
        names = frozenset(n for n in self.allow.module_names() if not n.startswith("_"))
        return f"it allows only the modules {_listed(names)}"


def _walk(tree: ast.AST) -> Iterator[tuple[ast.AST, ast.ClassDef | None, int]]:
    """Walk a tree depth first with the class whose body each node is directly in, and
    how deep the node is.

    An explicit stack, not recursion: a long expression that Python compiles happily
    (`x = 1+1+...+1`) is a deep tree, and must not exhaust the grader's own stack.
    """
    stack: list[tuple[ast.AST, ast.ClassDef | None, int]] = [(tree, None, 0)]
    while stack:
        node, owner, depth = stack.pop()
        yield node, owner, depth
        inner = (
            node
            if isinstance(node, ast.ClassDef)
            else None
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            else owner
        )
        stack.extend(
            (child, inner, depth + 1) for child in reversed(list(ast.iter_child_nodes(node)))
        )


def _bound_names(node: ast.AST) -> list[str]:
    """The names a statement or part of one binds, other than an assigned name (ast.Name)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, ast.arg):
        return [node.arg]
    if isinstance(node, ast.alias):
        # `import json` binds a listed module's own name; an alias binds a name of its own.
        return [node.asname] if node.asname else []
    if isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
        return [node.name] if node.name else []
    if isinstance(node, ast.MatchMapping):
        return [node.rest] if node.rest else []
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return list(node.names)
    if type(node).__name__ in ("TypeVar", "ParamSpec", "TypeVarTuple"):  # def f[T]()
        return [getattr(node, "name", "")]
    return []


def _class_names(node: ast.ClassDef) -> set[str]:
    """The names a class body defines: its methods, classes and attributes."""
    names: set[str] = set()
    for statement in node.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(statement.name)
        targets = (
            statement.targets
            if isinstance(statement, ast.Assign)
            else [statement.target]
            if isinstance(statement, (ast.AnnAssign, ast.AugAssign))
            else []
        )
        names.update(
            t.id for target in targets for t in ast.walk(target) if isinstance(t, ast.Name)
        )
    return names


def _module_parts(allowlist: Allowlist) -> frozenset[str]:
    """The attributes of the allowed modules this process has loaded (it loads none itself)."""
    loaded = [(name, sys.modules.get(name)) for name in allowlist.module_names()]
    # The same for every program until a module is loaded or gains or loses a name:
    # kept under what it was made from, the latest only.
    made_from = tuple((name, id(m), len(vars(m))) for name, m in loaded if m is not None)
    kept = _PARTS.get(allowlist)
    if kept is not None and kept[0] == made_from:
        return kept[1]
    parts: set[str] = set()
    for _, module in loaded:
        if module is not None:
            parts.update(n for n in dir(module) if not n.startswith("_"))
    made = frozenset(parts)
    _PARTS[allowlist] = (made_from, made)
    return made


# Allowlist -> what its modules' attributes were read from, and those attributes.
_PARTS: dict[Allowlist, tuple[tuple[tuple[str, int, int], ...], frozenset[str]]] = {}


def _called(node: ast.AST) -> str | None:
    """The name a call calls (`f(...)` or `module.f(...)`), or None."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    return (
        func.id
        if isinstance(func, ast.Name)
        else func.attr
        if isinstance(func, ast.Attribute)
        else None
    )


def _field_names(call: ast.Call) -> set[str]:
    """The field names a namedtuple(...) call gives its class, where they are written in."""
    if len(call.args) < 2:
        return set()
    fields = call.args[1]
    words: list[str] = []
    for node in ast.walk(fields):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            words.extend(node.value.replace(",", " ").split())
    return {w for w in words if w.isidentifier()}


def _format_attributes(text: str, depth: int = 0) -> list[str]:
    """The attribute names the replacement fields of a format string reach."""
    import _string  # type: ignore[import-not-found]  # str.format's own field splitter

    found: list[str] = []
    try:
        for _, field_name, spec, _ in string.Formatter().parse(text):
            if field_name:
                _, rest = _string.formatter_field_name_split(field_name)
                found.extend(str(part) for is_attribute, part in rest if is_attribute)
            if spec and "{" in spec and depth < 2:  # a nested field: "{0:{1.attr}}"
                found.extend(_format_attributes(spec, depth + 1))
    except (ValueError, TypeError):
        pass  # not a format string after all
    return found


def _listed(names: frozenset[str], most: int = 8) -> str:
    """Name a few of a set's members for a message."""
    ordered = sorted(names)
    shown = ", ".join(ordered[:most])
    return (shown + ", …") if len(ordered) > most else shown or "nothing"


# The rule for each kind of node; kinds not listed have none of their own.
_RULES: dict[type[ast.AST], Callable[[_Reader, Any, ast.ClassDef | None], None]] = {
    ast.Name: _Reader.name,
    ast.Attribute: _Reader.attribute,
    ast.Import: _Reader.import_,
    ast.ImportFrom: _Reader.import_from,
    ast.MatchClass: _Reader.pattern,
    **dict.fromkeys(
        (
            ast.FunctionDef,
            ast.AsyncFunctionDef,
            ast.ClassDef,
            ast.arg,
            ast.alias,
            ast.ExceptHandler,
            ast.MatchAs,
            ast.MatchStar,
            ast.MatchMapping,
            ast.Global,
            ast.Nonlocal,
            *(
                getattr(ast, kind)
                for kind in ("TypeVar", "ParamSpec", "TypeVarTuple")
                if hasattr(ast, kind)
            ),
        ),
        _Reader.binding,
    ),
}
