"""The harness that runs inside the child process, around the learner's code.

It is started as ``python -I -S`` with the harness's files put together (see
grader/sandbox/bundle.py) and uses the standard library only (and stays Python 3.10
compatible), so it works with whatever interpreter the parent picks for the child. It
reads one request on stdin (the cells to run, the variants, the limits), then points
stdin at /dev/null. In the warm tier the same code is loaded once in a zygote
(grader/sandbox/harness/zygote.py), which forks a harness per submission.

Before any learner code runs, the harness hardens itself: no new privileges (so sudo
and setuid programs cannot raise privileges), not dumpable (so the learner's code,
running as the same user, can neither ptrace it nor open its file descriptors through
/proc), a child subreaper (so processes that escape with setsid or a double fork stay
its descendants and can be swept), and first in line for the OOM killer. In the
process tier it then installs the parent's syscall filter (grader/sandbox/seccomp.py: no
sockets, ptrace, namespaces, SysV IPC, keys, mounts, bpf, perf or io_uring), which
every process it forks inherits; in the bwrap tier bubblewrap has installed it already.

Each variant of the program runs in a forked process of its own, so variants cannot see
each other's state. That process keeps only its own answer pipe (moved to a high,
random descriptor), lowers the process and descriptor limits, locks itself down with
Landlock when the kernel has it (read-only file system outside its folder, no TCP, no
signals to processes outside), and then runs the learner's cells. It sends back plain
data (every value converted to builtin types with its exact type written down) through
``deliver`` (grader/sandbox/harness/channel.py), whose frame and exit status tell the
harness that the answer came from the genuine path.

The harness collects the variants, keeps only the answers that did, kills whatever the
learner's code left running, and sends one JSON answer, tagged with the request's
nonce, on a file descriptor that is not stdout. Only this process writes there, and no
learner code ever runs in it.
"""

import gc
import marshal
import os
import select
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:  # in the child, the files share one namespace (grader/sandbox/bundle.py)
    import signal
    from ctypes import CDLL

    # Any: the request is the parent's dict as marshal gives it back (request_for in
    # grader/sandbox/child.py builds it as dict[str, Any]); its values are of many
    # shapes, the learner's cells and overrides among them.
    from typing import Any, NoReturn, TypedDict

    from grader.sandbox.harness.channel import (
        ANSWER_GARBLED,
        ANSWER_NONE,
        FRAME_HEAD,
        VARIANT_CAP,
        answer_channel,
        hide_descriptor,
        new_ending,
        unframe,
    )
    from grader.sandbox.harness.encode import hard_exit, json_text, monotonic
    from grader.sandbox.harness.lockdown import (
        PR_SET_PDEATHSIG,
        Layers,
        apply_limits,
        clear_keyrings,
        enter_namespaces,
        harden,
        install_seccomp,
        landlock_restrict,
        landlock_scope,
        load_libc,
        prctl,
    )
    from grader.sandbox.harness.procs import descendants, drain, seccomp_filters
    from grader.sandbox.harness.run import run_portable, run_variant, variant_kit
    from grader.sandbox.harness.words import SWEPT
    from grader.sandbox.harness.zygote import serve_zygote

    # The harness's record of one variant's process (pid None: it never started). Under
    # TYPE_CHECKING, as are the other types here: the child never builds them.
    class Child(TypedDict):
        pid: int | None
        read_fd: int  # the read end of its answer pipe (-1: none)
        pidfd: int | None  # None where the kernel has no pidfds
        data: bytearray  # what its pipe held, so far
        done: bool
        overflow: bool  # it wrote more than any answer weighs
        secret: bytes
        status: int | None  # the exit status of its genuine end

    # A phase's end: its name, the process's CPU time and the wall clock.
    Mark = tuple[str, float, float]
    # One run's meta in the answer's header (grader/sandbox/wire.py RunMeta).
    RunMeta = dict[str, int | str | None]
else:
    import _signal as signal  # the C module: `signal` would import enum, and enum re

# The limits each variant sets on itself rather than the harness: the process count is
# per user (the harness needs its own forks), and the descriptor limit would stop the
# answer pipe from moving to a high number.
PER_VARIANT_LIMITS = ("RLIMIT_NPROC", "RLIMIT_NOFILE")

# Every descriptor below this is closed in a variant, but its answer pipe.
_MAX_FD = 4096


