"""Reading the child's answer: the wire format (grader/sandbox/wire.py) checked field by field.

The learner's code ran in the same process as the harness's encoder and may have
written on the pipe: a broken or forged answer reads as "nothing came back", never
as a result the program did not earn. Only a run that ended through the harness's own
path (grader/sandbox/harness/channel.py) brings an answer at all, and the parent
accepts no more of it than the genuine harness can send: a bounded number of bytes,
values nested so deep and no deeper, so many lines, errors and names. Reading and
decoding one answer therefore costs a bounded time and memory, whatever the child
claims.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from grader.result import Location
from grader.sandbox.harness.channel import VARIANT_CAP
from grader.sandbox.model import Error, Execution, Origin, Refusal
from grader.sandbox.wire import (
    ANSWER_GARBLED,
    ANSWER_GENUINE,
    ANSWER_OVERSIZED,
    FROM_HARNESS,
    LIMITS,
    SWEPT,
    Ended,
)

# The most the header line (the runs' meta and the layers) weighs.
HEADER_CAP = 65_536


@dataclass(frozen=True)
class Bounds:
    """What the parent accepts of one run's answer: what the genuine harness sends, no more.

    ``stdout_chars`` is the run's own output cap (Limits.stdout_bytes); ``fields`` caps
    the items of the fields the harness itself cuts (grader/sandbox/harness/run.py and
    encode.py): a longer one was not written by it. The rest bounds any answer's size,
    so that a forged one costs no more to read than a genuine one.
    """

    stdout_chars: int = 65_536
    run_bytes: int = VARIANT_CAP
    nodes: int = 100_000
    depth: int = 40
    string_chars: int = 10_000
    fields: tuple[tuple[str, int], ...] = (
        ("lines", 2000),
        ("errors", 50),
        ("names", 300),
        ("values", 300),
    )


def answer_cap(variants: int) -> int:
    """Return the most bytes a whole answer for this many variants may weigh."""
    return HEADER_CAP + variants * VARIANT_CAP + len(SWEPT)


def parse_answer(
    answer: bytes,
    nonce: str,
    variants: Sequence[Mapping[str, Any]],
    stop: str | None,
    bounds: Bounds | None = None,
) -> tuple[tuple[Execution, ...], bool, Mapping[str, Any]]:
    """Validate the child's answer; anything malformed becomes a missing execution.

    Return the executions, whether the harness swept up after the learner's code, and
    the isolation layers it reports.
    """
    bounds = bounds or Bounds()
    ended = Ended.OUTPUT_LIMIT if stop == "output-limit" else None
    missing = tuple(
        Execution(overrides=dict(v), missing=True, timed_out=stop == "deadline", ended=ended)
        for v in variants
    )
    head, newline, body = answer.partition(b"\n")
    if len(head) > HEADER_CAP or len(answer) > answer_cap(len(variants)):
        return missing, False, {}
    try:
        data = json.loads(head.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return missing, False, {}
    if not newline or not isinstance(data, dict) or data.get("nonce") != nonce:
        return missing, False, {}
    runs = data.get("runs")
    if not isinstance(runs, list) or len(runs) != len(variants):
        return missing, False, {}
    sizes = [_int(run.get("size")) if isinstance(run, dict) else None for run in runs]
    valid = [size for size in sizes if size is not None and size >= 0]
    # After the runs' bytes, one byte says the harness swept up after the learner's code.
    swept = len(body) == sum(valid) + 1 and body.endswith(SWEPT)
    if len(valid) != len(runs) or len(body) != sum(valid) + swept:
        return missing, False, {}
    executions = []
    offset = 0
    for meta, size, variant in zip(runs, valid, variants, strict=True):
        payload = body[offset : offset + size]
        offset += size
        executions.append(parse_run(meta, payload, variant, bounds))
    layers = data.get("layers")
    return tuple(executions), swept, layers if isinstance(layers, dict) else {}


def parse_run(
    meta: Mapping[str, Any],
    payload: bytes,
    overrides: Mapping[str, Any],
    bounds: Bounds | None = None,
) -> Execution:
    """Read one variant's answer: the harness's word on how it ended, and its own data.

    Only an answer that came through the genuine path is read; bytes that are not an
    answer mean the learner's process wrote on its pipe ("garbled-answer"), and count
    for nothing; an answer beyond the bounds is read as values too large to read back.
    """
    if meta.get("timed_out") is True:
        return Execution(overrides=dict(overrides), missing=True, timed_out=True)
    answer = meta.get("answer")
    if answer == ANSWER_GENUINE:
        return _read(payload, overrides, bounds or Bounds())
    if answer in (ANSWER_GARBLED, ANSWER_OVERSIZED):
        ended = Ended.GARBLED_ANSWER if answer == ANSWER_GARBLED else Ended.UNREADABLE_VALUES
        return Execution(overrides=dict(overrides), missing=True, ended=ended)
    status = _int(meta.get("exit_status"))
    if status is None:
        return Execution(overrides=dict(overrides), missing=True)
    if status < 0:
        return Execution(
            overrides=dict(overrides), missing=True, ended=Ended.SIGNAL, signal=-status
        )
    return Execution(
        overrides=dict(overrides), missing=True, ended=Ended.EXIT_STATUS, exit_status=status
    )


def _read(payload: bytes, overrides: Mapping[str, Any], bounds: Bounds) -> Execution:
    """Decode a genuine answer within the bounds, or say why it counts for nothing."""

    def ended(how: Ended) -> Execution:
        return Execution(overrides=dict(overrides), missing=True, ended=how)

    if len(payload) > bounds.run_bytes:
        return ended(Ended.UNREADABLE_VALUES)
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return ended(Ended.GARBLED_ANSWER)
    if not isinstance(data, dict):
        return ended(Ended.GARBLED_ANSWER)
    if "values" not in data or data.get("missing"):
        # The harness says it could not encode the values (it ran out of memory while
        # reading them); anything else is not an answer of the harness's.
        broken = isinstance(data.get("broken"), str)
        return ended(Ended.UNREADABLE_VALUES if broken else Ended.GARBLED_ANSWER)
    beyond = _beyond(data, bounds)
    if beyond is not None:
        return ended(beyond)
    return _parse_execution(data, overrides)


def _beyond(data: dict[str, Any], bounds: Bounds) -> Ended | None:
    """Say how a decoded answer exceeds the bounds, or None if it does not.

    A field longer than the harness ever writes, or output beyond the run's cap, was
    not written by the harness; an answer too large or too deep holds values too large
    to read back.
    """
    for name, most in bounds.fields:
        field = data.get(name)
        if isinstance(field, (list, dict)) and len(field) > most:
            return Ended.GARBLED_ANSWER
    stdout = data.get("stdout")
    if isinstance(stdout, str) and len(stdout) > bounds.stdout_chars:
        return Ended.GARBLED_ANSWER
    nodes = 0
    stack: list[tuple[object, int]] = [(v, 1) for k, v in data.items() if k != "stdout"]
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if nodes > bounds.nodes or depth > bounds.depth:
            return Ended.UNREADABLE_VALUES
        if isinstance(value, str):
            if len(value) > bounds.string_chars:
                return Ended.UNREADABLE_VALUES
        elif isinstance(value, list):
            if nodes + len(value) > bounds.nodes:
                return Ended.UNREADABLE_VALUES
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, dict):
            for key, item in value.items():
                if len(key) > bounds.string_chars:
                    return Ended.UNREADABLE_VALUES
                stack.append((item, depth + 1))
    return None


def _parse_execution(data: dict[str, Any], overrides: Mapping[str, Any]) -> Execution:
    """Build an Execution from one run's data, trusting no field's type."""
    values = data.get("values")
    names = data.get("names")
    lines = data.get("lines")
    errors = data.get("errors")
    stdout = data.get("stdout")
    ended = data.get("ended")
    return Execution(
        overrides=dict(overrides),
        values=values if isinstance(values, dict) else {},
        names=tuple(
            (n[0], n[1])
            for n in (names if isinstance(names, list) else [])
            if isinstance(n, list) and len(n) == 2 and all(isinstance(x, str) for x in n)
        ),
        stdout=stdout if isinstance(stdout, str) else "",
        line_origins=tuple(
            (_int(o[0]), _int(o[1]) or 0)
            for o in (lines if isinstance(lines, list) else [])
            if isinstance(o, list) and len(o) == 2
        ),
        errors=tuple(
            _parse_error(e)
            for e in (errors if isinstance(errors, list) else [])
            if isinstance(e, dict)
        ),
        timed_out=data.get("timed_out") is True,
        ended=Ended(ended) if ended in FROM_HARNESS else None,
        provenance=_parse_provenance(data.get("provenance")),
        refused=_parse_refused(data.get("refused")),
    )


def _parse_error(data: dict[str, Any]) -> Error:
    """Build an Error from its data, trusting no field's type."""
    frames = data.get("frames")
    return Error(
        type=_str(data.get("type")),
        message=_str(data.get("msg") if data.get("syntax") else data.get("message")),
        cell=_int(data.get("cell")),
        line=_int(data.get("line")),
        syntax=data.get("syntax") is True,
        offset=_int(data.get("offset")),
        end_offset=_int(data.get("end_offset")),
        frames=tuple(
            (_int(f[0]), _int(f[1]) or 0, _str(f[2]))
            for f in (frames if isinstance(frames, list) else [])
            if isinstance(f, list) and len(f) == 3
        ),
        limit=data.get("limit") if data.get("limit") in LIMITS else None,
    )


