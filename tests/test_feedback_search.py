"""The repair search, verified: every edit it finds makes its step pass, and the report says it.

Every mistake of the catalogue and of the samples is run and judged as the grader does
(a child process, the exercise's checks); the search then looks for its repair. Each
repair is checked by grading the repaired program afresh, in the same batch as any
submission; its place and its change must be in the report recorded for the mistake.
Where a hand-written diagnosis names the change (and the search is not run when
grading), the search runs here anyway, and the two must agree.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from grader.analysis.source import Source
from grader.checks.case import Case
from grader.exercise import Exercise, builtin
from grader.feedback.edits import Edit
from grader.feedback.explain import advice_for
from grader.feedback.fixes import comparison, typed_change
from grader.feedback.search import Repair, agrees, find, verdicts_of
from grader.grade import Options, Submission, grade
from grader.load import LoadError, Program, load
from grader.result import Location, Status
from grader.sandbox import Limits, Sandbox
from tests.conftest import TEST_TIMEOUT
from tests.golden import BEHAVIOURS, REPORT, behaviours, golden_path, samples, submission_of


@dataclass(frozen=True)
class Found:
    """A recorded mistake, its case as judged, and the repair the search found for it."""

    name: str
    report: Path
    case: Case
    repair: Repair | None
    # The repair found when a hand-written diagnosis is not trusted to name the change.
    untrusted: Repair | None


def mistakes() -> Iterator[tuple[str, Path, Path]]:
    """Every recorded program: (name, program, recorded report)."""
    for folder in behaviours():
        program = submission_of(folder)
        assert program is not None
        yield folder.name, program, BEHAVIOURS / folder.name / REPORT
    for sample in samples():
        yield sample.name, sample, golden_path(sample.name)


def judged(
    exercise: Exercise,
    program: Program,
    expected: object,
    variants: list[dict[str, object]],
    sandbox: Sandbox,
) -> Case:
    """Run a program as the grader does: its case, ready to be judged."""
    ran = sandbox.run(program, variants, Limits(timeout=TEST_TIMEOUT))
    return Case(exercise, program, ran, expected, Source(program), TEST_TIMEOUT)


@pytest.fixture(scope="module")
def found() -> list[Found]:
    """Judge every recorded mistake and search for its repair, two at a time."""
    return search_all()


def search_all() -> list[Found]:
    """Judge every recorded mistake and search for its repair, two at a time."""
    exercise = builtin()
    first = exercise.first_expected()
    expected = exercise.compute_expected(first=first)
    variants = exercise.variants(first)
    sandbox = Sandbox("auto")

    def one(item: tuple[str, Path, Path]) -> Found | None:
        name, path, report = item
        try:
            program = load(path, shown_as=path.name)
        except LoadError:
            return None  # nothing to run, nothing to repair
        case = judged(exercise, program, expected, variants, sandbox)
        if all(v.passed for v in verdicts_of(case).values()):
            return None
        repair = find(case, sandbox)
        untrusted = repair if repair is not None else find(case, sandbox, trust=False)
        return Found(name, report, case, repair, untrusted)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return [f for f in pool.map(one, list(mistakes())) if f is not None]


def written(program: Program, folder: Path, name: str) -> Path:
    """Write a repaired program as the learner would save it: a script, or a notebook."""
    if program.kind == "script":
        path = folder / f"{name}.py"
        path.write_text(program.cells[0].original, encoding="utf-8")
        return path
    notebook = nbformat.v4.new_notebook()
    # Code cells in the order they run (a cell may have been moved), each Markdown cell
    # before the first code cell that came after it.
    markdown = sorted(program.markdown)
    for code in program.cells:
        while markdown and markdown[0][0] < (code.number or 0):
            notebook.cells.append(nbformat.v4.new_markdown_cell(markdown.pop(0)[1]))
        notebook.cells.append(nbformat.v4.new_code_cell(code.original))
    notebook.cells.extend(nbformat.v4.new_markdown_cell(text) for _, text in markdown)
    path = folder / f"{name}.ipynb"
    nbformat.write(notebook, path)
    return path


def test_the_search_repairs_most_recorded_mistakes(found: list[Found]) -> None:
    """Far from every mistake is a small edit away; most of the recorded ones are."""
    repaired = [f for f in found if f.repair is not None or f.untrusted is not None]
    assert len(repaired) >= len(found) // 3


def test_every_repair_makes_its_step_pass_when_graded_afresh(
    found: list[Found], tmp_path: Path
) -> None:
    """The repaired program, graded like any submission, passes the repaired step and those before."""
    repairs = [(f, f.repair or f.untrusted) for f in found if (f.repair or f.untrusted)]
    paths = [
        written(repair.edit.program(f.case.program), tmp_path, f.name)
        for f, repair in repairs
        if repair is not None
    ]
    # A generous limit: sixty regradings at once on a loaded machine must not time out.
    report = grade([Submission(p.name, p) for p in paths], Options(timeout=10.0, jobs=2))
    failing = [
        (f.name, repair.edit.kind, repair.step)
        for (f, repair), result in zip(repairs, report.results, strict=True)
        if repair is not None
        and not all(s.status is Status.PASSED for s in result.steps if s.step <= repair.step)
        and not (f.case.program.kind == "script" and result.status is not Status.ERROR)
    ]
    assert failing == []


# What of an edit its message quotes, where it is not the corrected line: a name renamed
# everywhere, a line removed, an `else:` indented, a whole block's tabs.
WORDS: dict[str, Callable[[Edit], str]] = {
    "renamed": lambda edit: f"`{edit.new}`",
    "line-removed": lambda edit: f"`{edit.before}`",
    "else-indented": lambda edit: "`else:`",
    # One line: the spaces that replace its tab; several: that they are tabbed.
    "tabs": lambda edit: (
        f"Replace the tab with {len(edit.new)} spaces"
        if edit.facts.get("count") == "1"
        else "indented with tabs"
    ),
    "dedented": lambda edit: "indented by",
    "rebinding-removed": lambda edit: f"`{edit.before}`",
    "guard-removed": lambda edit: f"`{edit.before}`",
    "bracket-closed": lambda edit: (
        f"add `{edit.new}` at the end of {edit.place.describe()}, after `{edit.before}`"
    ),
    "typed-value": lambda edit: "`{}` -> `{}`".format(*typed_change(edit)),
    "cell-moved": lambda edit: edit.facts["move"],
    "brackets-closed": lambda edit: edit.facts["places"],
    # A comparison's whole change is the comparison to write, said once (in the
    # exercise's form, when the repair follows it).
    "strictness": lambda edit: f"`{edit.facts.get('form') or comparison(edit.after, edit.new)}`",
    "direction": lambda edit: f"`{edit.facts.get('form') or comparison(edit.after, edit.new)}`",
}


def test_a_repairs_change_is_in_the_recorded_report(found: list[Found]) -> None:
    """What the search found is what the learner reads: the line to write is in the report."""
    missing = []
    for f in found:
        if f.repair is None:
            continue
        text = " ".join(f.report.read_text(encoding="utf-8").split())
        edit = f.repair.edit
        shown = WORDS.get(edit.kind, lambda e: e.after)(edit)
        if shown and " ".join(shown.split()) not in text:
            missing.append((f.name, edit.kind, shown))
    assert missing == []


def test_a_hand_written_diagnosis_agrees_with_the_search(found: list[Found]) -> None:
    """Where a diagnosis names the change and the search is not run, the search agrees."""
    disagree = []
    for f in found:
        if f.repair is not None or f.untrusted is None or not f.case.run.main.errors:
            continue
        error = f.case.run.main.errors[0]
        exercise = f.case.exercise
        code, advice, named = advice_for(
            error, f.case.program, f.case.run.main, f.case.timeout, exercise.advice, exercise.names
        )
        here = Location(error.line, error.cell) if error.line else None
        if named and not agrees(advice, here, f.untrusted.edit):
            disagree.append((f.name, code, f.untrusted.edit.kind, f.untrusted.edit.after))
    assert disagree == []


def test_the_recorded_mistakes_behind_the_issue_are_repaired(found: list[Found]) -> None:
    """The first-week mistakes a teacher found left at Python's words each get their edit."""
    expected = {
        "greater-or-equal-written-backwards": "operator-spelling",
        "colon-missing-in-the-dictionary": "missing-colon-in-dict",
        "print-indented-by-two-spaces": "indentation",
        "loop-over-the-values": "items",
        "keys-without-quotes": "unquoted-text",
        "dictionary-never-started": "created-before",
        "dictionary-rebuilt-inside-the-loop": "rebuilt-dict",
        "loop-variables-swapped": "swapped-targets",
        "load-less-than-capacity": "strictness",
        "greater-or-equal-sign-pasted": "operator-sign",
        "load-with-a-trailing-comma": "trailing-comma",
        "key-in-quotes": "quoted-name",
        "solution-in-a-function-never-called": "function-unwrapped",
        "tuple-values": "trailing-comma",
        "true-and-false-in-quotes": "quoted-bool",
        "notebook-print-in-a-markdown-cell": "markdown-cell",
        "dictionary-spread-over-lines-never-closed": "bracket-closed",
        "load-typed-as-a-number-in-the-comparison": "typed-value",
        "two-brackets-left-open-in-one-file": "brackets-closed",
        "brackets-left-open-in-the-loop-and-in-the-print": "brackets-closed",
        "load-assigned-again-inside-the-function-that-reads-it": "local-removed",
        "function-uses-a-local-name-above-the-line-that-makes-it": "local-moved-up",
        "notebook-loop-cell-above-the-cell-that-starts-its-dictionary": "cell-moved",
        "print-joins-a-label-to-the-dictionary-with-plus": "operand-removed",
        "load-changed-again-inside-the-loop": "changed-again-removed",
        "function-result-never-stored": "return-stored",
    }
    kinds = {f.name: f.repair.edit.kind for f in found if f.repair is not None}
    assert {name: kinds.get(name) for name in expected} == expected


