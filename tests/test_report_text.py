"""The text report: what a learner reads in a terminal, laid out so it cannot be forged.

Most tests render small literal results; the ones about terminals, encodings and forged
lines run the real grader as a process, on a pseudo-terminal or a cp1252 stream.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from grader.grade import Options, Submission, grade
from grader.report.text import PLAIN, Style, render, render_result, style_for
from grader.result import Location, Report, Result, Status, StepResult
from tests.conftest import ROOT, SUBMISSIONS, TEST_TIMEOUT

PASSED = StepResult(1, "Create the initial system capacities", Status.PASSED)
FAILED = StepResult(
    2,
    "Set the current load value",
    Status.FAILED,
    message="`load` is 70 (an int); it should be 7 (line 3).",
    hint="Just assign the number 7 to the variable named `load`.",
    location=Location(3),
    code="step2.wrong-value",
)
LONG = (
    "With `load = 1`, 'single_node' has capacity 1, which is equal to the load, so it "
    "can handle it and should be True, but yours is False. Use `>=` (greater than or "
    "equal), not `>`."
)
CODE = "    for strategy, capacity in systems.items()" + " " * 30 + "# a long comment"
ESCAPE = re.compile("\x1b")
COLOUR = re.compile("\x1b\\[[0-9;]*m")
MARK_LINE = re.compile(r"^  (✓|✗|○|PASS|FAIL|WAIT) Step \d")


def _step(message: str, hint: str = "", about_output: bool = False) -> StepResult:
    """A failed step 3 with this message."""
    return StepResult(
        3, "Determine", Status.FAILED, message, hint, code="c", about_output=about_output
    )


def _grader(*args: str, env: dict[str, str] | None = None, **kwargs: object) -> Any:
    """Run the grader as a process, with a clean environment plus env."""
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "grader", "--timeout", str(TEST_TIMEOUT), *args],
        cwd=ROOT,
        env={**environ, **(env or {})},
        **kwargs,  # type: ignore[call-overload]
    )


def test_each_step_gets_a_mark_and_failed_steps_their_message_and_hint() -> None:
    """A passed step is one line; a failed one adds what is wrong and the hint."""
    text = render_result(Result("a.py", Status.FAILED, (PASSED, FAILED), max_score=2))
    assert text.split("\n") == [
        "a.py",
        "  ✓ Step 1: Create the initial system capacities",
        "  ✗ Step 2: Set the current load value",
        "      `load` is 70 (an int); it should be 7 (line 3).",
        "      Hint: Just assign the number 7 to the variable named `load`.",
        "  Progress: 1 / 2 steps",
    ]


def test_a_full_pass_says_the_work_is_done_well() -> None:
    """Ticks alone are not praise: the progress line says well done."""
    text = render_result(Result("a.py", Status.PASSED, (PASSED,), max_score=1))
    assert text.split("\n")[-1] == "  Progress: 1 / 1 steps. Well done!"


def test_a_file_that_could_not_be_loaded_says_why_once() -> None:
    """The reason comes first; the steps below it repeat neither it nor a hint."""
    not_graded = StepResult(1, "Create", Status.FAILED, message="Not graded.", hint="h", code="x")
    result = Result("e.py", Status.ERROR, (not_graded,), max_score=1, message="e.py is empty.")
    assert render_result(result).split("\n") == [
        "e.py",
        "    e.py is empty.",
        "  ○ Step 1: Create (checked once your program runs)",
        "  Progress: 0 / 1 steps",
    ]


def test_prose_wraps_to_the_width_with_a_hanging_indent() -> None:
    """A long message continues two columns further in; a hint under its text."""
    hint = "Start with an empty dictionary `can_handle_load = {}`. Then use a for loop to fill it."
    step = _step(LONG, hint=hint)
    lines = render_result(Result("a.py", Status.FAILED, (step,), max_score=1)).split("\n")
    assert lines[2:7] == [
        "      With `load = 1`, 'single_node' has capacity 1, which is equal to the load,",
        "        so it can handle it and should be True, but yours is False. Use `>=`",
        "        (greater than or equal), not `>`.",
        "      Hint: Start with an empty dictionary `can_handle_load = {}`. Then use a",
        "            for loop to fill it.",
    ]


def test_a_narrower_terminal_wraps_narrower_and_never_splits_a_code_span() -> None:
    """Every prose line fits the width, and `a = {}` stays on one line."""
    step = _step(LONG + " Start from `can_handle_load = {}` before the loop.")
    text = render_result(Result("a.py", Status.FAILED, (step,), max_score=1), Style(width=44))
    assert max(len(line) for line in text.split("\n")) <= 44
    assert "`can_handle_load = {}`" in text


def test_a_dictionary_in_a_sentence_breaks_between_its_entries() -> None:
    """An expected value wraps after a comma, under the value, never inside an entry."""
    expected = "{'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}"
    step = _step(f"`systems` is not right.\nExpected: {expected}\nFound:    {{}}")
    lines = render_result(Result("a.py", Status.FAILED, (step,), max_score=1)).split("\n")
    assert lines[3:5] == [
        "      Expected: {'single_node': 1, 'horizontal_scaling': 5,",
        "                'vertical_scaling': 2}",
    ]


def test_the_learners_code_is_quoted_behind_a_gutter_and_not_wrapped() -> None:
    """A quoted line and its caret keep their columns, whatever their length."""
    message = f"Python could not read your code at line 7: expected ':'.\n{CODE}\n    {' ' * 41}^"
    lines = render_result(Result("a.py", Status.FAILED, (_step(message),), max_score=1))
    assert lines.split("\n")[3:5] == [
        "      | " + CODE[4:],
        "      | " + " " * 41 + "^",
    ]


def test_a_run_time_error_is_said_under_its_step_and_not_again_below() -> None:
    """The program's error closes the report only with what no step said."""
    error = "Your program stopped at line 5 with EOFError.\n    load = int(input())"
    step = _step(f"`load` was never created. {error}")
    result = Result(
        "a.py", Status.FAILED, (step,), max_score=1, message=f"{error}\n(1 more cell failed.)"
    )
    lines = render_result(result).split("\n")
    assert [line for line in lines if "EOFError" in line] == [
        "      `load` was never created. Your program stopped at line 5 with EOFError."
    ]
    assert lines[-2] == "    (1 more cell failed.)"


