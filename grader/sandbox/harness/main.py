"""The harness that runs inside the child process, around the learner's code.

It is started as ``python -I -S`` with the harness's files put together (see
grader/sandbox/bundle.py) and uses the standard library only (and stays Python 3.10
compatible), so it works with whatever interpreter the parent picks for the child. It reads one JSON request on stdin (the cells to run, the
variants, the limits), then points stdin at /dev/null.

Before any learner code runs, the harness hardens itself: no new privileges (so sudo
and setuid programs cannot raise privileges), not dumpable (so the learner's code,
running as the same user, can neither ptrace it nor open its file descriptors through
/proc), a child subreaper (so processes that escape with setsid or a double fork stay
its descendants and can be swept), and first in line for the OOM killer. In the
process tier it then installs the parent's syscall filter (grader/sandbox/seccomp.py: no
sockets, ptrace, namespaces, SysV IPC, keys, mounts, bpf, perf or io_uring), which
every process it forks inherits; in the bwrap tier bubblewrap has installed it already.

Each variant of the program runs in a forked process of its own, so variants cannot see
each other's state. That process closes every descriptor but its own answer pipe,
lowers the process count limit, locks itself down with Landlock when the kernel has it
(read-only file system outside its folder, no TCP, no signals to processes outside),
and then runs the learner's cells. It sends back plain data (every value converted to
builtin types with its exact type written down) on its pipe.

The harness collects the variants, kills whatever they left running, and sends one JSON
answer, tagged with the request's nonce, on a file descriptor that is not stdout. Only
this process writes there, and no learner code ever runs in it.
"""

import _signal as signal  # the C module: `signal` would import enum, and enum re
import marshal
import os
import select
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:  # in the child, the files share one namespace (grader/sandbox/bundle.py)
    from grader.sandbox.harness.channel import answer_channel
    from grader.sandbox.harness.encode import MAX_ANSWER, hard_exit, json_text, monotonic
    from grader.sandbox.harness.lockdown import (
        PR_SET_PDEATHSIG,
        apply_limits,
        clear_keyrings,
        enter_namespaces,
        harden,
        install_seccomp,
        landlock_restrict,
        load_libc,
        prctl,
    )
    from grader.sandbox.harness.procs import descendants, drain, seccomp_filters
    from grader.sandbox.harness.run import run_portable, run_variant
    from grader.sandbox.harness.words import SWEPT


def _variant_folders(count):
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


