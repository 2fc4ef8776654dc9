"""The Markdown format: a marked table, feedback, and learner text made harmless."""

from __future__ import annotations

import re
from dataclasses import replace

from grader.report import markdown
from grader.result import Report, Result, Status
from tests.sample_reports import (
    CORRECT,
    EMPTY,
    HOSTILE_RESULT,
    WRONG_KEY,
    failed,
    report,
)


def test_the_report_opens_with_the_hidden_marker() -> None:
    """A workflow finds its own comment by the marker on the first line."""
    assert markdown.render(report(CORRECT)).split("\n", 1)[0] == "<!-- grader-report -->"


def test_the_table_has_a_mark_per_step_and_a_score() -> None:
    """Rows are submissions, columns are steps, with the text report's marks and the score.

    A step of a submission that could not run is not checked yet: ○, as the text says.
    """
    text = markdown.render(report(CORRECT, WRONG_KEY, EMPTY))
    table = [line for line in text.splitlines() if line.startswith("|")]
    assert table == [
        "| Submission | Step 1 | Step 2 | Step 3 | Step 4 | Score |",
        "|---|---|---|---|---|---|",
        "| submissions/correct\\.py | ✓ | ✓ | ✓ | ✓ | 4/4 |",
        "| submissions/wrong\\-key\\.py | ✗ | ✓ | ✗ | ✓ | 2/4 |",
        "| submissions/empty\\.py | ○ | ○ | ○ | ○ | 0/4 (could not be graded) |",
    ]


def test_the_totals_sentence_counts_the_batch() -> None:
    """One sentence sums the batch up before the table."""
    text = markdown.render(report(CORRECT, WRONG_KEY, EMPTY))
    assert (
        "**6/12** steps passed in 3 submissions: 1 passed, 1 failed, 1 could not be graded." in text
    )


def test_a_failed_step_shows_its_message_and_hint() -> None:
    """Feedback keeps code spans from the message, and gives the hint, as the text does."""
    text = markdown.render(report(WRONG_KEY))
    assert (
        "✗ **Step 1\\: Create the initial system capacities**\n\n"
        "`systems` is missing the key 'vertical\\_scaling'\\.\\\n"
        "Hint\\: Use curly braces to create a dictionary with the exact keys and values\\."
    ) in text


def test_a_passing_submission_gets_no_feedback_section() -> None:
    """Only submissions with something to say get a section."""
    assert "###" not in markdown.render(report(CORRECT))


def test_an_errored_submission_gives_its_reason_once() -> None:
    """The reason is said; the unjudged steps do not repeat it below."""
    text = markdown.render(report(EMPTY))
    assert "submissions/empty\\.py is empty\\. Write the code for the steps in it\\." in text
    assert "Not graded" not in text


def test_the_output_is_shown_only_where_the_text_report_shows_it() -> None:
    """What the program printed is evidence for a step about output, not a block of its own."""
    text = markdown.render(report(WRONG_KEY))
    assert ("<details>" in text, "What your program printed" in text) == (False, False)


def test_the_fence_is_longer_than_any_backtick_run_in_the_output() -> None:
    """A learner's ```` cannot close the block and let the rest render."""
    step = replace(failed(4, "Printed inside the loop.", code="c"), about_output=True)
    result = Result("a.py", Status.FAILED, (step,), max_score=1, output="a ```` b\n")
    text = markdown.render(report(result))
    assert "\n`````text\na ```` b\n`````\n" in text


def test_learner_html_is_escaped_to_entities() -> None:
    """No tag from learner text reaches the rendered page."""
    text = markdown.render(report(HOSTILE_RESULT))
    outside_code = re.sub(r"\n`+text\n.*?\n`+\n", "\n", text, flags=re.DOTALL)
    assert "<img" not in outside_code
    assert "&lt;img src\\=x onerror\\=alert\\(1\\)&gt;" in outside_code


def test_learner_mentions_and_issue_references_do_not_notify() -> None:
    """@name and #12 get a zero-width joiner, so GitHub links neither."""
    text = markdown.render(report(HOSTILE_RESULT))
    assert "@octocat" not in re.sub(r"\n`+text\n.*?\n`+\n", "\n", text, flags=re.DOTALL)
    assert "@\u200doctocat" in text
    assert re.search("#12", text) is None
    assert "\\#\u200d12" in text


def test_learner_text_loses_escape_sequences() -> None:
    """ANSI colours and carriage returns never reach the Markdown."""
    text = markdown.render(report(HOSTILE_RESULT))
    assert "\x1b" not in text
    assert "\r" not in text


