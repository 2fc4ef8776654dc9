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


# A result typed in: the lines it is on, to replace with the loop or to remove.
_TYPED_IN = re.compile(
    r"replace lines? (\d+)(?: to (\d+))? with|lines? (\d+)(?: to (\d+))? types? each answer"
)


def _typed_in() -> list[str]:
    return sorted(
        p.name
        for p in behaviours()
        if (p / "submission.py").is_file()
        and _TYPED_IN.search(" ".join((p / REPORT).read_text(encoding="utf-8").split()))
    )


def test_the_catalogue_holds_results_typed_in_each_way() -> None:
    """On one line, over several, and one entry per line after an empty dictionary."""
    assert len(_typed_in()) >= 3


@pytest.mark.parametrize("name", _typed_in())
def test_following_a_typed_in_results_advice_makes_the_step_pass(name: str, tmp_path: Path) -> None:
    """The lines the message names taken out and the loop it gives written in their place
    (after the empty dictionary it keeps or asks for): every step passes, so the message
    named every line that had to go and where the loop goes."""
    report = " ".join((BEHAVIOURS / name / REPORT).read_text(encoding="utf-8").split())
    match = _TYPED_IN.search(report)
    assert match is not None
    first, last = (int(g) if g else None for g in (match[1] or match[3], match[2] or match[4]))
    assert first is not None
    lines = (BEHAVIOURS / name / "submission.py").read_text(encoding="utf-8").split("\n")
    start = [] if match[3] else ["can_handle_load = {}"]
    loop = [
        *start,
        "for strategy, capacity in systems.items():",
        "    can_handle_load[strategy] = capacity >= load",
    ]
    lines[first - 1 : last or first] = loop
    path = tmp_path / "looped.py"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = grade([Submission("looped.py", path)], Options(timeout=TEST_TIMEOUT)).results[0]
    assert [s.passed for s in result.steps] == [True] * 4


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
