"""A submission ready to be judged, a step's verdict, and what a rule may ask of earlier steps.

A rule is a plain function from a :class:`Case` to a :class:`Verdict`. The case holds the
learner's program, its run and the reference's expected values; while a step is judged
it also holds the verdicts of the steps before it (``earlier``), as their own pytest
items reported them, so that a rule can say "Fix step N first" (``first_failed``,
``fix_first``) without judging those steps again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

from grader.analysis import outside
from grader.analysis.allowlist import Allowlist
from grader.analysis.source import Source
from grader.load import Program
from grader.result import Explanation, Location
from grader.sandbox import Execution, Run
from grader.sandbox.values import decode


class Rule(Protocol):
    """A step's rule: a function from a case to its verdict."""

    def __call__(self, case: Case, /) -> Verdict: ...


class StepRules(Protocol):
    """What judging needs of a step (grader.exercise.Step is one)."""

    @property
    def number(self) -> int: ...
    @property
    def rule(self) -> Rule: ...
    @property
    def mistakes(self) -> Mapping[str, str]: ...
    @property
    def requires(self) -> Mapping[int, str]: ...
    @property
    def after(self) -> tuple[int, ...]: ...


class Rules(Protocol):
    """What judging needs of an exercise (grader.exercise.Exercise is one)."""

    @property
    def names(self) -> tuple[str, ...]: ...
    @property
    def advice(self) -> Mapping[str, str]: ...
    @property
    def allowlist(self) -> Allowlist: ...
    @property
    def steps(self) -> tuple[StepRules, ...]: ...
    def step(self, number: int) -> StepRules: ...


class _Missing:
    """The value of a name the program never defined."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Verdict:
    """A step's verdict: passed, or failed with a message, a mistake code and a place.

    A rule gives its step's own codes without the ``stepN.`` prefix; the engine's codes
    (``syntax-error``, ``timeout``...) pass through as they are. ``blocked_by`` names the
    earlier step to fix first, when that is why this one failed.
    """

    passed: bool
    message: str = ""
    code: str | None = None
    location: Location | None = None
    blocked_by: int | None = None


PASS = Verdict(True)

# The step number under which the program as a whole is judged, before step 1: a
# program that cannot run (a syntax error, an exit, no answer) fails every step alike.
PROGRAM = 0


@dataclass(frozen=True)
class Case:
    """One submission, ready to be judged against one exercise."""

    exercise: Rules
    program: Program
    run: Run
    expected: Any
    source: Source
    timeout: float
    # The verdicts of the steps judged before the one at hand, by step number (the
    # program as a whole under PROGRAM); empty until judging gives them (see judge).
    earlier: Mapping[int, Verdict] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def forbidden(self) -> Explanation | None:
        """What the program uses outside the exercise's allowlist, read from its source or
        refused while it ran, if anything: found once per case."""
        refused = dict.fromkeys(
            outside.Finding(r.what, outside.REFUSED, r.location)
            for execution in self.run.executions
            for r in execution.refused
        )
        return outside.flagged(self.program, self.exercise.allowlist, tuple(refused), self.source)

    def value(self, name: str, execution: Execution | None = None) -> Any:
        """Return a top-level value of an execution (the main one by default), or MISSING."""
        execution = execution or self.run.main
        data = execution.values.get(name)
        return MISSING if data is None else decode(data)


def fix_first(earlier: int, reason: str, location: Location | None = None) -> Verdict:
    """Fail a step because an earlier one is not right yet: the one way this is said."""
    return Verdict(
        False, f"Fix step {earlier} first: {reason}", f"needs-step{earlier}", location, earlier
    )


def first_failed(case: Case, numbers: tuple[int, ...]) -> int | None:
    """Return the first of these earlier steps that failed, if one did.

    Their verdicts are the ones their own items gave: a step is judged once, in order.
    """
    for number in numbers:
        verdict = case.earlier.get(number)
        if verdict is None:
            raise LookupError(f"step {number} is not judged before this one")
        if not verdict.passed:
            return number
    return None