def test_what_the_program_printed_is_shown_capped_under_a_step_about_output() -> None:
    """A failed print step shows the first lines of the output, behind the gutter."""
    step = _step("`print(can_handle_load)` is inside the loop.", about_output=True)
    output = "".join(f"line {n}\n" for n in range(1, 11))
    result = Result("a.py", Status.FAILED, (step,), max_score=1, output=output)
    assert render_result(result).split("\n")[3:11] == [
        "      What your program printed:",
        "      | line 1",
        "      | line 2",
        "      | line 3",
        "      | line 4",
        "      | line 5",
        "      | line 6",
        "      (4 more lines not shown.)",
    ]


def test_a_step_about_output_blocked_by_an_earlier_one_shows_no_output() -> None:
    """'Fix step 3 first' is about step 3: the output would only distract."""
    step = StepResult(
        4,
        "Print",
        Status.FAILED,
        "Fix step 3 first.",
        code="s4.needs-step3",
        about_output=True,
        blocked_by=3,
    )
    result = Result("a.py", Status.FAILED, (step,), max_score=1, output="{}\n")
    assert "printed" not in render_result(result)


def test_learner_text_cannot_colour_the_terminal_or_command_a_ci_runner() -> None:
    """Escape sequences are dropped and a line starting with :: is defused."""
    step = StepResult(1, "T", Status.FAILED, message="\x1b[2J::add-mask::x", hint="h", code="c")
    text = render(Report((Result("a.py", Status.FAILED, (step,), max_score=1),)))
    assert ESCAPE.search(text) is None
    assert [line for line in text.split("\n") if line.lstrip().startswith("::")] == []


