"""Diagnoses read from the learner's code: the construct behind an error, in their terms.

Python's error names a symptom (a name "is not defined", a list "indices must be
integers"); the learner's line usually shows the cause (`load == 7` where `=` was meant,
`[]` where `{}` was meant). Each rule here looks at the failing statement's syntax tree,
the program's other statements and the error's message, and says what the learner wrote,
why it does not do what they meant, and the line to write instead, built from their own
names. Rules are tried in order (the table at the end); the first that recognises the
error wins, and an error no rule recognises keeps the general advice of grader.feedback.explain.

Nothing here knows an exercise: every name shown comes from the learner's code.
"""

from __future__ import annotations

import ast
import builtins
import difflib
import re

from grader.analysis.source import source_text, target_names
from grader.feedback.names import builtin_misspelled, created_later, in_markdown
from grader.feedback.scene import Diagnosis, Rule, Scene, place, scene_of
from grader.load import Program
from grader.sandbox import Error, Execution
from grader.sandbox.values import decode

_BUILTIN_NAMES = frozenset(name for name in dir(builtins) if not name.startswith("_"))


def diagnose(error: Error, program: Program, execution: Execution) -> Diagnosis | None:
    """Return (mistake code, advice) for an error a rule recognises in the code, else None."""
    scene = scene_of(error, program, execution)
    for rule in RULES.get(error.type, ()):
        found = rule(scene)
        if found is not None:
            return found
    return None


# -- `==` where `=` was meant ---------------------------------------------------------


def compare_not_store(scene: Scene) -> Diagnosis | None:
    """`load == 7` or `d[k] == v` on a line of its own: a comparison, not an assignment."""
    node = scene.statement
    if not (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Compare)
        and len(node.value.ops) >= 1
        and isinstance(node.value.ops[0], ast.Eq)
        and isinstance(node.value.left, (ast.Name, ast.Subscript))
    ):
        return None
    compare = node.value
    target = source_text(compare.left)
    rest = ast.Compare(compare.comparators[0], compare.ops[1:], compare.comparators[1:])
    value = source_text(compare.comparators[0] if len(compare.ops) == 1 else rest)
    # The error comes from the comparison reading what was never stored: said as such.
    read = "the entry" if isinstance(compare.left, ast.Subscript) else "the variable"
    missing = re.search(r"name '(\w+)' is not defined", scene.error.message)
    if not (
        (read == "the entry" and scene.error.type == "KeyError")
        or (missing is not None and missing.group(1) == target)
    ):
        return "compare-not-store", (
            f"`{source_text(compare)}` compares `{target}` with `{value}` and stores "
            f"nothing. `==` compares, `=` stores: write `{target} = {value}`."
        )
    return "compare-not-store", (
        f"To compare with `==`, Python first reads {read} `{target}`, which was never "
        f"stored: hence the {scene.error.type}. `==` compares, `=` stores: write "
        f"`{target} = {value}`."
    )


def unknown_key(scene: Scene) -> Diagnosis | None:
    """`d['key']` read with a key the dictionary never gets: its keys, the nearest first.

    The dictionary's keys are those it holds when the program ends; a key it gets later
    (read before it is stored) is left to the general advice.
    """
    if scene.error.type != "KeyError" or scene.statement is None:
        return None
    for node in ast.walk(scene.statement):
        if not (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and isinstance(node.slice, ast.Constant)
            and type(node.slice.value) is str
        ):
            continue
        key, name = node.slice.value, node.value.id
        held = decode(scene.execution.values.get(name))
        if type(held) is not dict or key in held:
            continue
        keys = [k for k in held if type(k) is str]
        if not keys:
            continue
        listed = ", ".join(repr(k) for k in keys[:6]) + (", ..." if len(keys) > 6 else "")
        near = difflib.get_close_matches(key, keys, n=1, cutoff=0.8)
        change = f"Write {near[0]!r}, the key it has that is nearest" if near else "Use one of them"
        return "key-error", (
            f"`{name}` has no key {key!r}: its keys are {listed}. {change}, or remove the "
            "line if you no longer need it."
        )
    return None


# -- a dictionary used like a list ------------------------------------------------------


def _loop_key(scene: Scene) -> str:
    """The first variable of the loop around the error, a dictionary's natural key."""
    for loop in reversed(scene.loops):
        names = target_names(loop.target)
        if names:
            return names[0]
    return "key"


