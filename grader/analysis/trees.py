"""Syntax trees and code of learner text, made one at a time and quietly in this process.

CPython 3.11 before 3.11.8 (and 3.12 before 3.12.1) counts the depth of the tree it is
building in a place every thread of the interpreter shares. Two threads that parse at
once can read each other's count, and a parse then fails with "SystemError: AST
constructor recursion depth mismatch" (python/cpython#106905), whatever the code. The
grader parses on several threads at once: the checks in the main thread, the repair
search and the runs on the pool. Every syntax tree of the grader is made here, under one
lock, so that no parse of one submission can fail because of another.

Compiling learner text makes Python warn about it ("is" with a literal, an invalid
escape): warnings for the learner, printed on the grader's own stderr, where they read
as the grader's. Every compile of learner text in the grader's process happens here too,
with those warnings kept quiet. The warnings filters are the process's: they are
changed only under the same lock, so two threads never restore each other's.
"""

from __future__ import annotations

import ast
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from types import CodeType

# Re-entrant: code that holds it (quietly) may parse through this module.
_ONE_AT_A_TIME = threading.RLock()


@contextmanager
def quietly() -> Iterator[None]:
    """Hold the lock for trees, with Python's warnings about the code it reads silenced."""
    with _ONE_AT_A_TIME, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def parse(source: str, filename: str = "<unknown>") -> ast.Module:
    """Return the syntax tree of a module's source (raises SyntaxError, as ast.parse)."""
    with quietly():
        return ast.parse(source, filename)


def readable(source: str | None) -> ast.Module | None:
    """Return the syntax tree of a source, or None when there is none or Python cannot
    read it (a syntax error, a null byte, nesting too deep for the parser)."""
    if source is None:
        return None
    try:
        return parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None


def literal(text: str) -> object:
    """Return the Python literal a text spells (raises as ast.literal_eval on a string).

    ``ast.literal_eval`` of a string makes a syntax tree first: it is made here, under
    the lock, and only the tree is evaluated.
    """
    with quietly():
        tree = ast.parse(text.lstrip(" \t"), mode="eval")
    return ast.literal_eval(tree)


def compile_text(source: str, filename: str) -> CodeType:
    """Compile learner text as a module, running nothing (raises SyntaxError, as compile)."""
    with quietly():
        return compile(source, filename, "exec", dont_inherit=True)
