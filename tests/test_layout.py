"""The package's layout: one way down, no circles, and no module reaching into another's privates.

The layers run from the model up to the command line; a module may import from its own
layer and the layers below it, never above. Imports under TYPE_CHECKING and imports
inside functions count like any other: a reader follows them all the same.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "grader"

# Bottom to top. A module belongs to the layer of the longest prefix it matches.
LAYERS: tuple[tuple[str, ...], ...] = (
    # trees: every syntax tree and compile of learner text, under one lock, for all.
    # instrument: the harness's rewriting of learner code, standard library only, whose
    # reserved names and patterns the allowlist's reader of the source shares.
    (
        "grader.result",
        "grader.safe",
        "grader.stopping",
        "grader.analysis.trees",
        "grader.sandbox.harness.instrument",
    ),
    ("grader.load",),
    ("grader.analysis",),
    ("grader.sandbox",),
    ("grader.feedback",),
    ("grader.checks.case", "grader.checks.codes", "grader.checks.judge", "grader.checks.kit"),
    # The repair search verifies an edit by judging it: it sits above the judging.
    ("grader.feedback.search",),
    ("grader.exercise",),
    ("grader.checks",),
    ("grader.exercises",),
    ("grader.grade",),
    ("grader.report",),
    ("grader.frontends",),
    (
        "grader.cli",
        "grader.__main__",
        "grader",
        "grader.render",
        "grader.merge",
        "grader.changes",
        "grader.upload",
        "grader.mistakes",
    ),
)


def module_name(path: Path) -> str:
    """Return the dotted name of a module file of the package."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    """Return every module of the package, by dotted name."""
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(name: str) -> int:
    """Return the index of the layer a module belongs to: its longest matching prefix's."""
    found = [
        (len(p), index)
        for index, prefixes in enumerate(LAYERS)
        for p in prefixes
        if name == p or name.startswith(p + ".")
    ]
    if not found:
        raise AssertionError(f"{name} is in no layer; add it to LAYERS")
    return max(found)[1]


def imports_of(name: str, path: Path) -> list[tuple[str, str | None]]:
    """Return (module, imported name or None) for every grader import of a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            for alias in node.names:
                found.append((base, alias.name))
    return [(m, n) for m, n in found if m == "grader" or m.startswith("grader.")]


def resolved(module: str, imported: str | None, known: dict[str, Path]) -> str:
    """Return the module an import depends on: a submodule when it names one."""
    if imported is not None and f"{module}.{imported}" in known:
        return f"{module}.{imported}"
    return module


def graph() -> dict[str, set[str]]:
    """Return each module's grader imports, as modules."""
    known = modules()
    return {
        name: {resolved(m, n, known) for m, n in imports_of(name, path)} - {name}
        for name, path in known.items()
    }


def test_every_module_sits_in_a_layer() -> None:
    """Each module of the package is placed in the layer order."""
    assert [n for n in modules() if not _placed(n)] == []


def _placed(name: str) -> bool:
    try:
        layer_of(name)
    except AssertionError:
        return False
    return True


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    """Data flows one way: load, run, check, result, report; nothing imports upwards."""
    upward = sorted(
        f"{name} -> {target}"
        for name, targets in graph().items()
        for target in targets
        if target != "grader" and layer_of(target) > layer_of(name)
    )
    assert upward == []


def test_the_imports_have_no_circle() -> None:
    """No module reaches itself by following imports (package __init__ files re-export)."""
    edges = {
        name: {t for t in targets if not _is_parent(t, name)} for name, targets in graph().items()
    }
    circles = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                circles.append(" -> ".join([*trail[trail.index(target) :], target]))
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name, [name])
    assert circles == []


def _is_parent(target: str, name: str) -> bool:
    """Whether target is a package that holds name (its __init__ runs first anyway)."""
    return name.startswith(target + ".")


def test_no_module_imports_another_modules_private_name() -> None:
    """A name with a leading underscore stays in its module."""
    private = sorted(
        f"{name}: from {module} import {imported}"
        for name, path in modules().items()
        for module, imported in imports_of(name, path)
        if imported is not None and imported.startswith("_") and not imported.startswith("__")
    )
    assert private == []


@pytest.mark.parametrize("name", sorted(modules()))
def test_every_module_says_what_it_owns(name: str) -> None:
    """Each module opens with a docstring."""
    tree = ast.parse(modules()[name].read_text(encoding="utf-8"))
    assert ast.get_docstring(tree)


# -- one door for syntax trees -----------------------------------------------------------

