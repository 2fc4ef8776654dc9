"""The CSV gradebook: one row per submission, for a spreadsheet or a course's records.

Columns: path, status, score, max_score, one column per step ("passed" or "failed"),
and the submission's mistake codes joined by spaces (see docs/mistakes.md). Rows are in
the report's order. A grading that was stopped before every submission was graded ends
with one more row, of status "incomplete", whose path cell says how far it got: a
gradebook never looks whole when it is not, as the other formats never do. Cells that a spreadsheet would run as a formula are defused, and a
path is one line of log text (grader.safe.log_line), as the gradebook may be printed
to a CI log.
"""

from __future__ import annotations

import csv
import io

from grader.report.feedback import incomplete_note
from grader.result import Report
from grader.safe import log_line

# A cell that starts with one of these is a formula to Excel and LibreOffice; a file
# name like "=HYPERLINK(...).py" must stay text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """Keep a text cell from being read as a spreadsheet formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def render(report: Report) -> str:
    """Write the gradebook as CSV with a header row."""
    steps = sorted({step.step for result in report.results for step in result.steps})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["path", "status", "score", "max_score", *(f"step{n}" for n in steps), "mistakes"]
    )
    for result in report.results:
        status = {step.step: step.status.value for step in result.steps}
        writer.writerow(
            [
                _cell(log_line(result.submission)),
                result.status.value,
                result.score,
                result.max_score,
                *(status.get(n, "") for n in steps),
                log_line(" ".join(result.mistake_codes)),
            ]
        )
    if report.incomplete:
        writer.writerow([incomplete_note(report), "incomplete", "", "", *("" for _ in steps), ""])
    return out.getvalue()
