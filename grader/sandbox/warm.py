"""The warm tier: a zygote per worker that forks a fully sandboxed harness per submission.

Starting an interpreter, loading the harness and (in the bwrap tier) starting
bubblewrap cost more than the submission's own run. Here one zygote per worker
(grader/sandbox/harness/zygote.py) is started with the harness loaded, and forks the
harness of each submission into fresh namespaces (PID, mount, IPC, network, cgroup,
UTS), fresh size-limited tmpfs, the submission's cgroup leaf and its own uid (as root;
as an ordinary user, in a user namespace of the zygote's, with no capability left),
where it runs under every layer the other tiers have (no new privileges, not dumpable,
the syscall filter, resource limits, Landlock, one fork per variant, the sweep). The
zygote gets descriptors, a uid and a leaf, never learner data: the request goes from
here straight into the forked harness's stdin. A zygote serves at most
``ZYGOTE_USES`` submissions (so that address-space layout and hash seed are drawn
again) and is replaced on any error.

The submission's folder lives on a tmpfs of its namespaces: nothing of it is on the
machine's disk, and nothing needs removing afterwards but its cgroup leaf.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import secrets
import signal
import socket
import subprocess
import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from grader.load import MAX_BYTES, Program
from grader.sandbox import isolation, visibility
from grader.sandbox.answer import Bounds, parse_answer
from grader.sandbox.bundle import reads_our_bytecode
from grader.sandbox.child import (
    Plan,
    child_command,
    exchange,
    give_back,
    layer_names,
    minimal_environment,
    phases_of,
    request_for,
)
from grader.sandbox.fleet import Fleet, Flight
from grader.sandbox.model import Limits, Run

# Submissions one zygote serves before it is replaced.
ZYGOTE_USES = 64
# Seconds a zygote may take to start and make its view of the machine.
START_TIMEOUT = 30.0
# Where the forked harness finds its answer pipe (grader/sandbox/harness/zygote.py).
ANSWER_FD = 3
# The most a request's pipe may be grown to hold it whole (Linux's default maximum).
PIPE_MAX = 1 << 20
F_SETPIPE_SZ = 1031


def view(plan: Plan, hidden: Sequence[str]) -> dict[str, Any]:
    """Return what a zygote makes of the machine: the folders it hides and binds back,
    whether it takes a user namespace first (an ordinary user's grader), and whether
    its submissions share the empty network namespace it makes once.

    They share it only under the syscall filter, which refuses every socket: then
    nothing a submission does can change or leave anything in it (an empty network
    namespace holds nothing but a loopback that is down, which only a capability can
    bring up). Without the filter each harness takes one of its own.
    """
    seen: dict[str, Any] = dict(visibility.view(plan.python, hidden))
    seen["user_namespace"] = not plan.own_uid
    seen["network_once"] = plan.seccomp is not None
    return seen


class ZygoteError(OSError):
    """A zygote failed to start, or stopped answering."""


class Zygote:
    """One started zygote: its process and its end of the control socket."""

    def __init__(self, python: str, view: Mapping[str, Any]) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        argv, preamble = child_command(python)
        request = {"zygote": dict(view), "control_fd": theirs.fileno()}
        self.uses = 0
        self.control = ours
        try:
            self.process = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                cwd="/",
                env=minimal_environment(visibility.BWRAP_WORKDIR),
                pass_fds=[theirs.fileno()],
                start_new_session=True,
                close_fds=True,
            )
        finally:
            theirs.close()
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(preamble + marshal.dumps(request))
            self.process.stdin.close()
        except OSError:
            pass
        self.control.settimeout(START_TIMEOUT)
        try:
            ready = self.control.recv(16)
        except OSError:
            ready = b""
        if ready != b"R":
            raise ZygoteError(f"the zygote did not start ({self._said()})")

    def spawn(self, fds: Sequence[int], config: Mapping[str, Any]) -> tuple[int, int]:
        """Have the zygote fork a harness with these descriptors; return its pid and a pidfd."""
        self.uses += 1
        try:
            self.control.settimeout(START_TIMEOUT)
            self.control.sendmsg(
                [marshal.dumps(dict(config))],
                [
                    (
                        socket.SOL_SOCKET,
                        socket.SCM_RIGHTS,
                        b"".join(fd.to_bytes(4, "little") for fd in fds),
                    )
                ],
            )
            message, ancillary, _, _ = self.control.recvmsg(64, socket.CMSG_SPACE(4))
        except OSError as error:
            raise ZygoteError(f"the zygote stopped answering ({error})") from None
        pidfds = [
            int.from_bytes(data[:4], "little")
            for level, kind, data in ancillary
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS
        ]
        if not message.startswith(b"P") or len(pidfds) != 1:
            for fd in pidfds:
                os.close(fd)
            raise ZygoteError(f"the zygote could not fork ({self._said()})")
        os.set_inheritable(pidfds[0], False)
        return int.from_bytes(message[1:9], "big"), pidfds[0]

    def ended(self, timeout: float) -> int | None:
        """Return the exit status of the last harness, once the zygote has reaped it."""
        try:
            self.control.settimeout(timeout)
            message = self.control.recv(64)
        except OSError:
            return None
        if not message.startswith(b"X"):
            return None
        return int.from_bytes(message[1:5], "big", signed=True)

    def stop(self) -> None:
        """Kill the zygote (a harness it forked dies with it) and reap it."""
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(OSError):
            self.control.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        if self.process.stderr is not None:
            self.process.stderr.close()

    def _said(self) -> str:
        """Return the last line the zygote wrote on stderr, for an error message."""
        self.stop()
        text = ""
        with contextlib.suppress(OSError, ValueError, AttributeError):
            assert self.process.stderr is not None
            text = self.process.stderr.read(65536).decode("utf-8", "replace")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return lines[-1][:300] if lines else f"exit status {self.process.returncode}"


class Zygotes:
    """The zygotes of one sandbox: an idle one per worker, replaced after ZYGOTE_USES."""

    def __init__(self, python: str, view: Mapping[str, Any], fleet: Fleet) -> None:
        self.python = python
        self.view = dict(view)
        self._idle: list[Zygote] = []
        self._busy: set[Zygote] = set()
        self._lock = threading.RLock()
        fleet.on_shutdown(self.stop_all)
        self._fleet = fleet

    def prestart(self) -> None:
        """Start a zygote on a thread of its own, so that the first submission finds it."""

        def start() -> None:
            with contextlib.suppress(OSError):
                zygote = Zygote(self.python, self.view)
                with self._lock:
                    self._busy.add(zygote)
                self.give(zygote)

        threading.Thread(target=start, name="grader-zygote", daemon=True).start()

    def take(self) -> Zygote:
        """Return an idle zygote, or start one."""
        with self._lock:
            zygote = self._idle.pop() if self._idle else None
        if zygote is None:
            zygote = Zygote(self.python, self.view)
        with self._lock:
            self._busy.add(zygote)
        if self._fleet.closing:
            self.give(zygote, broken=True)
            raise ZygoteError("the sandbox was shut down")
        return zygote

    def give(self, zygote: Zygote, broken: bool = False) -> None:
        """Take a zygote back: idle for the next submission, or stopped if it is spent."""
        with self._lock:
            self._busy.discard(zygote)
            keep = not broken and zygote.uses < ZYGOTE_USES and not self._fleet.closing
            if keep:
                self._idle.append(zygote)
        if not keep:
            zygote.stop()

    def stop_all(self) -> None:
        """Stop every zygote, busy or idle (the harnesses they forked die with them)."""
        with self._lock:
            zygotes = [*self._idle, *self._busy]
            self._idle.clear()
        for zygote in zygotes:
            zygote.stop()


class _Pipes:
    """The three pipes between the parent and a forked harness, each end closed once."""

    def __init__(self, request_size: int) -> None:
        self._open: set[int] = set()
        self.theirs: tuple[int, int, int]
        stdin_r, self.request = self._pipe()
        self.output, out_w = self._pipe()
        self.answer, res_w = self._pipe()
        self.theirs = (stdin_r, out_w, res_w)
        # Large enough to hold the request whole, where the kernel allows.
        import fcntl  # POSIX only, like this tier: the package still imports on Windows

        with contextlib.suppress(OSError):
            fcntl.fcntl(self.request, F_SETPIPE_SZ, min(max(request_size, 65536), PIPE_MAX))

    def _pipe(self) -> tuple[int, int]:
        read_end, write_end = os.pipe()
        self._open.update((read_end, write_end))
        return read_end, write_end

    def close(self, *fds: int) -> None:
        """Close these ends (all that are still open, if none is named)."""
        for fd in fds or tuple(self._open):
            if fd in self._open:
                self._open.discard(fd)
                os.close(fd)


def execute(
    zygotes: Zygotes,
    plan: Plan,
    program: Program,
    variants: Sequence[Mapping[str, Any]],
    limits: Limits,
    source: Path | None,
    fleet: Fleet,
    order: int | None = None,
) -> Run:
    """Run a program's variants in a harness forked by a zygote, and clean up after it."""
    number, flight = fleet.board(order)
    ran: Run | None = None
    clean = False
    try:
        if plan.own_uid:
            flight.lease = isolation.acquire()
        flight.leaf = fleet.janitor.take(limits.total_memory_bytes, limits.processes)
        ran, clean = _run(zygotes, plan, program, variants, limits, source, flight, fleet)
    finally:
        problem = fleet.land(number, flight, lambda: give_back(fleet, flight, clean))
    assert ran is not None  # else what was raised is on its way up
    if problem is None:
        problem = "the grading was shut down while it ran"
    return replace(ran, cleanup=problem) if problem else ran


def _request(
    plan: Plan,
    program: Program,
    variants: Sequence[Mapping[str, Any]],
    limits: Limits,
    nonce: str,
    source: Path | None,
) -> dict[str, Any]:
    """Return the request for a forked harness: the cold tiers', and the submission's file."""
    request = request_for(
        program, variants, limits, nonce, ANSWER_FD, plan.measure, reads_our_bytecode(plan.python)
    )
    request["sweep_all"] = True  # alone in its PID namespace
    request["landlock"] = (
        visibility.landlock_paths(plan.python, visibility.BWRAP_WORKDIR) if plan.landlock else None
    )
    # The same rules for every variant: taken once, by the harness.
    request["landlock_once"] = True
    request["seccomp"] = plan.seccomp
    request["files"] = _files(source)
    return request


def _files(source: Path | None) -> dict[str, bytes]:
    """Return the submission's file for the child's folder (a courtesy: it is loaded)."""
    if source is None:
        return {}
    try:
        fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return {}
    try:
        return {"submission" + source.suffix.lower(): os.read(fd, MAX_BYTES)}
    finally:
        os.close(fd)


def _spawn_config(flight: Flight, limits: Limits) -> dict[str, Any]:
    """Return what the zygote is told: a uid (None: the grader's own, without capabilities)
    and the tmpfs sizes (the leaf goes as files)."""
    lease = flight.lease
    return {
        "uid": None if lease is None else lease.uid,
        "gid": None if lease is None else lease.gid,
        "disk_bytes": limits.disk_bytes,
        "inodes": limits.disk_files,
    }


def _run(
    zygotes: Zygotes,
    plan: Plan,
    program: Program,
    variants: Sequence[Mapping[str, Any]],
    limits: Limits,
    source: Path | None,
    flight: Flight,
    fleet: Fleet,
) -> tuple[Run, bool]:
    """Fork the harness, exchange request and answer; return its Run and whether it swept.

    The request is ready, and as much of it as the pipe holds is in it, before a slot
    is taken; the answer is read once the slot is given back.
    """
    nonce = secrets.token_hex(16)
    data = marshal.dumps(_request(plan, program, variants, limits, nonce, source))
    pipes = _Pipes(len(data))
    try:
        # As much of the request as the pipe holds goes now: the harness finds it there.
        sent = _send_now(pipes.request, data)
        # The harness joins its leaf through these (it sees the machine read-only).
        leaf = flight.leaf.open_procs() if flight.leaf is not None else []
        config = _spawn_config(flight, limits)
        with fleet.slot(flight):
            try:
                zygote, pidfd = _spawn(zygotes, [*pipes.theirs, *leaf], config)
            finally:
                for fd in leaf:
                    os.close(fd)
            broken = True
            try:
                pipes.close(*pipes.theirs)
                try:
                    flight.kill = lambda: _kill(pidfd, flight)
                    if flight.closing():
                        flight.kill()
                    raw, answer, stop = _talk(
                        pipes, data[sent:], pidfd, limits, len(variants), flight
                    )
                    status = zygote.ended(limits.timeout + 5.0)
                finally:
                    # Before its number can be handed out again: shutdown must not signal
                    # through it.
                    flight.kill = None
                    os.close(pidfd)
                broken = status is None
            finally:
                zygotes.give(zygote, broken=broken)
    finally:
        pipes.close()
    executions, swept, layers = parse_answer(
        answer, nonce, variants, stop, Bounds(stdout_chars=limits.stdout_bytes)
    )
    clean = swept and stop is None and status == 0
    in_leaf = layers.get("cgroup") is True
    ran = Run(
        executions=executions,
        raw_output=raw.decode("utf-8", "replace"),
        tier=plan.tier,
        layers=layer_names(plan, flight.lease, layers, flight.leaf if in_leaf else None),
        phases=phases_of(layers),
    )
    return ran, clean


def _spawn(zygotes: Zygotes, fds: Sequence[int], config: Mapping[str, Any]) -> tuple[Zygote, int]:
    """Have a zygote fork the harness; a zygote that died while idle is replaced, once."""
    for attempt in (1, 2):
        zygote = zygotes.take()
        try:
            _, pidfd = zygote.spawn(fds, config)
        except ZygoteError:
            zygotes.give(zygote, broken=True)
            if attempt == 2:
                raise
            continue
        return zygote, pidfd
    raise AssertionError("unreachable")


def _send_now(fd: int, data: bytes) -> int:
    """Write what the pipe takes without waiting; return how much that was."""
    os.set_blocking(fd, False)
    sent = 0
    with contextlib.suppress(BlockingIOError):
        while sent < len(data):
            sent += os.write(fd, data[sent : sent + 65536])
    os.set_blocking(fd, True)
    return sent


def _talk(
    pipes: _Pipes, rest: bytes, pidfd: int, limits: Limits, variants: int, flight: Flight
) -> tuple[bytes, bytes, str | None]:
    """Send the rest of the request, read output and answer; kill the harness if it overruns."""
    try:
        with contextlib.suppress(OSError):
            view = memoryview(rest)
            while view:
                view = view[os.write(pipes.request, view) :]
        pipes.close(pipes.request)
        found = exchange(None, b"", pipes.answer, limits, variants, pipes.output, pidfd)
    except BaseException:
        _kill(pidfd, flight)
        raise
    if found[2] is not None:
        _kill(pidfd, flight)
    return found


def _kill(pidfd: int, flight: Flight) -> None:
    """Kill a forked harness: its PID namespace, and everything in it, dies with it."""
    with contextlib.suppress(OSError):
        signal.pidfd_send_signal(pidfd, signal.SIGKILL)
    if flight.lease is not None:
        isolation.kill_uid(flight.lease.uid)
