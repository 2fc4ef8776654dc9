"""The HTML report that `%grade` shows in a notebook, rendered from literal results."""

from __future__ import annotations

from grader.report.html import render
from grader.result import Location, Report, Result, Status, StepResult

PASSED = StepResult(1, "Create the initial system capacities", Status.PASSED)
FAILED = StepResult(
    2,
    "Set the current load value",
    Status.FAILED,
    message="`load` is 70 (an int); it should be 7.",
    hint="Just assign the number 7 to the variable named `load`.",
    location=Location(line=2, cell=3),
    code="step2.wrong-value",
)


def result(**changes: object) -> Result:
    """A notebook's result with one passed and one failed step."""
    fields: dict[str, object] = {
        "submission": "lesson.ipynb",
        "status": Status.FAILED,
        "steps": (PASSED, FAILED),
        "max_score": 2,
    }
    fields.update(changes)
    return Result(**fields)  # type: ignore[arg-type]


def test_each_step_has_its_mark_and_title() -> None:
    """A tick for a passed step, a cross for a failed one."""
    html = render(Report(results=(result(),)))
    assert "✓</span> Step 1: Create the initial system capacities" in html
    assert "✗</span> Step 2: Set the current load value" in html


def test_a_failed_step_shows_its_feedback_hint_and_the_cell_and_line_to_fix() -> None:
    """The learner reads what is wrong, where, and what to try."""
    html = render(Report(results=(result(),)))
    assert "(cell 3, line 2)" in html
    assert "`load` is 70 (an int); it should be 7." in html
    assert "Hint: Just assign the number 7" in html


def test_the_progress_line_counts_the_passed_steps() -> None:
    """The same words as the text report."""
    assert "Progress: 1 / 2 steps" in render(Report(results=(result(),)))


def test_learner_text_is_escaped() -> None:
    """A file name or printed output cannot inject markup into the notebook."""
    html = render(Report(results=(result(submission="<b>x</b>.py", output="<script>1</script>"),)))
    assert ("<script>" in html, "&lt;script&gt;1&lt;/script&gt;" in html) == (False, True)


def test_notes_come_first() -> None:
    """A 'save first' note is read before the grade it qualifies."""
    html = render(Report(results=(result(),)), notes=("Save first.",))
    assert html.index("Save first.") < html.index("lesson.ipynb")