def _variant_folders(count: int) -> "list[str]":
    """Give each variant a folder of its own with a copy of the child's files.

    Variants run at the same time: in one shared folder, a program that writes files
    would trip over its own other runs.
    """
    home = os.getcwd()
    try:
        originals = [name for name in os.listdir(home) if os.path.isfile(os.path.join(home, name))]
        folders = []
        for index in range(count):
            folder = os.path.join(home, f"run-{index}")
            os.mkdir(folder, 0o700)
            for name in originals:
                with (
                    open(os.path.join(home, name), "rb") as source,
                    open(os.path.join(folder, name), "wb") as copy,
                ):
                    copy.write(source.read())
            folders.append(folder)
        return folders
    except OSError:
        return [home] * count


def _landlock_rules(landlock: "dict[str, list[str]]") -> "list[tuple[str, bool]]":
    """Return the (path, writable) rules of the request's Landlock paths."""
    rules = [(path, False) for path in landlock.get("read", [])]
    for path in (sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(sys.executable)):
        rules.append((path, False))
    rules.extend((path, True) for path in landlock.get("write", []))
    return rules


def _enter_variant(
    request: "dict[str, Any]",
    write_fd: int,
    harness: int,
    libc: "CDLL | None",
    layers: "Layers",
    folder: str,
) -> int:
    """Prepare a freshly forked variant process for the learner's code.

    Return the answer pipe's new descriptor number.
    """
    # A variant dies with the harness, so killing the harness ends every variant (the
    # kernel sees to it where the harness is its PID namespace's first process).
    if harness != 1:
        prctl(libc, PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != harness:
        hard_exit(0)
    os.chdir(folder)
    os.environ["HOME"] = os.environ["TMPDIR"] = folder
    # Only the answer pipe stays open (not the other variants' pipes, not the
    # harness's), far from the numbers a guess would try first.
    write_fd = hide_descriptor(write_fd)
    os.closerange(3, write_fd)
    os.closerange(write_fd + 1, _MAX_FD)
    apply_limits(request["limits"], PER_VARIANT_LIMITS)
    landlock = request.get("landlock")
    if landlock and not request.get("landlock_once"):
        landlock_restrict(libc, layers["landlock"], _landlock_rules(landlock))
    elif landlock:
        # The harness's file rules hold already; a layer of its own keeps this variant's
        # signals from the others, which share them.
        landlock_scope(libc, layers["landlock"])
    return write_fd


def _become_variant(
    request: "dict[str, Any]",
    overrides: "dict[str, Any]",
    folder: str,
    harness: int,
    libc: "CDLL | None",
    layers: "Layers",
    write_fd: int,
    ending: "list[tuple[bytes, int]]",
    started: "list[Child]",
    kit: "dict[str, Any]",
) -> "NoReturn":
    """Run one variant in this freshly forked process; never return.

    ``ending`` holds this variant's secret and exit status: they go into the channel's
    closure and leave every other place, as do the other variants' secrets in
    ``started`` (copies the fork made of the harness's records).
    """
    try:
        for other in started:
            other["secret"] = b""
        fd = _enter_variant(request, write_fd, harness, libc, layers, folder)
        deliver = answer_channel(fd, *ending[0])
        ending.clear()
        run_variant(request, overrides, deliver, kit)
    finally:
        hard_exit(0)


def _start_variant(
    request: "dict[str, Any]",
    overrides: "dict[str, Any]",
    folder: str,
    harness: int,
    libc: "CDLL | None",
    layers: "Layers",
    started: "list[Child]",
    kit: "dict[str, Any]",
) -> "Child":
    """Fork one variant; return the harness's record of it (pid None if it could not start)."""
    child: Child = {
        "pid": None,
        "read_fd": -1,
        "pidfd": None,
        "data": bytearray(),
        "done": True,
        "overflow": False,
        "secret": b"",
        "status": None,
    }
    try:
        read_fd, write_fd = os.pipe()
    except OSError:
        return child
    ending = [new_ending()]
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return child
    if pid == 0:
        os.close(read_fd)
        _become_variant(
            request, overrides, folder, harness, libc, layers, write_fd, ending, started, kit
        )
    os.close(write_fd)
    child["pid"] = pid
    child["read_fd"] = read_fd
    child["pidfd"] = _pidfd(pid)
    child["done"] = False
    child["secret"], child["status"] = ending[0]
    return child


def _sweep(kill_all: bool) -> None:
    """Kill every process the learner's code left behind, until none is left.

    The harness is a child subreaper (or the init of its PID namespace), so a process
    that escaped with setsid or a double fork is still its descendant: once it has no
    children left, nothing of the learner's runs any more. ``kill_all`` means the
    harness is alone with the learner's code in its user or PID namespace, where
    ``kill(-1)`` reaches exactly those processes, all at once (a fork bomb cannot
    outrun it), thread groups whose leader is a zombie included; it is repeated until
    the last child is reaped. Otherwise the whole tree is stopped, then killed, round
    after round. There is no giving up here: the parent's deadline bounds this, and
    while the harness lives, nothing can leave its tree.
    """
    kill_all = kill_all and os.getuid() != 0
    while True:
        if kill_all:
            try:
                os.kill(-1, signal.SIGKILL)
            except OSError:
                pass
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid:
            continue
        if not kill_all:
            family = descendants(os.getpid())
            for number in (signal.SIGSTOP, signal.SIGKILL):
                for child in family:
                    try:
                        os.kill(child, number)
                    except OSError:
                        pass
        time.sleep(0.001)


def _collect(children: "list[Child]", deadline: float) -> None:
    """Read every variant's answer until each has ended or the time is up.

    A variant is done when its process exits (seen through a pidfd), or, where the
    kernel has no pidfds, when its pipe ends: the learner's code may close the pipe and
    go on running, or fork a process that keeps it open. A variant that writes more
    than any answer weighs is done too (and is killed: it wrote on its own pipe).
    """
    by_fd: dict[int, Child] = {}
    for child in children:
        by_fd[child["read_fd"]] = child
        if child["pidfd"] is not None:
            by_fd[child["pidfd"]] = child
    cap = FRAME_HEAD + VARIANT_CAP
    while any(not child["done"] for child in children):
        left = deadline - monotonic()
        if left <= 0:
            break
        watched = [fd for fd, child in by_fd.items() if not child["done"]]
        ready, _, _ = select.select(watched, [], [], left)
        for fd in ready:
            child = by_fd[fd]
            if child["done"]:
                continue
            if fd == child["pidfd"]:
                drain(child["read_fd"], child["data"], cap + 1)
                child["done"] = True
            else:
                chunk = os.read(fd, 65536)
                if not chunk:
                    del by_fd[fd]
                    child["done"] = child["pidfd"] is None
                child["data"] += chunk
            if len(child["data"]) > cap:
                child["overflow"] = child["done"] = True


def _judge(children: "list[Child]") -> "tuple[list[RunMeta], list[bytes], float]":
    """Reap every variant and keep only the answers that came through ``deliver``.

    Return each run's RunMeta, its answer's bytes (empty unless genuine), and the CPU
    seconds the variants used.
    """
    runs: list[RunMeta] = []
    payloads: list[bytes] = []
    used = 0.0
    for child in children:
        exit_code = None
        timed_out = child["pid"] is not None and not child["done"]
        if child["pid"] is not None:
            if timed_out or child["overflow"]:
                try:
                    os.kill(child["pid"], signal.SIGKILL)
                except OSError:
                    pass
            _, status, usage = os.wait4(child["pid"], 0)
            used += usage.ru_utime + usage.ru_stime
            exit_code = os.waitstatus_to_exitcode(status)
            for fd in (child["read_fd"], child["pidfd"]):
                if fd is not None:
                    os.close(fd)
        if timed_out or exit_code is None or child["status"] is None:  # (None: never started)
            answer, payload = ANSWER_NONE, b""
        elif child["overflow"]:
            answer, payload = ANSWER_GARBLED, b""
        else:
            answer, payload = unframe(
                bytes(child["data"]), child["secret"], child["status"], exit_code
            )
        child["data"] = bytearray()
        runs.append(
            {
                "size": len(payload),
                "timed_out": timed_out,
                # How the process ended, when it was not through deliver.
                "exit_status": exit_code if answer == ANSWER_NONE else 0,
                "answer": answer,
            }
        )
        payloads.append(payload)
    return runs, payloads, used


def _pidfd(pid: int) -> "int | None":
    """Return a descriptor that becomes readable when the process exits, if the kernel has one."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _lock_harness(request: "dict[str, Any]", libc: "CDLL | None", entered: "Layers") -> "Layers":
    """Harden the harness, install the filter and the limits; return the layers that hold."""
    layers = harden(libc)
    if layers["no_new_privs"]:
        layers["seccomp"] = install_seccomp(libc, request.get("seccomp"))
    if not request.get("seccomp"):
        # Where the harness installs no filter itself, the parent tells from the count
        # whether one was installed for it (bubblewrap's).
        layers["seccomp_filters"] = seccomp_filters()
    layers.update(entered)
    limits = request.get("limits", {})
    apply_limits(limits, [name for name in limits if name not in PER_VARIANT_LIMITS])
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    landlock = request.get("landlock")
    if landlock and request.get("landlock_once"):
        # The same rules for every variant: the harness takes them once, and every
        # variant it forks inherits them.
        layers["landlock"] = landlock_restrict(libc, layers["landlock"], _landlock_rules(landlock))
    return layers


def serve(
    request: "dict[str, Any]",
    libc: "CDLL | None",
    entered: "Layers",
    marks: "list[Mark] | None" = None,
) -> None:
    """Run a request's variants, answer the parent, sweep up after the learner's code.

    ``marks`` (when the request asks to be measured) collects the CPU and wall time of
    each phase, for the benchmark; the answer's layers carry them as "phases".
    """
    marks = (marks or [_mark("start")]) if request.get("measure") else None
    layers = _lock_harness(request, libc, entered)
    if layers.get("shared_network") and not layers.get("seccomp"):
        # The zygote's network namespace is shared on the filter's word that no socket
        # can be made in it: without the filter, no learner code runs here.
        hard_exit(70)
    _note(marks, "harden")
    result_fd = request["result_fd"]
    deadline = monotonic() + request["budget"]
    harness = os.getpid()
    children: list[Child] = []
    folders = _variant_folders(len(request["variants"]))
    # What every variant builds the same is built once, here, and each variant gets a
    # copy of its own with the fork: no learner code has run yet, in any process.
    kit = variant_kit(request)
    # What the harness made since it started is frozen too: a collection in a variant
    # then never writes to those objects (pages it would otherwise copy).
    gc.freeze()
    for index, overrides in enumerate(request["variants"]):
        children.append(
            _start_variant(request, overrides, folders[index], harness, libc, layers, children, kit)
        )
    _note(marks, "fork")
    _collect([child for child in children if child["pid"] is not None], deadline)
    _note(marks, "collect")
    runs, payloads, used = _judge(children)
    _note(marks, "judge")
    if marks is not None:
        layers["phases"] = _phases(marks)
        layers["phases"]["variants"] = [used, 0.0]
    # The answer goes first, so that a slow sweep cannot cost the program its verdict;
    # one more byte says the sweep is done, and the pipe closes after it.
    header = json_text({"nonce": request["nonce"], "runs": runs, "layers": layers})
    _write_all(result_fd, header.encode("utf-8") + b"\n" + b"".join(payloads))
    _sweep(request.get("sweep_all", False))
    if entered:
        clear_keyrings(libc)
    _write_all(result_fd, SWEPT)
    os.close(result_fd)


def _mark(name: str) -> "Mark":
    """Return a phase's end: its name, this process's CPU time and the wall clock."""
    return (name, time.process_time(), monotonic())


def _note(marks: "list[Mark] | None", name: str) -> None:
    """Note the end of a phase, when measuring."""
    if marks is not None:
        marks.append(_mark(name))


def _phases(marks: "list[Mark]") -> "dict[str, list[float]]":
    """Return each phase's CPU and wall seconds, from the marks that end them."""
    phases: dict[str, list[float]] = {}
    for index in range(1, len(marks)):
        name, cpu, wall = marks[index]
        phases[name] = [cpu - marks[index - 1][1], wall - marks[index - 1][2]]
    return phases


def main() -> None:
    # The request is the parent's own data, so marshal (built in, nothing to import) is
    # safe here; the answer goes back as JSON, which the parent can read safely.
    request = marshal.loads(sys.stdin.buffer.read())
    if request.get("portable"):
        run_portable(request)
        return
    if request.get("zygote"):
        serve_zygote(request, serve)
        return
    libc = load_libc()
    entered = enter_namespaces(libc, request["enter"]) if request.get("enter") else {}
    serve(request, libc, entered)


def _write_all(fd: int, data: bytes) -> None:
    """Write all of data to a descriptor."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


if __name__ == "__main__":
    main()
