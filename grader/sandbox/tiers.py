"""Choosing the isolation tier: the Sandbox, and the probes that say whether a tier works here."""

from __future__ import annotations

import functools
import os
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from grader.load import Cell, Program
from grader.sandbox import isolation, seccomp, visibility
from grader.sandbox.child import Plan, execute
from grader.sandbox.model import Limits, Run, SandboxUnavailable

MODES = ("auto", "process", "bwrap", "portable")


ENABLE_BWRAP = (
    "sudo apt-get install -y bubblewrap && "
    "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"
)


def default_hidden() -> tuple[str, ...]:
    """Return the folders the bwrap tier hides whatever is graded.

    $HOME and /root (credentials, caches), the grader's own package, and the .git of the
    repository around the grader and around the working directory (a checkout's token
    lives in .git/config).
    """
    found = [str(Path.home()), "/root", str(Path(__file__).resolve().parent.parent)]
    for start in (Path(__file__).resolve().parent.parent, Path.cwd().resolve()):
        for folder in (start, *start.parents):
            if (folder / ".git").is_dir():
                found.append(str(folder / ".git"))
                break
    return tuple(dict.fromkeys(path for path in found if _hideable(path)))


def _hideable(path: str) -> bool:
    """Whether covering a folder leaves the system usable (never /, /usr and the like).

    Nothing inside /proc, /dev or /sys either: bubblewrap mounts its own there.
    """
    system = ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/etc", "/dev", "/proc", "/sys", "/tmp")
    resolved = os.path.realpath(path)
    inside_pseudo = any(resolved.startswith(p + "/") for p in ("/proc", "/dev", "/sys"))
    return (
        resolved != "/"
        and not inside_pseudo
        and not any(s == resolved or s.startswith(resolved.rstrip("/") + "/") for s in system)
    )


