"""Running: a Program runs in a child Python process under isolation and becomes a Run.

The grader never executes learner code in its own process. The child (see _child.py)
runs each variant of the program and answers with plain data on a private pipe; this
module validates that answer field by field, so that a broken or forged answer reads as
"nothing came back" and never as a result the program did not earn.

Isolation comes in two tiers (SECURITY.md says what each protects against):

- ``process``, always on: a minimal environment, a fresh folder holding only a copy of
  the submission, ``python -I -S``, stdin from /dev/null, resource limits, no new
  privileges, Landlock where the kernel has it, a separate unprivileged uid per child
  when the grader is root, and a sweep that kills everything the child started;
- ``bwrap``, when bubblewrap works here: the same inside new namespaces (no network,
  its own PIDs and /proc), a read-only file system, size-limited tmpfs for writing,
  and the grader's files, the reference, .git and $HOME hidden.

A Sandbox object chooses the tier once (``auto`` takes the best that works) and is
meant to live for one grading; the bubblewrap probe is cached per process, keyed by
everything it depends on.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.machinery
import json
import marshal
import math
import os
import secrets
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from grader import cgroup, isolation, seccomp
from grader.load import MAX_BYTES, Cell, Program
from grader.wire import FROM_HARNESS, LIMITS, SWEPT, Encoded, Ended

CHILD_FILE = Path(__file__).with_name("_child.py")
CHILD_SOURCE = CHILD_FILE.read_text(encoding="utf-8")


@functools.cache
def _child_code() -> bytes:
    """Return the harness's bytecode, marshalled, from Python's own .pyc cache.

    Compiling the harness would cost every child about 5 ms of CPU: it is compiled once
    and sent ahead of the request as marshal data, which a short bootstrap executes.
    Only an interpreter of the grader's own minor version can read it (same bytecode).
    The import system's loader keeps the compiled file in __pycache__, so a cold start
    of the grader does not compile it either.
    """
    loader = importlib.machinery.SourceFileLoader("grader._child", str(CHILD_FILE))
    return marshal.dumps(loader.get_code("grader._child"))


BOOTSTRAP = (
    "import marshal,sys;"
    "exec(marshal.loads(sys.stdin.buffer.read(int(sys.stdin.buffer.readline()))))"
)

# Bytes of raw output (what the program writes to file descriptors 1 and 2 behind
# Python's back) that the parent reads before it kills the child.
RAW_OUTPUT_CAP = 1_000_000
# What one answer from the child may weigh; more means the answer is not ours.
ANSWER_CAP = 32_000_000
# How long past its own time budget the parent waits for the harness before killing it:
# starting the interpreter (and bubblewrap), sweeping, and a loaded machine.
GRACE = 2.0

MODES = ("auto", "process", "bwrap", "portable")

# How many times --memory-limit a whole submission may use, where a cgroup bounds it.
SUBMISSION_MEMORY_FACTOR = 3

ENABLE_BWRAP = (
    "sudo apt-get install -y bubblewrap && "
    "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"
)


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
    exit_code: int | None = None
    # The limit that stopped the program, by the harness's own record: "timeout" or
    # "output"; None for an error of the program's own, whatever its class is named.
    limit: str | None = None


@dataclass(frozen=True)
class Execution:
    """What one run of the program left behind, as plain data."""

    overrides: Mapping[str, Any]
    # Top-level name -> its value as the child wrote it (grader/wire.py).
    values: Mapping[str, Encoded] = field(default_factory=dict)
    # Every top-level name with its category: "value", "function", "class", "module".
    names: tuple[tuple[str, str], ...] = ()
    stdout: str = ""
    stdout_size: int = 0
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

    @property
    def main(self) -> Execution:
        """The program as the learner wrote it."""
        return self.executions[0]


class SandboxUnavailable(Exception):
    """The isolation tier that was asked for cannot run on this machine."""


def minimal_environment(home: str) -> dict[str, str]:
    """Return the only environment variables the child gets: none of the grader's."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": home,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
    }


