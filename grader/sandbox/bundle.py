"""The code the child runs (grader/sandbox/harness/), put together, and how it reaches the child.

The harness is several files of the standard library only, run in the child one after
the other in one namespace, as if they were one file. A file imports the names it uses
from the others only for readers and linters (under TYPE_CHECKING, false at run time).
"""

from __future__ import annotations

import functools
import importlib.machinery
import marshal
import os
import sys
from pathlib import Path

HARNESS = Path(__file__).resolve().parent / "harness"
# In this order: a file's top level uses only names of the files before it.
FILES = (
    "words.py",
    "procs.py",
    "encode.py",
    "channel.py",
    "lockdown.py",
    "instrument.py",
    "guards.py",
    "spaces.py",
    "run.py",
    "zygote.py",
    "main.py",
)

# The harness as one program, for an interpreter that cannot read our bytecode. It goes
# on the child's standard input ahead of the request, like the bytecode, never in its
# arguments: Linux refuses any one argument over 128 KiB, and the harness is about that.
CHILD_SOURCE = "\n\n".join((HARNESS / name).read_text(encoding="utf-8") for name in FILES)


@functools.cache
def child_code() -> bytes:
    """Return the harness files' bytecode, marshalled, from Python's own .pyc cache.

    Compiling the harness would cost every child about 5 ms of CPU: it is compiled once
    and sent ahead of the request as marshal data, which a short bootstrap executes.
    Only an interpreter of the grader's own minor version can read it (same bytecode).
    The import system's loader keeps the compiled files in __pycache__, so a cold start
    of the grader does not compile them either.
    """
    codes = []
    for name in FILES:
        module = f"grader.sandbox.harness.{name.removesuffix('.py')}"
        codes.append(
            importlib.machinery.SourceFileLoader(module, str(HARNESS / name)).get_code(module)
        )
    return marshal.dumps(tuple(codes))


# Runs each file's code, in order, in the one namespace of the child's __main__.
BOOTSTRAP = (
    "import marshal,sys;g=globals();"
    "[exec(c,g) for c in marshal.loads(sys.stdin.buffer.read(int(sys.stdin.buffer.readline())))]"
)


# Compiles and runs the harness's source, read from stdin like the bytecode above.
SOURCE_BOOTSTRAP = (
    "import sys;exec(compile(sys.stdin.buffer.read(int(sys.stdin.buffer.readline())),"
    "'<harness>','exec',dont_inherit=True))"
)


def ahead(data: bytes) -> bytes:
    """What goes on the child's stdin ahead of its request: the length, then the data."""
    return b"%d\n" % len(data) + data


@functools.lru_cache(maxsize=16)
def reads_our_bytecode(python: str) -> bool:
    """Whether an interpreter runs the grader's bytecode: the same one, or its minor version.

    Cached: asked for every submission, and resolving the links costs system calls.
    """
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    real = os.path.realpath(python)
    return real == os.path.realpath(sys.executable) or os.path.basename(real) == version