def test_a_function_named_without_its_call_and_two_token_lines_are_repaired(
    found: list[Found],
) -> None:
    """A function named on a line of its own, where a call was meant, is called there; a
    line one token edit cannot mend gets two (each pair verified by running it); and a
    name misspelt where it is made is corrected to the exercise's own spelling."""
    expected = {
        "print-named-without-brackets": ("reference-called", "print(can_handle_load)"),
        "print-alone-above-the-value-it-should-show": (
            "reference-called",
            "print(can_handle_load)",
        ),
        "function-named-without-brackets": ("reference-called", "fill()"),
        "python-2-print-statement": ("tokens-edited", "print(can_handle_load)"),
        "comparison-spelt-backwards-and-its-colon-missing": (
            "tokens-edited",
            "if capacity >= load:",
        ),
        "loop-variables-without-comma-and-no-colon": (
            "tokens-edited",
            "for strategy, capacity in systems.items():",
        ),
        "else-if-written-for-elif": ("keyword-spelt", "elif capacity < load:"),
        "dictionary-replaced-by-one-answer-in-the-loop": (
            "entry-stored",
            "can_handle_load[strategy] = capacity >= load",
        ),
        "capacity-looked-up-again-by-its-value": (
            "value-as-key",
            "can_handle_load[strategy] = load <= capacity",
        ),
        "if-else-stores-the-capacity-in-both-branches": (
            "branch-test-stored",
            "can_handle_load[strategy] = load <= capacity",
        ),
        "dictionary-without-any-colons": (
            "missing-colon-in-dict",
            "systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}",
        ),
    }
    repairs = {f.name: f.repair or f.untrusted for f in found}
    seen = {
        name: (repair.edit.kind, repair.edit.after) if repair else None
        for name, repair in repairs.items()
        if name in expected
    }
    assert seen == expected
    # The misspelling made where the name is created: renamed there, to the exercise's name.
    for name in (
        "result-misspelt-where-it-is-made",
        "notebook-result-misspelt-in-the-cell-that-makes-it",
    ):
        repair = repairs[name]
        assert repair is not None and repair.edit.kind == "renamed"
        assert (repair.edit.old, repair.edit.new) == ("can_handle_lod", "can_handle_load")


