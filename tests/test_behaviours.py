"""The grading rules of the four steps, as a catalogue of learner behaviours.

One folder per behaviour under tests/behaviours/: the learner's program and the report
the learner reads (with each failure's code and place). Every program is graded through
the real grader (child process, pytest checks), all in one batch. A behaviour that has a
sample in submissions/ is stated once, by the sample's golden file (tests/test_golden.py).
Add a behaviour: write NAME/submission.py, run ``python -m tests.golden``, read the diff.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from grader.exercise import builtin
from grader.grade import Options, Submission, grade
from grader.result import Result, Status
from tests.conftest import TEST_TIMEOUT
from tests.golden import (
    BEHAVIOURS,
    REPORT,
    behaviours,
    golden_of,
    grade_behaviours,
    submission_of,
)

HEAD = """\
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
"""
LOOP = """\
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
"""
PRINT = "print(can_handle_load)\n"


@pytest.fixture(scope="module")
def results() -> dict[str, Result]:
    """Grade every behaviour of the catalogue in one batch."""
    return grade_behaviours()


@pytest.mark.parametrize("name", [p.name for p in behaviours()])
def test_each_behaviour_gets_exactly_its_recorded_report(
    name: str, results: dict[str, Result]
) -> None:
    """The steps that pass, each failure's code and place, and the words the learner reads."""
    expected = (BEHAVIOURS / name / REPORT).read_text(encoding="utf-8")
    assert golden_of(results[name]) == expected


def test_every_behaviour_folder_holds_a_submission_and_its_report() -> None:
    """No folder of the catalogue lacks its program or its golden report."""
    folders = [p for p in BEHAVIOURS.iterdir() if p.is_dir()]
    incomplete = [p.name for p in folders if submission_of(p) is None]
    unrecorded = [p.name for p in folders if not (p / REPORT).is_file()]
    assert (bool(folders), incomplete, unrecorded) == (True, [], [])


def test_every_failed_step_has_a_message_and_a_code(results: dict[str, Result]) -> None:
    """No failed step is left without words for the learner, or a code for staff."""
    empty = [
        (result.submission, step.step)
        for result in results.values()
        for step in result.steps
        if step.status is Status.FAILED and not (step.message and step.code)
    ]
    assert empty == []


def test_a_hint_is_given_only_where_it_fits(results: dict[str, Result]) -> None:
    """No hint under a blocked step or a program's error; one under a step not attempted."""
    hinted = {
        (step.code or "").split(".", 1)[-1]
        for result in results.values()
        for step in result.steps
        if step.hint
    }
    unhinted = {
        (step.code or "").split(".", 1)[-1]
        for result in results.values()
        for step in result.steps
        if not step.passed and not step.hint
    }
    assert "missing" in hinted
    assert not hinted & {"syntax-error", "name-error", "strict-greater", "not-dict"}
    assert "needs-step1" in unhinted


def test_a_step_blocked_by_an_earlier_one_says_which(results: dict[str, Result]) -> None:
    """A step that cannot be judged says which step to fix first, not the same error again."""
    step3 = results["missing-key"].steps[2]
    assert (step3.code, step3.message.startswith("Fix step 1 first")) == ("step3.needs-step1", True)


def test_a_check_that_breaks_costs_one_step_not_the_batch(tmp_path: Path) -> None:
    """A bug in one step's check fails that step with grader-error; the rest is graded."""
    from grader.checks.case import Case, Verdict

    scaling = builtin()

    def broken(case: Case) -> Verdict:
        # The reference still passes: an exercise whose reference fails does not load.
        if case.program.path.startswith("ok"):
            raise KeyError("a bug")
        return scaling.step(3).rule(case)

    steps = tuple(replace(s, rule=broken) if s.number == 3 else s for s in scaling.steps)
    path = tmp_path / "ok.py"
    path.write_text(HEAD + LOOP + PRINT, encoding="utf-8")
    report = grade(
        [Submission("ok.py", path), Submission("ok2.py", path)],
        Options(timeout=TEST_TIMEOUT),
        exercise=replace(scaling, steps=steps),
    )
    codes = [[step.code for step in result.steps] for result in report.results]
    assert codes == [[None, None, "grader-error", None]] * 2


# -- a teacher's review of the catalogue's reports ---------------------------------------

# A sentence of the grader's: ends with . ! or ?, read across wrapped lines.
_SENTENCE = re.compile(r"[^.!?]+[.!?]")


def _report_of(name: str) -> list[str]:
    """The text report of a behaviour as recorded, without its header of facts."""
    text = (BEHAVIOURS / name / REPORT).read_text(encoding="utf-8")
    return text.split("\n\n", 1)[1].rstrip("\n").split("\n")