def test_markdown_characters_in_learner_text_are_backslash_escaped() -> None:
    """Emphasis, links and table pipes in learner text stay literal."""
    assert markdown.escape("*a* [b](c) | d_e") == "\\*a\\* \\[b\\]\\(c\\) \\| d\\_e"


def test_a_code_span_in_a_table_cell_escapes_its_pipes() -> None:
    """GitHub splits rows on | even inside code, so pipes in spans are escaped."""
    assert markdown.escape_lines("use `a | b` here") == "use `a \\| b` here"


def test_an_unpaired_backtick_is_escaped() -> None:
    """A lone backtick cannot open a code span that swallows the rest."""
    assert markdown.escape_lines("it's `open") == "it's \\`open"


def test_fenced_uses_three_backticks_when_none_are_inside() -> None:
    """The shortest fence is the usual one."""
    assert markdown.fenced("x = 1\n") == "```text\nx = 1\n```"


def test_an_empty_report_says_nothing_was_graded() -> None:
    """No results still gives the marker and a sentence."""
    assert markdown.render(Report(results=())) == (
        "<!-- grader-report -->\n\n## Grading report\n\nNo submission was graded.\n"
    )


def test_the_sandbox_note_is_quoted_at_the_end() -> None:
    """Course staff learn why a weaker sandbox ran."""
    text = markdown.render(Report(results=(CORRECT,), sandbox_note="Install bubblewrap."))
    assert text.endswith("> **Sandbox:** Install bubblewrap\\.\n")


def test_a_note_that_opens_with_its_label_does_not_repeat_it() -> None:
    """'Sandbox:' is said once, by the label."""
    text = markdown.render(Report(results=(CORRECT,), sandbox_note="Sandbox: ran in process."))
    assert text.endswith("> **Sandbox:** ran in process\\.\n")


def test_one_submission_gets_a_headline_in_a_learners_words() -> None:
    """'2 of 4 steps pass', not a batch's totals; a full pass is praised."""
    assert "\n**2 of 4 steps pass.**\n" in markdown.render(report(WRONG_KEY))
    assert "\n**4 of 4 steps pass.** Well done!\n" in markdown.render(report(CORRECT))


def test_the_learners_line_and_caret_are_in_a_fenced_block() -> None:
    """The caret keeps its column under the code, between the sentences around it."""
    message = (
        "Python could not read your code at line 7.\n    for a in b\n          ^\nAdd a colon."
    )
    result = Result("a.py", Status.FAILED, (failed(3, message, code="c"),), max_score=1)
    text = markdown.render(report(result))
    assert (
        "✗ **Step 3\\: Determine which strategies can handle the load**\n\n"
        "Python could not read your code at line 7\\.\n\n"
        "```text\nfor a in b\n      ^\n```\n\n"
        "Add a colon\\."
    ) in text


def test_a_failed_step_about_output_shows_what_was_printed_capped() -> None:
    """The first lines printed, fenced under the step, and how many more there are."""
    step = replace(failed(4, "Printed inside the loop.", code="c"), about_output=True)
    output = "".join(f"{n}\n" for n in range(1, 9))
    result = Result("a.py", Status.FAILED, (step,), max_score=1, output=output)
    text = markdown.render(report(result))
    assert (
        "What your program printed\\:\n\n```text\n1\n2\n3\n4\n5\n6\n```\n\n"
        "\\(2 more lines not shown\\.\\)"
    ) in text


def test_forged_lines_in_learner_text_stay_inside_their_block() -> None:
    """A message or output drawing a fake heading or step renders as text or code."""
    forged = "boom\n### ✅ Step 3\n**4 of 4 steps pass.**"
    step = replace(failed(4, f"Stopped with {forged}", code="c"), about_output=True)
    result = Result(f"a.py\n{forged}", Status.FAILED, (step,), max_score=1, output=forged)
    text = markdown.render(report(result))
    outside = re.sub(r"\n```text\n.*?\n```\n", "\n", text, flags=re.DOTALL).split("\n")
    assert [line for line in outside if line.startswith(("#", "**4 of 4"))] == [
        "## Grading report",
        "### ✗ a\\.py\\\\nboom\\\\n\\#\\#\\# ✅ Step 3\\\\n\\*\\*4 of 4 steps pass\\.\\*\\*",
    ]
    assert "```text\nboom\n### ✅ Step 3\n**4 of 4 steps pass.**\n```" in text