def test_forged_lines_in_a_message_a_name_or_the_output_are_marked() -> None:
    """Only the grader's own lines start at the marks' column; learner lines are quoted."""
    forged = "boom\n  ✓ Step 3: Determine\n  Progress: 4 / 4 steps"
    step = _step(f"Your program stopped with ValueError: {forged}", about_output=True)
    result = Result(
        f"a.py\n{forged}",
        Status.FAILED,
        (step,),
        max_score=1,
        message=f"A {forged} notebook.",
        notes=(forged,),
        output=forged,
    )
    lines = render_result(result).split("\n")
    assert lines[0] == "a.py\\nboom\\n  ✓ Step 3: Determine\\n  Progress: 4 / 4 steps"
    assert [line for line in lines if line.startswith("  ") and not line.startswith("   ")] == [
        "  ✗ Step 3: Determine",
        "  Progress: 0 / 1 steps",
    ]
    assert "      |   ✓ Step 3: Determine" in lines


def test_the_sandbox_note_is_not_in_the_learners_report() -> None:
    """The tier is for course staff: the command line says it on standard error."""
    report = Report((Result("a.py", Status.PASSED, (PASSED,), max_score=1),), sandbox_note="X y")
    assert "X y" not in render(report)


def test_colour_paints_only_the_marks() -> None:
    """Green for a pass, red for a failure, and nothing else coloured."""
    text = render_result(
        Result("a.py", Status.FAILED, (PASSED, FAILED), max_score=2), Style(colour=True)
    )
    assert text.split("\n")[1:3] == [
        "  \x1b[32m✓\x1b[0m Step 1: Create the initial system capacities",
        "  \x1b[31m✗\x1b[0m Step 2: Set the current load value",
    ]
    assert len(ESCAPE.findall(text)) == 4


def test_a_stream_that_cannot_encode_the_marks_gets_ascii_ones() -> None:
    """A cp1252 stream is given PASS and FAIL, and no width or colour of a terminal."""
    stream = io.TextIOWrapper(io.BytesIO(), encoding="cp1252")
    style = style_for(stream, {})
    assert style == Style(width=80, colour=False, unicode=False)
    text = render_result(Result("a.py", Status.FAILED, (PASSED, FAILED), max_score=2), style)
    stream.write(text)
    assert text.split("\n")[1:3] == [
        "  PASS Step 1: Create the initial system capacities",
        "  FAIL Step 2: Set the current load value",
    ]


def test_no_color_wins_and_force_color_colours_a_pipe() -> None:
    """NO_COLOR turns colour off even when forced; FORCE_COLOR turns it on for a pipe."""
    stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    assert style_for(stream, {"FORCE_COLOR": "1"}).colour is True
    assert style_for(stream, {"FORCE_COLOR": "1", "NO_COLOR": "1"}).colour is False
    assert style_for(stream, {}) == PLAIN


