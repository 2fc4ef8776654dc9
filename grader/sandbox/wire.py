"""The wire format: the one written shape of what the child sends back to the grader.

The harness (grader/sandbox/harness/) writes these shapes as JSON; the sandbox reads them back
field by field, trusting no field's type (the learner's code runs in the same process as
the harness's encoder, and may have written on the pipe); ``values`` turns an
``Encoded`` value back into builtin values. Nothing here runs in the child: the harness
uses the standard library only; the words both sides write are in grader/sandbox/harness/words.py.

One answer is a ``Header`` line of JSON, then each run's bytes, framed by the sizes in
the header, then one byte ``S`` when the harness has swept up after the learner's code.
A run's bytes are a ``RunData``, or ``{"overrides": ..., "broken": NAME}`` when the
harness could not encode the values (it ran out of memory reading them); they are there
only when the run ended through the harness's own path (grader/sandbox/harness/channel.py),
which the header's ``answer`` says.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, TypedDict

from grader.sandbox.harness import channel, words

# The builtin types whose values cross as they are, and the containers that cross
# element by element; any other type crosses as its name alone.
PLAIN = ("bool", "int", "float", "str")
CONTAINERS = ("dict", "list", "tuple", "set", "frozenset")


class Ended(str, Enum):
    """How a run ended early, if it did.

    The first three come from the harness (the learner's code ran to that point); the
    others are the grader's reading of a run that sent back no data of its own.
    """

    # The program called sys.exit() or exit(): its error says where.
    SYS_EXIT = words.ENDED_SYS_EXIT
    # KeyboardInterrupt or another BaseException of the learner's ended it on purpose.
    INTERRUPTED = words.ENDED_INTERRUPTED
    # It printed (or wrote behind print's back) far more than any solution would.
    OUTPUT_LIMIT = words.ENDED_OUTPUT_LIMIT
    # Its main code ended, but a thread that keeps Python from exiting was still running.
    THREAD = words.ENDED_THREAD
    # The process exited before it answered (os._exit): see Execution.exit_status.
    EXIT_STATUS = "exit-status"
    # A signal killed the process: see Execution.signal.
    SIGNAL = "signal"
    # The harness could not encode the values (it ran out of memory reading them).
    UNREADABLE_VALUES = "unreadable-values"
    # Bytes on the run's pipe that are not an answer: the learner's code wrote there.
    GARBLED_ANSWER = "garbled-answer"


# The limits the harness stops a program at, as ErrorData["limit"] names them.
LIMITS = (words.LIMIT_TIMEOUT, words.LIMIT_OUTPUT)

# The words the harness may write in RunData["ended"].
FROM_HARNESS = (Ended.SYS_EXIT, Ended.INTERRUPTED, Ended.OUTPUT_LIMIT, Ended.THREAD)


class _EncodedType(TypedDict):
    type: str


class Encoded(_EncodedType, total=False):
    """One value with its exact type, as the child wrote it without calling its methods.

    bool, int, float, str: ``value`` (None for an int too big to carry, with ``big``,
    and for a float JSON cannot carry, with its ``repr``); a str is cut at a limit and
    says ``truncated``. NoneType: nothing more. The containers: ``items`` (for a dict,
    [key, value] pairs of Encoded) and ``length``, or ``truncated`` when too deep or
    too large. Any other type: its ``module`` and the builtin type it derives from
    (``base``), never its contents.
    """

    value: bool | int | float | str | None
    big: bool
    repr: str
    truncated: bool
    items: list[Any]
    length: int
    module: str
    base: str | None


class ErrorData(TypedDict, total=False):
    """An error the learner's code raised, with the learner's own frames only."""

    type: str
    message: str
    # [cell, line, function name] per learner frame, outermost first.
    frames: list[list[Any]]
    cell: int | None
    line: int | None
    # A syntax error: its own message (``msg``) and the columns it points at.
    syntax: bool
    msg: str
    offset: int | None
    end_offset: int | None
    # The limit that stopped the program, one of LIMITS, by the harness's own record.
    limit: str


class OriginData(TypedDict):
    """Where an entry of a dictionary got its value: the write that made it.

    ``kind`` is how it was written ("store" ``d[k] = v``, "method" ``d.update(...)``,
    "display" ``{k: v}``, "comprehension"); ``loops`` are the for statements running at
    that moment, outermost first, as [cell, line] of their headers; ``copied`` says the
    dictionary got the value from another one (``dict(d)``, ``sorted(d.items())``).
    """

    kind: str
    cell: int | None
    line: int
    loops: list[list[int | None]]
    copied: bool


class RunData(TypedDict):
    """What one run of the program left behind (one variant)."""

    overrides: dict[str, Any]
    # Top-level name -> its value, for names that hold values.
    values: dict[str, Encoded]
    # [name, category] for every top-level name: "value", "function", "class", "module".
    names: list[list[str]]
    stdout: str
    # [cell, line] of the code that started each line of stdout.
    lines: list[list[int | None]]
    errors: list[ErrorData]
    # The time was up while it ran (whether or not the program caught the interrupt).
    timed_out: bool
    # One of FROM_HARNESS, or None when the program ran to its end.
    ended: str | None
    # Top-level name holding a dict -> the origin of each of its entries, in its order
    # (None: no write of the program's made it). See OriginData.
    provenance: dict[str, list[OriginData | None]]
    # [what, cell, line] of each thing the child refused (an import, an attribute).
    refused: list[list[Any]]


# What arrived on a run's pipe, by the harness's judgement (RunMeta["answer"]): an answer
# through the genuine path, bytes that are not one (the learner's code wrote there), an
# answer too large to send, or nothing through the genuine path at all.
ANSWER_GENUINE = channel.ANSWER_GENUINE
ANSWER_GARBLED = channel.ANSWER_GARBLED
ANSWER_OVERSIZED = channel.ANSWER_OVERSIZED
ANSWER_NONE = channel.ANSWER_NONE


class RunMeta(TypedDict):
    """The harness's own word on one run: its bytes, and how its process ended."""

    # The bytes of its answer that follow the header: 0 unless the answer is genuine.
    size: int
    timed_out: bool
    # When it did not end through the genuine path, how it ended (what
    # os.waitstatus_to_exitcode says: negative for a signal); None if it never started;
    # 0 otherwise.
    exit_status: int | None
    # One of the ANSWER_ words.
    answer: str


class Header(TypedDict):
    """The first line of the answer."""

    nonce: str
    runs: list[RunMeta]
    # The isolation layers the harness set up, by name: booleans, and Landlock's ABI.
    layers: dict[str, bool | int]


# After the runs' bytes: the harness swept up after the learner's code.
SWEPT = words.SWEPT
