"""The code the child runs (grader/_child.py), and how it reaches the child's interpreter."""

from __future__ import annotations

import functools
import importlib.machinery
import marshal
import os
import sys
from pathlib import Path

CHILD_FILE = Path(__file__).resolve().parent.parent / "_child.py"


CHILD_SOURCE = CHILD_FILE.read_text(encoding="utf-8")


@functools.cache
def _child_code() -> bytes:
    """Return the harness's bytecode, marshalled, from Python's own .pyc cache.

    Compiling the harness would cost every child about 5 ms of CPU: it is compiled once
    and sent ahead of the request as marshal data, which a short bootstrap executes.
    Only an interpreter of the grader's own minor version can read it (same bytecode).
    The import system's loader keeps the compiled file in __pycache__, so a cold start
    of the grader does not compile it either.
    """
    loader = importlib.machinery.SourceFileLoader("grader._child", str(CHILD_FILE))
    return marshal.dumps(loader.get_code("grader._child"))


BOOTSTRAP = (
    "import marshal,sys;"
    "exec(marshal.loads(sys.stdin.buffer.read(int(sys.stdin.buffer.readline()))))"
)


def _reads_our_bytecode(python: str) -> bool:
    """Whether an interpreter runs the grader's bytecode: the same one, or its minor version."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    real = os.path.realpath(python)
    return real == os.path.realpath(sys.executable) or os.path.basename(real) == version