class Sandbox:
    """Runs programs under the best isolation tier that works here; one per grading.

    ``mode`` is "auto" (bwrap when it works, else process), "process" or "bwrap" (an
    error when bwrap cannot run). ``require`` makes a missing bwrap tier an error in
    "auto" mode too. ``hide`` adds folders for the bwrap tier to hide (the reference,
    the submissions' folders); ``bwrap`` and ``python`` choose the programs to use.
    ``landlock=False`` and ``seccomp=False`` leave that layer out, so that tests can see
    the ones below it.
    """

    def __init__(
        self,
        mode: str = "auto",
        *,
        require: bool = False,
        hide: Sequence[str | Path] = (),
        bwrap: str = "bwrap",
        python: str | None = None,
        landlock: bool = True,
        seccomp: bool = True,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown sandbox mode {mode!r}; choose one of {', '.join(MODES)}")
        self.mode = mode
        self.require = require or mode == "bwrap"
        extra = (str(path) for path in hide if _hideable(str(path)))
        self.hidden = tuple(dict.fromkeys((*default_hidden(), *extra)))
        self._bwrap = bwrap
        self._python = python
        self._landlock = landlock
        self._seccomp = seccomp
        self._lock = threading.Lock()
        self._plan: Plan | None = None
        self._note = ""

    @property
    def tier(self) -> str:
        """The tier the children run in (choosing it on first use)."""
        return self._resolve().tier

    @property
    def note(self) -> str:
        """Why a stronger tier or layer is not in use, and how to get it; '' if it is."""
        self._resolve()
        return self._note

    def check(self) -> None:
        """Choose the tier now, raising SandboxUnavailable if the required one cannot run."""
        self._resolve()

    def _resolve(self) -> Plan:
        with self._lock:
            if self._plan is None:
                self._plan, self._note = self._choose()
            return self._plan

    def _choose(self) -> tuple[Plan, str]:
        from grader.sandbox import portable

        # Off Linux (or without fork, /proc and the POSIX modules) only the portable
        # tier can run; --require-sandbox refuses it, whoever chose it.
        problem = None if self.mode == "portable" else portable.linux_layers_problem()
        if self.mode == "portable" or problem is not None:
            refusal = portable.refusal(self.mode, self.require, problem)
            if refusal:
                raise SandboxUnavailable(refusal)
            return Plan("portable", self._python or sys.executable, False), portable.NOTE
        notes: list[str] = []
        own_uid = isolation.is_root()
        python = self._python or visibility.child_python(own_uid)
        if python is None:
            python = visibility.child_python(False) or sys.executable
            own_uid = False
            version = f"{sys.version_info.major}.{sys.version_info.minor}"
            notes.append(
                f"Children run as root: no Python {version} that an unprivileged user can "
                f"read was found (the grader's own is {sys.executable}); install "
                f"python{version} system-wide so that each child runs as a user of its own."
            )
        if own_uid:
            try:
                isolation.release(isolation.acquire(give_up=0), clean=True)
            except OSError as error:
                own_uid = False
                notes.append(f"Children run as root: no uid for them ({error}).")
        program = None
        if self._seccomp:
            program, missing = seccomp_filter(python, own_uid)
            if missing:
                notes.append(f"No syscall filter: {missing}.")
        process = Plan("process", python, own_uid, landlock=self._landlock, seccomp=program)
        if self.mode == "process":
            return process, " ".join(notes)
        problem = bwrap_problem(self._bwrap, python, own_uid)
        if problem is None:
            plan = Plan(
                "bwrap", python, own_uid, self._bwrap, landlock=self._landlock, seccomp=program
            )
            return plan, " ".join(notes)
        if self.require:
            raise SandboxUnavailable(
                f"the bwrap sandbox tier is not available: {problem}. Enable it with: "
                f"{ENABLE_BWRAP}"
            )
        notes.insert(
            0,
            f"Sandbox: the submissions ran in the 'process' tier; the stronger 'bwrap' "
            f"tier (no network, hidden files, its own process space) is not available: "
            f"{problem}. On Ubuntu 24.04 (GitHub runners) enable it with: {ENABLE_BWRAP}",
        )
        return process, " ".join(notes)

    def run(
        self,
        program: Program,
        variants: Sequence[Mapping[str, Any]] = ({},),
        limits: Limits | None = None,
        source: Path | None = None,
    ) -> Run:
        """Run every variant of a program in one child and read back plain data."""
        plan = self._resolve()
        if plan.tier == "portable":
            from grader.sandbox import portable

            return portable.execute(plan.python, program, variants, limits or Limits(), source)
        return execute(plan, self.hidden, program, variants, limits or Limits(), source)


def run(
    program: Program,
    variants: Sequence[Mapping[str, Any]] = ({},),
    limits: Limits | None = None,
    source: Path | None = None,
    sandbox: Sandbox | None = None,
) -> Run:
    """Run every variant of a program in one child (the process tier unless told).

    Where the process tier cannot run (off Linux), the portable tier stands in.
    """
    if sandbox is None:
        from grader.sandbox import portable

        sandbox = Sandbox("process" if portable.linux_layers_problem() is None else "portable")
    return sandbox.run(program, variants, limits, source)


_PROBE = Program(path="probe", kind="script", cells=(Cell(None, "x = 1\n", "x = 1\n"),))


def bwrap_problem(bwrap: str, python: str, own_uid: bool) -> str | None:
    """Say why the bwrap tier cannot run here, or None if it can."""
    import shutil

    found = shutil.which(bwrap)
    if found is None:
        return f"bubblewrap is not installed ('{bwrap}' was not found)"
    return _probe_bwrap(os.path.realpath(found), python, own_uid)


@functools.lru_cache(maxsize=16)
def _probe_bwrap(bwrap: str, python: str, own_uid: bool) -> str | None:
    """Run a one-line program through the real bwrap tier; say what went wrong, if anything.

    Anything in the way (user namespaces forbidden by AppArmor, a folder it cannot hide,
    an interpreter it cannot see) shows up here. Cached for the life of the process,
    keyed by everything the answer depends on.
    """
    plan = Plan("bwrap", python, own_uid, bwrap=bwrap)
    try:
        ran = execute(plan, default_hidden(), _PROBE, ({},), Limits(timeout=10.0), None)
    except OSError as error:
        return f"bwrap could not start ({error.strerror or error})"
    if ran.main.missing or ran.main.values.get("x") != {"type": "int", "value": 1}:
        said = next((line for line in ran.raw_output.splitlines() if line.strip()), "")
        return f"bwrap failed ({said.strip()[:200] or 'no answer from the child'})"
    return None


def seccomp_filter(python: str, own_uid: bool) -> tuple[bytes | None, str]:
    """Return the syscall filter if a child here can install it, else None and why not."""
    program = seccomp.program()
    if program is None:
        return None, f"none is written for this machine's architecture ({seccomp.machine()})"
    problem = _probe_seccomp(program, python, own_uid)
    return (None, problem) if problem else (program, "")


@functools.lru_cache(maxsize=16)
def _probe_seccomp(program: bytes, python: str, own_uid: bool) -> str:
    """Run a one-line program under the filter in the process tier; say what went wrong.

    Cached for the life of the process, keyed by everything the answer depends on.
    """
    plan = Plan("process", python, own_uid, landlock=False, seccomp=program)
    try:
        ran = execute(plan, (), _PROBE, ({},), Limits(timeout=10.0), None)
    except OSError as error:
        return f"the probe could not start ({error.strerror or error})"
    if ran.main.values.get("x") != {"type": "int", "value": 1}:
        return "a child under the filter did not run"
    if "seccomp" not in ran.layers:
        return "the kernel refused to install it"
    return ""
