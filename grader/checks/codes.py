"""Mistake codes, read from the rules themselves: what each kit function declares, and what
each step's rule can give.

Every code a rule can give must be declared by its step, so that a typo never reaches a
gradebook; this module lets that be checked when an exercise loads, before anything is
graded. A kit function declares the codes it can return with ``@declares``; a rule's
codes are read from its syntax tree and from the functions it calls, following them
through the exercise's own modules and the kit:

- a code written out where a verdict takes one: an argument to a parameter named
  ``code`` (``fail(message, "no-loop")``, ``Verdict(False, message, "not-dict")``,
  ``broke_with(..., "fails-other-value")``), or a ``code="..."`` keyword;
- a ``(code, message)`` pair written out, the shape helpers like ``value_problem`` hand
  back;
- the codes a called function declares (``exists``, ``equals``...), less those its call
  switches off (``exists(..., guess=False)`` never says ``name``);
- ``fix_first(N, ...)``, which says ``needs-stepN``: N must be one of the step's
  ``requires`` or ``after``.

A code that is not written out (``stop.code``) is one that came from a function the rule
called, whose codes are counted there. The engine's codes pass through as they are.
"""

from __future__ import annotations

import ast
import builtins
import functools
import inspect
import os
import types
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from grader.analysis import trees
from grader.checks.case import StepRules, fix_first
from grader.feedback.mistakes import CODE_PATTERN, ENGINE

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Declared:
    """The codes a function can return.

    ``codes`` are step-local codes; a ``{name}`` in one is filled with the call's
    argument ``name`` (or any of ``choices[name]`` when the call does not write it out).
    ``unless`` maps a code to a parameter that switches it off when a call passes False.
    ``passes`` says that the function also passes on the engine's code of an error that
    stopped the program (``syntax-error``, ``name-error``...).
    """

    codes: tuple[str, ...]
    passes: bool = False
    unless: Mapping[str, str] = field(default_factory=dict)
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def possible(self) -> tuple[str, ...]:
        """Every code it can return, each ``{name}`` filled with every choice."""
        return tuple(code for template in self.codes for code in self._filled(template, {}))

    def _filled(self, template: str, given: Mapping[str, Any]) -> list[str]:
        for name, values in self.choices.items():
            if "{" + name + "}" in template:
                chosen = [given[name]] if isinstance(given.get(name), str) else list(values)
                return [
                    code
                    for value in chosen
                    for code in self._filled(template.replace("{" + name + "}", value), given)
                ]
        return [template]

    def at_call(self, given: Mapping[str, Any]) -> list[str]:
        """The codes a call can get back, given the arguments it writes out."""
        return [
            code
            for template in self.codes
            if given.get(self.unless.get(template, ""), True) is not False
            for code in self._filled(template, given)
        ]


def declares(
    *codes: str,
    passes: bool = False,
    unless: Mapping[str, str] | None = None,
    choices: Mapping[str, tuple[str, ...]] | None = None,
) -> Callable[[F], F]:
    """Declare the codes a rule-building function can return (see Declared)."""

    def mark(function: F) -> F:
        function.__dict__["declared"] = Declared(codes, passes, unless or {}, choices or {})
        return function

    return mark


def declared(function: object) -> Declared | None:
    """Return what a function declares, if it declares anything."""
    found = getattr(function, "__dict__", {}).get("declared")
    return found if isinstance(found, Declared) else None


@dataclass(frozen=True)
class Found:
    """A code a rule can give, and where it is written."""

    code: str
    file: str
    line: int

    def place(self) -> str:
        """Say where: the file's name and the line."""
        return f"{Path(self.file).name}, line {self.line}"


# -- reading a function -------------------------------------------------------------------


def _definitions(file: str) -> dict[tuple[str, int], ast.AST]:
    """Every function defined in a source file, by (name, first line with decorators)."""
    try:
        status = os.stat(file)
    except OSError:
        return {}
    return _parsed(file, status.st_mtime_ns, status.st_size)


@functools.lru_cache(maxsize=64)
def _parsed(file: str, mtime: int, size: int) -> dict[tuple[str, int], ast.AST]:
    """The functions of a file as it is at this time and size (see _definitions)."""
    try:
        tree = trees.parse(Path(file).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return {}
    return {
        (node.name, min([node.lineno, *(d.lineno for d in node.decorator_list)])): node
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }


def _definition(function: types.FunctionType) -> tuple[str, ast.AST] | None:
    """Find a function's definition in its source file."""
    try:
        file = inspect.getsourcefile(function)
    except TypeError:
        return None
    if file is None:
        return None
    node = _definitions(file).get((function.__name__, function.__code__.co_firstlineno))
    return None if node is None else (file, node)


def _resolve(node: ast.expr, namespace: Mapping[str, Any]) -> object:
    """The object a name or a dotted name stands for in a module, if it can be told."""
    if isinstance(node, ast.Name):
        return namespace[node.id] if node.id in namespace else getattr(builtins, node.id, None)
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, namespace)
        if isinstance(base, (types.ModuleType, type)):
            return getattr(base, node.attr, None)
    return None


