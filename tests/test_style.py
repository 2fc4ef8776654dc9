"""The code itself: linted, formatted and type-checked as pyproject.toml configures."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.mark.skipif(
    importlib.util.find_spec("ruff") is None,
    reason="ruff is not installed (pip install -e '.[test]')",
)
def test_ruff_finds_nothing() -> None:
    """`ruff check` passes on the package, the tests and the benchmark."""
    done = _run(sys.executable, "-m", "ruff", "check", "grader", "tests", "bench")
    assert (done.returncode, done.stdout[-2000:]) == (0, "All checks passed!\n")


@pytest.mark.skipif(
    importlib.util.find_spec("ruff") is None,
    reason="ruff is not installed (pip install -e '.[test]')",
)
def test_the_code_is_formatted() -> None:
    """`ruff format --check` would change nothing."""
    done = _run(sys.executable, "-m", "ruff", "format", "--check", "grader", "tests", "bench")
    assert done.returncode == 0, done.stdout[-2000:]


def test_mypy_strict_passes_on_the_package() -> None:
    """mypy, strict as configured, finds no error in grader/."""
    pytest.importorskip("mypy", reason="mypy is not installed (pip install -e '.[test]')")
    done = _run(sys.executable, "-m", "mypy")
    assert done.returncode == 0, done.stdout[-3000:]
