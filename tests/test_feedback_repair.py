"""The error model: the candidate edits a repair search would try, from code alone.

Nothing runs here: these are the pure functions that propose edits (grader.feedback.
repair, corrections, moves) and say them (grader.feedback.fixes). Verifying an edit in
the sandbox is tests/test_feedback_search.py.
"""

from __future__ import annotations

import textwrap

from grader.feedback.edits import Edit
from grader.feedback.fixes import KINDS, describe
from grader.feedback.repair import candidates, error_focus, step_focus
from grader.feedback.tokens import GENERIC
from grader.load import Cell, Program
from grader.result import Location
from grader.sandbox import Error

HEAD = """\
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
"""
NAMES = ("systems", "load", "can_handle_load")
KINDS_OF = {"systems": "dict", "load": "int", "can_handle_load": "dict"}


def script(source: str) -> Program:
    """A script's program from its source."""
    text = textwrap.dedent(source)
    return Program("a.py", "script", (Cell(None, text, text),))


def syntax_error(program: Program) -> Error:
    """The syntax error Python reports for a script, as the child would send it."""
    try:
        compile(program.cells[0].source, "<cell>", "exec")
    except SyntaxError as error:
        return Error(
            type(error).__name__,
            error.msg,
            None,
            error.lineno,
            True,
            error.offset,
            error.end_offset,
        )
    raise AssertionError("the program compiles")


def first_for_syntax(source: str) -> Edit:
    """The first edit the search would try for a script's syntax error."""
    program = script(source)
    return candidates(program, error_focus(program, syntax_error(program), NAMES))[0]


def kinds_for_step(source: str, line: int) -> list[str]:
    """The kinds of edit, in order, the search would try for a step failed near a line."""
    program = script(source)
    focus = step_focus(program, Location(line), NAMES, KINDS_OF)
    return [edit.kind for edit in candidates(program, focus)]


def test_an_operator_written_backwards_is_spelled_the_python_way() -> None:
    """`=>` becomes `>=`, and that line is the edit's."""
    edit = first_for_syntax(HEAD + "x = {}\nfor k, v in systems.items():\n    x[k] = v => load\n")
    assert (edit.kind, edit.place, edit.after) == (
        "operator-spelling",
        Location(5),
        "x[k] = v >= load",
    )


def test_a_sign_pasted_from_a_document_is_typed_as_an_operator() -> None:
    """`≥` becomes `>=`, said as a sign Python does not read, not as a quote."""
    edit = first_for_syntax(HEAD + "ok = 5 ≥ load\n")
    assert (edit.kind, edit.after) == ("operator-sign", "ok = 5 >= load")
    assert "quote" not in describe(edit)


def test_a_dictionarys_missing_colon_is_a_colon_though_python_guessed_a_comma() -> None:
    """`{'a' 1}`: the colon between a key and its value comes before the comma."""
    edit = first_for_syntax("systems = {'single_node' 1, 'horizontal_scaling': 5}\n")
    assert (edit.kind, edit.after) == (
        "missing-colon-in-dict",
        "systems = {'single_node': 1, 'horizontal_scaling': 5}",
    )


def test_a_line_indented_to_no_block_is_tried_at_the_margin_first() -> None:
    """Two spaces after a loop: no indentation first, then the loop's body."""
    program = script(HEAD + "for k in systems:\n    print(k)\n  print(load)\n")
    edits = candidates(program, error_focus(program, syntax_error(program), NAMES))
    assert [(e.kind, e.after, e.facts["to"]) for e in edits[:2]] == [
        ("indentation", "print(load)", "0"),
        ("indentation", "print(load)", "4"),
    ]


def test_candidates_that_python_cannot_read_are_never_tried() -> None:
    """Every candidate compiles: the error model's guesses that do not are dropped."""
    program = script(HEAD + "if load => 7\n    print(systems\n")
    edits = candidates(program, error_focus(program, syntax_error(program), NAMES))
    for edit in edits:
        compile(edit.program(program).cells[0].source, "<cell>", "exec")
    assert edits == []  # two mistakes: no single edit reads as Python, so nothing is said


def test_a_second_mistake_elsewhere_leaves_the_first_ones_edit_standing() -> None:
    """A candidate must compile, not pass: a bracket closed is the edit, whatever follows."""
    program = script(HEAD + "print(systems\n")
    edits = candidates(program, error_focus(program, syntax_error(program), NAMES))
    assert edits[0].after == "print(systems)"
    # Of the error model's own shapes, the bracket closed is the only one; the generic
    # one-token model proposes more, after it, that the search verifies in turn.
    assert [e.after for e in edits if e.kind not in GENERIC] == ["print(systems)"]


