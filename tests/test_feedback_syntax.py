"""Syntax errors read from the learner's line: what it is, and what to write instead."""

from __future__ import annotations

import pytest

from grader.feedback.syntax import prose_code


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("Scaling strategies", ""),  # a title
        ("Exercise 3: Scaling strategies", ""),  # a title with its number
        ("Lab 2 – Why scaling requires different strategies", ""),
        ("**Scaling strategies**", ""),  # a Markdown heading's emphasis
        ("load 7", None),  # one word and a number: a slip of code (`load = 7`)
        ("Which strategies can handle the load?", ""),
        ("Let's see which strategies can handle the load", ""),
        ("- single_node cannot handle it", ""),  # a note under a bullet
        ("2. Set the load", ""),
        ("I used 'systems' as the name", ""),
        ("Step 3: loop over the systems and compare", ""),
        ("load = 7 is the current load", "load = 7"),  # the code, not the sentence after it
        ("print total", None),  # Python 2's print, not English
        ("else capacity >= load", None),
        ("for strategy capacity in systems.items():", None),
        ("systems = {'single_node': 1 'horizontal_scaling': 5}", None),
        ("can_handle_load", None),  # one word is a name
    ],
)
def test_a_line_of_prose_is_told_from_a_line_of_code(line: str, code: str | None) -> None:
    """Words alone (a title, a question, a note) are prose, whatever their punctuation;
    code a sentence quotes is given without the words that follow it; a line that is
    code with a slip in it is not prose."""
    assert prose_code(line) == code