def default_hidden() -> tuple[str, ...]:
    """Return the folders the bwrap tier hides whatever is graded.

    $HOME and /root (credentials, caches), the grader's own package, and the .git of the
    repository around the grader and around the working directory (a checkout's token
    lives in .git/config).
    """
    found = [str(Path.home()), "/root", str(Path(__file__).resolve().parent)]
    for start in (Path(__file__).resolve().parent, Path.cwd().resolve()):
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


@dataclass(frozen=True)
class _Plan:
    """How children run: the tier, the interpreter, and whether each gets its own uid."""

    tier: str
    python: str
    own_uid: bool
    bwrap: str = ""
    landlock: bool = True
    # The syscall filter (grader/seccomp.py), or None when it is not used.
    seccomp: bytes | None = None


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
        self._plan: _Plan | None = None
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

    def _resolve(self) -> _Plan:
        with self._lock:
            if self._plan is None:
                self._plan, self._note = self._choose()
            return self._plan

    def _choose(self) -> tuple[_Plan, str]:
        from grader import portable

        # Off Linux (or without fork, /proc and the POSIX modules) only the portable
        # tier can run; --require-sandbox refuses it, whoever chose it.
        problem = None if self.mode == "portable" else portable.linux_layers_problem()
        if self.mode == "portable" or problem is not None:
            refusal = portable.refusal(self.mode, self.require, problem)
            if refusal:
                raise SandboxUnavailable(refusal)
            return _Plan("portable", self._python or sys.executable, False), portable.NOTE
        notes: list[str] = []
        own_uid = isolation.is_root()
        python = self._python or isolation.child_python(own_uid)
        if python is None:
            python = isolation.child_python(False) or sys.executable
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
        process = _Plan("process", python, own_uid, landlock=self._landlock, seccomp=program)
        if self.mode == "process":
            return process, " ".join(notes)
        problem = bwrap_problem(self._bwrap, python, own_uid)
        if problem is None:
            plan = _Plan(
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
            from grader import portable

            return portable.execute(plan.python, program, variants, limits or Limits(), source)
        return _execute(plan, self.hidden, program, variants, limits or Limits(), source)


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
        from grader import portable

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
    plan = _Plan("bwrap", python, own_uid, bwrap=bwrap)
    try:
        ran = _execute(plan, default_hidden(), _PROBE, ({},), Limits(timeout=10.0), None)
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
    plan = _Plan("process", python, own_uid, landlock=False, seccomp=program)
    try:
        ran = _execute(plan, (), _PROBE, ({},), Limits(timeout=10.0), None)
    except OSError as error:
        return f"the probe could not start ({error.strerror or error})"
    if ran.main.values.get("x") != {"type": "int", "value": 1}:
        return "a child under the filter did not run"
    if "seccomp" not in ran.layers:
        return "the kernel refused to install it"
    return ""


def _reads_our_bytecode(python: str) -> bool:
    """Whether an interpreter runs the grader's bytecode: the same one, or its minor version."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    real = os.path.realpath(python)
    return real == os.path.realpath(sys.executable) or os.path.basename(real) == version


def _mtimes(folders: Sequence[str]) -> list[int]:
    """Return when each folder last changed, to tell whether a child wrote there."""
    times = []
    for folder in folders:
        try:
            times.append(os.stat(folder).st_mtime_ns)
        except OSError:
            times.append(0)
    return times


def _execute(
    plan: _Plan,
    hidden: Sequence[str],
    program: Program,
    variants: Sequence[Mapping[str, Any]],
    limits: Limits,
    source: Path | None,
) -> Run:
    """Run a program's variants in one child under a plan, and clean up after it."""
    nonce = secrets.token_hex(16)
    lease = isolation.acquire() if plan.own_uid else None
    leaf = cgroup.create(limits.total_memory_bytes, limits.processes)
    workdir: Path | None = None
    ran: Run | None = None
    read_fd = write_fd = filter_fd = -1
    clean = False
    bwrap = plan.tier == "bwrap"
    try:
        workdir = isolation.make_workdir(lease)
        copied: Path | None = None
        if source is not None:
            name = "submission" + source.suffix.lower()
            isolation.copy_into(source, workdir, name, lease, MAX_BYTES)
            copied = workdir / name if (workdir / name).exists() else None
        inside = isolation.BWRAP_WORKDIR if bwrap else str(workdir)
        read_fd, write_fd = os.pipe()
        request = {
            "cells": [{"number": c.number, "source": c.source} for c in program.cells],
            "kind": program.kind,
            "variants": [dict(v) for v in variants],
            "budget": limits.timeout,
            "soft_budget": max(limits.timeout - 0.5, limits.timeout * 0.8),
            "stdout_cap": limits.stdout_bytes,
            "nonce": nonce,
            "result_fd": write_fd,
            "limits": limits.rlimits(),
            # kill(-1) reaches only the learner's processes when the child has a uid
            # or a PID namespace of its own; never otherwise.
            "sweep_all": lease is not None or bwrap,
            "landlock": isolation.landlock_paths(plan.python, inside) if plan.landlock else None,
            # In the bwrap tier, bubblewrap installs the filter before Python starts.
            "seccomp": None if bwrap else plan.seccomp,
        }
        # As root in the process tier, the harness starts as root to give itself private
        # mounts and IPC (see _child._enter), then becomes the child's uid.
        enter = lease is not None and not bwrap
        if enter:
            assert lease is not None
            request["enter"] = {
                "uid": lease.uid,
                "gid": lease.gid,
                "disk_bytes": limits.disk_bytes,
                "inodes": limits.disk_files,
            }
        if _reads_our_bytecode(plan.python):
            argv = [plan.python, "-I", "-S", "-c", BOOTSTRAP]
            code = _child_code()
            preamble = b"%d\n" % len(code) + code
        else:
            argv = [plan.python, "-I", "-S", "-c", CHILD_SOURCE]
            preamble = b""
        passed = [write_fd]
        if bwrap:
            if plan.seccomp is not None:
                filter_fd = _filter_pipe(plan.seccomp)
                passed.append(filter_fd)
            argv = (
                isolation.bwrap_argv(
                    plan.bwrap, plan.python, copied, hidden, limits.disk_bytes, lease, filter_fd
                )
                + argv[1:]
            )
        ids: dict[str, Any] = {}
        if lease is not None and not enter:
            ids = {"user": lease.uid, "group": lease.gid, "extra_groups": []}
        shared = isolation.temp_dirs() if lease is not None and not bwrap else ()
        before = _mtimes(shared)
        process = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd="/" if bwrap else workdir,
            env=minimal_environment(inside),
            pass_fds=passed,
            start_new_session=True,
            close_fds=True,
            **ids,
        )
        os.close(write_fd)
        write_fd = -1
        if filter_fd != -1:
            os.close(filter_fd)
            filter_fd = -1
        joined = leaf is not None and _join(leaf, process.pid)
        # marshal: the harness reads it without importing anything (it is our own data).
        try:
            raw, answer, stop = _exchange(
                process, preamble + marshal.dumps(request), read_fd, limits
            )
        except BaseException:
            # Ctrl-C, or a failure of our own: the child must not outlive the grading.
            _terminate(process, plan, lease)
            process.wait()
            raise
        if stop is not None:
            _terminate(process, plan, lease)
        process.wait()
        executions, swept, layers = _parse_answer(answer, nonce, variants, stop)
        clean = swept and stop is None and process.returncode == 0
        if clean and lease is not None and _mtimes(shared) != before:
            # Swept: nothing of the child's runs any more to race the removal.
            isolation.remove_stray_files(lease.uid, shared)
        ran = Run(
            executions=executions,
            raw_output=raw.decode("utf-8", "replace"),
            tier=plan.tier,
            layers=_layers(plan, lease, layers, leaf if joined else None),
        )
    finally:
        for fd in (read_fd, write_fd, filter_fd):
            if fd != -1:
                os.close(fd)
        problem = isolation.finish(lease, workdir, clean, leaf)
    assert ran is not None  # else what was raised is on its way up
    return replace(ran, cleanup=problem) if problem else ran


