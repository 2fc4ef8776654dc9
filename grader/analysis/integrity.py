"""The integrity rule: code that reaches into the interpreter's machinery is not graded.

A submission runs in the same interpreter as the harness that reports on it, so code
that reaches the interpreter's machinery (the module table, the garbage collector,
frames, raw memory, raw file descriptors, imports chosen at run time, the built-in
names) could forge its own verdict. No exercise at this level needs any of it. This
module reads the learner's syntax trees in the grader's process, executes nothing, and
names each such construct with its line; a program that has one is never reported as
passed.

The rule is a set of tables, not a chain of special cases: modules, attributes of
modules, attribute names on any object, bare names, and calls whose argument decides
what they reach. It is a filter for the plain ways in, not a proof: Python is dynamic
enough that no reading of the source catches everything (see SECURITY.md).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from grader.load import Program
from grader.result import Explanation, Location

# Modules whose import alone reaches the machinery (a submodule counts as its package).
MODULES: dict[str, str] = {
    "ctypes": "raw memory access",
    "_ctypes": "raw memory access",
    "cffi": "raw memory access",
    "gc": "the garbage collector",
    "inspect": "the frames of running code",
    "builtins": "the built-in names",
    "__builtin__": "the built-in names",
    "marshal": "raw code objects",
    "_imp": "the import machinery",
    "imp": "the import machinery",
    "importlib.util": "the import machinery",
    "importlib.machinery": "the import machinery",
    "importlib.abc": "the import machinery",
    "importlib._bootstrap": "the import machinery",
    "importlib._bootstrap_external": "the import machinery",
    "_thread": "the interpreter's threads",
    "site": "the import machinery",
    "__main__": "the grader's harness",
    "grader": "the grader itself",
    "_testcapi": "the interpreter's internals",
    "_testinternalcapi": "the interpreter's internals",
}

# Attributes of modules, however the module was imported or renamed.
QUALIFIED: dict[str, str] = {
    "sys.modules": "the module table",
    "sys._getframe": "the frames of running code",
    "sys._current_frames": "the frames of running code",
    "sys._current_exceptions": "the frames of running code",
    "sys.settrace": "a hook into running code",
    "sys.setprofile": "a hook into running code",
    "sys.addaudithook": "a hook into running code",
    "sys.meta_path": "the import machinery",
    "sys.path": "the import machinery",
    "sys.path_hooks": "the import machinery",
    "sys.path_importer_cache": "the import machinery",
    "threading.settrace": "a hook into running code",
    "threading.setprofile": "a hook into running code",
    "traceback.walk_stack": "the frames of running code",
    "traceback.walk_tb": "the frames of running code",
    "importlib.import_module": "an import chosen at run time",
    "importlib.reload": "the import machinery",
    "pickle.load": "code run from data",
    "pickle.loads": "code run from data",
    "os.write": "a raw file descriptor",
    "os.writev": "a raw file descriptor",
    "os.pwrite": "a raw file descriptor",
    "os.pwritev": "a raw file descriptor",
    "os.sendfile": "a raw file descriptor",
    "os.read": "a raw file descriptor",
    "os.open": "a raw file descriptor",
    "os.close": "a raw file descriptor",
    "os.closerange": "a raw file descriptor",
    "os.fdopen": "a raw file descriptor",
    "os.dup": "a raw file descriptor",
    "os.dup2": "a raw file descriptor",
    "os.set_inheritable": "a raw file descriptor",
    "os.lseek": "a raw file descriptor",
}

# Attribute names that reach the machinery on whatever object they are read from.
ATTRIBUTES: dict[str, str] = {
    **dict.fromkeys(
        (
            "f_back",
            "f_globals",
            "f_locals",
            "f_builtins",
            "f_code",
            "f_trace",
            "tb_frame",
            "gi_frame",
            "cr_frame",
            "ag_frame",
            "gi_code",
            "cr_code",
        ),
        "the frames of running code",
    ),
    "__globals__": "another module's variables",
    "__code__": "raw code objects",
    "__closure__": "another function's variables",
    "__subclasses__": "every class the interpreter knows",
    "__builtins__": "the built-in names",
    "__dict__": "an object's raw namespace",
    "__self__": "the module behind a built-in",
    "__getattribute__": "an attribute chosen at run time",
    "__import__": "an import chosen at run time",
    "__loader__": "the import machinery",
    "__spec__": "the import machinery",
    "__reduce__": "code run from data",
    "__reduce_ex__": "code run from data",
}

# Bare names that reach the machinery wherever they are read.
NAMES: dict[str, str] = {
    "__builtins__": "the built-in names",
    "__import__": "an import chosen at run time",
    "__loader__": "the import machinery",
    "__spec__": "the import machinery",
}

# Calls whose first argument says what code runs: a constant is read like the program
# itself; anything computed could be anything.
CODE_CALLS = frozenset({"exec", "eval", "compile"})
# Calls whose second argument names an attribute.
ATTRIBUTE_CALLS = frozenset({"getattr", "setattr", "delattr", "hasattr"})
# Calls that hand out a namespace as a dictionary, where the built-ins and the module
# table are one key away.
NAMESPACE_CALLS = frozenset({"globals", "locals", "vars"})
# Paths that open a file descriptor of another process or of the harness.
RAW_PATHS = ("/proc/", "/dev/fd/", "/dev/std")


@dataclass(frozen=True)
class Finding:
    """One construct that reaches the machinery, as the learner wrote it, and where."""

    construct: str
    reaches: str
    location: Location


def scan(program: Program) -> tuple[Finding, ...]:
    """Return every construct of a program that reaches the machinery, in order."""
    found: list[Finding] = []
    for cell in program.cells:
        try:
            tree = ast.parse(cell.source)
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            continue  # a cell that cannot be read cannot run either
        try:
            found.extend(_Scanner(tree, cell.number).findings())
        except RecursionError:
            # Nested beyond what can be read safely: no plain program looks like this,
            # and what cannot be read cannot be cleared.
            place = Location(line=1, cell=cell.number)
            found.append(Finding("…", "code nested too deeply to check", place))
    unique = dict.fromkeys(found)
    return tuple(unique)


def flagged(program: Program) -> Explanation | None:
    """Explain why a program may not be graded under the integrity rule, or return None."""
    findings = scan(program)
    if not findings:
        return None
    first = findings[0]
    return Explanation("integrity", sentence(first, len(findings)), first.location)


def sentence(finding: Finding, count: int = 1) -> str:
    """Say, in one sentence for the learner, what was found and what to do."""
    more = f" (and {count - 1} more such line{'s' if count > 2 else ''})" if count > 1 else ""
    return (
        f"Your program uses `{finding.construct}` {_where(finding.location)}{more}, which "
        f"reaches into Python's own machinery ({finding.reaches}) that this exercise never "
        "needs, so it was not graded: remove it and submit again."
    )


def _where(location: Location) -> str:
    return ("in " if location.cell is not None else "at ") + location.describe()


def _imported(node: ast.AST) -> Iterator[tuple[str, str | None, str]]:
    """Yield (module loaded, name bound or None, what the name stands for) per import."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                yield alias.name, alias.asname, alias.name
            else:  # import os.path binds os
                top = alias.name.split(".")[0]
                yield alias.name, top, top
    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        for alias in node.names:
            if alias.name == "*":
                yield node.module, None, node.module
            else:
                path = f"{node.module}.{alias.name}"
                yield path, alias.asname or alias.name, path