def test_the_json_of_a_repaired_report_carries_the_repair_s_words(tmp_path: Path) -> None:
    """The words come from the Report: a saved JSON report renders them again."""
    path = tmp_path / "a.py"
    path.write_text((BEHAVIOURS / "key-in-quotes" / "submission.py").read_text(), "utf-8")
    report = grade([Submission("a.py", path)], Options(timeout=TEST_TIMEOUT))
    from grader.report.json import render as as_json

    data = json.loads(as_json(report))
    assert "The quotes make" in data["results"][0]["steps"][2]["message"]


def searched(name: str) -> tuple[Program, Repair | None]:
    """Judge one recorded mistake and search its repair: its program and the repair found."""
    exercise = builtin()
    first = exercise.first_expected()
    path = submission_of(BEHAVIOURS / name)
    assert path is not None
    program = load(path, shown_as=path.name)
    case = judged(
        exercise,
        program,
        exercise.compute_expected(first=first),
        exercise.variants(first),
        Sandbox("auto"),
    )
    return program, find(case, Sandbox("auto"))


def one_repair(name: str, tmp_path: Path) -> tuple[Repair, str]:
    """Judge one recorded mistake, search its repair, and grade the repaired program afresh.

    Returns the repair and the report's text as the learner reads it.
    """
    program, repair = searched(name)
    assert repair is not None
    path = written(repair.edit.program(program), tmp_path, name)
    result = grade([Submission(path.name, path)], Options(timeout=10.0)).results[0]
    assert all(s.status is Status.PASSED for s in result.steps if s.step <= repair.step)
    return repair, " ".join((BEHAVIOURS / name / REPORT).read_text(encoding="utf-8").split())


