"""Verdicts into pytest's report, and the report back into results: both directions, once.

Each item of the checks' pytest session records its verdict with ``record_property``;
pytest-json-report writes those properties into its report beside the item's outcome.
``step_properties`` and ``program_properties`` are the forward direction, used by the
items; ``results_from_report`` is the reverse, a pure function of the report and the
exercise: the results are built from pytest's report alone, with the exercise's titles
and hints, and every learner-derived text made safe to show.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from grader.checks.case import PROGRAM, Case, Verdict
from grader.checks.judge import ProgramVerdict, Unloaded, grader_error
from grader.exercise import Exercise, Step
from grader.feedback.once import said_once, say_once
from grader.result import Location, Result, Status, StepResult
from grader.safe import safe_text

OUTPUT_SHOWN = 4_000

# The properties every item records first: which submission (its index in the
# session) and which step (PROGRAM for the program as a whole).
SUBMISSION, STEP = "submission", "step"

Properties = list[tuple[str, Any]]


# -- forward: what an item records ----------------------------------------------------------


def _location_data(location: Location | None) -> dict[str, int | None] | None:
    return None if location is None else {"line": location.line, "cell": location.cell}


def step_properties(verdict: Verdict) -> Properties:
    """Return what a step's item records of its verdict (its outcome says whether it passed)."""
    return [
        ("message", verdict.message),
        ("code", verdict.code),
        ("location", _location_data(verdict.location)),
        ("blocked_by", verdict.blocked_by),
    ]


def program_properties(case: Case | Unloaded, judged: ProgramVerdict) -> Properties:
    """Return what the program's item records: its verdict, and what the result says of it."""
    said = {
        "error": judged.error,
        "message": judged.message,
        "code": judged.code,
        "location": _location_data(judged.location),
    }
    if isinstance(case, Unloaded):
        facts: Properties = [("name", case.shown), ("loaded", False)]
    else:
        facts = [
            ("name", case.program.path),
            ("loaded", True),
            ("notes", list(case.program.notes)),
            ("output", clean_output(case.run.main.stdout)),
            ("sandbox", case.run.tier),
            # The uid's number is the machine's business, not the report's.
            ("layers", ["uid" if x.startswith("uid ") else x for x in case.run.layers]),
        ]
    return [*step_properties(judged.verdict), ("said", said), *facts]


# -- reverse: the report's entries back into results ----------------------------------------


def properties(entry: Mapping[str, Any]) -> dict[str, Any]:
    """Return the properties an item of the report recorded, by name."""
    return {k: v for pair in entry.get("user_properties") or () for k, v in pair.items()}


def _location(data: Any) -> Location | None:
    if not isinstance(data, Mapping) or type(data.get("line")) is not int:
        return None
    cell = data.get("cell")
    return Location(data["line"], cell if type(cell) is int else None)


def verdict_of(entry: Mapping[str, Any]) -> Verdict:
    """Return the verdict an item of the report gave: its outcome, with what it recorded."""
    recorded = properties(entry)
    outcome = entry.get("outcome")
    if outcome not in ("passed", "failed") or "message" not in recorded:
        # The item broke before it could record a verdict: a bug of the grader.
        return grader_error(what=" (its check did not finish)")
    blocked = recorded.get("blocked_by")
    return Verdict(
        outcome == "passed",
        str(recorded["message"]),
        recorded.get("code"),
        _location(recorded.get("location")),
        blocked if type(blocked) is int else None,
    )


def _by_submission(report: Mapping[str, Any]) -> dict[int, dict[int, Mapping[str, Any]]]:
    """Group the report's items by submission, then by step."""
    grouped: dict[int, dict[int, Mapping[str, Any]]] = {}
    for entry in report.get("tests") or ():
        recorded = properties(entry)
        index, step = recorded.get(SUBMISSION), recorded.get(STEP)
        if type(index) is int and type(step) is int:
            grouped.setdefault(index, {})[step] = entry
    return dict(sorted(grouped.items()))


def results_from_report(report: Mapping[str, Any], exercise: Exercise) -> Iterator[Result]:
    """Build each submission's result, in submission order, from a report of the checks."""
    for items in _by_submission(report).values():
        yield result_from(items, exercise)


def verdicts_from_report(report: Mapping[str, Any]) -> Iterator[dict[int, Verdict]]:
    """Each submission's step verdicts, by step, in submission order, from a report of the
    checks: what the repair search starts from, without judging the submission again."""
    for items in _by_submission(report).values():
        yield {step: verdict_of(entry) for step, entry in items.items() if step != PROGRAM}


def result_from(items: Mapping[int, Mapping[str, Any]], exercise: Exercise) -> Result:
    """Build one submission's result from its items of the report: the program's, the steps'."""
    program = properties(items.get(PROGRAM, {}))
    said = program.get("said") or {}
    name = str(program.get("name", ""))
    if not program.get("loaded"):
        return load_failure(name, str(said.get("message", "")), said.get("code"), exercise)
    steps = said_once(
        tuple(step_result(step, verdict_of(items.get(step.number, {}))) for step in exercise.steps)
    )
    status = Status.PASSED if all(s.passed for s in steps) else Status.FAILED
    return say_once(
        cleaned(
            Result(
                submission=name,
                status=Status.ERROR if said.get("error") else status,
                steps=steps,
                max_score=len(exercise.steps),
                message=str(said.get("message", "")),
                location=_location(said.get("location")),
                code=said.get("code"),
                notes=tuple(program.get("notes") or ()),
                output=str(program.get("output", "")),
                sandbox=str(program.get("sandbox", "")),
                layers=tuple(program.get("layers") or ()),
            )
        )
    )


# -- the result's own rules ---------------------------------------------------------------


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


def load_failure(shown: str, message: str, code: str | None, exercise: Exercise) -> Result:
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
            message=message,
            code=code,
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