def _prose(lines: list[str]) -> str:
    """The grader's sentences of a report, joined across wrapped lines."""
    return " ".join(line.strip() for line in lines[1:] if not line.lstrip().startswith("| "))


# The behaviours written for the review: each a mistake a teacher explains from the code
# (a notebook of the catalogue that passes is not a mistake).
REVIEWED = sorted(
    p.name
    for p in behaviours()
    if (
        (p / "submission.ipynb").is_file()
        and not (p / REPORT).read_text(encoding="utf-8").startswith("status: passed")
    )
    or (
        (p / "submission.py").is_file()
        and (p / "submission.py").read_text(encoding="utf-8").startswith("# Scaling strategies\n")
    )
)


@pytest.mark.parametrize("name", [p.name for p in behaviours()])
def test_no_report_says_a_sentence_twice(name: str) -> None:
    """Each thing is said once: no sentence of the grader's appears twice in a report."""
    sentences = [s.strip() for s in _SENTENCE.findall(_prose(_report_of(name)))]
    repeated = sorted({s for s in sentences if sentences.count(s) > 1 and len(s) > 12})
    assert repeated == []


@pytest.mark.parametrize("name", REVIEWED)
def test_no_line_of_a_report_is_wider_than_80_columns_but_the_learners_own(name: str) -> None:
    """Prose wraps at 80 columns; only quoted learner lines (behind `|`) may be wider."""
    lines = _report_of(name)
    wide = [line for line in lines[1:] if len(line) > 80 and not line.lstrip().startswith("| ")]
    assert wide == []


def test_the_review_covers_at_least_thirty_scripts_and_notebooks() -> None:
    """The review holds thirty behaviours or more, notebooks among them."""
    notebooks = [n for n in REVIEWED if n.startswith("notebook-")]
    assert (len(REVIEWED) >= 30, bool(notebooks)) == (True, True)


@pytest.mark.parametrize("name", REVIEWED)
def test_a_reviewed_mistake_gets_one_diagnosis_with_its_line_and_its_fix(
    name: str, results: dict[str, Result]
) -> None:
    """The first thing said names where (a line or a cell) and what to write (code)."""
    result = results[name]
    failed = [s for s in result.steps if not s.passed and s.blocked_by is None]
    first = failed[0].message if failed and result.status is not Status.ERROR else result.message
    diagnosed = [s for s in failed if s.code and ".needs-step" not in s.code]
    assert (
        bool(re.search(r"\b(line|cell) \d+", first)),
        "`" in first,
        len(diagnosed) <= 1 or result.status is Status.ERROR,
    ) == (True, True, True)


# -- a change is said with its place --------------------------------------------------

# A statement to write, in backticks: an assignment, a loop, a print, a block's head.
_STATEMENT = re.compile(r"`([^`]*(?:=|\bfor\b|print\(|:)[^`]*)`")
_PLACE = re.compile(r"\b(?:line|lines|cell) \d+")


def _failed_blocks(name: str) -> list[str]:
    """Each failed step's paragraph of a recorded report, learner lines included."""
    blocks: list[list[str]] = []
    inside = False
    for line in _report_of(name)[1:]:
        if line.lstrip().startswith("✗"):
            blocks.append([])
            inside = True
        elif inside and line.startswith("      "):
            blocks[-1].append(line.strip())
        else:
            inside = False
    return [" ".join(block) for block in blocks]


@pytest.mark.parametrize("name", [p.name for p in behaviours()])
def test_every_message_that_gives_code_to_write_names_its_line(name: str) -> None:
    """A change is no use without its place: a failed step whose message gives a
    statement to write names the line or cell it goes on (or the program's own line, in
    a quoted error)."""
    unplaced = [
        block
        for block in _failed_blocks(name)
        if _STATEMENT.search(block) and not _PLACE.search(block)
    ]
    assert unplaced == []


# A loop's variables renamed, line by line: "line 5 becomes `...`".
_BECOMES = re.compile(r"line (\d+) becomes `([^`]*)`")


def _renames() -> list[str]:
    return sorted(
        p.name
        for p in behaviours()
        if (p / "submission.py").is_file()
        and "step3.loop-names" in (p / REPORT).read_text(encoding="utf-8")
        and _BECOMES.search(" ".join((p / REPORT).read_text(encoding="utf-8").split()))
    )


def test_the_catalogue_holds_renames_that_reach_past_the_for_line() -> None:
    """The renames below are not only of the `for` line: the body and the lines after
    it are among them, so the test that follows them proves the whole rename."""
    counts = [
        len(_BECOMES.findall(" ".join((BEHAVIOURS / n / REPORT).read_text("utf-8").split())))
        for n in _renames()
    ]
    assert (len(counts) >= 4, max(counts, default=0) >= 4) == (True, True)


