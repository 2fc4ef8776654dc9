"""Running one child: start it under its plan, exchange request and answer, clean up after it."""

from __future__ import annotations

import contextlib
import marshal
import os
import secrets
import selectors
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from grader.load import MAX_BYTES, Program
from grader.sandbox import cgroup, isolation, visibility
from grader.sandbox.answer import parse_answer
from grader.sandbox.bundle import BOOTSTRAP, CHILD_SOURCE, child_code, reads_our_bytecode
from grader.sandbox.harness.instrument import prepare_cells
from grader.sandbox.harness.procs import descendants, drain, seccomp_filters
from grader.sandbox.model import Limits, Run

# Bytes of raw output (what the program writes to file descriptors 1 and 2 behind
# Python's back) that the parent reads before it kills the child.
RAW_OUTPUT_CAP = 1_000_000


# What one answer from the child may weigh; more means the answer is not ours.
ANSWER_CAP = 32_000_000


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


def _mtimes(folders: Sequence[str]) -> list[int]:
    """Return when each folder last changed, to tell whether a child wrote there."""
    times = []
    for folder in folders:
        try:
            times.append(os.stat(folder).st_mtime_ns)
        except OSError:
            times.append(0)
    return times


def execute(
    plan: Plan,
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
        inside = visibility.BWRAP_WORKDIR if bwrap else str(workdir)
        read_fd, write_fd = os.pipe()
        request = {
            "cells": prepare_cells(
                [c.wire() for c in program.cells], limits.policy(), reads_our_bytecode(plan.python)
            ),
            "policy": limits.policy(),
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
            "landlock": visibility.landlock_paths(plan.python, inside) if plan.landlock else None,
            # In the bwrap tier, bubblewrap installs the filter before Python starts.
            "seccomp": None if bwrap else plan.seccomp,
        }
        # As root in the process tier, the harness starts as root to give itself private
        # mounts and IPC (see enter_namespaces in grader/sandbox/harness/lockdown.py), then becomes the child's uid.
        enter = lease is not None and not bwrap
        if enter:
            assert lease is not None
            request["enter"] = {
                "uid": lease.uid,
                "gid": lease.gid,
                "disk_bytes": limits.disk_bytes,
                "inodes": limits.disk_files,
            }
        if reads_our_bytecode(plan.python):
            argv = [plan.python, "-I", "-S", "-c", BOOTSTRAP]
            code = child_code()
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
                visibility.bwrap_argv(
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
        executions, swept, layers = parse_answer(answer, nonce, variants, stop)
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


def _layers(
    plan: Plan,
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
                    drain(process.stdout.fileno(), raw, RAW_OUTPUT_CAP)
                    drain(read_fd, answer, ANSWER_CAP + 1)
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
