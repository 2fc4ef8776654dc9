"""From verdicts to results: a submission's Result, as pure functions of its case.

The checks hand back a typed verdict per step (grader.checks.plugin); here they become the
result model, with the exercise's titles and hints, the whole-submission message, and
every learner-derived text made safe to show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from grader.checks.case import Case, Verdict
from grader.exercise import Exercise, Step
from grader.feedback.ending import explain_abrupt
from grader.feedback.explain import explain, explain_syntax
from grader.feedback.once import more_cells, said_once, say_once
from grader.load import LoadError
from grader.result import Result, Status, StepResult
from grader.safe import safe_text

OUTPUT_SHOWN = 4_000


def step_result(step: Step, verdict: Verdict) -> StepResult:
    """Return one step's result from its verdict."""
    return StepResult(
        step=step.number,
        title=step.title,
        status=Status.PASSED if verdict.passed else Status.FAILED,
        message=verdict.message,
        hint=step.hint if hint_fits(step, verdict) else "",
        location=verdict.location,
        code=verdict.code,
        blocked_by=verdict.blocked_by,
        about_output=step.about_output,
    )


def hint_fits(step: Step, verdict: Verdict) -> bool:
    """Whether a failed step's hint helps: not blocked, and a mistake the hint is about."""
    if verdict.passed or verdict.blocked_by is not None or verdict.code is None:
        return False
    prefix = f"step{step.number}."
    if not verdict.code.startswith(prefix):
        return False  # an error of the whole program: its explanation says what to do
    return verdict.code[len(prefix) :] in step.hinted


def result_of(exercise: Exercise, case: Case, verdicts: Mapping[int, Verdict]) -> Result:
    """Build one submission's result from its case and its step verdicts."""
    missing = [step.number for step in exercise.steps if step.number not in verdicts]
    if missing:
        raise RuntimeError(f"{case.program.path}: no verdict for step {missing[0]}")
    steps = said_once(tuple(step_result(step, verdicts[step.number]) for step in exercise.steps))
    main = case.run.main
    status = Status.PASSED if all(s.passed for s in steps) else Status.FAILED
    message, location, code = "", None, None
    nothing_ran = not main.values or all(category != "value" for _, category in main.names)
    syntax = next((e for e in main.errors if e.syntax), None)
    # "error": nothing of the program could run (it could not be read, nothing came
    # back, or its time ran out before it created anything); a program that ran and
    # stopped with an error is "failed", its steps say how far it got.
    if (
        (syntax is not None and case.program.kind == "script")
        or main.missing
        or (main.timed_out and nothing_ran)
    ):
        status = Status.ERROR
    flag = case.forbidden
    if syntax is not None and case.program.kind == "script":
        explanation = explain_syntax(syntax, case.program)
        message, location, code = explanation.text, explanation.location, explanation.code
    elif flag is not None:
        message, location, code = flag.text, flag.location, flag.code
    elif main.missing:
        explanation = explain_abrupt(main, case.timeout)
        message, code = explanation.text, explanation.code
    elif main.errors:
        explanation = explain(main.errors[0], case.program, main, case.timeout, exercise.advice)
        message, location, code = explanation.text, explanation.location, explanation.code
        if len(main.errors) > 1:
            message += "\n" + more_cells(main.errors[1:])
    return say_once(
        cleaned(
            Result(
                submission=case.program.path,
                status=status,
                steps=steps,
                max_score=len(exercise.steps),
                message=message,
                location=location,
                code=code,
                notes=case.program.notes,
                output=clean_output(main.stdout),
                sandbox=case.run.tier,
                # The uid's number is the machine's business, not the report's.
                layers=tuple("uid" if x.startswith("uid ") else x for x in case.run.layers),
            )
        )
    )


def load_failure(shown: str, error: LoadError, exercise: Exercise) -> Result:
    """The result of a file that could not be loaded: an error, every step failed."""
    steps = tuple(
        StepResult(
            step=step.number,
            title=step.title,
            status=Status.FAILED,
            message="Not graded: the file could not be read as a program (see above).",
            code=None,
        )
        for step in exercise.steps
    )
    return cleaned(
        Result(
            submission=shown,
            status=Status.ERROR,
            steps=steps,
            max_score=len(exercise.steps),
            message=error.message,
            code=error.code,
        )
    )


def cleaned(result: Result) -> Result:
    """Make every learner-derived text of a result safe to show (see safe_text).

    File names, the learner's error messages, quoted lines and notes all reach every
    report format (JSON readers included) through here, so none can recolour a log, hide
    text or forge a line; each format still escapes for its own syntax.
    """
    return replace(
        result,
        submission=safe_text(result.submission),
        message=safe_text(result.message),
        notes=tuple(safe_text(note) for note in result.notes),
        steps=tuple(replace(step, message=safe_text(step.message)) for step in result.steps),
    )


def clean_output(text: str, limit: int = OUTPUT_SHOWN) -> str:
    """Cap learner output and strip terminal escapes and control characters from it."""
    text = safe_text(text)
    if len(text) > limit:
        text = text[:limit] + f"\n[... {len(text) - limit} more characters not shown]"
    return text
