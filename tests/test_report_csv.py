"""The CSV gradebook and the batch summaries: rows that add up to the report's totals."""

from __future__ import annotations

import csv
import io

from grader.report import FORMATS
from grader.report.chart import pass_rate_chart, pass_rates
from grader.report.csv import render
from grader.report.text import batch_summary
from grader.result import Report, Result, Status
from tests.sample_reports import CORRECT, EMPTY, NOTEBOOK, WRONG_KEY, failed, passed, report


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_gradebook_has_one_row_per_submission_in_report_order() -> None:
    """Each submission is one row, in the order of the report, under a fixed header."""
    text = render(report(CORRECT, WRONG_KEY, EMPTY))
    header = next(csv.reader(io.StringIO(text)))
    paths = [row["path"] for row in _rows(text)]
    assert (header, paths) == (
        ["path", "status", "score", "max_score", "step1", "step2", "step3", "step4", "mistakes"],
        [CORRECT.submission, WRONG_KEY.submission, EMPTY.submission],
    )


def test_a_row_holds_status_score_step_verdicts_and_mistake_codes() -> None:
    """A failed submission's row says which steps failed and names its codes."""
    row = _rows(render(report(WRONG_KEY)))[0]
    assert row == {
        "path": WRONG_KEY.submission,
        "status": WRONG_KEY.status.value,
        "score": str(WRONG_KEY.score),
        "max_score": str(WRONG_KEY.max_score),
        **{f"step{s.step}": s.status.value for s in WRONG_KEY.steps},
        "mistakes": " ".join(WRONG_KEY.mistake_codes),
    }


def test_the_gradebook_adds_up_to_the_summary() -> None:
    """Statuses, scores, step passes and mistake counts of the rows equal Report.summary()."""
    batch = report(CORRECT, WRONG_KEY, NOTEBOOK, EMPTY)
    rows = _rows(render(batch))
    summary = batch.summary()
    mistakes: dict[str, int] = {}
    for row in rows:
        for code in set(row["mistakes"].split()):
            mistakes[code] = mistakes.get(code, 0) + 1
    assert (
        sum(row["status"] == "passed" for row in rows),
        sum(row["status"] == "failed" for row in rows),
        sum(row["status"] == "error" for row in rows),
        sum(int(row["score"]) for row in rows),
        sum(int(row["max_score"]) for row in rows),
        {n: sum(row[f"step{n}"] == "passed" for row in rows) for n in summary.step_passes},
        mistakes,
    ) == (
        summary.passed,
        summary.failed,
        summary.errors,
        summary.score,
        summary.max_score,
        summary.step_passes,
        dict(summary.mistakes),
    )


def test_a_path_that_looks_like_a_formula_stays_text() -> None:
    """A file named like a spreadsheet formula is written with a leading quote."""
    hostile = Result(submission="=HYPERLINK(x).py", status=Status.PASSED, steps=(passed(1),))
    assert _rows(render(report(hostile)))[0]["path"] == "'=HYPERLINK(x).py"


def test_csv_is_a_format_of_the_command_line() -> None:
    """--format csv is registered with the other formats."""
    assert FORMATS["csv"] is render


def test_the_chart_shows_each_steps_pass_rate_as_a_mermaid_bar() -> None:
    """Two submissions, one passing everything: every step is at 50 or 100 percent."""
    half = Result(
        submission="b.py",
        status=Status.FAILED,
        steps=(
            passed(1),
            passed(2),
            failed(3, code="step3.no-loop"),
            failed(4, code="step4.no-print"),
        ),
    )
    batch = report(CORRECT, half)
    assert (pass_rates(batch), pass_rate_chart(batch).splitlines()) == (
        {1: 100.0, 2: 100.0, 3: 50.0, 4: 50.0},
        [
            "```mermaid",
            "xychart-beta",
            '    title "Pass rate per step (2 submissions)"',
            '    x-axis ["Step 1", "Step 2", "Step 3", "Step 4"]',
            '    y-axis "Passed (%)" 0 --> 100',
            "    bar [100, 100, 50, 50]",
            "```",
        ],
    )


def test_the_markdown_report_has_the_chart_only_for_several_submissions() -> None:
    """One submission gets no chart; a batch does."""
    assert (
        "xychart-beta" in FORMATS["markdown"](report(CORRECT)),
        "xychart-beta" in FORMATS["markdown"](report(CORRECT, WRONG_KEY)),
    ) == (False, True)


def test_the_text_summary_lists_step_pass_rates_and_the_mistakes_by_count() -> None:
    """The batch summary counts passes per step, and mistakes most common first."""
    half = Result(
        submission="b.py",
        status=Status.FAILED,
        steps=(passed(1), passed(2), failed(3, code="step3.strict-greater"), passed(4)),
    )
    lines = batch_summary(report(CORRECT, half)).splitlines()
    assert lines == [
        "Pass rate per step:",
        "  Step 1: 2 / 2 (100%)  Create the initial system capacities",
        "  Step 2: 2 / 2 (100%)  Set the current load value",
        "  Step 3: 1 / 2 (50%)  Determine which strategies can handle the load",
        "  Step 4: 2 / 2 (100%)  Print the results",
        "Most common mistakes (submissions, code, what it means):",
        "  1  step3.strict-greater  The comparison uses > instead of >=.",
    ]


def test_a_stopped_grading_ends_with_a_row_that_says_how_far_it_got() -> None:
    """A gradebook of 1 submission graded of 3 asked for: the graded row, then a row of
    status "incomplete" that says 1 of 3; a whole gradebook has no such row."""
    cut = Report(results=(CORRECT,), incomplete=True, total=3)
    rows = _rows(render(cut))
    whole = _rows(render(report(CORRECT)))
    assert (len(rows), rows[0]["path"], rows[-1]["status"]) == (2, CORRECT.submission, "incomplete")
    assert "1 of 3 submissions" in rows[-1]["path"]
    assert [row["status"] for row in whole] == [CORRECT.status.value]


def test_a_grading_stopped_before_anything_ran_is_one_incomplete_row() -> None:
    """Nothing graded of 2: the header and the row that says so, not an empty gradebook."""
    rows = _rows(render(Report(results=(), incomplete=True, total=2)))
    assert [(row["status"], "any of the 2 submissions" in row["path"]) for row in rows] == [
        ("incomplete", True)
    ]
