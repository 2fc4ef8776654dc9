"""Learner text made safe to show: cleaned, folded, names escaped onto one line."""

from __future__ import annotations

import io

from grader.safe import encodable, inline, shown_name


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
