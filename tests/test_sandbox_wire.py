"""The wire format: the harness writes exactly the shapes grader/sandbox/wire.py declares."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from grader.load import Cell, Program
from grader.sandbox import CHILD_SOURCE, Limits, Sandbox
from grader.sandbox.child import child_command
from grader.sandbox.wire import SWEPT, Encoded, Ended, ErrorData, Header, RunData, RunMeta

PROGRAM = """\
import sys
load = 3
ratio = float("nan")
big = 10 ** 30
text = "é" * 3000
systems = {"a": [1, (2, {3})], "b": frozenset()}
class Mine:
    pass
thing = Mine()
def f():
    raise ValueError("no")
print("hi")
f()
"""


def answer(
    source: str, variants: list[dict[str, Any]], folder: Path, python: str = sys.executable
) -> tuple[Header, list[bytes], bytes]:
    """Run the harness as the sandbox does and return its answer, split into its parts."""
    read_fd, write_fd = os.pipe()
    limits = Limits(timeout=5)
    request = {
        "cells": [{"number": None, "source": source}],
        "kind": "script",
        "variants": variants,
        "budget": 5.0,
        "soft_budget": 4.5,
        "stdout_cap": limits.stdout_bytes,
        "nonce": "n" * 32,
        "result_fd": write_fd,
        "limits": limits.rlimits(),
        "sweep_all": False,
        "landlock": None,
        "seccomp": None,
    }
    command, code = child_command(python)
    child = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        pass_fds=[write_fd],
        cwd=folder,
    )
    os.close(write_fd)
    assert child.stdin is not None
    child.stdin.write(code + marshal.dumps(request))
    child.stdin.close()
    data = b""
    while chunk := os.read(read_fd, 65536):
        data += chunk
    os.close(read_fd)
    child.wait(timeout=30)
    head, _, body = data.partition(b"\n")
    header = json.loads(head)
    runs = []
    for meta in header["runs"]:
        runs.append(body[: meta["size"]])
        body = body[meta["size"] :]
    return header, runs, body


def keys(shape: type) -> set[str]:
    """Return every key a TypedDict declares."""
    return set(shape.__annotations__)


def encoded(value: Any) -> list[dict[str, Any]]:
    """Return an encoded value and every encoded value inside it."""
    found = [value]
    for item in value.get("items", []):
        for part in item if value["type"] == "dict" else [item]:
            found.extend(encoded(part))
    return found


def test_the_header_and_each_runs_meta_have_the_declared_keys(tmp_path: Path) -> None:
    """The answer's first line is a Header whose runs are RunMeta; the sweep byte ends it."""
    header, _, rest = answer("x = 1\n", [{}, {"x": 2}], tmp_path)
    assert keys(Header) == set(header)
    assert [keys(RunMeta)] * 2 == [set(meta) for meta in header["runs"]]
    assert rest == SWEPT


def test_an_interpreter_that_cannot_read_the_graders_bytecode_runs_the_harness_source(
    tmp_path: Path,
) -> None:
    """Another Python gets the harness as source on its stdin, whatever its size (Linux
    refuses an argument over 128 KiB), and gives the same answer as the bytecode."""
    other = tmp_path / "another-python"
    other.write_text(f'#!/bin/sh\nexec "{os.path.realpath(sys.executable)}" "$@"\n')
    other.chmod(0o755)
    command, code = child_command(str(other))
    assert CHILD_SOURCE.encode() in code and all(len(arg) < 4096 for arg in command)
    (tmp_path / "ours").mkdir()
    (tmp_path / "theirs").mkdir()
    ours = answer(PROGRAM, [{}, {"x": 2}], tmp_path / "ours")
    theirs = answer(PROGRAM, [{}, {"x": 2}], tmp_path / "theirs", str(other))
    assert [json.loads(run) for run in theirs[1]] == [json.loads(run) for run in ours[1]]
    assert theirs[2] == ours[2] == SWEPT


def test_a_runs_data_has_exactly_the_declared_keys(tmp_path: Path) -> None:
    """Each run's bytes are a RunData, with ErrorData errors and Encoded values."""
    _, runs, _ = answer(PROGRAM, [{}], tmp_path)
    data = json.loads(runs[0])
    assert keys(RunData) == set(data)
    assert all(set(error) <= keys(ErrorData) for error in data["errors"])
    values = [part for value in data["values"].values() for part in encoded(value)]
    assert all(set(value) <= keys(Encoded) for value in values)


def test_the_harness_ends_a_run_only_with_its_own_words(tmp_path: Path) -> None:
    """sys.exit, an interrupt and a flood of output end a run with an Ended of the harness's."""
    sources = {
        Ended.SYS_EXIT: "import sys\nsys.exit(3)\n",
        Ended.INTERRUPTED: "raise KeyboardInterrupt\n",
        Ended.OUTPUT_LIMIT: "while True:\n    print('x' * 1000)\n",
    }
    for ended, source in sources.items():
        folder = tmp_path / ended.name
        folder.mkdir()
        _, runs, _ = answer(source, [{}], folder)
        assert ended.value == json.loads(runs[0])["ended"]


@pytest.mark.parametrize("ended", list(Ended))
def test_every_end_reads_back_as_itself(ended: Ended) -> None:
    """An Ended's value is the word on the wire."""
    assert Ended(ended.value) is ended


def test_a_sandbox_run_reads_the_harness_words_as_ended() -> None:
    """The parent turns the harness's word into the Ended member."""
    program = Program("t.py", "script", (Cell(None, "raise SystemExit(2)\n", ""),))
    ran = Sandbox("process").run(program, [{}], Limits(timeout=5))
    assert ran.main.ended is Ended.SYS_EXIT
