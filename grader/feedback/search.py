"""The repair search: the smallest edit that, run in the sandbox and judged, makes the step pass.

After a submission is judged, the search takes the first thing its report says (the
error that stopped the program, or the first step that failed), proposes the edits of
the error model there (grader.feedback.repair), smallest first, and verifies each: the
edited program runs in a child process like any submission (never in the grader's
process), and the exercise's own checks judge it. The first edit that makes that step
pass (or, for an error, that removes the error and lets the program get further) is
the repair, and it drives the message: what is wrong, on which line, and the change.

The search is bounded (``Budget``: candidates run, and seconds), and it says nothing
when no edit verifies: a diagnosis written by hand, or the general advice, stays. It
does not run when a hand-written diagnosis already names the change (its agreement
with the search is a test of the suite, not a cost of every grading).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace

from grader.analysis.source import Source
from grader.checks.case import PROGRAM, Case, Verdict
from grader.checks.judge import judge_all
from grader.feedback.blocks import filled_blocks
from grader.feedback.edits import ORDINARY, WHOLE_PROGRAM, Edit, Focus
from grader.feedback.ending import is_exit
from grader.feedback.explain import advice_for, explain, location_of
from grader.feedback.fixes import describe, in_exercise_form
from grader.feedback.repair import candidates, error_focus, kinds_of, numbers_of, step_focus
from grader.feedback.tokens import GENERIC
from grader.load import Program
from grader.result import Location, Result
from grader.safe import safe_text
from grader.sandbox import Error, Limits, Run, Sandbox, run
from grader.sandbox.values import decode

# Errors that no small edit of the code repairs: the program ended itself, ran out of
# time or memory, or used what grading forbids; their own advice says what to do.
_NOT_REPAIRED = frozenset(
    {
        "KeyboardInterrupt",
        "EOFError",
        "ModuleNotFoundError",
        "ImportError",
        "PermissionError",
        "RecursionError",
        "MemoryError",
    }
)


# The rule kit's codes for a name the program does not leave at its end (missing, under
# another name, only inside a function), and the edits that can make one: every edit
# that reshapes the whole program but the `else:` indented, which makes no name.
ABSENT = frozenset({"missing", "name", "not-top-level"})
MAKES_NAMES = WHOLE_PROGRAM - {"else-indented"}


@dataclass(frozen=True)
class Budget:
    """How much one search may cost: candidates run in the sandbox, and seconds in all.

    Both decide what is found the same way on any machine, however loaded: the seconds
    are the time limits the candidates ran into (a candidate that ran until its limit
    costs that limit, each time; one that ended on its own costs nothing here), never
    the clock, which a busy machine would run out for the same submission. They are a
    ceiling for the pathological (candidates that each run until their time limit).
    Each candidate runs under the submission's own limits.
    """

    runs: int = 4
    # Of the edits any correct program could also take (a comparison turned, the loop's
    # variables swapped), only the nearest of each kind is worth a run.
    ordinary: int = 1
    seconds: float = 30.0


BUDGET = Budget()


@dataclass(frozen=True)
class Repair:
    """A verified edit, and how it changes what the learner reads.

    ``step`` is the step the search repaired (for the program's error, the first step it
    failed). ``replaced`` pairs an explanation as the report has it with the same
    explanation saying the change; ``message`` is the step's new message when the step
    failed without an error; ``settles`` says the program's own error is gone with the
    edit, so it is not said again below the steps.
    """

    edit: Edit
    step: int
    passed: tuple[bool, ...]
    runs: int
    replaced: tuple[tuple[str, str], ...] = ()
    message: str = ""
    settles: bool = False


def verify(
    case: Case, program: Program, sandbox: Sandbox | None, limits: Limits, staged: bool = True
) -> tuple[tuple[bool, ...], Run]:
    """Run a candidate in the sandbox with the case's variants and judge every step.

    The candidate runs as the submission did, in a child process, with the same
    variants; a new Case of it is judged by the exercise's own rules.

    ``staged`` (the default) runs it as written first, alone: most candidates are ruled
    out there (``_ruled_out``), and come back with that run and its verdicts, having
    cost one run of the program instead of one per variant. A candidate that is not
    ruled out runs with the other variants, and is judged on all of them together, as
    without ``staged``: whatever the search accepts was judged on every variant.
    """
    variants = [dict(e.overrides) for e in case.run.executions]
    if staged and len(variants) > 1:
        first = run(program, variants[:1], limits, sandbox=sandbox)
        if not first.cleanup:
            judged = _passed(_judged(_candidate(case, program, first)))
            if _ruled_out(case, judged):
                return judged, first
            rest = run(program, variants[1:], limits, sandbox=sandbox)
            ran = replace(
                rest,
                executions=first.executions + rest.executions,
                raw_output=first.raw_output + rest.raw_output,
            )
            if ran.cleanup:
                return tuple(False for _ in _before(case)), ran
            return _passed(_judged(_candidate(case, program, ran))), ran
    ran = run(program, variants, limits, sandbox=sandbox)
    if ran.cleanup:
        return tuple(False for _ in _before(case)), ran
    return _passed(_judged(_candidate(case, program, ran))), ran


def _candidate(case: Case, program: Program, ran: Run) -> Case:
    """A candidate's case: its program and run, judged against the submission's exercise."""
    return Case(case.exercise, program, ran, case.expected, Source(program), case.timeout)


def _passed(judged: dict[int, Verdict]) -> tuple[bool, ...]:
    """Whether each step passed, in step order."""
    return tuple(judged[number].passed for number in sorted(judged))


def _ruled_out(case: Case, passed: tuple[bool, ...]) -> bool:
    """Whether a candidate's verdicts on the program as written alone rule it out as a repair.

    The variants only add reasons to fail (a step checks the program as written, then
    that the other runs agree), so a step failed on the program as written fails with
    every variant too. A repair keeps every step that passed, and makes the first step
    that failed pass; only a program Python could not read may be repaired by an edit
    that merely gets it further, so with a syntax error only the first rule applies.
    """
    before = _before(case)
    if any(was and not now for was, now in zip(before, passed, strict=True)):
        return True
    if any(error.syntax for error in case.run.main.errors):
        return False
    first = next((index for index, ok in enumerate(before) if not ok), None)
    return first is not None and not passed[first]


def _before(case: Case) -> tuple[bool, ...]:
    """Whether each step of the submission itself passed, in step order."""
    return _passed(verdicts_of(case))


def verdicts_of(case: Case) -> dict[int, Verdict]:
    """Every step's verdict on a case, by step: the one place the search asks for judging.

    Judging is the engine's, and outside pytest it is a plain function of a case
    (``grader.checks.judge.judge_all``: the program, then each step in order). The
    submission under search is judged once: the search asks for its verdicts again
    (to choose its target, to verify, to word the repair), and gets them as judged.
    """
    kept = getattr(_searched, "case", None)
    if kept is None or kept[0] is not case:
        _searched.case = kept = (case, _judged(case))
    return dict(kept[1])


# The last case whose verdicts the search asked for, with them, on each thread (a
# search runs on one thread, and asks for its submission's verdicts several times).
_searched = threading.local()


def _judged(case: Case) -> dict[int, Verdict]:
    """Judge every step of a case (a candidate's is judged once, and not kept)."""
    return {number: v for number, v in judge_all(case).items() if number != PROGRAM}


def find(
    case: Case,
    sandbox: Sandbox | None = None,
    limits: Limits | None = None,
    budget: Budget = BUDGET,
    wanted: tuple[str, ...] | None = None,
    trust: bool = True,
    judged: Mapping[int, Verdict] | None = None,
) -> Repair | None:
    """Search for the smallest verified edit behind the first thing a report says, if any.

    ``case`` must have been judged (its verdicts are the report's); ``judged`` are those
    verdicts, by step, when the caller has them (else the case is judged here, once).
    ``wanted`` are the names the exercise asks for (its ``names``). With ``trust``
    (grading), an error a hand-written diagnosis names the change for is not searched;
    without it (the test that they agree), it is.
    """
    if judged is not None:
        _searched.case = (case, dict(judged))
    verdicts = verdicts_of(case)
    numbers = sorted(verdicts)
    passed = tuple(verdicts[n].passed for n in numbers)
    if all(passed) or case.forbidden is not None:
        return None
    main = case.run.main
    if main.missing or main.timed_out:
        return None
    failed = [n for n in numbers if not verdicts[n].passed]
    target = next((n for n in failed if verdicts[n].blocked_by is None), failed[0])
    verdict = verdicts[target]
    error = _error_to_repair(case, verdict, target)
    names = wanted if wanted is not None else tuple(case.exercise.names)
    kinds = kinds_of(main.values)
    first: list[Edit] = []
    if error is not None:
        _, _, named = advice_for(
            error, case.program, main, case.timeout, case.exercise.advice, names
        )
        # A block left with only a comment: what to write in it comes from the
        # exercise's own block, verified here, where the diagnosis says only that a line
        # of code must follow.
        first = filled_blocks(case.program, error, _wording(case)) if error.syntax else []
        named = named and not first
        if (named and trust) or error.type in _NOT_REPAIRED or is_exit(error) or error.limit:
            return None
        focus = error_focus(case.program, error, names, kinds)
    elif not _own_code(verdict.code, target):
        return None
    else:
        focus = step_focus(case.program, verdict.location, names, kinds)
    focus = replace(focus, numbers=numbers_of(main.values, names))
    # A name that does not exist at the end can only come from an edit that makes it.
    only = MAKES_NAMES if _local(verdict.code) in ABSENT else None
    limits = limits or Limits()
    found = _search(case, focus, sandbox, limits, budget, target, passed, only, first)
    if found is None:
        return None
    edit, after, runs, ran = found
    return _worded(case, edit, after, runs, ran, target, error)


def _own_code(code: str | None, step: int) -> bool:
    return code is not None and code.startswith(f"step{step}.") and ".needs-step" not in code


def _error_to_repair(case: Case, verdict: Verdict, target: int) -> Error | None:
    """The program's error the report leads with, if its first failure comes from it."""
    main = case.run.main
    if not main.errors:
        return None
    syntax = next((e for e in main.errors if e.syntax), None)
    if syntax is not None and case.program.kind == "script":
        return syntax
    code = verdict.code
    if _own_code(code, target):
        return None  # the step failed on its own terms; the error comes after
    first = main.errors[0]
    return first if first.line is not None else None


def _search(
    case: Case,
    focus: Focus,
    sandbox: Sandbox | None,
    limits: Limits,
    budget: Budget,
    target: int,
    passed: tuple[bool, ...],
    only: frozenset[str] | None = None,
    first: list[Edit] | None = None,
) -> tuple[Edit, tuple[bool, ...], int, Run] | None:
    """Try the candidates smallest first, within the budget; return the best verified one.

    Among candidates of the same size, one that makes every step pass ends the search;
    otherwise the one that gets furthest does, once its size is done.
    """
    best: tuple[tuple[int, int], Edit, tuple[bool, ...], Run] | None = None
    runs = 0
    spent = 0.0
    numbers = sorted(verdicts_of(case))
    index = numbers.index(target)
    ordinary: dict[str, int] = {}
    for edit in [*(first or []), *candidates(case.program, focus)]:
        if best is not None and edit.cost > best[1].cost:
            break
        if runs >= budget.runs or spent >= budget.seconds:
            break
        if only is not None and edit.kind not in only:
            continue
        if edit.kind in ORDINARY:
            ordinary[edit.kind] = ordinary.get(edit.kind, 0) + 1
            if ordinary[edit.kind] > budget.ordinary:
                continue
        program = edit.program(case.program)
        after, ran = verify(case, program, sandbox, limits)
        runs += 1
        spent += charged(ran, limits)
        if not _better(focus, edit, after, ran, index, passed, case.run.main.errors):
            continue
        score = (_first_failure(after), sum(after))
        if best is None or score > best[0]:
            best = (score, edit, after, ran)
        if all(after):
            break
    if best is None:
        return None
    _, edit, after, ran = best
    return edit, after, runs, ran


def charged(ran: Run, limits: Limits) -> float:
    """The seconds a candidate's run costs the search's budget: its time limit if it ran
    into it (its variants run side by side, under one deadline), else nothing."""
    return limits.timeout if any(execution.timed_out for execution in ran.executions) else 0.0


def _first_failure(passed: tuple[bool, ...]) -> int:
    return next((i for i, ok in enumerate(passed) if not ok), len(passed))


def _better(
    focus: Focus,
    edit: Edit,
    after: tuple[bool, ...],
    ran: Run,
    index: int,
    before: tuple[bool, ...],
    before_errors: tuple[Error, ...] = (),
) -> bool:
    """Whether a candidate repairs what the search looked at, breaking nothing before it."""
    if any(b and not a for a, b in zip(after, before, strict=True)):
        return False  # a step that passed no longer does
    if edit.kind in GENERIC:
        return all(after)
    error = focus.error
    if (error is None or not error.syntax) and _new_errors(ran, before_errors):
        return False  # the program now stops with an error it did not have: broken, not mended
    # A program that ran must reach the step: an edit that only moves its error out of
    # the way (text in quotes for a missing name, a line removed) is no repair. A
    # program Python could not read is repaired by an edit it can read, that gets no
    # step wrong; among those the one that gets furthest is chosen.
    if error is None or not error.syntax or all(after[: index + 1]):
        return all(after[: index + 1])
    # The error is gone, and the program now gets past its line: the next error, if
    # any, is further on (another mistake, for the next grading).
    return not any(
        (e.type == error.type and e.message == error.message and e.cell == error.cell)
        or _not_after(e, error)
        for e in ran.main.errors
    )


def _new_errors(ran: Run, before: tuple[Error, ...]) -> bool:
    """Whether a run stopped with an error (of its kind and words) the original run had not."""
    had = {(e.type, e.message) for e in before}
    return any((e.type, e.message) not in had for e in ran.main.errors)


def _not_after(other: Error, error: Error) -> bool:
    """Whether an error happened at or before another's place, in run order."""
    if other.line is None or error.line is None:
        return True
    return ((other.cell or 0), other.line) <= ((error.cell or 0), error.line)


def _worded(
    case: Case,
    edit: Edit,
    after: tuple[bool, ...],
    runs: int,
    ran: Run,
    target: int,
    error: Error | None,
) -> Repair:
    """Say the repair where the report says the mistake."""
    main = case.run.main
    edit = in_exercise_form(edit, _wording(case))
    if edit.kind == "strictness" and _never_equal(case, edit):
        edit = replace(edit, facts={**edit.facts, "never-equal": "1"})
    settles = bool(main.errors) and not any(
        e.type == main.errors[0].type and e.message == main.errors[0].message
        for e in ran.main.errors
    )
    if error is not None:
        here = location_of(error)
        advice = case.exercise.advice
        names = case.exercise.names
        old = explain(error, case.program, main, case.timeout, advice, names=names).text
        fixed = describe(edit, here)
        new = explain(error, case.program, main, case.timeout, advice, fixed, names)
        return Repair(edit, target, after, runs, replaced=((old, new.text),))
    verdict = verdicts_of(case)[target]
    # A message that explains the program's error is wrong about its cause when the
    # edit of the step removes the error: the step's mistake caused it.
    explains_error = (
        settles
        and main.errors[0].line is not None
        and (f"line {main.errors[0].line} with" in verdict.message)
    )
    if agrees(verdict.message, verdict.location, edit, exact=True) and not explains_error:
        return Repair(edit, target, after, runs, settles=settles)
    return Repair(edit, target, after, runs, message=describe(edit), settles=settles)


def _wording(case: Case) -> str:
    """The exercise's own code (its reference solution), whose forms a repair follows."""
    # An exercise defined by its rules alone (no reference on disk) has no form to follow.
    script = getattr(case.exercise, "reference_script", None)
    if script is None:
        return ""
    try:
        return str(script().read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return ""


def _never_equal(case: Case, edit: Edit) -> bool:
    """Whether the program's own numbers never make a comparison's two sides equal.

    A name of the comparison that holds a number at the end (the load) is compared with
    every number the program's other values hold (the capacities): when none is equal,
    the learner's run cannot show where `>` and `>=` differ; the step's other runs do.
    """
    values = {name: decode(data) for name, data in case.run.main.values.items()}
    names = set(re.findall(r"[A-Za-z_]\w*", edit.before))
    for name in names:
        number = values.get(name)
        if type(number) not in (int, float):
            continue
        others = [n for other, value in values.items() if other != name for n in _numbers(value)]
        if others and number not in others:
            return True
    return False


def _numbers(value: object) -> list[int | float]:
    """Every number a value holds, itself or inside its containers (not True or False)."""
    if type(value) in (int, float):
        return [value]  # type: ignore[list-item]
    if isinstance(value, dict):
        return [n for item in value.values() for n in _numbers(item)]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [n for item in value for n in _numbers(item)]
    return []


_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def agrees(message: str, location: Location | None, edit: Edit, exact: bool = False) -> bool:
    """Whether a hand-written message says the same change as a verified edit.

    It must name the edit's place (or be placed there), and say the change: quote the
    corrected line or the part of it the edit writes; for a line moved, quote it or say
    where it goes; for a line removed, say to remove it. ``exact`` asks more: that it
    quotes the very part the edit changes, on its own (what is wrong, not only the line
    to write), as a step's message must to stand in for the search's.
    """
    cell = edit.place.cell
    named = f"cell {cell}" if cell is not None else edit.place.describe()
    placed = location == edit.place or re.search(rf"\b{re.escape(named)}\b", message, re.I)
    if not placed:
        return False
    if edit.kind == "line-removed":
        return "remove" in message.lower()
    spans = [span.strip() for span in _CODE_SPAN.findall(message)]
    if edit.before == edit.after:  # a line moved: quoted, or where it goes said
        return (
            edit.after in spans or re.search(r"\b(move|above|below)\b", message, re.I) is not None
        )
    changed = {edit.old.strip(), edit.new.strip()} - {""}
    if exact:
        # What is wrong, quoted: the part the edit replaces (or, for an insertion, the
        # part it writes). A message that quotes only the part to write says the change
        # without saying what it mends, and the edit's own words say both.
        wrong = {edit.old.strip()} - {""} or changed
        return any(span in wrong for span in spans)
    return any(
        span == edit.after
        or span in changed
        or (len(span) > 1 and span in edit.after and span not in edit.before)
        for span in spans
        if span
    )


def apply(result: Result, repair: Repair | None) -> Result:
    """Rewrite a result's texts with a repair: the explanation says the change, said once."""
    if repair is None:
        return result
    pairs = [(safe_text(old), safe_text(new)) for old, new in repair.replaced]

    def rewritten(text: str) -> str:
        for old, new in pairs:
            text = text.replace(old, new)
        return text

    steps = []
    passed = dict(zip(sorted(s.step for s in result.steps), repair.passed, strict=False))
    mistake = _local(next((s.code for s in result.steps if s.step == repair.step), None))
    for step in result.steps:
        if step.step == repair.step and repair.message:
            # The change is said; the step's hint would be a second opinion beside it.
            steps.append(
                replace(
                    step, message=safe_text(repair.message), location=repair.edit.place, hint=""
                )
            )
        elif (
            step.step > repair.step
            and not step.passed
            and step.blocked_by is None
            and passed.get(step.step)
            and (_local(step.code) == mistake or step.location != repair.edit.place)
        ):
            # The same mistake, or the edit mends this step without touching its place:
            # it failed because of the mistake repaired above. Said once, under the first.
            steps.append(replace(step, blocked_by=repair.step, hint=""))
        else:
            steps.append(replace(step, message=rewritten(step.message)))
    message, where = rewritten(result.message), result.location
    if repair.settles:
        # The step's edit also removes the program's error: the error follows from the
        # mistake the step's message names, and saying it again would be a second fact.
        message, where = "", None
    return replace(result, steps=tuple(steps), message=message, location=where)


def _local(code: str | None) -> str | None:
    """A step's mistake code without its ``stepN.`` prefix."""
    return code.split(".", 1)[1] if code and code.startswith("step") and "." in code else code
