"""Running one child in a cold tier: start it under its plan, exchange request and answer,
clean up after it.

``execute`` takes what the child needs of the machine (a uid, a cgroup leaf, a folder),
``_start`` builds the command and starts it, ``exchange`` sends the request and reads
back raw output and the answer (the warm tier, grader/sandbox/warm.py, reads its
children the same way), and the fleet (grader/sandbox/fleet.py) gives everything back.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import secrets
import selectors
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from grader.analysis import trees
from grader.load import MAX_BYTES, Program
from grader.sandbox import cgroup, isolation, visibility
from grader.sandbox.answer import Bounds, answer_cap, parse_answer
from grader.sandbox.bundle import (
    BOOTSTRAP,
    CHILD_SOURCE,
    SOURCE_BOOTSTRAP,
    ahead,
    child_code,
    reads_our_bytecode,
)
from grader.sandbox.fleet import Fleet, Flight
from grader.sandbox.harness.instrument import prepare_cells
from grader.sandbox.harness.procs import descendants, drain, seccomp_filters
from grader.sandbox.model import Limits, Run

# Bytes of raw output (what the program writes to file descriptors 1 and 2 behind
# Python's back) that the parent reads before it kills the child.
RAW_OUTPUT_CAP = 1_000_000


# How long past its own time budget the parent waits for the harness before killing it:
# starting the interpreter (and bubblewrap), sweeping, and a loaded machine.
GRACE = 2.0


def minimal_environment(home: str) -> dict[str, str]:
    """Return the only environment variables the child gets: none of the grader's."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": home,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
    }


@dataclass(frozen=True)
class Plan:
    """How children run: the tier, the interpreter, and whether each gets its own uid."""

    tier: str
    python: str
    own_uid: bool
    bwrap: str = ""
    landlock: bool = True
    # The syscall filter (grader/sandbox/seccomp.py), or None when it is not used.
    seccomp: bytes | None = None
    # Ask the harness for the time of each phase of its work (for the benchmark).
    measure: bool = False


def execute(
    plan: Plan,
    hidden: Sequence[str],
    program: Program,
    variants: Sequence[Mapping[str, Any]],
    limits: Limits,
    source: Path | None,
    fleet: Fleet | None = None,
    order: int | None = None,
) -> Run:
    """Run a program's variants in one child under a plan, and clean up after it."""
    own = fleet is None
    fleet = fleet or Fleet()
    number, flight = fleet.board(order)
    ran: Run | None = None
    clean = False
    try:
        if plan.own_uid:
            flight.lease = isolation.acquire()
        flight.leaf = fleet.janitor.take(limits.total_memory_bytes, limits.processes)
        flight.workdir = isolation.make_workdir(flight.lease)
        ran, clean = _run(plan, hidden, program, variants, limits, source, flight, fleet)
    finally:
        problem = fleet.land(number, flight, lambda: give_back(fleet, flight, clean))
        if own:
            fleet.janitor.close()
    assert ran is not None  # else what was raised is on its way up
    if problem is None:
        problem = "the grading was shut down while it ran"
    return replace(ran, cleanup=problem) if problem else ran


def give_back(fleet: Fleet, flight: Flight, swept: bool) -> str:
    """Clean up after a run's child and give back what it held; return what stayed, or ''."""
    problem = isolation.finish(flight.lease, flight.workdir, swept, flight.leaf)
    if flight.leaf is not None:
        fleet.janitor.discard(flight.leaf)
    return problem


def _copy_submission(source: Path | None, flight: Flight) -> Path | None:
    """Copy the submission into the child's folder; return the copy, if there is one."""
    if source is None or flight.workdir is None:
        return None
    name = "submission" + source.suffix.lower()
    isolation.copy_into(source, flight.workdir, name, flight.lease, MAX_BYTES)
    copied = flight.workdir / name
    return copied if copied.exists() else None


def request_for(
    program: Program,
    variants: Sequence[Mapping[str, Any]],
    limits: Limits,
    nonce: str,
    result_fd: int,
    measure: bool = False,
    compiled: bool = False,
) -> dict[str, Any]:
    """Return what every tier's harness is asked: the cells, the variants, the limits.

    ``compiled``: the child's interpreter reads the grader's bytecode, so the cells go
    instrumented and compiled (else the child instruments them itself).
    """
    # Instrumenting compiles the learner's code: Python's warnings about it are
    # kept off the grader's stderr, and its parse takes the lock for trees.
    with trees.quietly():
        cells = prepare_cells(
            [c.wire() for c in program.cells], limits.policy(), compiled, trees.parse
        )
    return {
        "measure": measure,
        "cells": cells,
        "policy": limits.policy(),
        "kind": program.kind,
        "variants": [dict(v) for v in variants],
        "budget": limits.timeout,
        "soft_budget": max(limits.timeout - 0.5, limits.timeout * 0.8),
        "stdout_cap": limits.stdout_bytes,
        "names": list(limits.names),
        "nonce": nonce,
        "result_fd": result_fd,
        "limits": limits.rlimits(),
    }