@pytest.mark.parametrize("name", _renames())
def test_following_a_rename_line_by_line_makes_the_step_pass(name: str, tmp_path: Path) -> None:
    """Every line a rename names, rewritten as it says (its indentation kept), and the
    program graded again: the step passes, so no line that had to change was left out."""
    report = " ".join((BEHAVIOURS / name / REPORT).read_text(encoding="utf-8").split())
    changes = {int(n): text for n, text in _BECOMES.findall(report)}
    assert "for strategy, capacity in systems.items():" in changes.values()
    lines = (BEHAVIOURS / name / "submission.py").read_text(encoding="utf-8").split("\n")
    for number, text in changes.items():
        old = lines[number - 1]
        lines[number - 1] = old[: len(old) - len(old.lstrip())] + text
    path = tmp_path / "renamed.py"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = grade([Submission("renamed.py", path)], Options(timeout=TEST_TIMEOUT)).results[0]
    assert [s.passed for s in result.steps] == [True] * 4


# A block rewritten: every line to write, change or remove, in words that can be
# followed one by one (grader/exercises/scaling/rewrite.py).
_CODE = r"`([^`]*)`"
_EDITS = {
    "above": re.compile(rf"write {_CODE} above line (\d+)"),
    "below": re.compile(rf"below line (\d+), indented inside the loop, write {_CODE}"),
    "becomes": re.compile(rf"line (\d+) becomes {_CODE}"),
    "remove": re.compile(r"[Rr]emove lines? (\d+(?: to \d+)?(?:(?:, | and )\d+(?: to \d+)?)*)"),
    "replace": re.compile(
        rf"replace lines? (\d+)(?: to (\d+))? with {_CODE}, then below it write {_CODE} "
        rf"and, indented inside the loop, {_CODE}"
    ),
    "after": re.compile(
        rf"after {_CODE} \(line (\d+)\) write {_CODE} and, indented inside the loop, {_CODE}"
    ),
    "typed": re.compile(r"lines? (\d+)(?: to (\d+))? types? each answer in by hand"),
}


# Changes the rename and the older typed-in messages give as well: followed here too,
# but not what marks a rewrite.
_OTHERS = ("becomes", "typed")


def _numbers(said: str) -> list[int]:
    """'5', '5 to 9', '4, 6 and 8' or '3 and 5 to 8' as line numbers."""
    found = []
    for part in re.split(r", | and ", said):
        first, _, last = part.partition(" to ")
        found += range(int(first), int(last or first) + 1)
    return found


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _loop_indent(lines: list[str], number: int) -> str:
    """The indentation inside the loop that starts at or above a line."""
    loop = next(i for i in range(number - 1, -1, -1) if lines[i].lstrip().startswith("for "))
    return _indent(lines[loop]) + "    "


def _rewritten(report: str, lines: list[str]) -> list[str]:
    """A program with every change a message names made, each on the learner's own
    numbering: lines inserted above or below, changed, or removed."""
    before: dict[int, list[str]] = {}
    after: dict[int, list[str]] = {}
    becomes: dict[int, str] = {}
    for m in _EDITS["above"].finditer(report):
        before.setdefault(int(m[2]), []).append(_indent(lines[int(m[2]) - 1]) + m[1])
    for m in _EDITS["below"].finditer(report):
        after.setdefault(int(m[1]), []).append(_loop_indent(lines, int(m[1])) + m[2])
    for m in _EDITS["becomes"].finditer(report):
        becomes[int(m[1])] = _indent(lines[int(m[1]) - 1]) + m[2]
    gone = {n for m in _EDITS["remove"].finditer(report) for n in _numbers(m[1])}
    for m in _EDITS["typed"].finditer(report):
        gone |= set(range(int(m[1]), int(m[2] or m[1]) + 1))
    for m in _EDITS["replace"].finditer(report):
        first, last = int(m[1]), int(m[2] or m[1])
        gone |= set(range(first, last + 1))
        before.setdefault(first, []).extend([m[3], m[4], "    " + m[5]])
    for m in _EDITS["after"].finditer(report):
        after.setdefault(int(m[2]), []).extend([m[3], "    " + m[4]])
    out: list[str] = []
    for number, line in enumerate(lines, start=1):
        out += before.get(number, [])
        if number not in gone:
            out.append(becomes.get(number, line))
        out += after.get(number, [])
    return out


def _rewrites() -> list[str]:
    return sorted(
        p.name
        for p in behaviours()
        if (p / "submission.py").is_file()
        and any(
            e.search(block)
            for block in _failed_blocks(p.name)
            for k, e in _EDITS.items()
            if k not in _OTHERS
        )
    )


