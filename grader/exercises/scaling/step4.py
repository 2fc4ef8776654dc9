"""Step 4: `print(can_handle_load)` runs once, after the loop, and shows the right dict.

The printed lines come back from the child with the line that printed each; the print
calls are read from the learner's syntax tree.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from grader.analysis.source import Node, mentions, source_text
from grader.checks.kit import (
    MISSING,
    PASS,
    Case,
    Line,
    Verdict,
    aliases,
    fail,
    first_failed,
    fix_first,
    iterates,
    literal,
    new_errors,
    output_lines,
    stop_reason,
)
from grader.exercise import Step
from grader.exercises.scaling.explanations import printed_on_one_line
from grader.exercises.scaling.spec import LOOP_TARGETS, RESULT, SYSTEMS
from grader.feedback.explain import where
from grader.feedback.words import RUN_ALL
from grader.result import Location
from grader.sandbox import Execution
from grader.sandbox.values import describe, same, show

# The steps a wrong print may come from: the one to fix first is named.
AFTER = (1, 2, 3)


def _is_partial(value: Any, expected: dict[Any, Any]) -> bool:
    """Whether a printed dict looks like can_handle_load before the loop finished."""
    return (
        type(value) is dict
        and len(value) < len(expected)
        and all(k in expected and type(v) is bool for k, v in value.items())
    )


def _before(place: Location, other: Location) -> bool:
    """Whether a place comes before another in run order (cell, then line)."""
    return ((place.cell or 0), place.line) < ((other.cell or 0), other.line)


def _short(text: str, limit: int = 80) -> str:
    """Shorten printed text for a message, keeping backticks from breaking its quoting."""
    text = text.strip().replace("`", "'")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _holds(text: str, expected: Any) -> bool:
    """Whether a printed line holds the expected dictionary among other text."""
    start, end = text.find("{"), text.rfind("}")
    return 0 <= start < end and same(literal(text[start : end + 1]), expected)


def _printed_in_loop(call: str, location: Location | None, times: int) -> Verdict:
    """Fail step 4 for a print that runs inside a loop."""
    ran = f"printed {times} times" if times > 1 else "runs while the loop is still working"
    return fail(
        f"`{call}` {where(location)} is inside a loop, so it {ran}. Move it after the loop, "
        "with no indentation, so it prints the finished dictionary once.",
        "print-in-loop",
        location,
    )


def _in_working_loop(call: Node) -> bool:
    """Whether a print sits in a loop whose rounds build the dictionary, so that it runs
    while the dictionary is still being made.

    Such a loop goes over `systems`, unpacks into the loop's names (a helper it calls
    may do the storing), or stores entries of the dictionary in its own body. A loop
    around the print alone (`for _ in range(1):`, `for d in [can_handle_load]:`), or
    around a whole solution whose own loop does the storing, does not: it prints the
    finished dictionary, once or as many times as it goes round, and the number of
    times is judged.
    """
    return any(_works(loop) for loop in call.loops)


def _works(loop: ast.AST) -> bool:
    """Whether a loop's header concerns `systems` or the loop's names, or its body,
    outside the loops and functions inside it, stores an entry of the dictionary."""
    if isinstance(loop, (ast.For, ast.AsyncFor)):
        header: list[ast.AST] = [loop.iter, loop.target]
        bound = {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
        if bound & set(LOOP_TARGETS):
            return True
    else:
        header = [getattr(loop, "test", loop)]
    if any(mentions(h, SYSTEMS) for h in header):
        return True
    return any(_stores_entry(node) for node in _own_nodes(loop))


def _own_nodes(loop: ast.AST) -> list[ast.AST]:
    """The nodes of a loop's body and else, not those of the loops and functions in it."""
    found: list[ast.AST] = []
    stack: list[ast.AST] = [*getattr(loop, "body", []), *getattr(loop, "orelse", [])]
    while stack:
        node = stack.pop()
        found.append(node)
        if not isinstance(node, _NESTED):
            stack.extend(ast.iter_child_nodes(node))
    return found


# What has rounds or a body of its own: its stores are not the enclosing loop's.
_NESTED = (
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.Lambda,
    ast.ClassDef,
)