def dict_append(scene: Scene) -> Diagnosis | None:
    """`d.append(x)` on a dictionary: a dictionary stores a value under a key."""
    match = re.fullmatch(
        r"'dict' object has no attribute '(append|extend|insert|add|push)'", scene.error.message
    )
    call = _calls_method(scene.statement, match.group(1)) if match else None
    if call is None:
        return None
    owner = source_text(call.func.value)  # type: ignore[attr-defined]
    value = source_text(call.args[-1]) if call.args else "value"
    key = _loop_key(scene)
    if call.args and isinstance(call.args[-1], ast.Dict) and len(call.args[-1].keys) == 1:
        # `.append({k: v})`: the entry is written out already; store it under its key.
        entry = call.args[-1]
        key = source_text(entry.keys[0]) if entry.keys[0] is not None else key
        value = source_text(entry.values[0])
    method = match.group(1)  # type: ignore[union-attr]
    whose = {"add": "a set's", "push": "another language's"}.get(method, "a list's")
    return "attribute-error.dict-append", (
        f"`{owner}` is a dictionary, and a dictionary has no `.{method}()` "
        f"(that is {whose}). A dictionary stores each value under a key: write "
        f"`{owner}[{key}] = {value}`."
    )


def not_a_dict(scene: Scene) -> Diagnosis | None:
    """`x.items()` where x is a set, a list, a string: only a dictionary has `.items()`."""
    match = re.fullmatch(
        r"'(\w+)' object has no attribute '(items|keys|values)'", scene.error.message
    )
    if match is None or match.group(1) == "dict" or scene.statement is None:
        return None
    kind, method = match.groups()
    owner = next(
        (
            source_text(n.value)
            for n in ast.walk(scene.statement)
            if isinstance(n, ast.Attribute) and n.attr == method
        ),
        "",
    )
    if not owner:
        return None
    return "attribute-error.not-dict", (
        f"`{owner}` is a {_KINDS.get(kind, kind)}, not a dictionary, so it has no "
        f"`.{method}()`. Make `{owner}` a dictionary, with a colon between each key and its "
        "value: `{'key': 1}`."
    )


_KINDS = {"set": "set", "list": "list", "str": "string", "tuple": "tuple", "int": "number"}


def _calls_method(node: ast.AST | None, method: str) -> ast.Call | None:
    if node is None:
        return None
    return next(
        (
            n
            for n in ast.walk(node)
            if isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and n.func.attr == method
        ),
        None,
    )


def list_not_dict(scene: Scene) -> Diagnosis | None:
    """`d = []` then `d[key] = ...`: a list is numbered, a dictionary is keyed."""
    if "list indices must be integers" not in scene.error.message or scene.statement is None:
        return None
    stored = [
        n.value
        for n in ast.walk(scene.statement)
        if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name)
    ]
    for name in (n.id for n in stored if isinstance(n, ast.Name)):
        made = next(
            (
                a
                for a in scene.source.assignments(name)
                if isinstance(a.node, ast.Assign) and isinstance(a.node.value, ast.List)
            ),
            None,
        )
        if made is not None:
            return "type-error.list-not-dict", (
                f"`{source_text(made.node)}` ({place(made.location, scene.location)}) makes "
                f"`{name}` a list, and a list's places are numbered 0, 1, 2. To store values "
                f"under keys, make it a dictionary with curly braces: `{name} = {{}}`."
            )
    return None


# -- a method named, not called ---------------------------------------------------------


def not_called(scene: Scene) -> Diagnosis | None:
    """`for k, v in d.items:` — the method itself, not what calling it gives."""
    if not re.search(r"'(builtin_function_or_method|method)' object is not", scene.error.message):
        return None
    node = scene.statement
    candidates: list[ast.AST] = []
    if isinstance(node, ast.For):
        candidates.append(node.iter)
    if node is not None:
        candidates.extend(ast.walk(node))
    for candidate in candidates:
        if isinstance(candidate, ast.Attribute) and not _is_called(node, candidate):
            written = source_text(candidate)
            return "type-error.not-called", (
                f"`{written}` has no brackets, so the method is not called: add them, "
                f"`{written}()`, to get what it gives back."
            )
    return None


def _is_called(tree: ast.AST | None, attribute: ast.Attribute) -> bool:
    return tree is not None and any(
        isinstance(n, ast.Call) and n.func is attribute for n in ast.walk(tree)
    )


# -- comparing text with a number -------------------------------------------------------


