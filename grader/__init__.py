"""grader: a pytest-based autograder for step-by-step Python exercises."""

from __future__ import annotations

__version__ = "0.1.0"


def load_ipython_extension(shell: object) -> None:
    """Register `%grade` in IPython or Jupyter: `%load_ext grader` calls this."""
    # Imported here: `import grader` must not need IPython, nor load the grading code.
    from grader.frontends.jupyter import load_ipython_extension as load

    load(shell)
