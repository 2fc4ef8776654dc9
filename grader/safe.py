"""Make learner-provided text safe to place in a CI report.

File names, messages that quote the learner's code and what the learner's program
printed all come from the learner. Before a CI format embeds them, they lose terminal
escape sequences and control characters, which could recolour or rewrite a log,
hide text, or forge lines that a CI runner would read as its own; and lone
surrogates (a file name in bytes that are not UTF-8, ``"\\udce9"`` in a message),
which no UTF-8 file can hold, are written as visible escapes, so a report can
always be written.
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

# C0 and C1 controls except tab and newline, DEL, the Unicode line and paragraph
# separators (a line break to str.splitlines and to many viewers, so that learner text
# behind one would start a line of its own), and the Unicode bidirectional overrides
# and isolates, which can make text read differently from what it is.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


# A surrogate pair, or a surrogate on its own: only the pair is a character.
_SURROGATES = re.compile("[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]")


def _joined_or_escaped(match: re.Match[str]) -> str:
    """Join a surrogate pair into its character; write a lone surrogate as an escape.

    U+DC80 to U+DCFF is how Python keeps a byte that is not UTF-8 (a file name
    from a latin-1 machine, ``caf\\xe9.py``): it is shown as that byte.
    """
    text = match.group()
    if len(text) == 2:
        high, low = (ord(char) for char in text)
        return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    code = ord(text)
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def writable(text: str) -> str:
    """Return text that UTF-8 can encode: no lone surrogate is left, each is escaped."""
    return _SURROGATES.sub(_joined_or_escaped, text)


def clean(text: str) -> str:
    """Drop escape sequences and control characters; keep tabs and newlines."""
    text = writable(text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", _ANSI.sub("", text))


def one_line(text: str) -> str:
    """Clean text and fold it onto one line, for names and titles."""
    return " ".join(clean(text).split())


# The legacy form of a workflow command, which the runner finds anywhere in a line.
LEGACY_COMMAND = "##["

# Unicode's format characters (category Cf, as of Unicode 15): invisible, and skipped
# by the culture-aware comparisons of the Actions runner.
_FORMAT = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)


def defuse_commands(text: str) -> str:
    """Keep every line of text from being read as a GitHub workflow command.

    The runner reads each line of a step's output (split at CR and LF) in two ways
    (actions/runner, ActionCommand.TryParseV2 and TryParse): after trimming leading
    white space, a line that starts with ``::`` is a command, so indenting is not
    enough and such a line gets a visible prefix; and ``##[`` is the legacy form,
    read wherever it appears in a line (``docs/##[error]x.txt`` is an error
    annotation, ``##[add-mask]`` hides text), so it loses its meaning everywhere.
    """
    return "\n".join(_defused(line) for line in clean(text).split("\n"))


def _defused(line: str) -> str:
    """Defuse one line; see defuse_commands."""
    if _FORMAT.search(line):
        # The runner compares with the culture's rules, which skip invisible format
        # characters (a soft hyphen, a zero-width joiner): a line that is a command
        # without them loses them, so that it is defused like any other.
        visible = _FORMAT.sub("", line)
        if LEGACY_COMMAND in visible or visible.lstrip().startswith("::"):
            line = visible
    if line.lstrip().startswith("::"):
        line = f"> {line}"
    return line.replace(LEGACY_COMMAND, "# #[")


def safe_text(text: str) -> str:
    """Return learner-derived text that cannot steer a terminal or a CI runner.

    Escapes and control characters go, lone surrogates are escaped, and no line can
    be read as a workflow command (see defuse_commands).
    """
    return defuse_commands(text)


def log_line(name: str) -> str:
    """Show learner text, a file name say, on one line of a CI log, and as nothing else."""
    return safe_text(shown_name(name))


def _escaped(char: str) -> str:
    """Write one control character as a visible escape: \\n, \\t, \\x1b, \\u202e."""
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if char in named:
        return named[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_UNSHOWN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def shown_name(name: str) -> str:
    """Show a file name on one line, its newlines and control characters escaped.

    A name is the learner's text that every report prints at its own left margin, so a
    newline in it could draw a line that looks like the grader's; escaped, it cannot,
    and the reader still sees which file it is. A byte that is not UTF-8 is shown as
    ``\\xe9``.
    """
    return _UNSHOWN.sub(lambda match: _escaped(match.group()), writable(name))


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


def writable_data(data: object) -> object:
    """Return JSON-like data (dicts, lists, strings...) with every string made writable."""
    if isinstance(data, str):
        return writable(data)
    if isinstance(data, dict):
        return {writable_data(key): writable_data(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [writable_data(item) for item in data]
    return data
