"""Instrumenting the learner's code before it runs, so the run records what it did.

Each cell's syntax tree is rewritten, keeping every line number, so that the run can
tell which line wrote each entry of a dictionary and inside which running loops:

- ``for T in X:`` iterates ``__grader_loop__(X, site)``, which marks the loop as running
  while its body runs;
- ``d[k] = v``, ``d[k] += v`` and ``del d[k]`` write through ``__grader_write__(d, site)``;
- ``d.update``, ``.setdefault``, ``.pop``, ``.popitem``, ``.clear``, ``.copy`` and
  ``.fromkeys`` are read through ``__grader_method__``, so a method passed around
  (``map(d.update, ...)``) still records its writes, and ``d |= x`` calls
  ``__grader_ior__``;
- dictionary displays and comprehensions are built through ``__grader_dict__``,
  ``__grader_parts__`` and ``__grader_comprehension__`` (a comprehension that only copies
  entries, ``{k: v for k, v in d.items()}``, is left as written: like ``dict(d)``, its
  entries keep the origin of the writes they copy);
- an attribute whose name the allowlist does not list is read through
  ``__grader_attr__``, which lets a program read it only on what the program made; an
  attribute set or deleted (``x.a = v``, ``del x.a``, ``x.a += v``, which reads it too)
  gets its object through ``__grader_owner__``, which lets a program change only what
  it made, and of anything else only a listed attribute of an object that is not a
  class;
- ``.format`` and ``.format_map`` are read through ``__grader_format__``, which holds a
  format string's fields to the same rule (a field reads attributes, out of sight of
  the syntax tree);
- a pattern that reads attributes where no guard can stand (``case C(x)``,
  ``case C(name=x)``: Python reads them by name; ``case a.__b__``, a dotted name in
  underscores) reads ``__grader_pattern__`` instead, which refuses it (the class
  pattern of a builtin type that matches itself, ``case int(x)``, reads none);
- code IPython runs in a timing function of its own (``%%timeit``, ``%timeit``) is put
  in a function and run as many times as IPython at least would.

The helpers live in the learner's builtins (grader/sandbox/harness/guards.py); their
names are reserved (a program that names one is outside the allowlist). The grader
instruments in its own process and sends compiled code when the child's interpreter
reads its bytecode; otherwise the child does it itself. Standard library only; ``ast``
is imported when a cell is instrumented, never when the harness starts.
"""

import builtins

TYPE_CHECKING = False
if TYPE_CHECKING:  # in the child, the files share one namespace (grader/sandbox/bundle.py)
    import ast
    from collections.abc import Callable
    from types import CodeType
    from typing import Any

    Parse = Callable[[str, str], ast.Module]

# The prefix of the names the instrumented code calls its helpers by: never a name of
# the program's (the allowlist's reader, grader/analysis/outside.py, holds to it too,
# and imports it from here: this file imports nothing of the grader's).
RESERVED = "__grader"
LOOP = RESERVED + "_loop__"
WRITE = RESERVED + "_write__"
METHOD = RESERVED + "_method__"
ATTRIBUTE = RESERVED + "_attr__"
DISPLAY = RESERVED + "_dict__"
PARTS = RESERVED + "_parts__"
COMPREHENSION = RESERVED + "_comprehension__"
IOR = RESERVED + "_ior__"
TIMED = RESERVED + "_timed__"
FORMAT = RESERVED + "_format__"
PATTERN = RESERVED + "_pattern__"
OWNER = RESERVED + "_owner__"

# Python's builtin names, which a comprehension that only copies entries may call
# (read once, not for every comprehension: builtins is loaded in every interpreter).
BUILTIN_NAMES = frozenset(dir(builtins))

# The methods that change a dictionary, or make one from another.
MUTATORS = frozenset({"update", "setdefault", "pop", "popitem", "clear", "copy", "fromkeys"})
# The methods that read attributes named in a text: a format string's fields.
FORMATTERS = frozenset({"format", "format_map"})
# The builtin types whose class pattern with one positional pattern binds the subject
# itself (Python's own list, ``case int(x)``), so that it reads no attribute; the
# allowlist's reader of the source holds to the same list.
SELF_MATCHING = frozenset(
    {
        "bool",
        "bytearray",
        "bytes",
        "dict",
        "float",
        "frozenset",
        "int",
        "list",
        "set",
        "str",
        "tuple",
    }
)


