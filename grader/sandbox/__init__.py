"""Running: a Program runs in a child Python process under isolation and becomes a Run.

The grader never executes learner code in its own process. The child (grader/sandbox/harness/)
runs each variant of the program and answers with plain data on a private pipe, which
``answer`` validates field by field, so that a broken or forged answer reads as
"nothing came back" and never as a result the program did not earn. ``tiers`` chooses
the isolation, ``child`` runs one child, ``model`` holds what a run leaves behind.

Isolation comes in three tiers (SECURITY.md says what each protects against):

- ``process``, always on: a minimal environment, a fresh folder holding only a copy of
  the submission, ``python -I -S``, stdin from /dev/null, resource limits, no new
  privileges, Landlock where the kernel has it, a separate unprivileged uid per child
  when the grader is root, and a sweep that kills everything the child started;
- ``bwrap``, when bubblewrap works here: the same inside new namespaces (no network,
  its own PIDs and /proc), a read-only file system, size-limited tmpfs for writing,
  and the grader's files, the reference, .git and $HOME hidden;
- ``portable``, where the Linux layers cannot run (``portable``): one plain
  interpreter per variant, its process tree killed at the time limit.

A Sandbox object chooses the tier once (``auto`` takes the best that works) and is
meant to live for one grading; the bubblewrap probe is cached per process, keyed by
everything it depends on.
"""

from __future__ import annotations

from grader.sandbox.bundle import BOOTSTRAP, CHILD_SOURCE
from grader.sandbox.child import GRACE, RAW_OUTPUT_CAP, minimal_environment
from grader.sandbox.fleet import Closed
from grader.sandbox.model import (
    SUBMISSION_MEMORY_FACTOR,
    Error,
    Execution,
    Limits,
    Run,
    SandboxUnavailable,
)
from grader.sandbox.probes import ENABLE_BWRAP, bwrap_problem, seccomp_filter, warm_problem
from grader.sandbox.tiers import MODES, Sandbox, run
from grader.sandbox.visibility import default_hidden

__all__ = [
    "BOOTSTRAP",
    "CHILD_SOURCE",
    "ENABLE_BWRAP",
    "GRACE",
    "MODES",
    "RAW_OUTPUT_CAP",
    "SUBMISSION_MEMORY_FACTOR",
    "Closed",
    "Error",
    "Execution",
    "Limits",
    "Run",
    "Sandbox",
    "SandboxUnavailable",
    "bwrap_problem",
    "default_hidden",
    "minimal_environment",
    "run",
    "seccomp_filter",
    "warm_problem",
]