def test_the_catalogue_holds_rewrites_of_each_kind() -> None:
    """Results typed in (on one line, over several, one entry per line), built by a
    comprehension, a `while` loop, and a loop that does not fill the dictionary: each
    kind of change is among the rewrites the next test follows."""
    said = " ".join(" ".join(_failed_blocks(n)) for n in _rewrites())
    kinds = sorted(k for k, e in _EDITS.items() if k not in _OTHERS and e.search(said))
    assert (len(_rewrites()) >= 6, kinds) == (True, sorted(k for k in _EDITS if k not in _OTHERS))


@pytest.mark.parametrize("name", _rewrites())
def test_following_a_rewrite_line_by_line_makes_the_step_pass(
    name: str, tmp_path: Path, results: dict[str, Result]
) -> None:
    """Every change the first failed step names, made as it says (lines written above or
    below, changed, removed; the loop written in place of the old code) and the program
    graded again: every step passes, so no line the loop needs, and no old line that
    had to go, was left out."""
    report = _failed_blocks(name)[0]
    lines = (BEHAVIOURS / name / "submission.py").read_text(encoding="utf-8").split("\n")
    path = tmp_path / "rewritten.py"
    path.write_text("\n".join(_rewritten(report, lines)), encoding="utf-8")
    before = {s.step: s.passed for s in results[name].steps}
    result = grade([Submission("rewritten.py", path)], Options(timeout=TEST_TIMEOUT)).results[0]
    after = {s.step: s.passed for s in result.steps}
    failed = next(step for step, passed in before.items() if not passed)
    # The step the message is about passes, and no step that passed before fails: a
    # later step may still be waiting for its own change (a print never written).
    assert (after[failed], [s for s, p in before.items() if p and not after[s]]) == (
        True,
        [],
    ), path.read_text(encoding="utf-8")


# -- endings the parent decides --------------------------------------------------------

THREAD = """\
import threading
import time

thread = threading.Thread(target=lambda: time.sleep({seconds}), daemon={daemon})
thread.start()
"""


@pytest.mark.parametrize(
    ("seconds", "daemon", "passes"),
    [(100_000, False, False), (0.2, False, True), (100_000, True, True)],
)
def test_a_thread_that_keeps_python_from_exiting_is_a_program_that_never_ends(
    tmp_path: Path, seconds: float, daemon: bool, passes: bool
) -> None:
    """Under an allowlist that allows threads, a thread that is still running after the
    last line, and is not a daemon, means the program never ends: no step passes, and the
    learner reads why; one that ends, or a daemon, does not keep the program from ending."""
    scaling = builtin()
    widened = scaling.allowlist.widen(modules={"threading": ["Thread"]}, attributes=["start"])
    path = tmp_path / "threaded.py"
    thread = THREAD.format(seconds=seconds, daemon=daemon)
    path.write_text(thread + HEAD + LOOP + PRINT, encoding="utf-8")
    report = grade(
        [Submission(path.name, path)],
        Options(timeout=TEST_TIMEOUT),
        exercise=replace(scaling, allowlist=widened),
    )
    result = report.results[0]
    assert (result.status is Status.PASSED) is passes, result.steps[0].message
    if not passes:
        assert result.steps[0].code == "timeout"
        assert "thread" in result.steps[0].message


# A notebook's rename reaches the cells below the loop's: "cell 4, line 1 becomes `...`".
_CELL_BECOMES = re.compile(r"cell (\d+), line (\d+) becomes `([^`]*)`")


def _notebook_renames() -> list[str]:
    return sorted(
        p.name
        for p in behaviours()
        if (p / "submission.ipynb").is_file()
        and "step3.loop-names" in (p / REPORT).read_text(encoding="utf-8")
    )


@pytest.mark.parametrize("name", _notebook_renames())
def test_following_a_notebook_rename_cell_by_cell_makes_the_step_pass(
    name: str, tmp_path: Path
) -> None:
    """Every line of every cell a rename names, rewritten as it says, and the notebook
    graded again: all four steps pass, so no cell below the loop's was left reading the
    old name."""
    nbformat = pytest.importorskip("nbformat")
    report = " ".join((BEHAVIOURS / name / REPORT).read_text(encoding="utf-8").split())
    changes = _CELL_BECOMES.findall(report)
    notebook = nbformat.read(BEHAVIOURS / name / "submission.ipynb", as_version=4)
    # The grader numbers cells as Jupyter shows them: every cell, Markdown too, from 1.
    assert len({cell for cell, _, _ in changes}) >= 2
    for cell, line, text in changes:
        lines = notebook.cells[int(cell) - 1].source.split("\n")
        old = lines[int(line) - 1]
        lines[int(line) - 1] = old[: len(old) - len(old.lstrip())] + text
        notebook.cells[int(cell) - 1].source = "\n".join(lines)
    path = tmp_path / "renamed.ipynb"
    nbformat.write(notebook, path)
    result = grade([Submission("renamed.ipynb", path)], Options(timeout=TEST_TIMEOUT)).results[0]
    assert [s.passed for s in result.steps] == [True] * 4
