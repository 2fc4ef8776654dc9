"""Syntax trees of Python source, made one at a time in this process.

CPython 3.11 before 3.11.8 (and 3.12 before 3.12.1) counts the depth of the tree it is
building in a place every thread of the interpreter shares. Two threads that parse at
once can read each other's count, and a parse then fails with "SystemError: AST
constructor recursion depth mismatch" (python/cpython#106905), whatever the code. The
grader parses on several threads at once: the checks in the main thread, the repair
search and the runs on the pool. Every syntax tree of the grader is made here, under one
lock, so that no parse of one submission can fail because of another.
"""

from __future__ import annotations

import ast
import threading

_ONE_AT_A_TIME = threading.Lock()


def parse(source: str, filename: str = "<unknown>") -> ast.Module:
    """Return the syntax tree of a module's source (raises SyntaxError, as ast.parse)."""
    with _ONE_AT_A_TIME:
        return ast.parse(source, filename)


def literal(text: str) -> object:
    """Return the Python literal a text spells (raises as ast.literal_eval on a string).

    ``ast.literal_eval`` of a string makes a syntax tree first: it is made here, under
    the lock, and only the tree is evaluated.
    """
    with _ONE_AT_A_TIME:
        tree = ast.parse(text.lstrip(" \t"), mode="eval")
    return ast.literal_eval(tree)