# The most a run's provenance may hold: names, entries per name, loops per entry.
MAX_PROVENANCE = (300, 200, 20)
MAX_REFUSED = 50


def _parse_provenance(data: object) -> dict[str, tuple[Origin | None, ...]]:
    """Read where each entry of each top-level dict got its value, trusting no field's type."""
    if not isinstance(data, dict):
        return {}
    names, entries, _ = MAX_PROVENANCE
    found: dict[str, tuple[Origin | None, ...]] = {}
    for name, origins in list(data.items())[:names]:
        if isinstance(name, str) and isinstance(origins, list):
            found[name] = tuple(_parse_origin(o) for o in origins[:entries])
    return found


def _parse_origin(data: object) -> Origin | None:
    """Read one entry's origin, or None when it has none (or it is not one)."""
    if not isinstance(data, dict):
        return None
    kind, line, loops = data.get("kind"), _int(data.get("line")), data.get("loops")
    if not isinstance(kind, str) or line is None or not isinstance(loops, list):
        return None
    return Origin(
        kind=kind,
        location=Location(line, _int(data.get("cell"))),
        loops=tuple(
            Location(_int(loop[1]) or 0, _int(loop[0]))
            for loop in loops[: MAX_PROVENANCE[2]]
            if isinstance(loop, list) and len(loop) == 2
        ),
        copied=data.get("copied") is True,
    )


def _parse_refused(data: object) -> tuple[Refusal, ...]:
    """Read what the child refused the program, trusting no field's type."""
    if not isinstance(data, list):
        return ()
    return tuple(
        Refusal(_str(item[0]), Location(_int(item[2]) or 1, _int(item[1])))
        for item in data[:MAX_REFUSED]
        if isinstance(item, list) and len(item) == 3 and isinstance(item[0], str)
    )


def _int(value: object) -> int | None:
    """Return value if it is a real int (not a bool), else None."""
    return value if type(value) is int else None


def _str(value: object) -> str:
    """Return value if it is a str, else ''."""
    return value if isinstance(value, str) else ""