def _request(
    plan: Plan,
    program: Program,
    variants: Sequence[Mapping[str, Any]],
    limits: Limits,
    nonce: str,
    result_fd: int,
    flight: Flight,
) -> dict[str, Any]:
    """Return the request for a cold tier's harness."""
    bwrap = plan.tier == "bwrap"
    inside = visibility.BWRAP_WORKDIR if bwrap else str(flight.workdir)
    request = request_for(
        program, variants, limits, nonce, result_fd, plan.measure, reads_our_bytecode(plan.python)
    )
    # kill(-1) reaches only the learner's processes when the child has a uid or a PID
    # namespace of its own; never otherwise.
    request["sweep_all"] = flight.lease is not None or bwrap
    request["landlock"] = visibility.landlock_paths(plan.python, inside) if plan.landlock else None
    # In the bwrap tier, bubblewrap installs the filter before Python starts.
    request["seccomp"] = None if bwrap else plan.seccomp
    if flight.lease is not None and not bwrap:
        # As root in the process tier, the harness starts as root to join its cgroup
        # leaf and give itself private mounts and IPC (enter_namespaces in
        # grader/sandbox/harness/lockdown.py), then becomes the child's uid.
        request["enter"] = {
            "uid": flight.lease.uid,
            "gid": flight.lease.gid,
            "disk_bytes": limits.disk_bytes,
            "inodes": limits.disk_files,
            "cgroup": flight.leaf.procs_files() if flight.leaf is not None else (),
        }
    return request


def child_command(python: str) -> tuple[list[str], bytes]:
    """Return the command that starts the harness, and what goes ahead of its request."""
    if reads_our_bytecode(python):
        return [python, "-I", "-S", "-c", BOOTSTRAP], ahead(child_code())
    return [python, "-I", "-S", "-c", SOURCE_BOOTSTRAP], ahead(CHILD_SOURCE.encode("utf-8"))


@dataclass
class _Command:
    """How to start a child: everything made before it takes a slot of the fleet."""

    argv: list[str]
    cwd: str | Path | None
    env: dict[str, str]
    passed: list[int]
    ids: dict[str, Any]
    # The pipe that holds the syscall filter for bubblewrap, or -1.
    filter_fd: int = -1

    def close(self) -> None:
        """Close the filter's pipe, once the child has it (or will never start)."""
        if self.filter_fd != -1:
            os.close(self.filter_fd)
            self.filter_fd = -1


def _command(
    plan: Plan,
    hidden: Sequence[str],
    limits: Limits,
    copied: Path | None,
    flight: Flight,
    result_fd: int,
) -> _Command:
    """Make the command that starts the child's interpreter (inside bubblewrap in that tier)."""
    bwrap = plan.tier == "bwrap"
    argv, _ = child_command(plan.python)
    passed = [result_fd]
    filter_fd = -1
    if bwrap and plan.seccomp is not None:
        filter_fd = _filter_pipe(plan.seccomp)
        passed.append(filter_fd)
    try:
        if bwrap:
            prefix = visibility.bwrap_argv(
                plan.bwrap, plan.python, copied, hidden, limits.disk_bytes, flight.lease, filter_fd
            )
            argv = prefix + argv[1:]
    except BaseException:
        if filter_fd != -1:
            os.close(filter_fd)
        raise
    # As root in the process tier the harness changes its own uid (see _request); a
    # Popen that changes none can use vfork.
    ids: dict[str, Any] = {}
    if flight.lease is not None and bwrap:
        ids = {"user": flight.lease.uid, "group": flight.lease.gid, "extra_groups": []}
    return _Command(
        argv=argv,
        cwd="/" if bwrap else flight.workdir,
        env=minimal_environment(visibility.BWRAP_WORKDIR if bwrap else str(flight.workdir)),
        passed=passed,
        ids=ids,
        filter_fd=filter_fd,
    )


def _start(command: _Command) -> subprocess.Popen[bytes]:
    """Start the child's interpreter."""
    try:
        return subprocess.Popen(
            command.argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=command.cwd,
            env=command.env,
            pass_fds=command.passed,
            start_new_session=True,
            close_fds=True,
            **command.ids,
        )
    finally:
        command.close()