def _stores_entry(node: ast.AST) -> bool:
    """Whether a node stores an entry of the dictionary: `d[k] = v`, `d.update(...)`,
    `d.setdefault(...)`, `d |= ...`."""
    if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
        return isinstance(node.value, ast.Name) and node.value.id == RESULT
    if isinstance(node, ast.AugAssign):
        return isinstance(node.target, ast.Name) and node.target.id == RESULT
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("update", "setdefault")
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == RESULT
    )


def _shows_dict(text: str) -> bool:
    """Whether a printed line shows a dictionary, alone or among other text."""
    start, end = text.find("{"), text.rfind("}")
    return 0 <= start < end and type(literal(text[start : end + 1])) is dict


def _prints_whole(call: ast.AST) -> bool:
    """Whether a print call shows the whole result: print(x), print(str(x)), print(f"{x}")."""
    for arg in getattr(call, "args", []):
        inner = arg.args if isinstance(arg, ast.Call) else [arg]
        if isinstance(arg, ast.JoinedStr):
            inner = [v.value for v in arg.values if isinstance(v, ast.FormattedValue)]
        if any(isinstance(a, ast.Name) and a.id == RESULT for a in inner):
            return True
    return False


def _print_calls(case: Case) -> list[Node]:
    """Return the print calls that print the result variable."""
    return [
        n
        for n in case.source.calls("print")
        if any(mentions(arg, RESULT) for arg in n.node.args)  # type: ignore[attr-defined]
    ]


@dataclass(frozen=True)
class _Printed:
    """What step 4 reads of a run's output and the program's print calls."""

    # What the program printed, line by line, with the line of code that printed each.
    lines: list[Line]
    # The print calls that print the result, and those of them in a loop that printed
    # the dictionary itself (a debugging print of its length or of one entry is not).
    prints: list[Node]
    looped: list[Node]
    # The printed lines equal to the expected dictionary, and those that look like it
    # before the loop finished.
    matches: list[Line]
    partials: list[Line]
    # The program's own dictionary (MISSING if never made) and the expected one.
    own: Any
    expected: Any

    @property
    def printed_from(self) -> set[Location | None]:
        """The places that printed something."""
        return {line.location for line in self.lines}


def _printed(case: Case) -> _Printed:
    """Read what the main run printed and which calls print the result."""
    expected = case.expected.result
    lines = output_lines(case.run.main)
    prints = _print_calls(case)
    return _Printed(
        lines=lines,
        prints=prints,
        looped=[
            p
            for p in prints
            if _in_working_loop(p)
            and _prints_whole(p.node)
            and any(_shows_dict(ln.text) for ln in lines if ln.location == p.location)
        ],
        matches=[line for line in lines if same(line.value, expected)],
        partials=[line for line in lines if _is_partial(line.value, expected)],
        own=case.value(RESULT),
        expected=expected,
    )


def check_print(case: Case) -> Verdict:
    """Step 4: print(can_handle_load) runs once, after the loop, and shows the right dict."""
    printed = _printed(case)
    for rule in PRINT_RULES:
        verdict = rule(case, printed)
        if verdict is not None:
            return verdict
    return fail(
        f"Nothing printed `{RESULT}`. Add `print({RESULT})` after the loop, with no indentation.",
        "no-print",
    )


def _looped_match(case: Case, printed: _Printed) -> Verdict | None:
    """The dictionary printed inside the loop, even if printed again after it: it ran
    more than once."""
    if not (printed.matches and printed.looped):
        return None
    first = printed.looped[0]
    times = sum(1 for ln in printed.lines if ln.location == first.location)
    return _printed_in_loop(source_text(first.node), first.location, times)


def _matched(case: Case, printed: _Printed) -> Verdict | None:
    """The right dictionary printed: once, from one call, and the variable itself."""
    if not printed.matches:
        return None
    line = printed.matches[-1]
    repeated = _repeated(printed, line)
    if repeated is not None:
        return repeated
    if type(printed.own) is not dict:
        # Text that only looks like the dictionary (a fake __repr__) is not it.
        own = printed.own
        return fix_first(
            first_failed(case, AFTER) or AFTER[-1],
            f"the line printed {where(line.location)} looks right, but `{RESULT}` is "
            f"{describe(own) if own is not MISSING else 'missing'}, not a dictionary.",
            line.location,
        )
    return _printed_copy(case, line) or PASS