def _module_rule(module: str) -> str | None:
    """Return what importing a module reaches, if it is in the module table."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        reaches = MODULES.get(".".join(parts[:end]))
        if reaches is not None:
            return reaches
    return None


def _text(node: ast.AST) -> str:
    """The learner's construct, shortened for a message."""
    try:
        text = ast.unparse(node)
    except Exception:  # an odd tree: fall back to its kind
        return type(node).__name__
    return text if len(text) <= 60 else text[:59] + "…"


def _constant_str(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


class _Scanner:
    """Read one cell's tree: bind import names to modules, then apply the tables."""

    def __init__(self, tree: ast.Module, cell: int | None) -> None:
        self.tree = tree
        self.cell = cell
        # name -> dotted path of what it stands for ("o" -> "os", "w" -> "os.write").
        self.aliases: dict[str, str] = {}
        # modules imported with *, whose names are then bare.
        self.starred: list[str] = []
        self.found: list[Finding] = []

    def findings(self) -> list[Finding]:
        nodes = list(ast.walk(self.tree))
        self._bind(nodes)
        for node in nodes:
            self._check(node)
        self.found.sort(key=lambda f: (f.location.line, f.construct))
        return self.found

    def _bind(self, nodes: list[ast.AST]) -> None:
        """Learn what each name stands for: imports, and plain renames (x = os)."""
        for node in nodes:
            for _, name, path in _imported(node):
                if name is not None:
                    self.aliases[name] = path
            if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
                self.starred.append(node.module or "")
        # A rename of a rename resolves on a later pass; a few passes are plenty.
        for _ in range(3):
            for node in nodes:
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target = node.targets[0]
                    bound = self._dotted(node.value)
                    if isinstance(target, ast.Name) and bound is not None:
                        self.aliases.setdefault(target.id, bound)

    def _dotted(self, node: ast.AST) -> str | None:
        """Return the dotted path an expression stands for, if it names a module's part."""
        if isinstance(node, ast.Name):
            if node.id in self.aliases:
                return self.aliases[node.id]
            for module in self.starred:
                if f"{module}.{node.id}" in QUALIFIED:
                    return f"{module}.{node.id}"
            return None
        if isinstance(node, ast.Attribute):
            base = self._dotted(node.value)
            return None if base is None else f"{base}.{node.attr}"
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "getattr"
            and len(node.args) >= 2
        ):
            name = _constant_str(node.args[1])
            base = self._dotted(node.args[0])
            if name is not None and base is not None:
                return f"{base}.{name}"
        return None

    def _flag(self, node: ast.AST, reaches: str, construct: str | None = None) -> None:
        line = getattr(node, "lineno", 1)
        self.found.append(
            Finding(construct or _text(node), reaches, Location(line=line, cell=self.cell))
        )

    def _check(self, node: ast.AST) -> None:
        """Apply the tables to one node: its imports, then the rule for its kind."""
        for module, _, _ in _imported(node):
            reaches = _module_rule(module) or QUALIFIED.get(module)
            if reaches is not None:
                self._flag(node, reaches, _import_text(node, module))
        rule = _RULES.get(type(node))
        if rule is not None:
            rule(self, node)

    def _name(self, node: ast.Name) -> None:
        if node.id in NAMES:
            self._flag(node, NAMES[node.id])

    def _string(self, node: ast.Constant) -> None:
        """getattr(x, "__globals__"), operator.attrgetter("f_back"): a name in a string."""
        if isinstance(node.value, str) and node.value in ATTRIBUTES:
            self._flag(node, ATTRIBUTES[node.value])

    def _attribute(self, node: ast.Attribute) -> None:
        if node.attr in ATTRIBUTES:
            self._flag(node, ATTRIBUTES[node.attr])
            return
        path = self._dotted(node)
        if path is not None and path in QUALIFIED:
            self._flag(node, QUALIFIED[path])

    def _call(self, node: ast.Call) -> None:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else None
        first = node.args[0] if node.args else None
        path = self._dotted(func)
        if path is not None and path in QUALIFIED and isinstance(func, ast.Name):
            self._flag(node, QUALIFIED[path])  # from os import write; write(...)
        if name in CODE_CALLS and name not in self.aliases:
            text = _constant_str(first)
            if text is None:
                self._flag(node, "code built at run time")
            else:
                self._inner(node, text)
        elif name in ATTRIBUTE_CALLS and len(node.args) >= 2:
            attribute = _constant_str(node.args[1])
            base = self._dotted(node.args[0])
            if attribute is None:
                self._flag(node, "an attribute chosen at run time")
            elif base is not None and (f"{base}.{attribute}" in QUALIFIED or name != "getattr"):
                self._flag(node, QUALIFIED.get(f"{base}.{attribute}", "changing a module"))
        elif name in NAMESPACE_CALLS and node.args:
            self._flag(node, "an object's raw namespace")
        elif name == "open" and first is not None:
            target = first.value if isinstance(first, ast.Constant) else None
            if isinstance(target, int) or (
                isinstance(target, str) and target.startswith(RAW_PATHS)
            ):
                self._flag(node, "a raw file descriptor")

    def _subscript(self, node: ast.Subscript) -> None:
        """globals()["__builtins__"], vars()[name]: a namespace read by a computed key."""
        value = node.value
        if not (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id in NAMESPACE_CALLS
        ):
            return
        key = _constant_str(node.slice)
        if key is None or key.startswith("__"):
            self._flag(node, "an object's raw namespace")

    def _inner(self, call: ast.Call, text: str) -> None:
        """Read the code of exec("...") like the program's own, placed at the call."""
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return  # it fails when it runs, as the learner will see
        inner = _Scanner(tree, self.cell)
        inner.aliases = dict(self.aliases)
        for finding in inner.findings():
            self._flag(call, finding.reaches, finding.construct)

    def _patching(self, node: ast.Assign | ast.Delete | ast.AugAssign | ast.AnnAssign) -> None:
        """sys.stdout = ..., del os.write: changing a module the harness shares."""
        targets: list[ast.expr] = (
            list(node.targets) if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
        )
        while targets:
            target = targets.pop()
            if isinstance(target, (ast.Tuple, ast.List)):
                targets.extend(target.elts)
            elif isinstance(target, ast.Starred):
                targets.append(target.value)
            elif isinstance(target, ast.Attribute) and self._dotted(target.value) is not None:
                self._flag(target, "changing a module")


# The rule for each kind of node; kinds not listed have none of their own.
_RULES: dict[type[ast.AST], Callable[[_Scanner, Any], None]] = {
    ast.Name: _Scanner._name,
    ast.Attribute: _Scanner._attribute,
    ast.Call: _Scanner._call,
    ast.Subscript: _Scanner._subscript,
    ast.Constant: _Scanner._string,
    ast.Assign: _Scanner._patching,
    ast.AugAssign: _Scanner._patching,
    ast.AnnAssign: _Scanner._patching,
    ast.Delete: _Scanner._patching,
}


def _import_text(node: ast.AST, module: str) -> str:
    if isinstance(node, ast.ImportFrom):
        name = module.rsplit(".", 1)[-1] if module != node.module else "*"
        return f"from {node.module} import {name}"
    return f"import {module}"