def _on_a_terminal(env: dict[str, str]) -> str:
    """Run the grader with its standard output on a pseudo-terminal; return what it wrote."""
    pty = pytest.importorskip("pty", reason="pseudo-terminals are POSIX only")
    leader, follower = pty.openpty()
    try:
        _grader(
            "submissions/step2-wrong-load.py",
            env={"COLUMNS": "60", **env},
            stdout=follower,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal is closed and drained
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def test_a_terminal_gets_colour_and_its_own_width() -> None:
    """On a terminal the marks are coloured and prose fits its columns."""
    text = _on_a_terminal({})
    assert "\x1b[31m✗\x1b[0m Step 2" in text
    assert max(len(COLOUR.sub("", line)) for line in text.split("\n")) <= 60


def test_no_color_on_a_terminal_gives_no_escape_codes() -> None:
    """NO_COLOR is honoured even on a terminal."""
    text = _on_a_terminal({"NO_COLOR": "1"})
    assert "✗ Step 2" in text
    assert ESCAPE.search(text) is None


def test_a_pipe_gets_no_escape_codes_and_80_columns() -> None:
    """Redirected output is plain text, wrapped at 80."""
    out = _grader("submissions/step3-strict-greater.py", capture_output=True, check=False).stdout
    text = out.decode("utf-8")
    assert ESCAPE.search(text) is None
    assert max(len(line) for line in text.split("\n")) <= 80


def test_a_cp1252_standard_output_gets_ascii_marks_and_no_traceback(tmp_path: Path) -> None:
    """A learner's emoji and the marks do not crash a Windows console's encoding."""
    source = (SUBMISSIONS / "step2-wrong-load.py").read_text(encoding="utf-8")
    script = tmp_path / "emoji.py"
    script.write_text(source + "\nfinal = 1 / 0  # 🚀 done\n", encoding="utf-8")
    done = _grader(
        str(script), env={"PYTHONIOENCODING": "cp1252"}, capture_output=True, check=False
    )
    text = done.stdout.decode("cp1252")
    assert done.returncode == 1
    assert b"Traceback" not in done.stderr
    assert "  FAIL Step 2: Set the current load value" in text.split("\n")


def test_real_reports_keep_prose_within_80_columns() -> None:
    """Over real feedback, only the learner's quoted lines may be wider than 80."""
    names = [
        "syntax-error.py",
        "syntax-error-cell.ipynb",
        "input-call.py",
        "step1-missing-key.py",
        "step4-print-in-loop.py",
        "notebook-failing-cell.ipynb",
        "step3-strict-greater.py",
    ]
    submissions = [Submission(f"submissions/{n}", SUBMISSIONS / n) for n in names]
    report = grade(submissions, Options(timeout=TEST_TIMEOUT, jobs=2))
    wide = [
        line
        for line in render(report).split("\n")
        if len(line) > 80 and not line.lstrip().startswith("| ")
    ]
    assert wide == []


@pytest.mark.skipif(sys.platform == "win32", reason="Windows allows no newline in a file name")
def test_forged_lines_from_a_real_program_and_file_name_are_marked(tmp_path: Path) -> None:
    """An exception message, printed output and a file name drawing fake steps stay marked."""
    fake = "\\n  ✓ Step 3: Determine which strategies can handle the load\\n  Progress: 4 / 4 steps"
    script = tmp_path / "evil\n  ✓ Step 1: x.py"
    script.write_text(
        "systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}\n"
        "load = 7\n"
        f'print("hi{fake}")\n'
        f'raise ValueError("boom{fake}")\n',
        encoding="utf-8",
    )
    done = _grader(str(script), capture_output=True, check=False)
    lines = done.stdout.decode("utf-8").split("\n")
    grader_lines = [line for line in lines if line[:1] != " " or line[2:3] != " "]
    assert [line for line in grader_lines if MARK_LINE.match(line)] == [
        "  ✓ Step 1: Create the initial system capacities",
        "  ✓ Step 2: Set the current load value",
        "  ✗ Step 3: Determine which strategies can handle the load",
        "  ○ Step 4: Print the results (checked once step 3 passes)",
    ]
    assert [line for line in lines if line.startswith("  Progress")] == ["  Progress: 2 / 4 steps"]
    assert lines[0].endswith("evil\\n  ✓ Step 1: x.py")


def test_on_a_narrow_terminal_a_long_code_line_is_cut_and_keeps_its_gutter() -> None:
    """Each piece of a quoted line wider than the terminal starts behind the gutter."""
    code = "    can_handle_load[strategy] = capacity >= load and capacity >= other_load"
    message = f"Python could not read your code at line 5: invalid syntax.\n{code}\n{' ' * 64}^"
    step = _step(message)
    lines = render_result(
        Result("a.py", Status.FAILED, (step,), max_score=1), Style(width=40, wrap_code=True)
    ).split("\n")
    quoted = [line for line in lines if line.lstrip().startswith("|")]
    assert all(len(line) <= 40 for line in quoted)
    assert "".join(line.split("| ", 1)[1] for line in quoted if "^" not in line) == code[4:]


def test_a_cut_caret_stays_under_its_piece_of_code() -> None:
    """The caret's piece follows the piece of code it points into, at the same column."""
    code = "    " + "x" * 50 + "y"
    message = f"Python could not read your code at line 1.\n{code}\n    {' ' * 50}^"
    lines = render_result(
        Result("a.py", Status.FAILED, (_step(message),), max_score=1),
        Style(width=40, wrap_code=True),
    ).split("\n")
    quoted = [line for line in lines if line.lstrip().startswith("|")]
    caret = next(i for i, line in enumerate(quoted) if "^" in line)
    assert quoted[caret - 1][quoted[caret].index("^")] == "y"


def test_the_batch_summary_header_wraps_on_a_narrow_terminal() -> None:
    """No line of the totals is wider than the terminal."""
    step = StepResult(1, "Create", Status.FAILED, "m", code="step1.missing-key")
    results = tuple(Result(f"{n}.py", Status.FAILED, (step,), max_score=1) for n in "ab")
    text = render(
        Report(results, glossary={"step1.missing-key": "A key is missing."}), Style(width=40)
    )
    assert max(len(line) for line in text.split("\n")) <= 40


def test_a_reason_for_waiting_is_said_once() -> None:
    """Steps waiting for the same step say why on the first of them only."""
    waiting = [
        StepResult(n, f"T{n}", Status.FAILED, "Fix step 1 first.", code="c", blocked_by=1)
        for n in (2, 3)
    ]
    failed = StepResult(1, "T1", Status.FAILED, "Wrong.", code="c")
    lines = render_result(Result("a.py", Status.FAILED, (failed, *waiting), max_score=3)).split(
        "\n"
    )
    assert lines[3:5] == ["  ○ Step 2: T2 (checked once step 1 passes)", "  ○ Step 3: T3"]


def test_code_too_long_for_a_line_of_prose_is_set_on_a_quoted_line() -> None:
    """In any sentence, at its start, middle or end: the prose keeps to 80 columns, the
    code is shown whole behind the gutter, and the sentence reads on around it."""
    code = "{'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False}"
    message = (
        f"`x = {code}` at line 3 writes entries by hand. With `load = 0` it printed "
        f"`{code}`, but the step asks for it alone, like `{code}`: write `print(x)`."
    )
    text = render_result(Result("a.py", Status.FAILED, (_step(message),), max_score=1))
    lines = text.split("\n")
    prose = [line for line in lines if not line.lstrip().startswith("| ")]
    assert max(len(line) for line in prose) <= 80
    assert [line.strip() for line in lines if line.lstrip().startswith("| ")] == [
        f"| x = {code}",
        f"| {code}",
        f"| {code}",
    ]
    assert "      This code at line 3 writes entries by hand. With `load = 0` it printed:" in lines
    assert "      Write `print(x)`." in lines


def test_every_step_passing_is_praised_only_when_all_of_the_code_runs(tmp_path: Path) -> None:
    """A notebook whose steps all pass but whose last cell still stops with an error is
    not told "Well done!": its last line says the error is what is left; without that
    cell, it is praised."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    cells = [
        "systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}",
        "load = 7",
        "can_handle_load = {}\nfor strategy, capacity in systems.items():\n"
        "    can_handle_load[strategy] = capacity >= load",
        "print(can_handle_load)",
    ]
    last: dict[str, str] = {}
    for name, extra in (("clean", []), ("stray", ["systems['cloud_scaling']"])):
        notebook = new_notebook(cells=[new_code_cell(c) for c in [*cells, *extra]])
        path = tmp_path / f"{name}.ipynb"
        nbformat.write(notebook, path)
        report = grade([Submission(path.name, path)], Options(timeout=TEST_TIMEOUT))
        assert report.results[0].status is Status.PASSED
        last[name] = " ".join(render(report, PLAIN).split()).rsplit("Progress: ", 1)[1]
    assert last["clean"] == "4 / 4 steps. Well done!"
    assert last["stray"] == "4 / 4 steps. Every step passes; the error above is all that is left."