def compare_key(scene: Scene) -> Diagnosis | None:
    """`strategy >= load` in `for strategy, capacity in d.items()`: the key, not the value."""
    if "not supported between instances of" not in scene.error.message:
        return None
    compares = [
        n for n in ast.walk(scene.statement or ast.Module([], [])) if isinstance(n, ast.Compare)
    ]
    if not compares:
        return None
    quoted = next(
        (
            c
            for compare in compares
            for c in ast.walk(compare)
            if isinstance(c, ast.Constant) and isinstance(c.value, str)
        ),
        None,
    )
    if quoted is not None and str(quoted.value) in _bound(scene):
        name = str(quoted.value)
        return "type-error.compare-str", (
            f"The quotes make `{source_text(quoted)}` the word {name} itself, not the "
            f"variable `{name}`, and a word cannot be compared with a number. Remove them: "
            f"`{source_text(compares[0]).replace(source_text(quoted), name, 1)}`."
        )
    if quoted is not None:
        number = str(quoted.value).strip()
        bare = f", `{number}`" if re.fullmatch(r"-?\d+(\.\d+)?", number) else ""
        return "type-error.compare-str", (
            f"`{source_text(quoted)}` is text, because of its quotes, and text cannot be "
            f"compared with a number: write the number without quotes{bare}."
        )
    read = {n.id for compare in compares for n in ast.walk(compare) if isinstance(n, ast.Name)}
    for loop in reversed(scene.loops):
        names = target_names(loop.target)
        if (
            names
            and len(names) == 2
            and names[0] in read
            and names[1] not in read
            and isinstance(loop.iter, ast.Call)
            and isinstance(loop.iter.func, ast.Attribute)
            and loop.iter.func.attr == "items"
        ):
            key, value = names
            owner = source_text(loop.iter.func.value)
            if _used_as_key(loop, value):
                # The value's variable is the one used as a key: the loop's two names and
                # the way the body uses them disagree. Which side to change is for the
                # repair search to verify; said here, only what each name holds.
                header = f"for {key}, {value} in {owner}.items():"
                return "type-error.swapped-targets", (
                    f"In `{header}`, `.items()` gives each key first and its value second: "
                    f"`{key}` gets the keys (text) and `{value}` the values (numbers). This line "
                    f"uses them the other way round: it compares `{key}`, and stores under "
                    f"`{value}`."
                )
            compare = next(
                c
                for c in compares
                if any(isinstance(n, ast.Name) and n.id == key for n in ast.walk(c))
            )
            fixed = (
                source_text(compare).replace(key, value, 1)
                if source_text(compare).startswith(key)
                else ""
            )
            return "type-error.compare-key", (
                f"`{key}` holds each key of `{owner}`, which is text; the number is "
                f"`{value}`, the key's value. Compare the number"
                + (f": `{fixed}`." if fixed else f": use `{value}` in place of `{key}`.")
            )
    for name in sorted(read):
        made = next(
            (
                a
                for a in scene.source.assignments(name)
                if isinstance(a.node, ast.Assign)
                and isinstance(a.node.value, ast.Constant)
                and isinstance(a.node.value.value, str)
            ),
            None,
        )
        if made is not None:
            return "type-error.compare-str", (
                f"`{source_text(made.node)}` ({place(made.location, scene.location)}) "
                f"makes `{name}` text, because of the quotes, so it cannot be compared with a "
                f"number. Remove the quotes."
            )
    return None


def _bound(scene: Scene) -> set[str]:
    """The names the program assigns at some point."""
    return {
        n.id
        for item in scene.source.nodes()
        for n in ast.walk(item.node)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }


def _used_as_key(loop: ast.For, name: str) -> bool:
    """Whether a loop's body stores an entry under a variable: ``d[name] = ...``."""
    return any(
        isinstance(node, ast.Subscript)
        and isinstance(node.ctx, ast.Store)
        and isinstance(node.slice, ast.Name)
        and node.slice.id == name
        for node in ast.walk(loop)
    )


# -- a builtin hidden by the learner's own name -----------------------------------------


def shadowed_builtin(scene: Scene) -> Diagnosis | None:
    """`class dict:` or `print = ...`: the learner's name hides Python's own."""
    mentioned = set(re.findall(r"'(\w+)'", scene.error.message))
    if scene.statement is not None:
        mentioned |= {
            n.func.id
            for n in ast.walk(scene.statement)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        }
    for item in scene.source.nodes():
        node = item.node
        name = ""
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            name, what = node.name, f"a {'class' if isinstance(node, ast.ClassDef) else 'function'}"
        elif isinstance(node, ast.Assign) and not item.loops:
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            name, what = (names[0] if names else ""), "a variable"
        if name in mentioned and name in _BUILTIN_NAMES:
            return "shadowed-builtin", (
                f"Your code makes {what} named `{name}` ({item.location.describe()}), which "
                f"hides Python's own `{name}` from there on. Give yours another name."
            )
    return None


RULES: dict[str, tuple[Rule, ...]] = {
    "NameError": (compare_not_store, in_markdown, created_later, builtin_misspelled),
    "KeyError": (compare_not_store, unknown_key),
    "AttributeError": (dict_append, not_a_dict, shadowed_builtin),
    "TypeError": (list_not_dict, not_called, compare_key, shadowed_builtin),
}