def _join(leaf: cgroup.Leaf, pid: int) -> bool:
    """Move a child's process tree (bubblewrap's included) into its cgroup leaf.

    The harness waits for its request before it starts anything, so the tree is still
    but for bubblewrap's own helpers, which may exit meanwhile.
    """
    moved: set[int] = set()
    try:
        while True:
            todo = [p for p in (pid, *isolation.descendants(pid)) if p not in moved]
            if not todo:
                return True
            for number in todo:
                moved.add(number)
                with contextlib.suppress(ProcessLookupError):
                    leaf.add(number)
    except OSError:
        return False


# What the harness says it entered (as root, process tier), as layer names.
_ENTERED = {"mount_ns": "private tmpfs", "ipc_ns": "ipc namespace", "keyring": "fresh keyrings"}


def _layers(
    plan: _Plan,
    lease: isolation.Lease | None,
    harness: Mapping[str, Any],
    leaf: cgroup.Leaf | None,
) -> tuple[str, ...]:
    """Name the isolation layers that held for a run."""
    layers = []
    if plan.tier == "bwrap":
        layers.append("namespaces")
    if lease is not None:
        layers.append(f"uid {lease.uid}")
    for key, name in _ENTERED.items():
        if harness.get(key) is True:
            layers.append(name)
    if leaf is not None:
        layers.append(f"cgroup v{leaf.version}")
    if harness.get("no_new_privs") is True:
        layers.append("no-new-privs")
    landlock = harness.get("landlock")
    if plan.landlock and type(landlock) is int and landlock > 0:
        layers.append(f"landlock {landlock}")
    if plan.seccomp is not None and _filtered(plan, harness):
        layers.append("seccomp")
    return tuple(layers)