def _repeated(printed: _Printed, line: Line) -> Verdict | None:
    """The line that printed the finished dictionary printed it more than once."""
    if line.location is None:
        return None
    # Judge the print that produced the finished dictionary, not other prints: it is
    # in a loop if it sits in one, or if the same line printed dictionaries again.
    from_there = [x for x in printed.matches + printed.partials if x.location == line.location]
    in_a_loop = [p for p in printed.prints if p.location == line.location and _in_working_loop(p)]
    calls_here = [p for p in printed.prints if p.location == line.location]
    if not in_a_loop and len(calls_here) > 1 < len(from_there):
        return fail(
            printed_on_one_line(f"print({RESULT})", line.location, len(from_there)),
            "printed-twice",
            line.location,
        )
    if in_a_loop or len(from_there) > 1:
        return _printed_in_loop(f"print({RESULT})", line.location, len(from_there))
    return None


def _display_only(case: Case, printed: _Printed) -> Verdict | None:
    """A notebook whose cell shows the dictionary as its last line, with no print."""
    if case.program.kind != "notebook" or printed.prints:
        return None
    shown = [n for n in case.source.last_expressions() if mentions(n.node, RESULT)]
    if not shown:
        return None
    return fail(
        f"Cell {shown[0].location.cell} ends with `{source_text(shown[0].node)}`, which "
        "Jupyter displays, but nothing printed it. Write "
        f"`print({RESULT})` so the dictionary is printed.",
        "display-only",
        shown[0].location,
    )


def _printed_other(case: Case, printed: _Printed) -> Verdict | None:
    """A line that shows `systems`, or the result's name in quotes.

    A value alone does not say what was printed: the program's own dictionary may hold
    the same entries as `systems` (capacities stored instead of answers). A line that a
    print of the result printed, showing the result's own value, printed the result.
    """
    for line in printed.lines:
        printed_result = same(line.value, printed.own) and any(
            p.location == line.location for p in printed.prints
        )
        if not printed_result and (
            same(line.value, case.expected.systems)
            or (type(line.value) is dict and same(line.value, case.value(SYSTEMS)))
        ):
            return fail(
                f"The line printed {where(line.location)} shows `{SYSTEMS}`: {show(line.value)}. Print the "
                f"results instead: `print({RESULT})`.",
                "print-systems",
                line.location,
            )
        if (type(line.value) is str and line.value == RESULT) or line.text.strip() == RESULT:
            return fail(
                f"The program printed the text {RESULT} {where(line.location)}: the quotes make "
                f"it a string. Write `print({RESULT})` without quotes to print the variable.",
                "print-string",
                line.location,
            )
    return None


def _before_loop(case: Case, printed: _Printed) -> Verdict | None:
    """A print above the loop, which showed the dictionary still empty."""
    loops = [n.location for n in case.source.for_loops() if iterates(n, (SYSTEMS,), "items", case)]
    early = {p.location for p in printed.prints if loops and _before(p.location, loops[0])}
    empty = next((ln for ln in printed.lines if ln.value == {} and ln.location in early), None)
    if empty is None:
        return None
    return fail(
        f"`print({RESULT})` {where(empty.location)} runs before the loop fills the "
        f"dictionary, so it printed {{}}. {_move_after(case, empty.location, loops[0])}",
        "print-before-loop",
        empty.location,
    )


def _move_after(case: Case, place: Location | None, loop: Location) -> str:
    """Where a print above the loop goes: after it, or, in a notebook, below the loop's
    cell (the print's own cell, if it holds nothing else), as Jupyter runs the cells from
    the top."""
    if place is None or place.cell is None or place.cell == loop.cell:
        return "Move it after the loop."
    cell = case.program.cell(place.cell)
    code = [ln for ln in (cell.source if cell else "").split("\n") if ln.strip()]
    alone = len([ln for ln in code if not ln.lstrip().startswith("#")]) == 1
    what = f"cell {place.cell}" if alone else "it to a cell"
    return (
        f"Move {what} below cell {loop.cell} (the loop's), then run every cell again from "
        f"the top ({RUN_ALL})."
    )


