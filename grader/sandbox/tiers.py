"""Choosing the isolation tier: the Sandbox, which runs every program of one grading."""

from __future__ import annotations

import sys
import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from grader.load import Program
from grader.sandbox import isolation, probes, visibility, warm
from grader.sandbox.child import Plan, execute
from grader.sandbox.fleet import Fleet
from grader.sandbox.model import Limits, Run, SandboxUnavailable
from grader.sandbox.probes import ENABLE_BWRAP, seccomp_filter
from grader.sandbox.visibility import default_hidden, hideable

MODES = ("auto", "warm", "process", "bwrap", "portable")


class Sandbox:
    """Runs programs under the best isolation tier that works here; one per grading.

    ``mode`` is "auto" (the warm tier where it works, else bwrap, else process),
    "warm", "process" or "bwrap" (an error when that tier cannot run), or "portable".
    ``require`` makes the lack of both namespaced tiers (warm, bwrap) an error in "auto"
    mode too. ``hide`` adds folders for the warm and bwrap tiers to hide (the reference,
    the submissions' folders); ``bwrap`` and ``python`` choose the programs to use.
    ``landlock=False`` and ``seccomp=False`` leave that layer out, so that tests can see
    the ones below it; ``measure=True`` has each run's harness time its phases
    (``Run.phases``, for the benchmark). ``slots`` bounds how many children run at once,
    however many threads call ``run``: a thread beyond them prepares its child's request
    meanwhile, and starts it the moment a slot frees. ``shutdown()`` (or leaving a
    ``with`` block) stops its children and zygotes and removes what it made.
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
        measure: bool = False,
        slots: int | None = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown sandbox mode {mode!r}; choose one of {', '.join(MODES)}")
        self.mode = mode
        self.require = require or mode == "bwrap"
        extra = (str(path) for path in hide if hideable(str(path)))
        self.hidden = tuple(dict.fromkeys((*default_hidden(), *extra)))
        self._bwrap = bwrap
        self._python = python
        self._landlock = landlock
        self._seccomp = seccomp
        self._measure = measure
        self._lock = threading.RLock()
        self._plan: Plan | None = None
        self._note = ""
        self._fleet = Fleet(slots)
        self._warm_pool: warm.Zygotes | None = None
        # Whatever this sandbox still holds (leaves made ahead) goes when it does.
        self._finalizer = weakref.finalize(self, self._fleet.shutdown, 0.0)

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

    def shutdown(self) -> list[str]:
        """Stop the sandbox: no more children start, those running are killed, and every
        folder, uid lock and cgroup leaf it made is removed.

        Safe from another thread or from a signal handler (SIGTERM, SIGINT), and more
        than once. Return what could not be cleaned up, in words. A run that is
        refused, or cut short, afterwards raises or reports ``Closed``'s message.
        """
        return self._fleet.shutdown()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *_: object) -> None:
        self.shutdown()

    def _resolve(self) -> Plan:
        with self._lock:
            if self._plan is None:
                self._plan, self._note = self._choose()
                if self._plan.tier == "warm":
                    self._zygotes(self._plan).prestart()
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
        python, own_uid = self._interpreter(notes)
        program = None
        if self._seccomp:
            program, missing = seccomp_filter(python, own_uid)
            if missing:
                notes.append(f"No syscall filter: {missing}.")
        process = Plan("process", python, own_uid, landlock=self._landlock, seccomp=program)
        if self.mode == "process":
            return process, " ".join(notes)
        if self.mode in ("auto", "warm"):
            warm = self._warm(python, own_uid, program, notes)
            if warm is not None:
                return warm, " ".join(notes)
        problem = probes.bwrap_problem(self._bwrap, python, own_uid)
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

    def _interpreter(self, notes: list[str]) -> tuple[str, bool]:
        """Choose the children's interpreter, and whether each child gets a uid of its own."""
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
                isolation.release(isolation.acquire(give_up=0))
            except OSError as error:
                own_uid = False
                notes.append(f"Children run as root: no uid for them ({error}).")
        return python, own_uid

    def _warm(
        self, python: str, own_uid: bool, program: bytes | None, notes: list[str]
    ) -> Plan | None:
        """Return the warm tier's plan if it works here; else say why (an error if asked for)."""
        problem = probes.warm_problem(python, own_uid)
        if problem is None:
            return Plan("warm", python, own_uid, landlock=self._landlock, seccomp=program)
        if self.mode == "warm":
            raise SandboxUnavailable(f"the warm sandbox tier is not available: {problem}")
        if own_uid:
            notes.append(f"The warm sandbox tier is not available: {problem}.")
        return None

    def run(
        self,
        program: Program,
        variants: Sequence[Mapping[str, Any]] = ({},),
        limits: Limits | None = None,
        source: Path | None = None,
        *,
        order: int | None = None,
    ) -> Run:
        """Run every variant of a program in one child and read back plain data.

        With ``slots``, runs given an ``order`` (a batch's positions from 0) start in
        exactly that order: each waits until every one before it has started or been
        skipped (``skip``). Runs given none take the slots those leave free, in the
        order they were asked for.
        """
        plan = self._resolve()
        if self._measure:
            plan = replace(plan, measure=True)
        limits = limits or Limits()
        if plan.tier == "portable":
            from grader.sandbox import portable

            return portable.execute(plan.python, program, variants, limits, source)
        if plan.tier == "warm":
            return warm.execute(
                self._zygotes(plan), plan, program, variants, limits, source, self._fleet, order
            )
        return execute(plan, self.hidden, program, variants, limits, source, self._fleet, order)

    def skip(self, order: int) -> None:
        """Say that the run of this order will not start a child (it could not be run,
        or it already did): the runs after it in the order need not wait for it."""
        self._fleet.skip(order)

    def _zygotes(self, plan: Plan) -> warm.Zygotes:
        """Return this sandbox's zygotes (started as the runs need them)."""
        with self._lock:
            if self._warm_pool is None:
                view = warm.view(plan, self.hidden)
                self._warm_pool = warm.Zygotes(plan.python, view, self._fleet)
            return self._warm_pool


def run(
    program: Program,
    variants: Sequence[Mapping[str, Any]] = ({},),
    limits: Limits | None = None,
    source: Path | None = None,
    sandbox: Sandbox | None = None,
    *,
    order: int | None = None,
) -> Run:
    """Run every variant of a program in one child (the process tier unless told).

    Where the process tier cannot run (off Linux), the portable tier stands in.
    """
    if sandbox is None:
        from grader.sandbox import portable

        mode = "process" if portable.linux_layers_problem() is None else "portable"
        with Sandbox(mode) as own:
            return own.run(program, variants, limits, source)
    return sandbox.run(program, variants, limits, source, order=order)
