"""The HTML report that `%grade` shows in a notebook, rendered from literal results.

It draws the text report's View: these tests pin what HTML alone could get wrong (marks,
code set as code, escaping); tests/test_report_surfaces.py compares its words with the
text report's, in a browser.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest

from grader.grade import Options, Submission, grade
from grader.report.html import render
from grader.report.text import render_result
from grader.result import Location, Report, Result, Status, StepResult
from tests.conftest import SUBMISSIONS, TEST_TIMEOUT

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
BLOCKED = StepResult(
    3,
    "Determine which strategies can handle the load",
    Status.FAILED,
    message="Fix step 2 first: this step uses `load`.",
    code="step3.needs-step2",
    blocked_by=2,
)
ERROR = "Your program stopped at line 5 with KeyError: 'x'.\n    y = d['x']\nStore it first."
TAGS = re.compile(r"<[^>]+>")


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


def text_of(html: str) -> str:
    """The words of some HTML, tags dropped."""
    return TAGS.sub("", html)


def test_each_step_has_its_mark_and_title() -> None:
    """A tick for a passed step, a cross for a failed one."""
    html = render(Report(results=(result(),)))
    assert "✓</span> Step 1: Create the initial system capacities" in html
    assert "✗</span> Step 2: Set the current load value" in html


def test_a_failed_step_shows_its_feedback_and_the_hint() -> None:
    """The learner reads what is wrong and what to try."""
    words = text_of(render(Report(results=(result(),))))
    assert "load is 70 (an int); it should be 7." in words
    assert "Hint: Just assign the number 7" in words


def test_code_in_a_sentence_is_set_as_code_not_shown_with_backticks() -> None:
    """`load` reads as code in a notebook, as it does in Markdown."""
    html = render(Report(results=(result(),)))
    assert ("`load`" in html, ">load</code> is 70" in html) == (False, True)


def test_a_blocked_step_is_one_waiting_line_never_a_red_cross() -> None:
    """○ and its reason, as in the text report; the message that says why is not repeated."""
    html = render(Report(results=(result(steps=(PASSED, FAILED, BLOCKED), max_score=3),)))
    assert (
        "○</span> Step 3: Determine which strategies can handle the load (checked once step 2 passes)"
        in html
    )
    assert "Fix step 2 first" not in html


def test_the_steps_of_a_program_that_could_not_run_wait() -> None:
    """Its reason is said once, above the steps; the steps are ○, not ✗."""
    failed = StepResult(1, "Create", Status.FAILED, message="Not graded.", code="x")
    html = render(
        Report(results=(result(status=Status.ERROR, steps=(failed,), message="e.py is empty."),))
    )
    assert "○</span> Step 1: Create (checked once your program runs)" in html
    assert ("✗" in html, "Not graded." in html) == (False, False)


def test_the_learners_line_and_its_caret_are_in_one_monospace_block() -> None:
    """The caret keeps its column: the code and the caret share a preformatted block."""
    message = (
        "Python could not read your code at line 7.\n    for a in b\n          ^\nAdd a colon."
    )
    step = StepResult(2, "Set", Status.FAILED, message=message, code="c")
    html = render(Report(results=(result(steps=(step,), max_score=1),)))
    block = re.search(r'<pre class="grader-code" style="([^"]*)">(.*?)</pre>', html, re.S)
    assert block is not None
    assert ("monospace" in block.group(1), block.group(2)) == (True, "for a in b\n      ^")


def test_a_program_error_a_step_explained_is_shown_once() -> None:
    """The error under its step is not repeated after the steps."""
    step = StepResult(2, "Set", Status.FAILED, message=f"`y` was never created. {ERROR}", code="c")
    html = render(Report(results=(result(steps=(step,), max_score=1, message=ERROR),)))
    assert text_of(html).count("KeyError") == 1


def test_the_progress_line_counts_the_passed_steps() -> None:
    """The same words as the text report."""
    assert "Progress: 1 / 2 steps" in render(Report(results=(result(),)))


def test_learner_text_is_escaped() -> None:
    """A file name or a message cannot inject markup into the notebook."""
    step = StepResult(2, "Set", Status.FAILED, message="<script>1</script> `<b>`", code="c")
    html = render(Report(results=(result(submission="<b>x</b>.py", steps=(step,)),)))
    assert ("<script>" in html, "<b>x" in html) == (False, False)
    assert "&lt;script&gt;1&lt;/script&gt;" in html


def test_notes_come_first() -> None:
    """A 'save first' note is read before the grade it qualifies."""
    html = render(Report(results=(result(),)), notes=("Save first.",))
    assert html.index("Save first.") < html.index("lesson.ipynb")


# -- in a browser: the same words and marks as the text report ---------------------------

BROWSER = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)),
    None,
)
needs_browser = pytest.mark.skipif(
    BROWSER is None, reason="no headless browser here (Debian: apt-get install chromium)"
)
# Run in the page the browser renders: what a reader sees of each submission, as text,
# and whether each block of code is set in a font whose letters are all one width.
PROBE = """
<script>
for (const result of document.querySelectorAll('.grader-result')) {
  const out = document.createElement('textarea');
  out.className = 'seen';
  out.textContent = result.innerText;
  document.body.appendChild(out);
}
for (const pre of document.querySelectorAll('pre.grader-code')) {
  const probe = document.createElement('span');
  probe.style.font = getComputedStyle(pre).font;
  document.body.appendChild(probe);
  probe.textContent = 'iiiiiiiiii'; const narrow = probe.getBoundingClientRect().width;
  probe.textContent = 'mmmmmmmmmm'; const wide = probe.getBoundingClientRect().width;
  const out = document.createElement('textarea');
  out.className = 'mono';
  out.textContent = String(Math.abs(narrow - wide) < 0.5);
  document.body.appendChild(out);
}
</script>
"""


def words(text: str) -> str:
    """The words of a report in reading order: spaces folded, the text's gutters and
    backticks dropped (HTML draws a quoted line in a code block, and `code` as code)."""
    lines = [re.sub(r"^\s*\| ?", "", line) for line in text.split("\n")]
    return " ".join(" ".join(lines).replace("`", "").split())


def in_browser(html: str, folder: Path) -> tuple[list[str], list[str]]:
    """Render HTML in the headless browser; return each submission's text and the code fonts."""
    page = folder / "report.html"
    page.write_text(f'<!doctype html><meta charset="utf-8"><body>{html}{PROBE}</body>', "utf-8")
    assert BROWSER is not None
    done = subprocess.run(
        [
            BROWSER,
            "--headless",
            "--no-sandbox",  # root in CI: Chromium's own sandbox will not start as root
            "--disable-gpu",
            "--disable-dev-shm-usage",
            f"--user-data-dir={folder / 'profile'}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    def found(kind: str) -> list[str]:
        return [
            unescape(m)
            for m in re.findall(rf'<textarea class="{kind}">(.*?)</textarea>', done.stdout, re.S)
        ]

    return found("seen"), found("mono")


@needs_browser
def test_a_browser_shows_the_same_words_and_marks_as_the_text_report(tmp_path: Path) -> None:
    """Real reports (a syntax error, steps waiting, a notebook) read the same in both."""
    names = [
        "syntax-error.py",
        "step1-missing-key.py",
        "step4-print-in-loop.py",
        "notebook-failing-cell.ipynb",
        "step3-lowercase-true.py",
    ]
    report = grade(
        [Submission(f"submissions/{n}", SUBMISSIONS / n) for n in names],
        Options(timeout=TEST_TIMEOUT, jobs=2),
    )
    seen, fonts = in_browser(render(report), tmp_path)
    expected = [words(render_result(result)) for result in report.results]
    assert [words(text) for text in seen] == expected
    assert (bool(fonts), set(fonts)) == (True, {"true"})