def _filtered(plan: _Plan, harness: Mapping[str, Any]) -> bool:
    """Whether the harness ran under the syscall filter, by its own word.

    In the process tier it installed the filter itself; in the bwrap tier bubblewrap did
    (and fails the run if it cannot), and the harness runs under one more filter than
    the grader does (a container's own filter counts for both).
    """
    if plan.tier != "bwrap":
        return harness.get("seccomp") is True
    filters = harness.get("seccomp_filters")
    return type(filters) is int and (filters == -1 or filters > seccomp.filters_in_force())


def _filter_pipe(program: bytes) -> int:
    """Return a pipe's read end that holds the filter, for ``bwrap --seccomp FD``."""
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, program)  # a few hundred bytes: the pipe's buffer holds them
    finally:
        os.close(write_end)
    return read_end


def _exchange(
    process: subprocess.Popen[bytes], request: bytes, read_fd: int, limits: Limits
) -> tuple[bytes, bytes, str | None]:
    """Send the request and read raw output and the answer until the harness is done.

    Return what was read and why reading stopped early, if it did: "deadline",
    "output-limit" or "answer-limit". The harness enforces the time budget itself; the
    deadline here is the backstop for a harness that could not.
    """
    deadline = time.monotonic() + limits.timeout + GRACE
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write(request)
    except OSError:
        pass  # it died before reading; what came back says how
    finally:
        with contextlib.suppress(OSError):
            process.stdin.close()
    raw = bytearray()
    answer = bytearray()
    stop: str | None = None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ, "raw")
    selector.register(read_fd, selectors.EVENT_READ, "answer")
    streams = {"raw", "answer"}
    # The harness's exit ends the exchange even if something it started still holds
    # its stdout open; without pidfds, the pipes' ends have to do.
    exited: int | None = None
    with contextlib.suppress(AttributeError, OSError):
        exited = os.pidfd_open(process.pid)
        selector.register(exited, selectors.EVENT_READ, "exit")
    try:
        while streams and stop is None:
            left = deadline - time.monotonic()
            if left <= 0:
                stop = "deadline"
                break
            for key, _ in selector.select(left):
                if key.data == "exit":
                    _drain(process.stdout.fileno(), raw, RAW_OUTPUT_CAP)
                    _drain(read_fd, answer, ANSWER_CAP + 1)
                    streams.clear()
                    break
                chunk = os.read(key.fd, 65_536)
                if not chunk:
                    selector.unregister(key.fileobj)
                    streams.discard(key.data)
                elif key.data == "raw":
                    raw.extend(chunk[: max(0, RAW_OUTPUT_CAP - len(raw))])
                    if len(raw) >= RAW_OUTPUT_CAP:
                        stop = "output-limit"
                        break
                else:
                    answer.extend(chunk)
                    if len(answer) > ANSWER_CAP:
                        stop = "answer-limit"
                        break
    finally:
        selector.close()
        if exited is not None:
            os.close(exited)
        process.stdout.close()
    if len(answer) > ANSWER_CAP:
        answer.clear()
    return bytes(raw), bytes(answer), stop