def _arguments(function: object, call: ast.Call) -> dict[str, ast.expr]:
    """Map a call's arguments to the parameters of the function it calls, where it can."""
    try:
        parameters = list(inspect.signature(function).parameters.values())  # type: ignore[arg-type]
    except (TypeError, ValueError):
        parameters = []
    bound: dict[str, ast.expr] = {}
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    for parameter, argument in zip(positional, call.args, strict=False):
        if isinstance(argument, ast.Starred):
            break
        bound[parameter.name] = argument
    bound.update({k.arg: k.value for k in call.keywords if k.arg is not None})
    return bound


def _literal(node: ast.expr | None) -> Any:
    """The value of a literal argument, or None when it is not one."""
    if isinstance(node, ast.Constant):
        return node.value
    return None


def _pair_code(node: ast.Tuple) -> str | None:
    """The code of a ``(code, message)`` pair written out, if the tuple is one."""
    if len(node.elts) != 2:
        return None
    first, second = node.elts
    code = _literal(first)
    text = isinstance(second, ast.JoinedStr) or (
        isinstance(_literal(second), str) and " " in second.value  # type: ignore[attr-defined]
    )
    return code if isinstance(code, str) and CODE_PATTERN.match(code) and text else None


class Reader:
    """Reads the codes a rule can give, following the functions it calls."""

    def __init__(self, home: str) -> None:
        # Functions of this module, or of modules in this package, are read too: the
        # exercise's own helpers.
        self.home = home
        self.seen: set[types.FunctionType] = set()
        self.found: list[Found] = []
        # (file, line, step number) of each fix_first call with its step written out.
        self.needs: list[tuple[str, int, int]] = []

    def read(self, function: object) -> None:
        """Add the codes a function can give."""
        if not isinstance(function, types.FunctionType) or function in self.seen:
            return
        self.seen.add(function)
        definition = _definition(function)
        if definition is None:
            return
        file, node = definition
        for inner in ast.walk(node):
            if isinstance(inner, ast.Tuple) and (code := _pair_code(inner)) is not None:
                self.found.append(Found(code, file, inner.lineno))
            elif isinstance(inner, ast.Call):
                self._call(function.__globals__, file, inner)
            elif isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Load):
                self._named(_resolve(inner, function.__globals__))

    def _named(self, value: object) -> None:
        """Read the rules a function names without calling them: a table of rules (a
        tuple of functions, or of pairs holding one) is called through a loop."""
        if isinstance(value, types.FunctionType):
            if declared(value) is None and self._readable(value):
                self.read(value)
        elif isinstance(value, tuple):
            for item in value:
                if isinstance(item, (tuple, types.FunctionType)):
                    self._named(item)

    def _call(self, namespace: Mapping[str, Any], file: str, call: ast.Call) -> None:
        callee = _resolve(call.func, namespace)
        if callee is None or getattr(callee, "__module__", None) == "builtins":
            # A method of a value (case.value), or len(), any()...: only code= counts.
            code = next((_literal(k.value) for k in call.keywords if k.arg == "code"), None)
            if isinstance(code, str):
                self.found.append(Found(code, file, call.lineno))
            return
        given = _arguments(callee, call)
        if callee is fix_first:
            earlier = _literal(given.get("earlier"))
            if isinstance(earlier, int):
                self.needs.append((file, call.lineno, earlier))
            return
        said = declared(callee)
        if said is not None:
            literals = {name: _literal(value) for name, value in given.items()}
            self.found.extend(Found(c, file, call.lineno) for c in said.at_call(literals))
            return
        code = _literal(given.get("code"))
        if isinstance(code, str):
            self.found.append(Found(code, file, call.lineno))
        if self._readable(callee):
            self.read(callee)

    def _readable(self, callee: object) -> bool:
        module = getattr(callee, "__module__", "") or ""
        return at_home(module, self.home) or module.startswith("grader.checks.")


def home_of(rule: object) -> str:
    """The package of the module that holds a rule (the module itself at the top level)."""
    module = getattr(rule, "__module__", "") or ""
    return module.rpartition(".")[0] or module


def at_home(module: str, home: str) -> bool:
    """Whether a module is a home (see home_of) or in it."""
    return module == home or module.startswith(home + ".")


def codes_of(rule: object) -> Reader:
    """Read the codes a rule can give."""
    reader = Reader(home_of(rule))
    reader.read(rule)
    return reader


def problems(step: StepRules) -> Iterator[str]:
    """Say what a step's rule can give that the step does not declare, one line each."""
    reader = codes_of(step.rule)
    earlier = (*step.requires, *step.after)
    allowed = set(step.mistakes) | {f"needs-step{n}" for n in earlier} | set(ENGINE)
    said: set[str] = set()
    for found in reader.found:
        if found.code not in allowed and found.code not in said:
            said.add(found.code)
            yield (
                f"step {step.number}'s rule can give the code {found.code!r} "
                f"({found.place()}), which the step does not declare in its mistakes"
            )
    for file, line, number in reader.needs:
        if number not in earlier:
            yield (
                f"step {step.number}'s rule says fix step {number} first "
                f"({Path(file).name}, line {line}), but step {number} is not in its "
                "requires or after"
            )
