"""What a run leaves behind, as plain data: the limits, a Run of Executions, their Errors."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from grader.analysis.allowlist import Allowlist
from grader.result import Location
from grader.sandbox.wire import Encoded, Ended

# A policy not made yet (None is a made one: nothing enforced).
_UNMADE = object()

# How many times --memory-limit a whole submission may use, where a cgroup bounds it.
SUBMISSION_MEMORY_FACTOR = 3


@dataclass(frozen=True)
class Limits:
    """The limits one submission runs under."""

    timeout: float = 10.0
    memory_mb: int = 1024
    stdout_bytes: int = 65_536
    file_bytes: int = 16_000_000
    open_files: int = 64
    processes: int = 256
    # The size of each writable tmpfs (the child's folder, /tmp, /dev/shm), and how
    # many files and folders each holds where the grader can set that (root).
    disk_bytes: int = 64_000_000
    disk_files: int = 20_000
    # What the learner's code may import, call and reach while it runs (the exercise's
    # allowlist); None enforces nothing, for the sandbox's own tools and tests. Grading
    # always sets it.
    allowlist: Allowlist | None = None
    # The top-level names the exercise checks: the child records them before any other,
    # so a program that makes more names than an answer holds never loses them.
    names: tuple[str, ...] = ()

    def policy(self) -> dict[str, Any] | None:
        """Return the allowlist the child enforces, as plain data, or None.

        Made once per Limits (a grading's submissions share theirs) and read only: every
        request carries it, and sorting the allowlist again for each one costs the
        grader's process more than the rest of the request's making.
        """
        made = self.__dict__.get("_policy", _UNMADE)
        if made is _UNMADE:
            made = None if self.allowlist is None else self.allowlist.runtime()
            # Not a field: equality, hashing and replace() never see it.
            object.__setattr__(self, "_policy", made)
        return made  # type: ignore[no-any-return]

    @property
    def total_memory_bytes(self) -> int:
        """The memory of the whole submission, every process and file included.

        Where a cgroup holds the child. The variants run at the same time, each under
        memory_mb, so the whole gets a few times that: a program that stays within its
        limit runs as it would alone, and forking no longer multiplies it.
        """
        return self.memory_mb * 1024 * 1024 * SUBMISSION_MEMORY_FACTOR

    def rlimits(self) -> dict[str, int]:
        """Return the resource limits the child sets on itself, by resource name."""
        return {
            "RLIMIT_CPU": math.ceil(self.timeout) + 1,
            "RLIMIT_AS": self.memory_mb * 1024 * 1024,
            "RLIMIT_FSIZE": self.file_bytes,
            "RLIMIT_NOFILE": self.open_files,
            "RLIMIT_CORE": 0,
            "RLIMIT_NPROC": self.processes,
        }


@dataclass(frozen=True)
class Error:
    """An error the learner's code raised, placed in the learner's own lines."""

    type: str
    message: str
    cell: int | None
    line: int | None
    syntax: bool = False
    offset: int | None = None
    end_offset: int | None = None
    # The learner's frames, outermost first: (cell, line, function name).
    frames: tuple[tuple[int | None, int, str], ...] = ()
    # The limit that stopped the program, by the harness's own record: "timeout" or
    # "output"; None for an error of the program's own, whatever its class is named.
    limit: str | None = None


@dataclass(frozen=True)
class Origin:
    """The write that gave an entry of a dictionary its value, as the run recorded it."""

    # "store" (d[k] = v), "method" (d.update(...), d.setdefault, d |= ...), "display"
    # ({k: v}) or "comprehension" ({k: v for ...}).
    kind: str
    location: Location
    # The for statements running when it was written (by the header's place), outermost first.
    loops: tuple[Location, ...] = ()
    # The dictionary holds a copy of the value written into another one.
    copied: bool = False


@dataclass(frozen=True)
class Refusal:
    """Something the learner's code tried to reach while it ran that the allowlist does not
    allow (an import, an attribute), and where."""

    what: str
    location: Location


@dataclass(frozen=True)
class Execution:
    """What one run of the program left behind, as plain data."""

    overrides: Mapping[str, Any]
    # Top-level name -> its value as the child wrote it (grader/sandbox/wire.py).
    values: Mapping[str, Encoded] = field(default_factory=dict)
    # Every top-level name with its category: "value", "function", "class", "module".
    names: tuple[tuple[str, str], ...] = ()
    stdout: str = ""
    # For each line of stdout, the (cell, line) of the learner code that printed it.
    line_origins: tuple[tuple[int | None, int], ...] = ()
    errors: tuple[Error, ...] = ()
    timed_out: bool = False
    # How the run ended early, if it did.
    ended: Ended | None = None
    # With Ended.EXIT_STATUS, the status it exited with; with Ended.SIGNAL, the signal.
    exit_status: int | None = None
    signal: int | None = None
    # Nothing came back from this run (it was killed, or it called os._exit).
    missing: bool = False
    # Top-level name holding a dict -> the origin of each entry, in the dict's order
    # (None where no write of the program's made it).
    provenance: Mapping[str, tuple[Origin | None, ...]] = field(default_factory=dict)
    # What the child refused the program while it ran.
    refused: tuple[Refusal, ...] = ()

    @property
    def how_it_ended(self) -> str:
        """Say in a few words how a run that sent nothing back ended."""
        if self.ended is Ended.SIGNAL:
            return f"killed by signal {self.signal}"
        if self.ended is Ended.EXIT_STATUS:
            return f"exit status {self.exit_status}"
        return self.ended.value if self.ended else "ended without a word"


@dataclass(frozen=True)
class Run:
    """Every execution of one program: the program as written first, then the variants."""

    executions: tuple[Execution, ...]
    raw_output: str = ""
    tier: str = "process"
    # The isolation layers that held for this run, for the record ("uid 65003",
    # "no-new-privs", "landlock 4", "namespaces").
    layers: tuple[str, ...] = ()
    # What could not be cleaned up after the run, in words, or "" when all of it was.
    cleanup: str = ""
    # When the sandbox was asked to measure: the harness's CPU and wall seconds per
    # phase of its work, by its own clock (for the benchmark).
    phases: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def main(self) -> Execution:
        """The program as the learner wrote it."""
        return self.executions[0]


class SandboxUnavailable(Exception):
    """The isolation tier that was asked for cannot run on this machine."""