def test_words_without_quotes_get_them_all_in_one_edit() -> None:
    """`{single_node: 1, horizontal_scaling: 5}`: every bare key is quoted at once."""
    program = script("systems = {single_node: 1, horizontal_scaling: 5}\n")
    error = Error("NameError", "name 'single_node' is not defined", None, 1)
    edits = candidates(program, error_focus(program, error, NAMES))
    assert edits[0].after == "systems = {'single_node': 1, 'horizontal_scaling': 5}"


def test_a_dictionary_never_started_is_started_before_its_loop() -> None:
    """A NameError for a dictionary the loop stores into: `x = {}` goes above the loop."""
    program = script(HEAD + "for k, v in systems.items():\n    result[k] = v >= load\n")
    error = Error("NameError", "name 'result' is not defined", None, 4)
    edits = [
        e
        for e in candidates(program, error_focus(program, error, NAMES))
        if e.kind == "created-before"
    ]
    source = edits[0].program(program).cells[0].source
    assert source.split("\n")[2:4] == ["result = {}", "for k, v in systems.items():"]


def test_odd_code_is_tried_before_ordinary_code() -> None:
    """A comma at the end of an assignment before a comparison any program has."""
    kinds = kinds_for_step(
        HEAD.replace("load = 7", "load = 7,")
        + "r = {}\nfor k, v in systems.items():\n    r[k] = v >= load\n",
        5,
    )
    assert kinds.index("trailing-comma") < kinds.index("strictness")


def test_a_step_is_repaired_only_where_its_value_comes_from() -> None:
    """A step about `load` (line 2) tries nothing on the comparison further down."""
    kinds = kinds_for_step(
        HEAD.replace("load = 7", "load = 7,")
        + "r = {}\nfor k, v in systems.items():\n    r[k] = v >= load\n",
        2,
    )
    assert kinds == ["trailing-comma"]


def test_a_dictionary_rebuilt_in_its_loop_is_started_once_and_filled() -> None:
    """One edit of two lines: `r = {}` before the loop, `r[k] = ...` inside it."""
    program = script(HEAD + "for k, v in systems.items():\n    r = {k: v >= load}\nprint(r)\n")
    focus = step_focus(program, Location(4), NAMES, KINDS_OF)
    edit = next(e for e in candidates(program, focus) if e.kind == "rebuilt-dict")
    assert edit.program(program).cells[0].source.split("\n")[2:5] == [
        "r = {}",
        "for k, v in systems.items():",
        "    r[k] = v >= load",
    ]


def test_the_loop_variables_are_swapped_in_one_edit() -> None:
    """`for v, k in d.items()` becomes `for k, v in d.items()`."""
    program = script(HEAD + "r = {}\nfor v, k in systems.items():\n    r[k] = v >= load\n")
    focus = step_focus(program, Location(4), NAMES, KINDS_OF)
    edit = next(e for e in candidates(program, focus) if e.kind == "swapped-targets")
    assert edit.after == "for k, v in systems.items():"


def test_a_function_never_called_is_unwrapped() -> None:
    """Its body comes out to the top level, one level of indentation less."""
    program = script("def main():\n    x = 1\n    print(x)\n")
    edit = next(
        e
        for e in candidates(program, step_focus(program, None, NAMES))
        if e.kind == "function-unwrapped"
    )
    assert edit.program(program).cells[0].source == "x = 1\nprint(x)\n"
    assert "`main()` is never called" in describe(edit)


def test_code_in_a_markdown_cell_is_made_a_code_cell() -> None:
    """A notebook's Markdown cell that reads as Python becomes a code cell in its place."""
    program = Program(
        "a.ipynb",
        "notebook",
        (Cell(2, "x = 1\n", "x = 1\n"),),
        markdown=((1, "# Title"), (3, "print(x)")),
    )
    edit = next(
        e
        for e in candidates(program, step_focus(program, None, NAMES))
        if e.kind == "markdown-cell"
    )
    made = edit.program(program)
    assert ([c.number for c in made.cells], made.markdown) == ([2, 3], ((1, "# Title"),))


def test_an_edit_names_its_line_unless_the_explanation_above_it_does() -> None:
    """Under Python's error at line 5, the change at line 5 does not say the line again."""
    edit = first_for_syntax(HEAD + "x = {}\nfor k, v in systems.items():\n    x[k] = v => load\n")
    assert ("line 5" in describe(edit), "line 5" in describe(edit, Location(5))) == (True, False)


