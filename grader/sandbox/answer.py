"""Reading the child's answer: the wire format (grader/sandbox/wire.py) checked field by field.

The learner's code ran in the same process as the harness's encoder and may have
written on the pipe: a broken or forged answer reads as "nothing came back", never
as a result the program did not earn.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from grader.result import Location
from grader.sandbox.model import Error, Execution, Origin, Refusal
from grader.sandbox.wire import FROM_HARNESS, LIMITS, SWEPT, Ended


def parse_answer(
    answer: bytes, nonce: str, variants: Sequence[Mapping[str, Any]], stop: str | None
) -> tuple[tuple[Execution, ...], bool, Mapping[str, Any]]:
    """Validate the child's answer; anything malformed becomes a missing execution.

    Return the executions, whether the harness swept up after the learner's code, and
    the isolation layers it reports.
    """
    ended = Ended.OUTPUT_LIMIT if stop == "output-limit" else None
    missing = tuple(
        Execution(overrides=dict(v), missing=True, timed_out=stop == "deadline", ended=ended)
        for v in variants
    )
    head, newline, body = answer.partition(b"\n")
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
        executions.append(parse_run(meta, payload, variant))
    layers = data.get("layers")
    return tuple(executions), swept, layers if isinstance(layers, dict) else {}


def parse_run(meta: dict[str, Any], payload: bytes, overrides: Mapping[str, Any]) -> Execution:
    """Read one variant's answer: the harness's word on how it ended, and its own data.

    The data is what the learner's process wrote; bytes that are not an answer mean
    that process wrote on its pipe ("garbled-answer"), and count for nothing.
    """
    data: object = None
    if payload:
        try:
            data = json.loads(payload.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            data = None
    if isinstance(data, dict) and "values" in data and not data.get("missing"):
        return _parse_execution(data, overrides)
    timed_out = meta.get("timed_out") is True
    status = _int(meta.get("exit_status"))
    if timed_out:
        return Execution(overrides=dict(overrides), missing=True, timed_out=True)
    if payload:
        # The harness says it could not encode the values (it ran out of memory while
        # reading them); anything else on the pipe was written by the learner's code.
        broken = isinstance(data, dict) and isinstance(data.get("broken"), str)
        ended = Ended.UNREADABLE_VALUES if broken else Ended.GARBLED_ANSWER
        return Execution(overrides=dict(overrides), missing=True, ended=ended)
    if status is None:
        return Execution(overrides=dict(overrides), missing=True)
    if status < 0:
        return Execution(
            overrides=dict(overrides), missing=True, ended=Ended.SIGNAL, signal=-status
        )
    return Execution(
        overrides=dict(overrides), missing=True, ended=Ended.EXIT_STATUS, exit_status=status
    )


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