def _drain(fd: int, into: bytearray, cap: int) -> None:
    """Read what is left in a pipe without waiting for more."""
    os.set_blocking(fd, False)
    while len(into) < cap:
        try:
            chunk = os.read(fd, 65_536)
        except (BlockingIOError, InterruptedError):
            return
        if not chunk:
            return
        into.extend(chunk[: cap - len(into)])


def _terminate(
    process: subprocess.Popen[bytes], plan: _Plan, lease: isolation.Lease | None
) -> None:
    """Kill a child that overran, with everything it started (setsid or not)."""
    if lease is not None or plan.tier == "bwrap":
        # With its own uid, a sweep of the uid finds every process; in bwrap, the PID
        # namespace dies with bubblewrap.
        with contextlib.suppress(OSError):
            os.kill(process.pid, signal.SIGKILL)
        if lease is not None:
            isolation.kill_uid(lease.uid)
    else:
        isolation.kill_tree(process.pid)


def _parse_answer(
    answer: bytes, nonce: str, variants: Sequence[Mapping[str, Any]], stop: str | None
) -> tuple[tuple[Execution, ...], bool, Mapping[str, Any]]:
    """Validate the child's answer; anything malformed becomes a missing execution.

    Return the executions, whether the harness swept up after the learner's code, and
    the isolation layers it reports.
    """
    ended = Ended.OUTPUT_LIMIT if stop == "output-limit" else None
    missing = tuple(
        Execution(overrides=dict(v), missing=True, timed_out=stop == "deadline", ended=ended)
        for v in variants
    )
    head, newline, body = answer.partition(b"\n")
    try:
        data = json.loads(head.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return missing, False, {}
    if not newline or not isinstance(data, dict) or data.get("nonce") != nonce:
        return missing, False, {}
    runs = data.get("runs")
    if not isinstance(runs, list) or len(runs) != len(variants):
        return missing, False, {}
    sizes = [_int(run.get("size")) if isinstance(run, dict) else None for run in runs]
    valid = [size for size in sizes if size is not None and size >= 0]
    # After the runs' bytes, one byte says the harness swept up after the learner's code.
    swept = len(body) == sum(valid) + 1 and body.endswith(SWEPT)
    if len(valid) != len(runs) or len(body) != sum(valid) + swept:
        return missing, False, {}
    executions = []
    offset = 0
    for meta, size, variant in zip(runs, valid, variants, strict=True):
        payload = body[offset : offset + size]
        offset += size
        executions.append(_parse_run(meta, payload, variant))
    layers = data.get("layers")
    return tuple(executions), swept, layers if isinstance(layers, dict) else {}


def _parse_run(meta: dict[str, Any], payload: bytes, overrides: Mapping[str, Any]) -> Execution:
    """Read one variant's answer: the harness's word on how it ended, and its own data.

    The data is what the learner's process wrote; bytes that are not an answer mean
    that process wrote on its pipe ("garbled-answer"), and count for nothing.
    """
    data: object = None
    if payload:
        try:
            data = json.loads(payload.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            data = None
    if isinstance(data, dict) and "values" in data and not data.get("missing"):
        return _parse_execution(data, overrides)
    timed_out = meta.get("timed_out") is True
    status = _int(meta.get("exit_status"))
    if timed_out:
        return Execution(overrides=dict(overrides), missing=True, timed_out=True)
    if payload:
        # The harness says it could not encode the values (it ran out of memory while
        # reading them); anything else on the pipe was written by the learner's code.
        broken = isinstance(data, dict) and isinstance(data.get("broken"), str)
        ended = Ended.UNREADABLE_VALUES if broken else Ended.GARBLED_ANSWER
        return Execution(overrides=dict(overrides), missing=True, ended=ended)
    if status is None:
        return Execution(overrides=dict(overrides), missing=True)
    if status < 0:
        return Execution(
            overrides=dict(overrides), missing=True, ended=Ended.SIGNAL, signal=-status
        )
    return Execution(
        overrides=dict(overrides), missing=True, ended=Ended.EXIT_STATUS, exit_status=status
    )


def _parse_execution(data: dict[str, Any], overrides: Mapping[str, Any]) -> Execution:
    """Build an Execution from one run's data, trusting no field's type."""
    values = data.get("values")
    names = data.get("names")
    lines = data.get("lines")
    errors = data.get("errors")
    stdout = data.get("stdout")
    ended = data.get("ended")
    return Execution(
        overrides=dict(overrides),
        values=values if isinstance(values, dict) else {},
        names=tuple(
            (n[0], n[1])
            for n in (names if isinstance(names, list) else [])
            if isinstance(n, list) and len(n) == 2 and all(isinstance(x, str) for x in n)
        ),
        stdout=stdout if isinstance(stdout, str) else "",
        stdout_size=_int(data.get("stdout_size")) or 0,
        line_origins=tuple(
            (_int(o[0]), _int(o[1]) or 0)
            for o in (lines if isinstance(lines, list) else [])
            if isinstance(o, list) and len(o) == 2
        ),
        errors=tuple(
            _parse_error(e)
            for e in (errors if isinstance(errors, list) else [])
            if isinstance(e, dict)
        ),
        timed_out=data.get("timed_out") is True,
        ended=Ended(ended) if ended in FROM_HARNESS else None,
    )


def _parse_error(data: dict[str, Any]) -> Error:
    """Build an Error from its data, trusting no field's type."""
    frames = data.get("frames")
    return Error(
        type=_str(data.get("type")),
        message=_str(data.get("msg") if data.get("syntax") else data.get("message")),
        cell=_int(data.get("cell")),
        line=_int(data.get("line")),
        syntax=data.get("syntax") is True,
        offset=_int(data.get("offset")),
        end_offset=_int(data.get("end_offset")),
        frames=tuple(
            (_int(f[0]), _int(f[1]) or 0, _str(f[2]))
            for f in (frames if isinstance(frames, list) else [])
            if isinstance(f, list) and len(f) == 3
        ),
        exit_code=_int(data.get("exit_code")),
        limit=data.get("limit") if data.get("limit") in LIMITS else None,
    )


def _int(value: object) -> int | None:
    """Return value if it is a real int (not a bool), else None."""
    return value if type(value) is int else None


def _str(value: object) -> str:
    """Return value if it is a str, else ''."""
    return value if isinstance(value, str) else ""