def prepare_cells(
    cells: "list[dict[str, Any]]",
    policy: "dict[str, Any] | None",
    compiled: bool,
    parse: "Parse | None" = None,
) -> "list[dict[str, Any]]":
    """Return the request's cells: each with its instrumented code when ``compiled``.

    ``parse`` makes each syntax tree (``ast.parse`` by default): the grader's process
    passes the one that takes its lock for trees (grader/analysis/trees.py), as its
    threads parse at once.

    Under a ``policy`` (the allowlist as plain data), the attribute names it lists are
    read without a guard, and others through one; with none, nothing is guarded. A cell
    whose code cannot be compiled goes with ``code`` None: the child compiles its source
    and reports the learner's own error.
    """
    safe = None if policy is None else list(policy["attributes"])
    prepared = []
    for cell in cells:
        entry = dict(cell)
        entry["safe"] = safe
        if compiled:
            entry["code"] = instrument(
                cell["source"], _filename(cell["number"]), cell["number"], entry, parse
            )
        prepared.append(entry)
    return prepared


def _filename(number: "int | None") -> str:
    """The file name a cell's code runs under, by which the harness knows learner frames."""
    return "<submission>" if number is None else f"<cell {number}>"


def instrument(
    source: str,
    filename: str,
    cell: "int | None",
    plan: "dict[str, Any]",
    parse: "Parse | None" = None,
) -> "CodeType | None":
    """Compile a cell with its writes, loops and guarded reads instrumented, or return None.

    ``plan`` holds ``safe`` (see prepare_cells) and ``timed``: [line, setup, loops,
    calls] for code IPython times in a function (line 0: the whole cell).
    """
    import ast

    parse = parse or ast.parse
    try:
        tree = parse(source, filename)
        safe = plan.get("safe")
        rewriter = _Rewriter(cell, None if safe is None else frozenset(safe))
        rewriter.visit(tree)
        for line, setup, loops, calls in plan.get("timed") or ():
            _time(tree, line, setup, loops, calls, rewriter, parse)
        ast.fix_missing_locations(tree)
        return compile(tree, filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
        return None


class _Rewriter:
    """Rewrite one cell's tree in place, children before their parent."""

    def __init__(self, cell: "int | None", safe: "frozenset[str] | None") -> None:
        self.cell = cell
        self.safe = safe

    def visit(self, node: "ast.AST") -> "ast.AST":
        import ast

        for field, value in ast.iter_fields(node):
            if _skipped(node, field):
                continue
            if isinstance(value, list):
                value[:] = [self.visit(v) if isinstance(v, ast.AST) else v for v in value]
            elif isinstance(value, ast.AST):
                setattr(node, field, self.visit(value))
        rule = _RULES.get(type(node).__name__)
        return node if rule is None else rule(self, node)

    def site(self, node: "ast.AST") -> "ast.Tuple":
        import ast

        # A tuple of constants: Python folds it into one constant.
        return ast.Tuple(
            [ast.Constant(self.cell), ast.Constant(getattr(node, "lineno", 0))], ast.Load()
        )

    def call(self, name: str, node: "ast.AST", *args: "ast.expr") -> "ast.Call":
        """A call of a helper by name, placed where ``node`` is."""
        import ast

        made = ast.Call(ast.Name(name, ast.Load()), list(args), [])
        return ast.copy_location(made, node)

    def loop(self, node: "ast.For") -> "ast.AST":
        node.iter = self.call(LOOP, node.iter, node.iter, self.site(node))
        return node

    def subscript(self, node: "ast.Subscript") -> "ast.AST":
        import ast

        if not isinstance(node.ctx, ast.Load):
            node.value = self.call(WRITE, node.value, node.value, self.site(node))
        return node

    def attribute(self, node: "ast.Attribute") -> "ast.AST":
        import ast

        name = ast.Constant(node.attr)
        if not isinstance(node.ctx, ast.Load):
            # Set, deleted, or read and set (`x.a += v`): the object is handed over
            # only once the guard lets the program change that attribute of it.
            if self.safe is not None:
                node.value = self.call(OWNER, node.value, node.value, name, self.site(node))
            return node
        if node.attr in MUTATORS:
            return self.call(METHOD, node, node.value, name, self.site(node))
        if self.safe is not None and node.attr in FORMATTERS:
            return self.call(FORMAT, node, node.value, name, self.site(node))
        if self.safe is not None and node.attr not in self.safe:
            return self.call(ATTRIBUTE, node, node.value, name, self.site(node))
        return node

    def display(self, node: "ast.Dict") -> "ast.AST":
        import ast

        if all(key is not None for key in node.keys):
            return self.call(DISPLAY, node, self.site(node), node)
        parts: list[ast.expr] = [
            ast.Tuple([value] if key is None else [key, value], ast.Load())
            for key, value in zip(node.keys, node.values, strict=True)
        ]
        return self.call(PARTS, node, self.site(node), *parts)

    def case(self, node: "ast.match_case") -> "ast.AST":
        """A case's patterns stay patterns: only what reads attributes is replaced."""
        import ast

        if self.safe is None:
            return node
        for part in ast.walk(node.pattern):
            if isinstance(part, ast.MatchClass):
                if reads_attributes(part):
                    part.cls = self.refused(part.cls)
                else:
                    part.cls = self.dotted(part.cls)
            elif isinstance(part, ast.MatchValue):
                part.value = self.dotted(part.value)
            elif isinstance(part, ast.MatchMapping):
                part.keys = [self.dotted(key) for key in part.keys]
        return node

    def dotted(self, node: "ast.expr") -> "ast.expr":
        """A dotted name in a pattern (a value, a mapping's key, a class): Python reads it
        with no guard, so one that names an attribute the allowlist does not is read
        through the pattern guard instead, as code reads it (the program's own
        constants, Color.RED, are its own)."""
        import ast

        spelled = value_name(node) if isinstance(node, ast.Attribute) else None
        if spelled is None or self.safe is None:
            return node
        if all(n.attr in self.safe for n in ast.walk(node) if isinstance(n, ast.Attribute)):
            return node
        made = ast.Attribute(ast.Name(PATTERN, ast.Load()), spelled, ast.Load())
        return ast.copy_location(made, node)

    def refused(self, node: "ast.expr") -> "ast.Attribute":
        """The dotted name that stands for a pattern no guard can read: it refuses."""
        import ast

        made = ast.Attribute(ast.Name(PATTERN, ast.Load()), "refused", ast.Load())
        return ast.copy_location(made, node)

    def comprehension(self, node: "ast.DictComp") -> "ast.AST":
        if copies(node):
            # Its entries are those of what it iterates, as dict(...) would take them:
            # each keeps the origin of the write that stored that value under that key.
            return node
        return self.call(COMPREHENSION, node, self.site(node), node)

    def augmented(self, node: "ast.AugAssign") -> "ast.AST":
        import ast

        target = node.target
        if not (isinstance(node.op, ast.BitOr) and isinstance(target, ast.Name)):
            return node
        name = target.id
        value = self.call(IOR, node, ast.Name(name, ast.Load()), node.value, self.site(node))
        return ast.copy_location(ast.Assign([ast.Name(name, ast.Store())], value), node)


def value_name(node: "ast.expr") -> "str | None":
    """Spell a dotted name (``Color.RED``) as one attribute name of the pattern guard's
    (grader/sandbox/harness/guards.py reads it back): each part's UTF-8 in hexadecimal,
    after a "v", joined by "_". None for anything but a dotted name."""
    import ast

    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return "v" + "_".join(part.encode("utf-8").hex() for part in reversed(parts))


def copies(node: "ast.DictComp") -> bool:
    """Whether a dict comprehension only copies entries: its key and value read no name
    but its own variables, a dictionary's entry at one of them, and Python's builtins
    (``{k: v for k, v in d.items()}``, ``{k: d[k] for k in d}``, ``{k: bool(v) ...}``),
    so nothing in it computes an answer from the program's other values."""
    import ast

    own = {
        n.id
        for generator in node.generators
        for n in ast.walk(generator.target)
        if isinstance(n, ast.Name)
    }
    parts = [inner for part in (node.key, node.value) for inner in ast.walk(part)]
    entries = {
        id(n.value)
        for n in parts
        if isinstance(n, ast.Subscript)
        and isinstance(n.value, ast.Name)
        and isinstance(n.slice, ast.Name)
        and n.slice.id in own
    }
    read = {n.id for n in parts if isinstance(n, ast.Name) and id(n) not in entries}
    return read <= own | BUILTIN_NAMES


def reads_attributes(node: "ast.MatchClass") -> bool:
    """Whether a class pattern reads attributes of its subject: any keyword pattern, and
    positional ones unless the class is a builtin type that matches itself."""
    import ast

    if node.kwd_patterns:
        return True
    if not node.patterns:
        return False
    builtin = isinstance(node.cls, ast.Name) and node.cls.id in SELF_MATCHING
    return not (builtin and len(node.patterns) == 1)


def _skipped(node: "ast.AST", field: str) -> bool:
    """Fields left as written: match patterns only (which must stay names;
    _Rewriter.case replaces what of them reads attributes). Every expression that may
    run is rewritten like any other, annotations included: Python evaluates those of a
    module, a class body and a function's signature as it reaches them, so one left as
    written would read attributes past every guard."""
    import ast

    return isinstance(node, ast.match_case) and field == "pattern"


_RULES: "dict[str, Callable[[_Rewriter, Any], ast.AST]]" = {
    "For": _Rewriter.loop,
    "Subscript": _Rewriter.subscript,
    "Attribute": _Rewriter.attribute,
    "Dict": _Rewriter.display,
    "DictComp": _Rewriter.comprehension,
    "match_case": _Rewriter.case,
    "AugAssign": _Rewriter.augmented,
}


def _time(
    tree: "ast.Module",
    line: int,
    setup: str,
    loops: int,
    calls: int,
    rewriter: _Rewriter,
    parse: "Parse",
) -> None:
    """Put timed code in a function IPython-style and call it ``calls`` times.

    IPython's timeit compiles ``def inner(_it, _timer): setup; for _i in _it: stmt``, so
    what the code assigns stays in the function; it runs the function once to calibrate
    and then ``-r`` times (7), each time ``-n`` loops (1 at the least), or exactly
    ``-r`` times ``-n`` loops when ``-n`` is given.
    """
    import ast

    chosen = [s for s in tree.body if s.lineno == line] if line else list(tree.body)
    if not chosen:
        return
    first, last = chosen[0], chosen[-1]
    prelude: list[ast.stmt] = []
    if setup.strip():
        prelude = parse(setup, "<setup>").body
        for statement in prelude:
            ast.increment_lineno(statement, first.lineno - statement.lineno)
            rewriter.visit(statement)
    counter = ast.Name(RESERVED + "_i__", ast.Store())
    inner = ast.For(counter, _range(loops), chosen, [])
    function = ast.FunctionDef(
        TIMED, ast.arguments([], [], None, [], [], None, []), [*prelude, inner], [], None
    )
    again = ast.For(
        ast.Name(RESERVED + "_i__", ast.Store()),
        _range(calls),
        [ast.Expr(ast.Call(ast.Name(TIMED, ast.Load()), [], []))],
        [],
    )
    for made in (function, inner):
        ast.copy_location(made, first)
    ast.copy_location(again, last)
    where = tree.body.index(first)
    tree.body[where : where + len(chosen)] = [function, again]


def _range(count: int) -> "ast.Call":
    import ast

    return ast.Call(ast.Name("range", ast.Load()), [ast.Constant(max(1, count))], [])
