"""Syntax trees made on several threads at once never fail because of each other."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from grader.analysis import trees

# Deep enough to count, varied enough to take time: a nested expression and many lines.
SOURCE = "x = " + "(" * 40 + "1" + ")" * 40 + "\n" + "y = [i for i in range(3)]\n" * 200


class _Finalized:
    """An object whose finalizer is Python code: the collector runs it mid-parse."""

    def __del__(self) -> None:
        pass


def _garbage() -> None:
    """Leave cycles behind, so that the collector runs (and runs Python code) during a parse."""
    for _ in range(30):
        cycle = _Finalized()
        cycle.self = cycle  # type: ignore[attr-defined]


@pytest.fixture
def eager_collector() -> Iterator[None]:
    """Collect garbage often, as a busy grading does."""
    before = gc.get_threshold()
    gc.set_threshold(40)
    try:
        yield
    finally:
        gc.set_threshold(*before)


@pytest.mark.usefixtures("eager_collector")
def test_parses_on_threads_at_different_depths_all_succeed() -> None:
    """Three threads parse at different stack depths while garbage is collected: no error."""
    errors: list[BaseException] = []

    def work(depth: int) -> None:
        if depth:
            work(depth - 1)
            return
        for _ in range(60):
            _garbage()
            try:
                trees.parse(SOURCE)
            except SystemError as error:  # "AST constructor recursion depth mismatch"
                errors.append(error)
                return

    threads = [threading.Thread(target=work, args=(depth,)) for depth in (5, 60, 120)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_a_parse_says_what_ast_parse_says() -> None:
    """The tree is ast.parse's, and so is a syntax error."""
    assert type(trees.parse("x = 1").body[0]).__name__ == "Assign"
    with pytest.raises(SyntaxError):
        trees.parse("x = (")
