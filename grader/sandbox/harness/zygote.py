"""The zygote: the harness started once per worker, forking a sandboxed harness per submission.

The warm tier (grader/sandbox/warm.py) starts it with the harness loaded: as root, or
as an ordinary user who then takes a user namespace of its own. It
makes its read-only view of the machine (grader/sandbox/harness/spaces.py), freezes its
objects out of the garbage collector's way (so that its forks share their memory pages),
and waits on a control socket. For each submission the parent sends three descriptors
(the request's pipe, the output pipe, the answer pipe), a uid and the cgroup leaf's
files: never learner data, which goes from the parent straight to the forked harness.
(and the leaf's files, opened). The zygote forks that harness as the first process of a new PID namespace, sends back
its pid with a pidfd, and once it has ended, its exit status. The forked harness takes
the submission's namespaces and uid (spaces.enter_child), reads its request, and runs it
as every other tier's harness does (main.serve), under every layer.

The zygote ends with its control socket (the grader's end closes when the grader goes,
and a harness running then is killed), is not dumpable, and runs nothing of the
learner's.
"""

import gc
import marshal
import os
import select
import time

TYPE_CHECKING = False
if TYPE_CHECKING:  # in the child, the files share one namespace (grader/sandbox/bundle.py)
    from _socket import socket
    from collections.abc import Callable
    from ctypes import CDLL
    from typing import Any, NoReturn

    from grader.sandbox.harness.encode import hard_exit
    from grader.sandbox.harness.lockdown import PR_SET_DUMPABLE, Layers, load_libc, prctl
    from grader.sandbox.harness.spaces import (
        CLONE_NEWNET,
        CLONE_NEWPID,
        enter_child,
        enter_user_namespace,
        prepare_view,
        unshare,
    )

    # main.serve: runs a forked harness's request, given libc, the layers its namespaces
    # hold and the marks of the phases so far.
    Serve = Callable[
        [dict[str, Any], "CDLL | None", Layers, "list[tuple[str, float, float]] | None"], None
    ]

# The descriptors a forked harness gets, in this order, and where it puts them.
STDIN, OUTPUT, ANSWER = 0, 1, 3
# The largest control message (a uid, a few paths, a few numbers).
CONTROL_BYTES = 65536
_SIGKILL = 9


def serve_zygote(request: "dict[str, Any]", serve: "Serve") -> None:
    """Prepare once, then fork a harness for every submission the parent sends, until it goes.

    ``serve(request, libc, entered, marks)`` runs a forked harness's request (main.serve).
    """
    import _socket  # only the zygote needs them: the other tiers' harnesses never load them
    import fcntl  # noqa: F401  (for the forked harnesses, loaded before the freeze)

    libc = load_libc()
    if libc is None:  # no ctypes: its first mount would fail all the same
        raise OSError("the zygote makes its namespaces through ctypes, which is missing")
    control = _socket.socket(fileno=request["control_fd"])
    # No parent-death signal: it would come when the thread that started the zygote
    # ends, not the grader. The zygote ends when its control socket does.
    if request["zygote"].get("user_namespace"):
        # While still dumpable: its maps are written through /proc/self.
        enter_user_namespace(libc)
    prctl(libc, PR_SET_DUMPABLE, 0)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.close(devnull)
    prepare_view(libc, request["zygote"])
    network_once = bool(request["zygote"].get("network_once"))
    if network_once:
        # One empty network namespace for this zygote's submissions, which all run
        # under the syscall filter (no socket of any family): see spaces.enter_child.
        unshare(libc, CLONE_NEWNET)
    own_pids = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
    gc.collect()
    gc.freeze()
    control.sendmsg([b"R"])
    while True:
        message, fds = _receive(control)
        if not message:
            return  # the parent closed its end: the grading is over
        try:
            config = marshal.loads(message)
            config["network_once"] = network_once
            pid = _fork_harness(libc, own_pids, control, config, fds, serve)
        finally:
            for fd in fds:
                os.close(fd)
        pidfd = os.pidfd_open(pid)
        try:
            control.sendmsg(
                [b"P" + pid.to_bytes(8, "big")],
                [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, pidfd.to_bytes(4, "little"))],
            )
            # The parent says nothing while the harness runs: if its end of the socket
            # stirs, it is gone, and so is the harness (and its namespace with it).
            if control.fileno() in select.select([control.fileno(), pidfd], [], [])[0]:
                os.kill(pid, _SIGKILL)
                os.waitpid(pid, 0)
                return
        finally:
            os.close(pidfd)
        _, status = os.waitpid(pid, 0)
        control.sendmsg([b"X" + os.waitstatus_to_exitcode(status).to_bytes(4, "big", signed=True)])


def _receive(control: "socket") -> "tuple[bytes, list[int]]":
    """Receive one control message and the descriptors that came with it."""
    import _socket

    space = _socket.CMSG_SPACE(8 * 4)
    message, ancillary, _, _ = control.recvmsg(CONTROL_BYTES, space, _socket.MSG_CMSG_CLOEXEC)
    fds: list[int] = []
    for level, kind, data in ancillary:
        if level == _socket.SOL_SOCKET and kind == _socket.SCM_RIGHTS:
            fds.extend(int.from_bytes(data[i : i + 4], "little") for i in range(0, len(data), 4))
    return message, fds


def _fork_harness(
    libc: "CDLL",
    own_pids: int,
    control: "socket",
    config: "dict[str, Any]",
    fds: "list[int]",
    serve: "Serve",
) -> int:
    """Fork the submission's harness as pid 1 of a new PID namespace; return its pid here."""
    unshare(libc, CLONE_NEWPID)
    try:
        pid = os.fork()
        if pid == 0:
            _become_harness(libc, control, config, fds, serve)
    finally:
        # Back to the zygote's own namespace for its next children.
        libc.setns(own_pids, CLONE_NEWPID)
    return pid


def _become_harness(
    libc: "CDLL", control: "socket", config: "dict[str, Any]", fds: "list[int]", serve: "Serve"
) -> "NoReturn":
    """In the forked child: take the descriptors, the namespaces and the uid, then serve."""
    try:
        import fcntl

        marks = [("start", time.process_time(), time.monotonic())]
        control.close()
        # Out of the way first: a received descriptor may hold a number it moves to.
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 100) for fd in fds]
        os.dup2(high[0], STDIN)
        os.dup2(high[1], OUTPUT)
        os.dup2(high[1], 2)
        os.dup2(high[2], ANSWER)
        # Then the cgroup leaf's files, right after the answer pipe; nothing else stays.
        leaf = [os.dup2(fd, ANSWER + 1 + index) for index, fd in enumerate(high[3:])]
        os.closerange(ANSWER + 1 + len(leaf), 4096)
        config["cgroup"] = leaf
        entered = enter_child(libc, config)
        marks.append(("enter", time.process_time(), time.monotonic()))
        request = marshal.loads(_read_all(STDIN))
        _write_files(request.pop("files", {}))
        marks.append(("request", time.process_time(), time.monotonic()))
        serve(request, libc, entered, marks)
    finally:
        hard_exit(0)


def _read_all(fd: int) -> bytes:
    """Read a descriptor to its end."""
    chunks: list[bytes] = []
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _write_files(files: "dict[str, bytes]") -> None:
    """Write the submission's files into the harness's folder."""
    for name, data in files.items():
        if "/" in name or name in ("", ".", ".."):
            continue
        with open(name, "wb") as handle:
            handle.write(data)