def test_every_kind_of_edit_has_its_words() -> None:
    """The error model and the wording know the same corrections."""
    program = script(HEAD)
    made = set()
    for source, line in (
        (
            HEAD + "r = {}\nfor k, v in systems.items():\n    r['k'] = str(v >= load),\nprint(r)\n",
            5,
        ),
        (HEAD + "for v in systems.keys():\n    r = {v: 1}\n    print(r)\nr = {}\n", 4),
    ):
        made |= set(kinds_for_step(source, line))
    assert made <= KINDS
    assert program.cells  # the literal helpers build real programs


def test_a_function_named_on_its_own_line_is_called_there() -> None:
    """`fill` alone does nothing: the call is the edit, on that line, with `()`."""
    source = HEAD + "d = {}\ndef fill():\n    d['a'] = 1\n\nfill\nprint(d)\n"
    program = script(source)
    found = candidates(program, step_focus(program, None, NAMES, KINDS_OF))
    called = [e for e in found if e.kind == "reference-called"]
    assert [(e.place.line, e.after) for e in called] == [(7, "fill()")]
    assert "`fill` at line 7 names the function without calling it" in describe(called[0])


def test_print_named_alone_is_called_with_the_value_below_it_or_a_name_the_step_asks_for() -> None:
    """`print` then `x` on the next line: one call of the two lines; else the nearest name."""
    program = script(HEAD + "can_handle_load = {}\nprint\ncan_handle_load\n")
    found = candidates(program, step_focus(program, None, NAMES, KINDS_OF))
    called = [e for e in found if e.kind == "reference-called"]
    merged = next(e for e in called if e.facts.get("merged"))
    assert merged.after == "print(can_handle_load)"
    assert merged.cells[0].source.split("\n")[3:] == ["print(can_handle_load)", ""]
    alone = script(HEAD + "can_handle_load = {}\nprint\n")
    found = candidates(alone, step_focus(alone, None, NAMES, KINDS_OF))
    afters = [e.after for e in found if e.kind == "reference-called"]
    assert afters[:2] == ["print()", "print(can_handle_load)"]


def test_a_variable_alone_on_its_line_is_not_called() -> None:
    """A name the program makes is a value, not a function: no call is proposed for it."""
    program = script(HEAD + "load\nprint(load)\n")
    found = candidates(program, step_focus(program, None, NAMES, KINDS_OF))
    assert not [e for e in found if e.kind == "reference-called"]


def test_of_two_spellings_the_exercise_s_own_is_kept() -> None:
    """A name misspelt where it is made: the line that makes it is to change, not the use,
    even when the misspelling is used more often than the exercise's spelling."""
    from grader.feedback.runtime import plain_words
    from grader.sandbox import Execution

    program = script(
        HEAD + "can_handle_lod = {}\ncan_handle_lod['a'] = 1\nprint(can_handle_load)\n"
    )
    error = Error("NameError", "name 'can_handle_load' is not defined", None, 5)
    ran = Execution({}, names=(("can_handle_lod", "value"),))
    _, said, named = plain_words(error, program, ran, NAMES)
    assert named and "(line 3) spells it `can_handle_lod`" in said
    assert "Spell it `can_handle_load` there too" in said
    _, unsure, _ = plain_words(error, program, ran)
    assert "write `can_handle_lod` here" in unsure


def test_every_kind_of_error_gets_plain_words_of_its_own() -> None:
    """No error class, Python's or the learner's own, is left at its name: each gets a
    sentence that says what happened in plain words, never the bare class again."""
    import builtins

    from grader.feedback.runtime import plain_words
    from grader.sandbox import Execution

    program = script(HEAD + "x = 1\n")
    kinds = [
        name
        for name in dir(builtins)
        if isinstance(getattr(builtins, name), type)
        and issubclass(getattr(builtins, name), BaseException)
        and name not in ("SystemExit", "GeneratorExit", "BaseExceptionGroup")
    ]
    bare = []
    for name in [*kinds, "Oops"]:
        _, said, _ = plain_words(Error(name, "", None, 3), program, Execution({}))
        if not said or said.startswith(f"Python stopped with {name}") or len(said) < 30:
            bare.append(name)
    assert bare == []
    raised = script(HEAD + "raise ValueError('no')\n")
    _, said, _ = plain_words(Error("Oops", "", None, 3), raised, Execution({}))
    assert "raises `Oops`" in said