def _run(
    plan: Plan,
    hidden: Sequence[str],
    program: Program,
    variants: Sequence[Mapping[str, Any]],
    limits: Limits,
    source: Path | None,
    flight: Flight,
    fleet: Fleet,
) -> tuple[Run, bool]:
    """Start the child, exchange request and answer; return its Run and whether it swept.

    The request is made before a slot is taken, and the answer read after it is given back.
    """
    copied = _copy_submission(source, flight)
    nonce = secrets.token_hex(16)
    read_fd, write_fd = os.pipe()
    try:
        request = _request(plan, program, variants, limits, nonce, write_fd, flight)
        shared = (
            isolation.temp_dirs() if flight.lease is not None and "enter" not in request else ()
        )
        before = _mtimes(shared)
        _, preamble = child_command(plan.python)
        # marshal: the harness reads it without importing anything (it is our own data).
        data = preamble + marshal.dumps(request)
        command = _command(plan, hidden, limits, copied, flight, write_fd)
        try:
            with fleet.slot(flight):
                process = _start(command)
                os.close(write_fd)
                write_fd = -1
                kill = partial(_terminate, process, plan, flight.lease)
                flight.kill = kill
                if flight.closing():
                    kill()
                # The harness joins its leaf itself where it starts as root; else its tree
                # is moved in before it is sent anything to run.
                joined = "enter" not in request and flight.leaf is not None
                if joined and flight.leaf is not None:
                    joined = _join(flight.leaf, process.pid)
                try:
                    raw, answer, stop = talk(process, data, read_fd, limits, len(variants), kill)
                finally:
                    # Reaped: its pid may be another process's soon, which shutdown must not
                    # kill.
                    flight.kill = None
        finally:
            command.close()
    finally:
        for fd in (read_fd, write_fd):
            if fd != -1:
                os.close(fd)
    executions, swept, layers = parse_answer(
        answer, nonce, variants, stop, Bounds(stdout_chars=limits.stdout_bytes)
    )
    clean = swept and stop is None and process.returncode == 0
    if clean and flight.lease is not None and _mtimes(shared) != before:
        # Swept: nothing of the child's runs any more to race the removal.
        isolation.remove_stray_files(flight.lease.uid, shared)
    in_leaf = joined or layers.get("cgroup") is True
    ran = Run(
        executions=executions,
        raw_output=raw.decode("utf-8", "replace"),
        tier=plan.tier,
        layers=layer_names(plan, flight.lease, layers, flight.leaf if in_leaf else None),
        phases=phases_of(layers),
    )
    return ran, clean


def phases_of(harness: Mapping[str, Any]) -> dict[str, tuple[float, float]]:
    """Read the harness's phase times, if it sent any, trusting no field's type."""
    phases = harness.get("phases")
    if not isinstance(phases, dict):
        return {}
    return {
        str(name): (float(pair[0]), float(pair[1]))
        for name, pair in phases.items()
        if isinstance(pair, list) and len(pair) == 2 and all(type(x) in (int, float) for x in pair)
    }


def talk(
    process: subprocess.Popen[bytes],
    request: bytes,
    read_fd: int,
    limits: Limits,
    variants: int,
    kill: Callable[[], None],
) -> tuple[bytes, bytes, str | None]:
    """Exchange request and answer with a started child, killing it if it overruns.

    Return the raw output, the answer and why reading stopped early (see exchange).
    """
    try:
        found = exchange(process, request, read_fd, limits, variants)
    except BaseException:
        # Ctrl-C, or a failure of our own: the child must not outlive the grading.
        kill()
        process.wait()
        raise
    if found[2] is not None:
        kill()
    process.wait()
    return found


def _mtimes(folders: Sequence[str]) -> list[int]:
    """Return when each folder last changed, to tell whether a child wrote there."""
    times = []
    for folder in folders:
        try:
            times.append(os.stat(folder).st_mtime_ns)
        except OSError:
            times.append(0)
    return times


def _join(leaf: cgroup.Leaf, pid: int) -> bool:
    """Move a child's process tree (bubblewrap's included) into its cgroup leaf.

    The harness waits for its request before it starts anything, so the tree is still
    but for bubblewrap's own helpers, which may exit meanwhile.
    """
    moved: set[int] = set()
    try:
        while True:
            todo = [p for p in (pid, *descendants(pid)) if p not in moved]
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


def layer_names(
    plan: Plan,
    lease: isolation.Lease | None,
    harness: Mapping[str, Any],
    leaf: cgroup.Leaf | None,
) -> tuple[str, ...]:
    """Name the isolation layers that held for a run."""
    layers = []
    if plan.tier in ("bwrap", "warm"):
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