# The grader parses on several threads; CPython 3.11 before 3.11.8 fails a parse that
# meets another thread's (python/cpython#106905). grader/analysis/trees.py parses under
# one lock. The harness is no exception: the grader's process instruments learner code
# with it (grader.sandbox.harness.instrument), so a harness function that parses takes
# the parser it is handed (the lock's in the grader, ast.parse alone in the child).
TREES = "grader.analysis.trees"


def _makes_trees(tree: ast.AST) -> bool:
    """Whether code calls ast.parse or ast.literal_eval, or compile() with a flags argument
    (PyCF_ONLY_AST)."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        parses = (
            isinstance(function, ast.Attribute)
            and function.attr == "parse"
            and isinstance(function.value, ast.Name)
            and function.value.id == "ast"
        )
        # ast.literal_eval of a string parses it first.
        evaluates_text = (
            isinstance(function, ast.Attribute)
            and function.attr == "literal_eval"
            and isinstance(function.value, ast.Name)
            and function.value.id == "ast"
        )
        compiles_to_a_tree = (
            isinstance(function, ast.Name)
            and function.id == "compile"
            and (len(node.args) > 3 or any(k.arg == "flags" for k in node.keywords))
        )
        if parses or evaluates_text or compiles_to_a_tree:
            return True
    return False


def test_every_syntax_tree_of_the_grader_is_made_in_one_place() -> None:
    """Only grader.analysis.trees calls ast.parse: every parse takes its lock."""
    makers = sorted(
        name
        for name, path in modules().items()
        if name != TREES and _makes_trees(ast.parse(path.read_text(encoding="utf-8")))
    )
    assert makers == []


def _compiles(tree: ast.AST) -> bool:
    """Whether code calls the built-in compile()."""
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "compile"
        for node in ast.walk(tree)
    )


def test_every_compile_of_learner_text_is_quiet_and_in_one_place() -> None:
    """Only grader.analysis.trees compiles in the grader's process: Python's warnings
    about learner code never reach the grader's stderr. (The harness compiles in the
    child, as Python would; in the grader's process it runs under trees.quietly.)"""
    makers = sorted(
        name
        for name, path in modules().items()
        if name != TREES
        and not name.startswith("grader.sandbox.harness")
        and _compiles(ast.parse(path.read_text(encoding="utf-8")))
    )
    assert makers == []


def test_the_door_check_sees_a_parse() -> None:
    """The check above finds both ways of making a tree, and not a plain compile."""
    assert _makes_trees(ast.parse("import ast\nast.parse(text)"))
    assert _makes_trees(ast.parse("import ast\nast.literal_eval(text)"))
    assert _makes_trees(ast.parse("compile(text, '<x>', 'exec', ast.PyCF_ONLY_AST)"))
    assert not _makes_trees(ast.parse("compile(text, '<x>', 'exec', dont_inherit=True)"))


# -- rules as tables of small rules -------------------------------------------------------

# Where the rules live: a function here stays short and has few branches; a longer one
# is a table of small rules, as grader/feedback/diagnose.py is.
RULES = ("checks", "exercises")
MAX_LINES, MAX_COMPLEXITY = 60, 15


def complexity(function: ast.AST) -> int:
    """Cyclomatic complexity: one, plus one per branch, loop, handler and extra condition."""
    count = 1
    for node in ast.walk(function):
        if isinstance(node, (ast.If, ast.For, ast.While, ast.IfExp, ast.ExceptHandler)):
            count += 1
        elif isinstance(node, ast.BoolOp):
            count += len(node.values) - 1
        elif isinstance(node, ast.comprehension):
            count += 1 + len(node.ifs)
        elif isinstance(node, ast.match_case):
            count += 1
    return count


def test_the_rules_are_small_functions() -> None:
    """No function of the checks or the exercises runs over 60 lines or 15 branches."""
    large = []
    for folder in RULES:
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            shown = str(path.relative_to(PACKAGE.parent))
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    size = (node.end_lineno or node.lineno) - node.lineno + 1
                    if size > MAX_LINES or complexity(node) > MAX_COMPLEXITY:
                        large.append(f"{shown}:{node.lineno} {node.name}")
    assert large == []


def test_complexity_counts_branches_and_conditions() -> None:
    """The measure above: a plain function is 1; if, `and`, a loop and a filter add."""
    source = "def f(x):\n    if x and x > 1:\n        return [y for y in x if y]\n    return 0\n"
    assert complexity(ast.parse(source).body[0]) == 1 + 1 + 1 + 2
