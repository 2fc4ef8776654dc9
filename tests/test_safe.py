"""Learner text made safe to show: cleaned, folded, names escaped onto one line."""

from __future__ import annotations

import io

from grader.safe import (
    clean,
    defuse_commands,
    encodable,
    inline,
    log_line,
    shown_name,
    writable,
    writable_data,
)


def test_a_file_name_with_a_newline_is_shown_escaped_on_one_line() -> None:
    """The newline is written \\n, so the name cannot start a line of its own."""
    assert shown_name("a\n  ✓ Step 1: x.py") == "a\\n  ✓ Step 1: x.py"


def test_a_file_name_shows_its_control_characters_as_escapes() -> None:
    """Escape, carriage return, tab and a bidirectional override are visible, not acted on."""
    assert shown_name("a\x1b[31m\r\tb\u202e.py") == "a\\x1b[31m\\r\\tb\\u202e.py"


def test_an_ordinary_file_name_is_unchanged() -> None:
    """Spaces, accents and Windows separators are kept as they are."""
    assert shown_name("sub dir\\café ü.py") == "sub dir\\café ü.py"


def test_learner_text_quoted_in_a_sentence_stays_on_one_line() -> None:
    """An exception's message with newlines is folded, its escapes dropped."""
    assert inline("boom\n  ✓ Step 3\x1b[2J\n") == "boom\\n  ✓ Step 3"


def test_text_a_stream_cannot_encode_is_escaped_not_raised() -> None:
    """A cp1252 stream gets \\u escapes for what it has no byte for."""
    stream = io.TextIOWrapper(io.BytesIO(), encoding="cp1252")
    assert encodable("✓ café 🚀", stream) == "\\u2713 café \\U0001f680"


def test_a_name_in_bytes_that_are_not_utf8_shows_each_byte_escaped() -> None:
    """caf\\xe9.py, as a latin-1 machine writes it, reads caf\\xe9.py, and UTF-8 can hold it."""
    shown = shown_name(b"caf\xe9.py".decode("utf-8", "surrogateescape"))
    assert shown == "caf\\xe9.py"
    assert shown.encode("utf-8")


def test_a_lone_surrogate_in_learner_text_becomes_a_visible_escape() -> None:
    """A message or printed text holding \\ud800 is kept, escaped, instead of breaking the file."""
    assert clean("x\ud800y") == "x\\ud800y"
    assert writable("bad \udce9 here") == "bad \\xe9 here"


def test_a_surrogate_pair_is_joined_into_its_character() -> None:
    """Two halves of one character (text that went through UTF-16) are that character."""
    assert writable("\ud83d\ude00") == "\U0001f600"


def test_every_string_of_json_data_becomes_writable() -> None:
    """Keys, values and strings inside lists are all escaped; other values are untouched."""
    data = {"a\udce9": ["x\ud800", 1, None, {"k": True}]}
    assert writable_data(data) == {"a\\xe9": ["x\\ud800", 1, None, {"k": True}]}


def test_no_line_of_defused_text_is_a_workflow_command() -> None:
    """A leading :: gets a visible prefix; ##[ is broken wherever it is, however hidden."""
    text = (
        "::add-mask::x\n  ::warning::y\nsee docs/##[error]z.txt\n#\u00ad#[error]w\n\u00ad::echo::on"
    )
    assert defuse_commands(text) == (
        "> ::add-mask::x\n>   ::warning::y\nsee docs/# #[error]z.txt\n# #[error]w\n> ::echo::on"
    )


def test_a_name_for_a_log_is_one_line_that_runs_nothing() -> None:
    """Newlines are escaped, so the :: after one is not at a line's start; ##[ is broken."""
    assert log_line("a\n::error::b ##[add-mask]c.py") == "a\\n::error::b # #[add-mask]c.py"