def _filtered(plan: Plan, harness: Mapping[str, Any]) -> bool:
    """Whether the harness ran under the syscall filter, by its own word.

    In the process tier it installed the filter itself; in the bwrap tier bubblewrap did
    (and fails the run if it cannot), and the harness runs under one more filter than
    the grader does (a container's own filter counts for both).
    """
    if plan.tier != "bwrap":
        return harness.get("seccomp") is True
    filters = harness.get("seccomp_filters")
    return type(filters) is int and (filters == -1 or filters > seccomp_filters())


def _filter_pipe(program: bytes) -> int:
    """Return a pipe's read end that holds the filter, for ``bwrap --seccomp FD``."""
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, program)  # a few hundred bytes: the pipe's buffer holds them
    finally:
        os.close(write_end)
    return read_end


def exchange(
    process: subprocess.Popen[bytes] | None,
    request: bytes,
    read_fd: int,
    limits: Limits,
    variants: int,
    output: int = -1,
    exited: int | None = None,
) -> tuple[bytes, bytes, str | None]:
    """Send the request and read raw output and the answer until the harness is done.

    ``process`` is the child (its stdin, stdout and exit tell the rest); the warm tier,
    whose harness is not the grader's child, passes no process, its ``output`` pipe and
    a pidfd that says when it ``exited``, and has sent the request itself. Return what
    was read and why reading stopped early, if it did: "deadline", "output-limit" or
    "answer-limit". The harness enforces the time budget itself; the deadline here is
    the backstop for a harness that could not.
    """
    deadline = time.monotonic() + limits.timeout + GRACE
    cap = answer_cap(variants)
    opened = False
    if process is not None:
        assert process.stdin is not None and process.stdout is not None
        _send(process.stdin.fileno(), request)
        process.stdin.close()
        output = process.stdout.fileno()
        with contextlib.suppress(AttributeError, OSError):
            exited = os.pidfd_open(process.pid)
            opened = True
    try:
        return _read_until_done(output, read_fd, exited, deadline, cap)
    finally:
        if opened and exited is not None:
            os.close(exited)
        if process is not None and process.stdout is not None:
            process.stdout.close()


def _send(fd: int, request: bytes) -> None:
    """Write the request; a child that died before reading it says how by its answer."""
    with contextlib.suppress(OSError):
        view = memoryview(request)
        while view:
            view = view[os.write(fd, view) :]


def _read_until_done(
    output: int, read_fd: int, exited: int | None, deadline: float, cap: int
) -> tuple[bytes, bytes, str | None]:
    """Read raw output and the answer until both end, the harness exits, or a limit hits.

    The harness's exit ends the exchange even if something it started still holds its
    stdout open; without pidfds, the pipes' ends have to do.
    """
    raw = bytearray()
    answer = bytearray()
    stop: str | None = None
    selector = selectors.DefaultSelector()
    selector.register(output, selectors.EVENT_READ, "raw")
    selector.register(read_fd, selectors.EVENT_READ, "answer")
    if exited is not None:
        selector.register(exited, selectors.EVENT_READ, "exit")
    streams = {"raw", "answer"}
    keep: dict[str, Callable[[bytes], str | None]] = {
        "raw": partial(_keep, raw, RAW_OUTPUT_CAP, "output-limit"),
        "answer": partial(_keep, answer, cap + 1, "answer-limit"),
    }
    try:
        while streams and stop is None:
            left = deadline - time.monotonic()
            if left <= 0:
                stop = "deadline"
                break
            for key, _ in selector.select(left):
                if key.data == "exit":
                    drain(output, raw, RAW_OUTPUT_CAP)
                    drain(read_fd, answer, cap + 1)
                    stop = "answer-limit" if len(answer) > cap else None
                    streams.clear()
                    break
                chunk = os.read(key.fd, 65_536)
                if not chunk:
                    selector.unregister(key.fd)
                    streams.discard(key.data)
                    continue
                stop = keep[key.data](chunk)
                if stop is not None:
                    break
    finally:
        selector.close()
    if len(answer) > cap:
        answer.clear()
    return bytes(raw), bytes(answer), stop


def _keep(into: bytearray, limit: int, reason: str, chunk: bytes) -> str | None:
    """Keep a chunk until ``into`` holds limit bytes; then say why reading stops."""
    into.extend(chunk[: max(0, limit - len(into))])
    return reason if len(into) >= limit else None


def _terminate(process: subprocess.Popen[bytes], plan: Plan, lease: isolation.Lease | None) -> None:
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