def _enter_variant(request, write_fd, harness, libc, layers, folder):
    """Prepare a freshly forked variant process for the learner's code."""
    # A variant dies with the harness, so killing the harness ends every variant.
    prctl(libc, PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != harness:
        hard_exit(0)
    os.chdir(folder)
    os.environ["HOME"] = os.environ["TMPDIR"] = folder
    # Only the answer pipe stays open: not the other variants' pipes, not the harness's.
    os.closerange(3, write_fd)
    os.closerange(write_fd + 1, 4096)
    # Counted per user, and the harness needs its own forks; so it is set here.
    apply_limits(request["limits"], ("RLIMIT_NPROC",))
    landlock = request.get("landlock")
    if landlock:
        rules = [(path, False) for path in landlock.get("read", [])]
        for path in (sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(sys.executable)):
            rules.append((path, False))
        rules.extend((path, True) for path in landlock.get("write", []))
        landlock_restrict(libc, layers["landlock"], rules)


def _sweep(kill_all):
    """Kill every process the learner's code left behind, until none is left.

    The harness is a child subreaper, so a process that escaped with setsid or a double
    fork is still its descendant: once it has no children left, nothing of the learner's
    runs any more. ``kill_all`` means the harness is alone with the learner's code in
    its user or PID namespace, where ``kill(-1)`` reaches exactly those processes, all
    at once (a fork bomb cannot outrun it). Otherwise the whole tree is stopped, then
    killed, round after round. There is no giving up here: the parent's deadline bounds
    this, and while the harness lives, nothing can leave its tree.
    """
    if kill_all and os.getuid() != 0:
        try:
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid:
            continue
        family = descendants(os.getpid())
        for number in (signal.SIGSTOP, signal.SIGKILL):
            for child in family:
                try:
                    os.kill(child, number)
                except OSError:
                    pass
        time.sleep(0.001)


def _collect(children, deadline):
    """Read every variant's answer until each is done or the time is up.

    A variant is done when its pipe ends or when it exits (seen through a pidfd): the
    learner's code may fork a process that keeps the pipe open, and that must not make
    a finished variant look like one that ran out of time.
    """
    by_fd = {}
    for child in children:
        by_fd[child["read_fd"]] = child
        if child["pidfd"] is not None:
            by_fd[child["pidfd"]] = child
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
                drain(child["read_fd"], child["data"], MAX_ANSWER + 1)
                child["done"] = True
                continue
            chunk = os.read(fd, 65536)
            if not chunk or len(child["data"]) > MAX_ANSWER:
                child["done"] = True
                continue
            child["data"] += chunk


def _pidfd(pid):
    """Return a descriptor that becomes readable when the process exits, if the kernel has one."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def main():
    # The request is the parent's own data, so marshal (built in, nothing to import) is
    # safe here; the answer goes back as JSON, which the parent can read safely.
    request = marshal.loads(sys.stdin.buffer.read())
    if request.get("portable"):
        run_portable(request)
        return
    libc = load_libc()
    entered = enter_namespaces(libc, request["enter"]) if request.get("enter") else {}
    layers = harden(libc)
    if layers["no_new_privs"]:
        layers["seccomp"] = install_seccomp(libc, request.get("seccomp"))
    layers["seccomp_filters"] = seccomp_filters()
    layers.update(entered)
    limits = request.get("limits", {})
    apply_limits(limits, [name for name in limits if name != "RLIMIT_NPROC"])
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    result_fd = request["result_fd"]
    deadline = monotonic() + request["budget"]
    harness = os.getpid()
    children = []
    folders = _variant_folders(len(request["variants"]))
    for index, overrides in enumerate(request["variants"]):
        read_fd, write_fd = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_fd)
            os.close(write_fd)
            children.append(
                {
                    "pid": None,
                    "index": index,
                    "read_fd": None,
                    "pidfd": None,
                    "data": bytearray(),
                    "done": True,
                }
            )
            continue
        if pid == 0:
            try:
                _enter_variant(request, write_fd, harness, libc, layers, folders[index])
                run_variant(request, overrides, answer_channel(write_fd))
            finally:
                hard_exit(0)
        os.close(write_fd)
        children.append(
            {
                "pid": pid,
                "index": index,
                "read_fd": read_fd,
                "pidfd": _pidfd(pid),
                "data": bytearray(),
                "done": False,
            }
        )
    _collect([child for child in children if child["pid"] is not None], deadline)
    runs = []
    payloads = []
    for child in children:
        status = None
        if child["pid"] is not None:
            if not child["done"]:
                try:
                    os.kill(child["pid"], signal.SIGKILL)
                except OSError:
                    pass
            _, status = os.waitpid(child["pid"], 0)
            for fd in (child["read_fd"], child["pidfd"]):
                if fd is not None:
                    os.close(fd)
        # The variant's bytes go to the parent untouched, framed by their size: the
        # harness never parses what the learner's process wrote.
        payload = (
            bytes(child["data"]) if child["done"] and len(child["data"]) <= MAX_ANSWER else b""
        )
        runs.append(
            {
                "size": len(payload),
                "timed_out": not child["done"],
                "exit_status": None if status is None else os.waitstatus_to_exitcode(status),
            }
        )
        payloads.append(payload)
    # The answer goes first, so that a slow sweep cannot cost the program its verdict;
    # one more byte says the sweep is done, and the pipe closes after it.
    header = json_text({"nonce": request["nonce"], "runs": runs, "layers": layers})
    _write_all(result_fd, header.encode("utf-8") + b"\n" + b"".join(payloads))
    _sweep(request.get("sweep_all", False))
    if entered:
        clear_keyrings(libc)
    _write_all(result_fd, SWEPT)
    os.close(result_fd)


def _write_all(fd, data):
    """Write all of data to a descriptor."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


if __name__ == "__main__":
    main()