def _not_right_yet(case: Case, printed: _Printed) -> Verdict | None:
    """The print shows the program's own dictionary, which an earlier step finds wrong.

    This step asks for the print, not for the dictionary's contents (step 3 judges
    those): `print(can_handle_load)` run once, after the loop, passes whatever the
    dictionary holds. Only when what was printed is not a dictionary is the print
    left to be judged once the earlier step is right.
    """
    own = printed.own
    line = (
        next((ln for ln in printed.lines if same(ln.value, own)), None)
        if own is not MISSING
        else None
    )
    if line is None and own is not MISSING and type(own) is not dict:
        # What is not a plain dictionary may print as no literal (`defaultdict(...)`):
        # a print of the variable alone that ran printed it all the same.
        line = next(
            (ln for ln in printed.lines for p in printed.prints if _alone(p, ln.location)),
            None,
        )
    if line is None:
        return None
    if type(own) is dict:
        return _repeated(printed, line) or _printed_copy(case, line) or PASS
    return fix_first(
        first_failed(case, AFTER) or AFTER[-1],
        f"your print {where(line.location)} shows `{RESULT}`, but the dictionary is not right yet.",
        line.location,
    )


def _alone(call: Node, printed_at: Location | None) -> bool:
    """Whether a print call is `print(can_handle_load)`, and printed at this place."""
    node = call.node
    return (
        call.location == printed_at
        and isinstance(node, ast.Call)
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Name)
        and node.args[0].id == RESULT
    )


def _stopped(case: Case) -> str:
    """Where the program stopped, said in brackets, or nothing."""
    stop = stop_reason(case)
    return f" (your program stopped {where(stop.location)})" if stop and stop.location else ""


def _never_created(case: Case, printed: _Printed) -> Verdict | None:
    """No dictionary to print: the earlier step explains the error, not this one again."""
    if printed.own is not MISSING:
        return None
    stop = stop_reason(case)
    return fix_first(
        first_failed(case, AFTER) or AFTER[-1],
        f"`{RESULT}` was never created{_stopped(case)}, so there is nothing to print.",
        stop.location if stop else None,
    )


def _never_reached(case: Case, printed: _Printed) -> Verdict | None:
    """The program stopped before any print of the result ran."""
    stop = stop_reason(case)
    if stop is None or any(p.location in printed.printed_from for p in printed.prints):
        return None
    earlier = first_failed(case, AFTER)
    if earlier is not None:
        return fix_first(
            earlier, f"the program never reached the print{_stopped(case)}.", stop.location
        )
    return fail(f"`{RESULT}` was never printed. {stop.text}", stop.code, stop.location)


def _with_other_text(case: Case, printed: _Printed) -> Verdict | None:
    """The right dictionary printed with other text on its line."""
    shared = next((ln for ln in printed.lines if _holds(ln.text, printed.expected)), None)
    if shared is None:
        return None
    return fail(
        f"The dictionary is printed with other text on its line{' ' + where(shared.location) if shared.location else ''}: "
        f"`{_short(shared.text, 120)}`. The step asks for it alone on its line, like "
        f"`{_short(repr(printed.expected))}`: write `print({RESULT})` on a line of its own.",
        "print-format",
        shared.location,
    )


def _print_missed(case: Case, printed: _Printed) -> Verdict | None:
    """A print of the result that did not run, or was hidden, or printed something else."""
    if not printed.prints:
        return None
    ran = [p for p in printed.prints if p.location in printed.printed_from]
    if ran:
        call = ran[0]
        text = next(ln.text for ln in printed.lines if ln.location == call.location)
        # Written where this print is, inside a loop, the right print would run as often.
        place = " after the loop instead, with no indentation" if call.loops else ""
        return fail(
            f"`{source_text(call.node)}` {where(call.location)} printed `{_short(text)}`, but "
            f"the step asks for the dictionary alone on its line, like "
            f"`{_short(repr(printed.expected))}`. Write `print({RESULT})`{place}.",
            "print-format",
            call.location,
        )
    muted = next((p for p in printed.prints if _muted(case, p.location)), None)
    if muted is not None:
        return fail(
            f"`{source_text(muted.node)}` {where(muted.location)} runs in a cell that starts "
            "with `%%capture`, which keeps what the cell prints from showing, so nothing "
            f"printed `{RESULT}`. Remove `%%capture` from that cell.",
            "no-print",
            muted.location,
        )
    call = printed.prints[0]
    return fail(
        f"`{source_text(call.node)}` {where(call.location)} never ran, so nothing "
        f"printed `{RESULT}`. Put `print({RESULT})` after the loop, at the top level "
        "of your program (not inside a function that is never called).",
        "no-print",
        call.location,
    )


