"""The plug-in point: what an exercise gives the engine, and how one is found.

An exercise is a package (or a folder with a ``spec.py``) that defines ``EXERCISE``, an
:class:`Exercise`: its steps with their titles, hints, prerequisites and rules, the names
it reads, how to vary a run, how to read the expected values out of its reference
solution, its mistake codes and any advice it gives instead of the engine's. The engine
(load, run, check, result, report) receives it and names nothing of it.
"""

from __future__ import annotations

import hashlib
import importlib
import sys
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.analysis.allowlist import DEFAULT, Allowlist
from grader.feedback.mistakes import CODE_PATTERN, ENGINE
from grader.load import load
from grader.sandbox import Limits, Run, run

if TYPE_CHECKING:
    from grader.checks.case import Case, Verdict

# The exercise graded when none is named.
BUILTIN = "grader.exercises.scaling"
# The module of an exercise folder that defines EXERCISE.
SPEC = "spec.py"


@dataclass(frozen=True)
class Step:
    """One step: as the learner sees it, what it needs first, and the rule that judges it.

    ``requires`` maps each earlier step whose failure keeps this one from being judged to
    the name this step uses from it; the engine then says "Fix step N first" instead of
    running the rule. ``after`` lists earlier steps the rule may name as the thing to fix
    first (see grader.checks.kit.fix_first). ``mistakes`` maps the step's own mistake
    codes, without the ``stepN.`` prefix the engine adds, to one line for course staff.
    """

    number: int
    title: str
    instruction: str
    hint: str
    rule: Callable[[Case], Verdict]
    # The step asks for output: a failure shows the learner what their program printed.
    about_output: bool = False
    mistakes: Mapping[str, str] = field(default_factory=dict)
    requires: Mapping[int, str] = field(default_factory=dict)
    after: tuple[int, ...] = ()
    # The step's own codes (without ``stepN.``) under which its hint helps: by default
    # only when the step was not attempted. Elsewhere the feedback says what to do, and
    # a hint beside it ("use curly braces" to someone who did) reads as a second opinion.
    hinted: tuple[str, ...] = ("missing",)


class ReferenceError_(Exception):
    """The reference solution did not run as a reference must; the grader is broken."""


@dataclass(frozen=True)
class Exercise:
    """Everything the engine needs to know about one exercise."""

    title: str
    steps: tuple[Step, ...]
    # The folder that holds solution.py (and, optionally, solution.ipynb).
    reference: Path
    # The top-level names the steps ask for: never offered as a "did you mean" name.
    names: tuple[str, ...]
    # Reads the expected values out of the reference's run; raises ReferenceError_.
    expect: Callable[[Run], Any]
    # The variants to run every program with, given the reference's first expected values:
    # the first is {} (the program as written), the others override top-level names.
    variants: Callable[[Any], list[dict[str, Any]]] = lambda expected: [{}]
    # Mistake code -> advice that replaces the engine's for that code (grader.feedback.explain).
    advice: Mapping[str, str] = field(default_factory=dict)
    # What a program may import, call and reach (grader/analysis/allowlist.py): anything
    # else is never passed. DEFAULT fits a beginner's exercise; widen or narrow it here.
    allowlist: Allowlist = DEFAULT

    def step(self, number: int) -> Step:
        """Return the step with this number."""
        return next(step for step in self.steps if step.number == number)

    def reference_script(self) -> Path:
        """Return the reference solution's script."""
        return self.reference / "solution.py"

    def registry(self) -> dict[str, str]:
        """Return every code grading this exercise can produce, with its one-line explanation."""
        return {**ENGINE, **self.mistakes()}

    def mistakes(self) -> dict[str, str]:
        """Return every mistake code of the exercise's steps, with its explanation."""
        found: dict[str, str] = {}
        for step in self.steps:
            for code, text in step.mistakes.items():
                found[f"step{step.number}.{code}"] = text
            for earlier in (*step.requires, *step.after):
                found[f"step{step.number}.{needs(earlier)}"] = (
                    f"Step {step.number} was not judged on its own: step {earlier} is not "
                    "right yet."
                )
        return dict(sorted(found.items(), key=lambda item: _code_order(item[0])))

    def limits(self, limits: Limits | None = None) -> Limits:
        """Return limits (the defaults if none) under this exercise's allowlist, naming
        the names its steps check."""
        return replace(limits or Limits(), allowlist=self.allowlist, names=self.names)

    def first_expected(self, limits: Limits | None = None) -> Any:
        """Run the reference as written: enough to know the variants to run."""
        return self.expect(run(self._reference_program(), [{}], self.limits(limits)))

    def compute_expected(self, limits: Limits | None = None, first: Any = None) -> Any:
        """Run the reference with every variant (after a first run, if not given)."""
        limits = self.limits(limits)
        if first is None:
            first = self.first_expected(limits)
        return self.expect(run(self._reference_program(), self.variants(first), limits))

    def _reference_program(self) -> Any:
        return load(self.reference_script(), shown_as="reference/solution.py")


