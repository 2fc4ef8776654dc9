"""A failed step's feedback as every CI format words it, and what is said only once."""

from __future__ import annotations

from dataclasses import replace

from grader.report.feedback import not_yet_said, step_feedback
from grader.result import Location, Result, Status
from tests.sample_reports import failed

PRINT = replace(failed(4, "Printed inside the loop.", hint="Use print."), about_output=True)


def test_the_place_is_given_when_the_message_does_not_say_it() -> None:
    """'Where: line 4' follows a message that names no line."""
    step = failed(1, "`systems` is a list.", location=Location(4))
    assert step_feedback(step) == "`systems` is a list.\nWhere: line 4"


def test_the_place_is_not_repeated_after_a_message_that_names_it() -> None:
    """A message saying 'at line 4' is not followed by 'Where: line 4'."""
    step = failed(1, "`systems` at line 4 is a list.", location=Location(4))
    assert step_feedback(step) == "`systems` at line 4 is a list."


def test_a_step_about_output_shows_the_first_lines_printed() -> None:
    """Given the output, the feedback quotes its first lines, then the hint."""
    output = "".join(f"{n}\n" for n in range(1, 9))
    assert step_feedback(PRINT, output=output).split("\n") == [
        "Printed inside the loop.",
        "What your program printed:",
        *(f"    {n}" for n in range(1, 7)),
        "(2 more lines not shown.)",
        "Hint: Use print.",
    ]


def test_a_step_about_output_adds_nothing_when_nothing_was_printed() -> None:
    """Its message has said why nothing printed (no print, or it never ran): said once."""
    assert step_feedback(PRINT, output="") == "Printed inside the loop.\nHint: Use print."


def test_a_blocked_step_shows_no_output() -> None:
    """'Fix step 3 first' is about step 3; the output would distract."""
    step = replace(PRINT, message="Fix step 3 first.", code="step4.needs-step3", blocked_by=3)
    assert step_feedback(step, output="{}\n") == "Fix step 3 first.\nHint: Use print."


def test_an_error_a_step_explained_is_not_repeated_by_the_submission() -> None:
    """Only what no step said is left of the submission's message."""
    error = "Your program stopped at line 5.\n    load = input()"
    step = failed(2, f"`load` was never created. {error}")
    result = Result("a.py", Status.FAILED, (step,), message=f"{error}\n(1 more cell failed.)")
    assert not_yet_said(result) == "(1 more cell failed.)"


def test_what_the_message_quotes_as_printed_is_not_shown_again() -> None:
    """A message that says what was printed (whole, or its start cut short) is followed
    by no block of the same printed line; one that quotes part of it, or names the
    printed text without saying it was printed, still is; a word printed is said by
    "the word x"."""
    said = replace(PRINT, message="`print(d)` at line 4 runs too early, so it printed {}.")
    assert "What your program printed:" not in step_feedback(said, output="{}\n")
    cut = replace(PRINT, message="`print(d.items())` printed `dict_items([('a', 1), ('b…`.")
    assert "What your program printed:" not in step_feedback(
        cut, output="dict_items([('a', 1), ('b', 2)])\n"
    )
    labelled = replace(PRINT, message="It is printed with other text on its line: `R: {}`.")
    assert "What your program printed:" not in step_feedback(labelled, output="R: {}\n")
    shown = replace(PRINT, message="The line printed at line 5 shows `t`: {'a': 1, 'b': 2}.")
    assert "What your program printed:" not in step_feedback(shown, output="{'a': 1, 'b': 2}\n")
    # A word printed is said as "the word x" or "the text x", bare: the name in backticks
    # is the variable, not the text.
    for message in (
        'The quotes make `"x"` at line 4 the word x itself, not the variable `x`.',
        "The program printed the text x at line 4: the quotes make it a string.",
    ):
        word = replace(PRINT, message=message)
        assert "What your program printed:" not in step_feedback(word, output="x\n"), message
    for message, output in [
        ("`print(d)` printed {}.", "{}\n{}\n"),  # a second line the message does not say
        ("The word `can_handle_load` is printed, in quotes.", "can_handle_load\n"),
        ("`print(d)` printed `dict_it…`.", "dict_items([('a', 1)])\n"),  # too short a start
        ("It shows `t`: {'a': 1, 'b': 2}.", "{'a': 1, 'b': 2}\n{'a': 1, 'b': 2}\n"),  # said once
    ]:
        shown = step_feedback(replace(PRINT, message=message), output=output)
        assert "What your program printed:" in shown, message