# Step 4's rules, in order: the first that recognises what was printed decides; when
# none does, nothing printed the dictionary.
PRINT_RULES: tuple[Callable[[Case, _Printed], Verdict | None], ...] = (
    _looped_match,
    _matched,
    _display_only,
    _printed_other,
    _before_loop,
    _not_right_yet,
    _never_created,
    _never_reached,
    _with_other_text,
    _print_missed,
)


def _muted(case: Case, location: Location) -> bool:
    """Whether a line sits in a cell whose output IPython hides (%%capture)."""
    cell = case.program.cell(location.cell) if location.cell is not None else None
    return cell is not None and cell.muted


def _printed_copy(case: Case, line: Line) -> Verdict | None:
    """Fail when the printed dict is not the variable itself: a copy written by hand, a
    dictionary made in the print, another variable, or text that shows something else
    in another run (`x and {...}`, text edited with replace)."""
    statement = case.source.statement_at(line.location) if line.location else []
    calls = [n for n in statement if isinstance(n.node, (ast.Call, ast.Expr))]
    mentioned = any(mentions(n.node, name) for n in calls for name in _result_names(case))
    other = _not_its_own(case, line)
    if not mentioned and (_makes_one(calls) or other is not None):
        return _made_in_print(calls, line)
    if other is not None:
        setting, text, own = other
        return fail(
            f"The line printed {where(line.location)} is not `{RESULT}` itself: with "
            f"{setting} it printed `{_short(text)}`, but `{RESULT}` was "
            f"{show(own, 200)}. Print the variable itself, unchanged: `print({RESULT})`.",
            "print-not-result",
            line.location,
        )
    if calls and not mentioned:
        return fail(
            f"`{source_text(calls[0].node)}` {where(line.location)} prints a dictionary equal "
            f"to `{RESULT}`, but not `{RESULT}` itself. Print the variable: "
            f"`print({RESULT})`.",
            "print-not-result",
            line.location,
        )
    return None


def _makes_one(calls: list[Node]) -> bool:
    """Whether a call of the printing statement makes a dictionary in its arguments."""
    return any(
        isinstance(n.node, ast.Call) and any(_made_here(a) for a in n.node.args) for n in calls
    )


def _made_in_print(calls: list[Node], line: Line) -> Verdict:
    """The printed dictionary is made in the print, or typed in, not the variable."""
    computed = any(isinstance(n, ast.DictComp) for c in calls for n in ast.walk(c.node))
    made = (
        f"made again in the print, not read from `{RESULT}`"
        if computed
        else "a copy written by hand, so it would not change if the results did"
    )
    return fail(
        f"The dictionary printed {where(line.location)} is {made}. Print the variable "
        f"itself: `print({RESULT})`.",
        "print-literal",
        line.location,
    )


def _made_here(node: ast.AST) -> bool:
    """Whether an argument of a print makes a dictionary itself: {...}, {... for ...}, dict(...)."""
    return any(
        isinstance(inner, (ast.Dict, ast.DictComp))
        or (
            isinstance(inner, ast.Call)
            and isinstance(inner.func, ast.Name)
            and inner.func.id == "dict"
        )
        for inner in ast.walk(node)
    ) and not mentions(node, RESULT)


