"""How the GitHub Actions runner reads a step's log: which lines it takes for workflow commands.

A port, line by line, of the runner's own code (actions/runner):

- ``src/Runner.Common/ActionCommand.cs``: ``TryParseV2`` (``::name k=v,k=v::data``, at the
  start of a line after its leading white space) and ``TryParse`` (the legacy
  ``##[name k=v;k=v]data``, anywhere in a line), with their unescaping;
- ``src/Runner.Worker/ActionCommandManager.cs``: ``TryProcessCommand`` (the new form first,
  then the legacy one; command names compared without case; ``stop-commands`` and the
  token that resumes them) and the commands registered through
  ``src/Runner.Common/ExtensionManager.cs``;
- the step's output read one line at a time, as .NET's ``StreamReader.ReadLine`` splits
  it: at CR, LF and CR LF, and nowhere else.

The runner compares ``StartsWith("::")`` and ``IndexOf("##[")`` with the culture's rules
(ICU), under which a few invisible characters (a soft hyphen, a zero-width joiner)
count for nothing. That finds no more commands than the ordinal comparison here: the
command's name is then read at a fixed offset (2, or the prefix's index + 3), so an
invisible character inside the prefix shifts it onto a ':' or a '[' or a '#', and no
registered name starts with one. The tests still check the stricter property too:
that no line holds ``##[``, and no line starts with ``::``, once invisible characters
are taken out (see ``looks_like_a_command``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# ActionCommandManager registers "stop-commands" and every command extension
# (ExtensionManager: set-env, set-output, save-state, add-path, add-mask, add-matcher,
# remove-matcher, warning, error, notice, debug, group, endgroup, echo), but not
# internal-set-repo-path, which only the runner's own plugins may use.
REGISTERED = frozenset(
    {
        "stop-commands",
        "set-env",
        "set-output",
        "save-state",
        "add-path",
        "add-mask",
        "add-matcher",
        "remove-matcher",
        "warning",
        "error",
        "notice",
        "debug",
        "group",
        "endgroup",
        "echo",
    }
)

V2_KEY = "::"
LEGACY_PREFIX = "##["

# EscapeMapping lists, in their order: Unescape replaces each Replacement by its Token.
_LEGACY = [(";", "%3B"), ("\r", "%0D"), ("\n", "%0A"), ("]", "%5D"), ("%", "%25")]
_DATA = [("\r", "%0D"), ("\n", "%0A"), ("%", "%25")]
_PROPERTY = [("\r", "%0D"), ("\n", "%0A"), (":", "%3A"), (",", "%2C"), ("%", "%25")]

# char.IsWhiteSpace in .NET, which String.TrimStart() removes.
_DOTNET_WHITESPACE = frozenset(
    "\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
)


@dataclass
class Command:
    """A workflow command the runner would run: its name, properties and data."""

    name: str
    properties: dict[str, str] = field(default_factory=dict)
    data: str = ""

    def property(self, key: str) -> str | None:
        """Read a property as the runner does, whatever its case."""
        for name, value in self.properties.items():
            if name.lower() == key.lower():
                return value
        return None


def read_lines(output: str) -> list[str]:
    """Split a step's output into the lines the runner reads (StreamReader.ReadLine)."""
    lines = re.split("\r\n|\r|\n", output)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _unescape(text: str, mappings: list[tuple[str, str]]) -> str:
    for token, replacement in mappings:
        text = text.replace(replacement, token)
    return text


def _trim_start(text: str) -> str:
    index = 0
    while index < len(text) and text[index] in _DOTNET_WHITESPACE:
        index += 1
    return text[index:]


def _registered(name: str, registered: frozenset[str] | set[str]) -> bool:
    # HashSet<string>(StringComparer.OrdinalIgnoreCase)
    return name.lower() in {command.lower() for command in registered}


def _pair(text: str) -> list[str]:
    # Split(new[] { '=' }, count: 2, StringSplitOptions.RemoveEmptyEntries)
    return [part for part in text.split("=", 1) if part]


def _set(properties: dict[str, str], key: str, value: str) -> None:
    # Dictionary<string, string>(StringComparer.OrdinalIgnoreCase): a key met again
    # under another case replaces the value and keeps the first spelling.
    for name in properties:
        if name.lower() == key.lower():
            properties[name] = value
            return
    properties[key] = value


def try_parse_v2(message: str, registered: frozenset[str] | set[str]) -> Command | None:
    """ActionCommand.TryParseV2: ``::name k=v,k=v::data`` after leading white space."""
    if not message:
        return None
    message = _trim_start(message)
    if not message.startswith(V2_KEY):
        return None
    end = message.find(V2_KEY, len(V2_KEY))
    if end < 0:
        return None
    info = message[len(V2_KEY) : end]
    space = info.find(" ")
    name = info if space < 0 else info[:space]
    if not _registered(name, registered):
        return None
    command = Command(name)
    if space > 0:
        for prop in filter(None, info[space + 1 :].strip().split(",")):
            pair = _pair(prop)
            if len(pair) == 2:
                _set(command.properties, pair[0], _unescape(pair[1], _PROPERTY))
    command.data = _unescape(message[end + len(V2_KEY) :], _DATA)
    return command


def try_parse(message: str, registered: frozenset[str] | set[str]) -> Command | None:
    """ActionCommand.TryParse: the legacy ``##[name k=v;k=v]data``, anywhere in the line."""
    if not message:
        return None
    prefix = message.find(LEGACY_PREFIX)
    if prefix < 0:
        return None
    bracket = message.find("]", prefix)
    if bracket < 0:
        return None
    info = message[prefix + len(LEGACY_PREFIX) : bracket]
    space = info.find(" ")
    name = info if space < 0 else info[:space]
    if not _registered(name, registered):
        return None
    command = Command(name)
    if space > 0:
        for prop in filter(None, info[space + 1 :].split(";")):
            pair = _pair(prop)
            if len(pair) == 2:
                _set(command.properties, pair[0], _unescape(pair[1], _LEGACY))
    command.data = _unescape(message[bracket + 1 :], _LEGACY)
    return command


@dataclass
class Runner:
    """ActionCommandManager: the commands a step's log runs, in order, with stop-commands."""

    registered: set[str] = field(default_factory=lambda: set(REGISTERED))
    stopped: bool = False
    token: str | None = None

    def process(self, line: str) -> Command | None:
        """TryProcessCommand: the command this line runs, or None when it is plain log."""
        command = try_parse_v2(line, self.registered) or try_parse(line, self.registered)
        if command is None:
            return None
        if self.stopped:
            if self.token and command.name.lower() == self.token.lower():
                self.registered.discard(self.token)
                self.stopped, self.token = False, None
                return command
            return None
        if command.name.lower() == "stop-commands":
            self.token = command.data
            self.stopped = True
            self.registered.add(self.token)
        return command


def commands(output: str) -> list[Command]:
    """Return every command the runner would run while reading this output."""
    runner = Runner()
    return [c for c in (runner.process(line) for line in read_lines(output)) if c is not None]


def _visible(text: str) -> str:
    """Drop the characters that collation ignores: format characters (soft hyphen, joiners)."""
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


def looks_like_a_command(line: str) -> bool:
    """Whether a line could be a command under any comparison: stricter than the runner."""
    visible = _visible(line)
    return LEGACY_PREFIX in visible or _trim_start(visible).lstrip().startswith(V2_KEY)