def test_a_bracket_never_closed_is_closed_after_the_last_line_it_holds(tmp_path: Path) -> None:
    """Python stops at the opening bracket; the closer goes after the last line inside it
    (the nearest line whose end makes the program read and pass), and the report names
    that line and what to add there, saying Python's words once."""
    repair, text = one_repair("dictionary-spread-over-lines-never-closed", tmp_path)
    assert repair.edit.kind == "bracket-closed"
    assert repair.edit.place == Location(5, None)
    assert "add `}` at the end of line 5, after `'vertical_scaling': 2`" in text
    assert "was never closed" not in text  # Python's words, said again in plain ones
    assert "on this line or the next" not in text


def test_a_value_typed_in_for_the_name_that_holds_it_is_replaced_by_the_name(
    tmp_path: Path,
) -> None:
    """A number equal to the value of a name the exercise asks for, typed where the name
    was meant, is found by the search (not only by a run with other values) and said on
    its line, with the change and no general hint after it."""
    exercise = builtin()
    repair, text = one_repair("load-typed-as-a-number-in-the-comparison", tmp_path)
    assert repair.edit.kind == "typed-value"
    assert repair.edit.new in exercise.names
    assert repair.edit.place == Location(5, None)
    assert f"`7 <= capacity` -> `{repair.edit.new} <= capacity`" in text
    assert "at line 5" in text
    assert "Hint:" not in text


def test_a_number_compared_with_its_own_name_is_not_replaced_by_the_name() -> None:
    """`assert load == 7` checks the name's value rather than using it: the name in the
    number's place (`load == load`) would compare a value with itself, so the search
    offers no such edit, and the report tells what stops the program instead."""
    name = "assert-that-load-keeps-its-value"
    _, repair = searched(name)
    assert repair is None or repair.edit.kind != "typed-value"
    text = " ".join((BEHAVIOURS / name / REPORT).read_text(encoding="utf-8").split())
    assert "load == load" not in text
    assert "a False `assert` stops the program: remove it" in text


def test_a_name_made_below_a_loop_that_uses_it_is_moved_above_the_loop(tmp_path: Path) -> None:
    """Python stops inside the loop, but the line that makes the name goes above the
    loop, not above the line inside it: the report says so, and doing what it says (the
    line moved above the loop's first line, with no indentation) makes the step pass."""
    folder = BEHAVIOURS / "load-set-after-the-loop"
    text = " ".join((folder / REPORT).read_text(encoding="utf-8").split())
    assert "above the loop that holds this one, at line 4, with no indentation" in text
    lines = (folder / "submission.py").read_text(encoding="utf-8").splitlines()
    moved = lines[5]
    done = [*lines[:3], moved, *lines[3:5], *lines[6:]]
    path = tmp_path / "moved.py"
    path.write_text("\n".join(done) + "\n", encoding="utf-8")
    result = grade([Submission(path.name, path)], Options(timeout=10.0)).results[0]
    assert [s.status for s in result.steps][:2] == [Status.PASSED, Status.PASSED]