def needs(earlier: int) -> str:
    """Return the step-local mistake code of a step that needs an earlier one fixed first."""
    return f"needs-step{earlier}"


def _code_order(code: str) -> tuple[int, str]:
    """Sort a step's codes by step number (step10 after step9), then as declared."""
    head = code.split(".", 1)[0]
    return (int(head[4:]) if head[4:].isdigit() else 0, "")


class ExerciseError(Exception):
    """An exercise could not be loaded: the message says which and why, in one line."""


def builtin() -> Exercise:
    """Return the exercise the grader grades when none is named."""
    return _exercise_of(importlib.import_module(BUILTIN), BUILTIN)


def from_folder(folder: Path) -> Exercise:
    """Load the exercise defined by FOLDER/spec.py, or raise ExerciseError.

    The folder is imported as a package of its own, so that spec.py may keep its steps
    in modules beside it and import them relatively (``from . import step1``).
    """
    spec_file = folder / SPEC
    if not spec_file.is_file():
        raise ExerciseError(f"{folder}: no {SPEC} in this folder; an exercise folder needs one.")
    # A name of its own per folder, so that two exercise folders never share a module.
    digest = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:12]
    package = f"_grader_exercise_{digest}"
    if package not in sys.modules:
        holder = types.ModuleType(package)
        holder.__path__ = [str(folder.resolve())]
        sys.modules[package] = holder
    try:
        module = importlib.import_module(f"{package}.spec")
    except Exception as error:  # the course team's code: say where, not a traceback
        for name in [n for n in sys.modules if n.startswith(f"{package}.")]:
            sys.modules.pop(name, None)
        raise ExerciseError(
            f"{spec_file}: failed to load ({type(error).__name__}: {error})."
        ) from None
    return _exercise_of(module, str(spec_file))


def _exercise_of(module: Any, origin: str) -> Exercise:
    """Return a module's EXERCISE, checking that it is one."""
    found = getattr(module, "EXERCISE", None)
    if not isinstance(found, Exercise):
        raise ExerciseError(f"{origin}: defines no EXERCISE = Exercise(...).")
    if not found.reference_script().is_file():
        raise ExerciseError(
            f"{origin}: its reference solution {found.reference_script()} is missing."
        )
    numbers = [step.number for step in found.steps]
    if not numbers:
        raise ExerciseError(f"{origin}: its EXERCISE has no steps.")
    if numbers != list(range(1, len(numbers) + 1)):
        raise ExerciseError(f"{origin}: steps must be numbered 1, 2, 3... in order.")
    for step in found.steps:
        if any(not 0 < n < step.number for n in (*step.requires, *step.after)):
            raise ExerciseError(f"{origin}: step {step.number} may only need earlier steps.")
        for code in step.mistakes:
            if not CODE_PATTERN.match(code) or "." in code or code in ENGINE:
                raise ExerciseError(
                    f"{origin}: step {step.number} declares {code!r}, which is not a code of "
                    "its own (lower-case words joined by '-', and none of the grader's)."
                )
    return found
