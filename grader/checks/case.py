"""A submission ready to be judged, a step's verdict, and judging a step once.

Judging is where the engine keeps its promises to every exercise: a step whose declared
prerequisite failed gets "Fix step N first" without its rule running; a rule that breaks
costs that step, not the batch; and a mistake code the exercise did not declare is a bug
of the exercise, reported as one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

from grader.analysis import outside
from grader.analysis.allowlist import Allowlist
from grader.analysis.source import Source
from grader.feedback.ending import explain_abrupt
from grader.feedback.explain import ending, location_of, where
from grader.feedback.mistakes import ENGINE
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


@dataclass(frozen=True)
class Case:
    """One submission, ready to be judged against one exercise."""

    exercise: Rules
    program: Program
    run: Run
    expected: Any
    source: Source
    timeout: float
    # Each step's verdict, once judged: later steps ask for earlier ones (see judge).
    verdicts: dict[int, Verdict] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    @cached_property
    def forbidden(self) -> Explanation | None:
        """What the program uses outside the exercise's allowlist, read from its source or
        refused while it ran, if anything: found once per case."""
        refused = dict.fromkeys(
            outside.Finding(r.what, outside.REFUSED, r.location)
            for execution in self.run.executions
            for r in execution.refused
        )
        return outside.flagged(self.program, self.exercise.allowlist, tuple(refused))

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


def judge(case: Case, number: int) -> Verdict:
    """Return a step's verdict on a case, judging it only the first time it is asked for."""
    if number not in case.verdicts:
        case.verdicts[number] = _qualified(case, number, _judge(case, number))
    return case.verdicts[number]


def first_failed(case: Case, numbers: tuple[int, ...]) -> int | None:
    """Return the first of these steps that fails, if one does."""
    return next((n for n in numbers if not judge(case, n).passed), None)


def _judge(case: Case, number: int) -> Verdict:
    step = case.exercise.step(number)
    rule = step.rule
    blocked = blocking(case)
    if blocked is not None:
        return blocked
    for earlier, name in step.requires.items():
        if not judge(case, earlier).passed:
            return fix_first(earlier, f"this step uses `{name}`.")
    try:
        return rule(case)
    except Exception as error:  # a bug of a check must cost one step, not the batch
        return grader_error(error)


def blocking(case: Case) -> Verdict | None:
    """Return the verdict every step gets when the program as a whole could not run."""
    main = case.run.main
    if case.program.kind == "script":
        syntax = next((e for e in main.errors if e.syntax), None)
        if syntax is not None:
            location = location_of(syntax)
            return Verdict(
                False,
                f"Your program could not run: Python could not read the code {where(location)}. "
                "Fix that syntax error first.",
                "syntax-error",
                location,
            )
    # Code that uses what the allowlist does not name could have forged everything else.
    flag = case.forbidden
    if flag is not None:
        return Verdict(False, flag.text, flag.code, flag.location)
    if main.missing:
        explanation = explain_abrupt(main, case.timeout)
        return Verdict(False, explanation.text, explanation.code, explanation.location)
    # An exit on purpose or a program that never ends is not graded, wherever it
    # stops: like os._exit(), it keeps the grader from seeing the program's end.
    stop = ending(case.program, main, case.timeout, case.exercise.advice)
    if stop is not None:
        return Verdict(False, stop.text, stop.code, stop.location)
    return None


def grader_error(error: BaseException | None = None, what: str = "") -> Verdict:
    """The verdict of a step whose check broke: a bug of the grader, said as one."""
    cause = f" ({type(error).__name__})" if error is not None else what
    return Verdict(
        False,
        f"The grader could not check this step{cause}. This is a bug in the grader, not in "
        "your work; please report it.",
        "grader-error",
    )


def _qualified(case: Case, number: int, verdict: Verdict) -> Verdict:
    """Give a step-local code its ``stepN.`` prefix; an undeclared code is a bug."""
    code = verdict.code
    if verdict.passed or code is None or code in ENGINE:
        return verdict
    step = case.exercise.step(number)
    declared = set(step.mistakes) | {f"needs-step{n}" for n in (*step.requires, *step.after)}
    if code not in declared:
        return grader_error(what=f" (undeclared mistake code {code!r})")
    return Verdict(
        False, verdict.message, f"step{number}.{code}", verdict.location, verdict.blocked_by
    )