@pytest.mark.parametrize(
    ("name", "move"),
    [
        (
            "notebook-loop-cell-above-the-cell-that-starts-its-dictionary",
            "Move cell 5 above cell 4",
        ),
        ("notebook-loop-cell-above-both-cells-it-reads", "Move cell 2 below cell 5"),
        ("notebook-cell-uses-load-before-its-cell", "Move cell 4 above cell 3"),
        # The cell below fills what its first line starts: the whole cell moves.
        ("notebook-print-cell-above-the-loop-cell", "Move cell 4 above cell 3"),
        (
            "notebook-dictionary-started-in-the-print-cell-below-the-loop",
            "Move `can_handle_load = {}` from cell 5 to the top of cell 4",
        ),
    ],
)
def test_a_cell_that_reads_names_made_below_it_is_moved_and_judged_where_it_lands(
    name: str, move: str, tmp_path: Path
) -> None:
    """A notebook cell that uses names only cells below it make: the cell that makes them
    moves above it, or, when several cells below make them, the cell itself moves below
    the last of those; when the cell below holds more than the lines that make them (a
    print), only those lines move, to the top of the cell that uses them. The moved notebook is judged as the learner will have it (each
    cell numbered where it lands), so a check that compares places by cell number sees
    the new order; the report names both cells and which goes where."""
    exercise = builtin()
    first = exercise.first_expected()
    path = submission_of(BEHAVIOURS / name)
    assert path is not None
    program = load(path, shown_as=path.name)
    case = judged(
        exercise,
        program,
        exercise.compute_expected(first=first),
        exercise.variants(first),
        Sandbox("auto"),
    )
    repair = find(case, Sandbox("auto"), trust=False)
    assert repair is not None and repair.edit.kind == "cell-moved"
    assert all(repair.passed)
    moved = repair.edit.program(program)
    assert [c.number for c in moved.cells] == sorted(c.number or 0 for c in moved.cells)
    assert len(moved.cells) == len(program.cells)
    regraded = written(moved, tmp_path, name)
    result = grade([Submission(regraded.name, regraded)], Options(timeout=10.0)).results[0]
    assert all(s.status is Status.PASSED for s in result.steps)
    text = " ".join((BEHAVIOURS / name / REPORT).read_text(encoding="utf-8").split())
    assert f"{move}, then run every cell again from the top" in text


@pytest.mark.parametrize(
    ("name", "kind", "change"),
    [
        ("load-less-than-capacity", "strictness", "write `capacity >= load`."),
        ("reversed-comparison-and-print-inside-the-loop", "direction", "`capacity >= load`."),
    ],
)
def test_a_comparison_repaired_is_said_once_as_the_comparison_to_write(
    name: str, kind: str, change: str, tmp_path: Path
) -> None:
    """A comparison turned or made strict is the whole change: the report gives the
    comparison to write once, not the operator, the comparison and the line again."""
    repair, text = one_repair(name, tmp_path)
    assert repair.edit.kind == kind
    assert change in text
    assert "so the line reads" not in text


@pytest.mark.parametrize(
    ("name", "spaces"), [("a-tab-under-the-else", 8), ("a-tab-among-spaces-in-the-loop", 4)]
)
def test_a_tab_among_spaces_is_read_as_the_width_that_makes_the_program_pass(
    name: str, spaces: int, tmp_path: Path
) -> None:
    """A tab is 8 columns to Python and often 4 in an editor: each reading is tried, and
    the one whose program passes is said, as the spaces that replace the tab."""
    repair, text = one_repair(name, tmp_path)
    assert repair.edit.kind == "tabs"
    assert repair.edit.new == " " * spaces
    assert f"Replace the tab with {spaces} spaces" in text


@pytest.mark.parametrize(
    ("name", "line", "said"),
    [
        ("break-at-the-end-of-the-loop", 7, "ends the loop in its first round"),
        ("break-once-a-capacity-is-large", 7, "The `break` under `if capacity > 4:` at line 7"),
    ],
)
def test_a_break_that_ends_the_loop_early_is_taken_away(
    name: str, line: int, said: str, tmp_path: Path
) -> None:
    """A loop that stores too few entries because a `break` ends it is told so at the
    `break` (not told to use the right key, which it does): the verified edit removes it."""
    repair, text = one_repair(name, tmp_path)
    assert repair.edit.kind == "break-removed"
    assert repair.edit.place == Location(line, None)
    assert said in text
    assert "as the key" not in text