def _result_names(case: Case) -> set[str]:
    """`can_handle_load`, the parameters it is passed to, and names that are it under another
    name (`result = can_handle_load`, or `can_handle_load = result`, `result` returned by
    the function whose call `can_handle_load = build()` stores, or `shown` in
    `for shown in [can_handle_load]:`)."""
    names = set(aliases(case, RESULT))
    functions = {
        n.node.name: n.node
        for n in case.source.nodes()
        if isinstance(n.node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    for item in case.source.nodes():
        names |= _also_named(item.node, names, functions)
    return names


def _also_named(node: ast.AST, names: set[str], functions: Mapping[str, ast.AST]) -> set[str]:
    """The names a statement makes stand for one of these names."""
    if isinstance(node, ast.For) and _each_of(node.iter, names):
        return {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
    if not isinstance(node, ast.Assign):
        return set()
    targets = {t.id for t in node.targets if isinstance(t, ast.Name)}
    if isinstance(node.value, ast.Name) and (node.value.id in names or targets & names):
        return targets | {node.value.id}
    if targets & names and isinstance(node.value, ast.Call):
        called = node.value.func
        return _returned_names(functions.get(called.id) if isinstance(called, ast.Name) else None)
    return set()


def _each_of(iterable: ast.AST, names: set[str]) -> bool:
    """Whether a loop goes over a list or tuple written out whose items are these names."""
    return (
        isinstance(iterable, (ast.List, ast.Tuple))
        and bool(iterable.elts)
        and all(isinstance(e, ast.Name) and e.id in names for e in iterable.elts)
    )


def _returned_names(function: ast.AST | None) -> set[str]:
    """The names a function hands back with `return name`."""
    if function is None:
        return set()
    return {
        n.value.id
        for n in ast.walk(function)
        if isinstance(n, ast.Return) and isinstance(n.value, ast.Name)
    }


def _fixed_runs(case: Case) -> list[Execution]:
    """The variants with the fixed settings: a drawn one's values are never shown, and the
    fixed ones tell where a print came from just as well."""
    return [e for e in case.run.executions[1:] if not case.expected.is_drawn(e.overrides)]


def _place(case: Case, line: Line) -> int:
    """Where a printed line stands among what its line of code printed in the main run.

    A line of code may print more than one line (`print(x); print()`): in another run,
    the line that print made is the one in the same place, not the last.
    """
    if line.location is None:
        return -1
    from_line = [x for x in output_lines(case.run.main) if x.location == line.location]
    return next((i for i, x in enumerate(from_line) if x == line), -1)


def _in_place(shown: list[Line], place: int) -> Line | None:
    """The line in that place among a run's lines, the last one if it printed fewer."""
    if not shown:
        return None
    return shown[place] if -len(shown) <= place < len(shown) else shown[-1]


def _not_its_own(case: Case, line: Line) -> tuple[str, str, Any] | None:
    """Find a run whose printed line is neither that run's own dictionary nor the one it
    should have computed.

    Returns how the run was set, what the print showed and the dictionary, or None when
    every run printed its own dictionary (or, if the program changed it afterwards, the
    right one) from the line that printed it as written.
    """
    place = _place(case, line)
    for execution in _fixed_runs(case):
        own = case.value(RESULT, execution)
        if own is MISSING or execution.missing or new_errors(case, execution):
            continue  # a run that broke says nothing about where the print came from
        shown = output_lines(execution)
        if line.location is not None:
            shown = [x for x in shown if x.location == line.location]
        right = case.expected.results.get(case.expected.setting(execution.overrides))
        printed = _in_place(shown, place)
        if printed is not None and (same(printed.value, own) or same(printed.value, right)):
            continue
        if line.location is None and any(same(x.value, own) for x in shown):
            continue
        setting = case.expected.setting(execution.overrides).describe()
        return setting, printed.text if printed is not None else "nothing", own
    return None


STEP = Step(
    number=4,
    title="Print the results",
    instruction=(
        "Write `print(can_handle_load)` to display which scaling strategies can handle the load."
    ),
    hint="Use the print function to show the dictionary.",
    rule=check_print,
    hinted=("no-print", "display-only"),
    about_output=True,
    after=AFTER,
    mistakes={
        "no-print": "can_handle_load is never printed.",
        "print-in-loop": "print(can_handle_load) is inside the loop, so it prints every round.",
        "printed-twice": "One line prints can_handle_load several times, without a loop.",
        "print-before-loop": "print(can_handle_load) runs before the loop fills it.",
        "print-systems": "systems is printed instead of can_handle_load.",
        "print-string": "The text 'can_handle_load' is printed, in quotes, not the variable.",
        "print-format": "The dictionary is printed with other text on its line.",
        "print-literal": "A dictionary written by hand is printed instead of the variable.",
        "print-not-result": "The printed line is not can_handle_load itself in every run.",
        "display-only": "The notebook displays can_handle_load as a cell's last line; no print.",
    },
)
