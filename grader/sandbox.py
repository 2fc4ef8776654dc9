"""Running: a Program runs in a child Python process under limits and becomes a Run.

The grader never executes learner code in its own process. The child (see _child.py)
runs each variant of the program and answers with plain data on a private pipe; this
module validates that answer field by field, so that a broken or forged answer reads as
"nothing came back" and never as a result the program did not earn.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.load import Program

CHILD_SOURCE = Path(__file__).with_name("_child.py").read_text(encoding="utf-8")

# Bytes of raw output (what the program writes to file descriptors 1 and 2 behind
# Python's back) that the parent reads before it kills the child.
RAW_OUTPUT_CAP = 1_000_000
# What one answer from the child may weigh; more means the answer is not ours.
ANSWER_CAP = 32_000_000


@dataclass(frozen=True)
class Limits:
    """The limits one submission runs under."""

    timeout: float = 10.0
    memory_mb: int = 1024
    stdout_bytes: int = 65_536
    file_bytes: int = 16_000_000
    open_files: int = 64
    processes: int = 256

    def rlimits(self) -> dict[str, int]:
        """Return the resource limits the child sets on itself, by resource name."""
        return {
            "RLIMIT_CPU": math.ceil(self.timeout) + 1,
            "RLIMIT_AS": self.memory_mb * 1024 * 1024,
            "RLIMIT_FSIZE": self.file_bytes,
            "RLIMIT_NOFILE": self.open_files,
            "RLIMIT_CORE": 0,
            "RLIMIT_NPROC": self.processes,
        }


@dataclass(frozen=True)
class Error:
    """An error the learner's code raised, placed in the learner's own lines."""

    type: str
    message: str
    cell: int | None
    line: int | None
    syntax: bool = False
    offset: int | None = None
    end_offset: int | None = None
    # The learner's frames, outermost first: (cell, line, function name).
    frames: tuple[tuple[int | None, int, str], ...] = ()
    exit_code: int | None = None


@dataclass(frozen=True)
class Execution:
    """What one run of the program left behind, as plain data."""

    overrides: Mapping[str, Any]
    # Top-level name -> encoded value (see _child._encode for the shape).
    values: Mapping[str, Any] = field(default_factory=dict)
    # Every top-level name with its category: "value", "function", "class", "module".
    names: tuple[tuple[str, str], ...] = ()
    stdout: str = ""
    stdout_size: int = 0
    # For each line of stdout, the (cell, line) of the learner code that printed it.
    line_origins: tuple[tuple[int | None, int], ...] = ()
    errors: tuple[Error, ...] = ()
    timed_out: bool = False
    # How the run ended early, if it did: "sys.exit", "output-limit", or a description
    # of an abrupt end ("exit status 3", "killed by signal 9").
    ended: str | None = None
    # Nothing came back from this run (it was killed, or it called os._exit).
    missing: bool = False


@dataclass(frozen=True)
class Run:
    """Every execution of one program: the program as written first, then the variants."""

    executions: tuple[Execution, ...]
    raw_output: str = ""
    tier: str = "process"

    @property
    def main(self) -> Execution:
        """The program as the learner wrote it."""
        return self.executions[0]


def minimal_environment(home: str) -> dict[str, str]:
    """Return the only environment variables the child gets: none of the grader's."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": home,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
    }


def run(
    program: Program,
    variants: Sequence[Mapping[str, Any]] = ({},),
    limits: Limits | None = None,
    source: Path | None = None,
) -> Run:
    """Run every variant of a program in one child process and read back plain data."""
    limits = limits or Limits()
    nonce = secrets.token_hex(16)
    workdir = tempfile.mkdtemp(prefix="grader-")
    read_fd, write_fd = os.pipe()
    try:
        if source is not None:
            _copy_submission(source, Path(workdir))
        request = {
            "cells": [{"number": c.number, "source": c.source} for c in program.cells],
            "kind": program.kind,
            "variants": [dict(v) for v in variants],
            "budget": limits.timeout,
            "soft_budget": max(limits.timeout - 0.5, limits.timeout * 0.8),
            "stdout_cap": limits.stdout_bytes,
            "nonce": nonce,
            "result_fd": write_fd,
            "limits": limits.rlimits(),
        }
        process = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", CHILD_SOURCE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=workdir,
            env=minimal_environment(workdir),
            pass_fds=(write_fd,),
            start_new_session=True,
            close_fds=True,
        )
        os.close(write_fd)
        write_fd = -1
        raw, answer = _exchange(process, json.dumps(request).encode(), read_fd, limits)
        return Run(
            executions=_parse_answer(answer, nonce, variants),
            raw_output=raw.decode("utf-8", "replace"),
        )
    finally:
        if write_fd != -1:
            os.close(write_fd)
        os.close(read_fd)
        shutil.rmtree(workdir, ignore_errors=True)


