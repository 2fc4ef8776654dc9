"""Make learner-provided text safe to place in a CI report.

File names, messages that quote the learner's code and what the learner's program
printed all come from the learner. Before a CI format embeds them, they lose terminal
escape sequences and control characters, which could recolour or rewrite a log,
hide text, or forge lines that a CI runner would read as its own.
"""

from __future__ import annotations

import re
from typing import TextIO

# ESC-based sequences: CSI (colours, cursor moves), OSC (titles, hyperlinks) and the
# two-character escapes. OSC runs until BEL or ESC \; an unterminated one runs to the
# end of the line so that it cannot swallow the rest of the report.
_ANSI = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]          # CSI ... final byte
    | \x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)?  # OSC ... BEL or ST
    | \x1b[@-Z\\-_]                  # other two-character escapes
    | \x9b[0-?]*[ -/]*[@-~]          # 8-bit CSI
    """,
    re.VERBOSE,
)

# C0 and C1 controls except tab and newline, DEL, and the Unicode bidirectional
# overrides and isolates, which can make text read differently from what it is.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Drop escape sequences and control characters; keep tabs and newlines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", _ANSI.sub("", text))


def one_line(text: str) -> str:
    """Clean text and fold it onto one line, for names and titles."""
    return " ".join(clean(text).split())


def defuse_commands(text: str) -> str:
    """Keep any line of text from being read as a GitHub workflow command.

    The runner trims leading whitespace and then looks for ``::`` at the start of
    every line it reads from a step's output, so indenting is not enough: such a line
    gets a visible prefix instead.
    """
    return "\n".join(
        f"> {line}" if line.lstrip().startswith("::") else line for line in clean(text).split("\n")
    )


def safe_text(text: str) -> str:
    """Return learner-derived text that cannot steer a terminal or a CI runner.

    Escapes and control characters go; a line starting with ``::`` gets a visible
    prefix; and ``##[`` loses its meaning anywhere in a line, because the GitHub runner
    still reads the legacy ``##[command]`` form wherever it appears, not only at the
    start (``##[set-output name=score;]4`` would set a step output).
    """
    return defuse_commands(text).replace("##[", "# #[")


def _escaped(char: str) -> str:
    """Write one control character as a visible escape: \\n, \\t, \\x1b, \\u202e."""
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if char in named:
        return named[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_UNSHOWN = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def shown_name(name: str) -> str:
    """Show a file name on one line, its newlines and control characters escaped.

    A name is the learner's text that every report prints at its own left margin, so a
    newline in it could draw a line that looks like the grader's; escaped, it cannot,
    and the reader still sees which file it is.
    """
    return _UNSHOWN.sub(lambda match: _escaped(match.group()), name)


def inline(text: str) -> str:
    """Fold learner text quoted inside a sentence onto one line, newlines shown as \\n.

    An exception's message is the learner's: a newline in it would start a line of the
    report that the learner wrote, at whatever indent they chose.
    """
    return shown_name(clean(text).rstrip("\n"))


def encodable(text: str, stream: TextIO) -> str:
    """Replace what the stream cannot encode with escapes, rather than crash writing it.

    A Windows console or a redirected file there is often cp1252: a learner's emoji or
    a mark of a CI format must not turn a report into a traceback.
    """
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        return text.encode(encoding, "backslashreplace").decode(encoding)
    except LookupError:
        return text
