"""The generic error model: one token of a line Python cannot read, added, removed or replaced.

Pure functions only: the tokens of a line, and the candidates the model proposes for a
syntax error. That the search accepts a generic edit only when every step then passes is
tests/test_feedback_search.py, over the catalogue (a Python 2 print is not "repaired" by
a comma that only lets Python read the line).
"""

from __future__ import annotations

from grader.feedback.edits import Edit
from grader.feedback.fixes import describe
from grader.feedback.repair import candidates, error_focus, step_focus
from grader.feedback.tokens import GENERIC, tokens
from tests.test_feedback_repair import HEAD, NAMES, script, syntax_error


def generic(source: str) -> list[Edit]:
    """The generic model's candidates for a script's syntax error, in the order tried."""
    program = script(HEAD + source)
    found = candidates(program, error_focus(program, syntax_error(program), NAMES))
    return [edit for edit in found if edit.kind in GENERIC]


def test_tokens_read_a_line_python_cannot() -> None:
    """A pasted sign, a spelling Python has not, and a string are each one token."""
    found = [(t.kind, t.text) for t in tokens("if capacity => load ≥ 'a b':")]
    assert found == [
        ("name", "if"),
        ("name", "capacity"),
        ("op", "=>"),
        ("name", "load"),
        ("other", "≥"),
        ("string", "'a b'"),
        ("op", ":"),
    ]


def test_a_word_python_does_not_read_is_replaced_by_the_keyword() -> None:
    """`of` for `in` in a loop's header: the line to write is the loop with `in`."""
    edits = generic("for strategy, capacity of systems.items():\n    pass\n")
    fixed = [e.after for e in edits if e.kind == "token-replaced"]
    assert "for strategy, capacity in systems.items():" in fixed


def test_a_keyword_between_the_loops_variables_becomes_a_comma() -> None:
    """`and` between two loop variables: a comma, written as a learner would, no space before."""
    edits = generic("for strategy and capacity in systems.items():\n    pass\n")
    assert edits[0].after == "for strategy, capacity in systems.items():"
    assert "`and`" in describe(edits[0]) and "`,`" in describe(edits[0])


def test_a_name_written_with_spaces_is_joined_into_the_name_the_program_uses() -> None:
    """`can handle load` is one known name, with underscores; it comes before any token edit."""
    edits = generic("can_handle_load = {}\nprint(can handle load)\n")
    assert (edits[0].kind, edits[0].after) == ("name-joined", "print(can_handle_load)")


def test_else_inside_its_if_moves_below_the_if() -> None:
    """`else:` indented under its `if` is moved to the `if`'s indentation, and said so."""
    edits = generic("if load:\n    x = 1\n    else:\n    x = 2\n")
    moved = next(e for e in edits if e.kind == "continued-indented")
    assert moved.new == "0"
    assert "line 3" in describe(moved) and "`if`" in describe(moved)


def test_a_token_too_many_leaves_the_spacing_the_learner_had() -> None:
    """`print(x for)` without `for`, and `d.[k]` without the dot: no space left behind."""
    assert generic("print(load for)\n")[0].after == "print(load)"
    edits = generic("d = {}\nd.[load] = 1\n")
    assert "d[load] = 1" in [e.after for e in edits if e.kind == "token-removed"]


def test_nothing_generic_is_proposed_for_a_program_python_reads() -> None:
    """The model is for lines Python cannot read; a running program's steps have their own."""
    program = script(HEAD + "print(load)\n")
    found = candidates(program, step_focus(program, None, NAMES))
    assert not [e for e in found if e.kind in GENERIC]


def test_a_line_two_tokens_from_python_gets_both_in_one_edit() -> None:
    """`print x`: a bracket after the name and its closer, said as a call's brackets."""
    edits = generic("can_handle_load = {}\nprint can_handle_load\n")
    pair = next(e for e in edits if e.kind == "tokens-edited")
    assert pair.after == "print(can_handle_load)"
    said = describe(pair, pair.place)
    assert "`print` is a function" in said and "`print(can_handle_load)`" in said


def test_each_change_of_a_pair_is_said_where_it_is_made() -> None:
    """`=>` and a colon missing on one line: both changes said, the second at the line's end."""
    edits = generic("for x in systems:\n    if x => load\n        pass\n")
    pair = next(e for e in edits if e.kind == "tokens-edited" and e.after == "if x >= load:")
    assert "write `>=` for `=>`, and add `:` at the end" in describe(pair)


def test_a_line_that_then_does_nothing_is_tried_after_one_that_does() -> None:
    """`print, x` reads as Python but does nothing: the pair that calls print comes first."""
    edits = generic("can_handle_load = {}\nprint can_handle_load\n")
    order = [e.after for e in edits]
    assert order.index("print(can_handle_load)") < order.index("print, can_handle_load")


def test_a_pair_is_proposed_only_when_one_token_is_not_enough() -> None:
    """A line one token mends gets no pair: the smaller edit is the repair."""
    edits = generic("for strategy and capacity in systems.items():\n    pass\n")
    assert not [e for e in edits if e.kind == "tokens-edited" and e.after == edits[0].after]


def test_a_keyword_spelt_as_another_language_does_is_python_s_keyword() -> None:
    """`else if` and `elsif` are `elif`, `esle` is `else`: tried before `else` removed."""
    block = "if load:\n    x = 1\n{}\n    x = 2\n"
    for written, meant in (
        ("else if load < 3:", "elif load < 3:"),
        ("elsif load < 3:", "elif load < 3:"),
        ("esle:", "else:"),
    ):
        edits = generic(block.format(written))
        assert (edits[0].kind, edits[0].after) == ("keyword-spelt", meant)
    edits = generic(block.format("else if load < 3:"))
    assert "Python writes `else if` as `elif`" in describe(edits[0], edits[0].place)
