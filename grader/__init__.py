"""grader: a pytest-based autograder for step-by-step Python exercises."""

__version__ = "0.1.0"