def _copy_submission(source: Path, workdir: Path) -> None:
    """Put a copy of the submission in the child's folder, as its own code may expect."""
    try:
        shutil.copyfile(source, workdir / ("submission" + source.suffix.lower()))
    except OSError:
        pass  # the program is already loaded; the copy is a courtesy


def _exchange(
    process: subprocess.Popen[bytes], request: bytes, read_fd: int, limits: Limits
) -> tuple[bytes, bytes]:
    """Send the request, read raw output and the answer, and end the child's group."""
    # The harness enforces the time budget itself; this is the backstop for a harness
    # that could not (a frozen process, a flood of output).
    deadline = time.monotonic() + limits.timeout + 2.0
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write(request)
        process.stdin.close()
    except OSError:
        pass  # it died before reading; what came back says how
    raw = bytearray()
    answer = bytearray()
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ, "raw")
    selector.register(read_fd, selectors.EVENT_READ, "answer")
    try:
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                break
            for key, _ in selector.select(left):
                chunk = os.read(key.fd, 65_536)
                if not chunk:
                    selector.unregister(key.fileobj)
                    continue
                if key.data == "raw":
                    raw.extend(chunk[: max(0, RAW_OUTPUT_CAP - len(raw))])
                    if len(raw) >= RAW_OUTPUT_CAP:
                        selector.unregister(key.fileobj)
                        _kill_group(process)
                else:
                    answer.extend(chunk)
                    if len(answer) > ANSWER_CAP:
                        answer.clear()
                        selector.unregister(key.fileobj)
                        _kill_group(process)
    finally:
        selector.close()
        _kill_group(process)
        process.wait()
        process.stdout.close()
    return bytes(raw), bytes(answer)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill the child and every process still in its session's process group."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _parse_answer(
    answer: bytes, nonce: str, variants: Sequence[Mapping[str, Any]]
) -> tuple[Execution, ...]:
    """Validate the child's answer; anything malformed becomes a missing execution."""
    missing = tuple(Execution(overrides=dict(v), missing=True) for v in variants)
    try:
        data = json.loads(answer.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return missing
    if not isinstance(data, dict) or data.get("nonce") != nonce:
        return missing
    runs = data.get("runs")
    if not isinstance(runs, list) or len(runs) != len(variants):
        return missing
    return tuple(
        _parse_execution(raw_run, variant) for raw_run, variant in zip(runs, variants)
    )


def _parse_execution(data: object, overrides: Mapping[str, Any]) -> Execution:
    """Build an Execution from one run's data, trusting no field's type."""
    if not isinstance(data, dict) or data.get("missing") or "values" not in data:
        ended = None
        timed_out = False
        if isinstance(data, dict):
            timed_out = data.get("timed_out") is True
            status = data.get("exit_status")
            if isinstance(status, int) and not timed_out:
                ended = (
                    f"killed by signal {-status}" if status < 0 else f"exit status {status}"
                )
        return Execution(
            overrides=dict(overrides), missing=True, timed_out=timed_out, ended=ended
        )
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
        stdout_size=_int(data.get("stdout_size")) or 0,
        line_origins=tuple(
            (_int(o[0]), _int(o[1]) or 0)
            for o in (lines if isinstance(lines, list) else [])
            if isinstance(o, list) and len(o) == 2
        ),
        errors=tuple(
            _parse_error(e) for e in (errors if isinstance(errors, list) else [])
            if isinstance(e, dict)
        ),
        timed_out=data.get("timed_out") is True,
        ended=ended if isinstance(ended, str) else None,
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
        exit_code=_int(data.get("exit_code")),
    )


def _int(value: object) -> int | None:
    """Return value if it is a real int (not a bool), else None."""
    return value if type(value) is int else None


def _str(value: object) -> str:
    """Return value if it is a str, else ''."""
    return value if isinstance(value, str) else ""
