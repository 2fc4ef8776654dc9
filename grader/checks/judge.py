"""Judging: the program as a whole, then each step given the verdicts of the steps before it.

pytest judges every step of every submission as an item of its own (grader.checks.plugin),
in order, each item reading the earlier items' verdicts; these are the plain functions
those items call, and that any caller can use outside pytest (``judge_all`` judges every
step of a case in order, for a candidate fix or for the reference itself).

Judging is where the engine keeps its promises to every exercise: a program that cannot
run fails every step alike; a step whose declared prerequisite failed gets "Fix step N
first" without its rule running; a rule that breaks costs that step, not the batch; and
a mistake code the exercise did not declare is a bug of the exercise, reported as one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from grader.checks.case import PROGRAM, Case, Verdict, fix_first
from grader.feedback.ending import explain_abrupt
from grader.feedback.explain import ending, explain, explain_syntax, location_of, where
from grader.feedback.mistakes import ENGINE
from grader.feedback.once import more_cells
from grader.result import Explanation, Location
from grader.sandbox import Error


@dataclass(frozen=True)
class Unloaded:
    """A submission that never became a case: its name as shown, and why, in plain words."""

    shown: str
    message: str
    code: str


@dataclass(frozen=True)
class ProgramVerdict:
    """The verdict on a program as a whole.

    ``verdict`` passes when its steps may be judged; when it fails, every step gets it.
    ``error`` says that nothing of the program could run; ``message``, ``code`` and
    ``location`` are the paragraph the learner reads above the steps (empty when the
    program ran to its end without an error).
    """

    verdict: Verdict
    error: bool = False
    message: str = ""
    code: str | None = None
    location: Location | None = None


# -- the program as a whole ------------------------------------------------------------


def _script_syntax(case: Case) -> Error | None:
    """The syntax error that kept a script from running at all, if any.

    (A notebook's syntax error stops one cell; the others still run.)
    """
    if case.program.kind != "script":
        return None
    return next((e for e in case.run.main.errors if e.syntax), None)


def _unreadable(case: Case) -> Verdict | None:
    syntax = _script_syntax(case)
    if syntax is None:
        return None
    location = location_of(syntax)
    return Verdict(
        False,
        f"Your program could not run: Python could not read the code {where(location)}. "
        "Fix that syntax error first.",
        "syntax-error",
        location,
    )


def _forbidden(case: Case) -> Verdict | None:
    # Code that uses what the allowlist does not name could have forged everything else.
    flag = case.forbidden
    return None if flag is None else Verdict(False, flag.text, flag.code, flag.location)


def _silent(case: Case) -> Verdict | None:
    if not case.run.main.missing:
        return None
    explanation = explain_abrupt(case.run.main, case.timeout)
    return Verdict(False, explanation.text, explanation.code, explanation.location)


def _ended_early(case: Case) -> Verdict | None:
    # An exit on purpose or a program that never ends is not graded, wherever it
    # stops: like os._exit(), it keeps the grader from seeing the program's end.
    stop = ending(case.program, case.run.main, case.timeout, case.exercise.advice)
    return None if stop is None else Verdict(False, stop.text, stop.code, stop.location)


# What keeps every step from being judged, in the order it is said: the first that
# applies is the verdict of every step.
BLOCKING: tuple[Callable[[Case], Verdict | None], ...] = (
    _unreadable,
    _forbidden,
    _silent,
    _ended_early,
)


def blocking(case: Case) -> Verdict | None:
    """Return the verdict every step gets when the program as a whole could not run."""
    return next((v for rule in BLOCKING if (v := rule(case)) is not None), None)


def _syntax_said(case: Case) -> Explanation | None:
    syntax = _script_syntax(case)
    return None if syntax is None else explain_syntax(syntax, case.program)


def _abrupt_said(case: Case) -> Explanation | None:
    main = case.run.main
    if not main.missing:
        return None
    explanation = explain_abrupt(main, case.timeout)
    return Explanation(explanation.code, explanation.text, None)


def _error_said(case: Case) -> Explanation | None:
    main = case.run.main
    if not main.errors:
        return None
    exercise = case.exercise
    said = explain(
        main.errors[0], case.program, main, case.timeout, exercise.advice, names=exercise.names
    )
    if len(main.errors) > 1:
        said = Explanation(
            said.code,
            said.text + "\n" + more_cells(main.errors[1:], main.errors[0].cell),
            said.location,
        )
    return said


# What the learner reads about the program as a whole, in the order it is said.
SAID: tuple[Callable[[Case], Explanation | None], ...] = (
    _syntax_said,
    lambda case: case.forbidden,
    _abrupt_said,
    _error_said,
)


def nothing_could_run(case: Case) -> bool:
    """Whether nothing of the program could run: unreadable, silent, or out of time early.

    A program that ran and stopped with an error still ran: its steps say how far it got.
    """
    main = case.run.main
    nothing_made = not main.values or all(category != "value" for _, category in main.names)
    return _script_syntax(case) is not None or main.missing or (main.timed_out and nothing_made)


def judge_program(case: Case | Unloaded) -> ProgramVerdict:
    """Judge a program as a whole: whether its steps can be judged, and what to say first."""
    if isinstance(case, Unloaded):
        return ProgramVerdict(
            Verdict(False, case.message, case.code), True, case.message, case.code
        )
    try:
        verdict = blocking(case) or Verdict(True)
        said = next((s for rule in SAID if (s := rule(case)) is not None), None)
        error = nothing_could_run(case)
    except Exception as bug:  # the grader's own reading broke: this submission pays, alone
        broke = grader_error(bug)
        return ProgramVerdict(broke, True, broke.message, broke.code)
    if said is None:
        return ProgramVerdict(verdict, error)
    return ProgramVerdict(verdict, error, said.text, said.code, said.location)


# -- one step ---------------------------------------------------------------------------


def judge_step(case: Case, number: int, earlier: Mapping[int, Verdict]) -> Verdict:
    """Judge one step, given the verdicts of the program and of every step before it."""
    step = case.exercise.step(number)
    program = earlier.get(PROGRAM)
    if program is not None and not program.passed:
        return _qualified(case, number, program)
    for required, name in step.requires.items():
        if not earlier[required].passed:
            return _qualified(case, number, fix_first(required, f"this step uses `{name}`."))
    try:
        verdict = step.rule(replace(case, earlier=dict(earlier)))
    except Exception as error:  # a bug of a check must cost one step, not the batch
        return grader_error(error)
    return _qualified(case, number, verdict)


def judge_all(case: Case) -> dict[int, Verdict]:
    """Judge the program and then every step of its exercise, in order, outside pytest."""
    verdicts = {PROGRAM: judge_program(case).verdict}
    for step in case.exercise.steps:
        verdicts[step.number] = judge_step(case, step.number, verdicts)
    return verdicts


def judge(case: Case, number: int) -> Verdict:
    """Judge one step of a case outside pytest, judging the steps before it first."""
    verdicts = {PROGRAM: judge_program(case).verdict}
    for step in case.exercise.steps:
        verdicts[step.number] = judge_step(case, step.number, verdicts)
        if step.number == number:
            return verdicts[number]
    raise LookupError(f"the exercise has no step {number}")


def grader_error(error: BaseException | None = None, what: str = "") -> Verdict:
    """The verdict of a step whose check broke: a bug of the grader, said as one."""
    cause = f" ({type(error).__name__})" if error is not None else what
    return Verdict(
        False,
        f"The grader could not check this step{cause}. This is a bug in the grader, not in "
        "your work; please report it.",
        "grader-error",
    )


def declared_codes(mistakes: Mapping[str, str], earlier: tuple[int, ...]) -> set[str]:
    """Return the step-local codes a step may give: its mistakes, and needing an earlier step."""
    return set(mistakes) | {f"needs-step{n}" for n in earlier}


def _qualified(case: Case, number: int, verdict: Verdict) -> Verdict:
    """Give a step-local code its ``stepN.`` prefix; an undeclared code is a bug.

    Loading an exercise checks its rules' codes (grader.checks.codes); this guards what
    that reading of the rules could not see.
    """
    code = verdict.code
    if verdict.passed or code is None or code in ENGINE:
        return verdict
    step = case.exercise.step(number)
    if code not in declared_codes(step.mistakes, (*step.requires, *step.after)):
        return grader_error(what=f" (undeclared mistake code {code!r})")
    return replace(verdict, code=f"step{number}.{code}")
