"""The portable tier: the harness in plain child interpreters, wherever Python runs.

The Linux tiers need fork, prctl, /proc and the resource limits; Windows has none of
them and macOS lacks the Linux layers. Here each variant of the program runs in an
interpreter of its own (``python -I -S``, no fork), started in a fresh folder with a
minimal environment, and answers on a private pipe exactly as it does in the other
tiers: the same harness, the same data, read by the same parser.

The parent keeps the time and cleans up: at the deadline it kills the variant with
everything it started (its process group on POSIX, a job object on Windows), and it
does the same after a variant ends on its own, so that nothing it started runs on.
Output is capped as in the other tiers.

This tier is for a learner checking their own work: it does not hide the learner's
files, the network or other processes from the code it runs (SECURITY.md).
"""

from __future__ import annotations

import contextlib
import marshal
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from grader.analysis import trees
from grader.load import MAX_BYTES, Program
from grader.sandbox.answer import Bounds, parse_run
from grader.sandbox.bundle import reads_our_bytecode
from grader.sandbox.child import GRACE, RAW_OUTPUT_CAP, child_command
from grader.sandbox.harness.channel import FRAME_HEAD, VARIANT_CAP, new_ending, unframe
from grader.sandbox.harness.instrument import prepare_cells
from grader.sandbox.jobs import Job
from grader.sandbox.model import Execution, Limits, Run
from grader.sandbox.wire import ANSWER_GARBLED, ANSWER_NONE, Ended

NOTE = (
    "Sandbox: the submissions ran in the 'portable' tier: each in a separate Python "
    "process with a time limit, a fresh folder and none of your environment variables, "
    "but with your own permissions. It does not stop the code from reading or changing "
    "your files, using the network, or starting programs that outlive it by leaving its "
    "process group. Grade only your own code this way; grading other people's code "
    "needs Linux and the 'process' or 'bwrap' tier (see SECURITY.md)."
)

# The harness writes at most this much per variant; more is not its answer.
VARIANT_ANSWER_CAP = FRAME_HEAD + VARIANT_CAP


def linux_layers_problem() -> str | None:
    """Say why the Linux tiers cannot run here, or None if they can."""
    if sys.platform != "linux":
        return f"the 'process' and 'bwrap' tiers need Linux, and this is {sys.platform}"
    if not hasattr(os, "fork"):
        return "this Python cannot fork"
    for name in ("fcntl", "grp", "pwd", "resource"):
        try:
            __import__(name)
        except ImportError:
            return f"this Python has no '{name}' module"
    if not os.path.isdir("/proc/self"):
        return "/proc is not mounted"
    return None


def refusal(mode: str, require: bool, problem: str | None) -> str:
    """Say why the portable tier may not stand in for the tier asked for; '' if it may.

    Never as root on Linux: the tier would run the learner's code with root's powers
    over the whole machine.
    """
    if mode == "portable" and require:
        return (
            "--require-sandbox refuses the portable tier: it does not isolate the code it "
            "runs. Leave out --require-sandbox to check your own work."
        )
    if sys.platform == "linux" and hasattr(os, "geteuid") and os.geteuid() == 0:
        why = f"the Linux tiers cannot run here ({problem}), and " if problem else ""
        return (
            f"{why}the portable sandbox tier refuses to run learner code as root: it "
            "would have root's powers over this machine. Grade as an ordinary user, or "
            "use --sandbox auto."
        )
    if mode in ("process", "bwrap") or require:
        asked = mode if mode != "auto" else "bwrap"
        return (
            f"the {asked} sandbox tier is not available: {problem}. To check your own work "
            "here, use --sandbox portable (what --sandbox auto chooses here)."
        )
    return ""


def environment(folder: str) -> dict[str, str]:
    """Return the only environment variables a variant gets: none of the learner's."""
    if sys.platform == "win32":
        root = os.environ.get("SYSTEMROOT", r"C:\Windows")
        # Python on Windows needs SYSTEMROOT to start (its random numbers come from there).
        return {
            "SYSTEMROOT": root,
            "PATH": os.path.join(root, "System32"),
            "HOME": folder,
            "USERPROFILE": folder,
            "TEMP": folder,
            "TMP": folder,
        }
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": folder,
        "TMPDIR": folder,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
    }


def execute(
    python: str,
    program: Program,
    variants: Sequence[Mapping[str, Any]],
    limits: Limits,
    source: Path | None,
) -> Run:
    """Run each variant of a program in an interpreter of its own and read back its data."""
    workdir = Path(tempfile.mkdtemp(prefix="grader-"))
    children: list[_Child] = []
    output = _Output(RAW_OUTPUT_CAP)
    try:
        data = _read_source(source)
        for index, overrides in enumerate(variants):
            folder = workdir / f"run-{index}"
            folder.mkdir(mode=0o700)
            if data is not None and source is not None:
                (folder / ("submission" + source.suffix.lower())).write_bytes(data)
            children.append(_Child.start(python, program, overrides, limits, folder, output))
        deadline = time.monotonic() + limits.timeout + GRACE
        for child in children:
            child.finish(deadline, output)
        if output.full.is_set():
            executions = tuple(
                Execution(overrides=dict(v), missing=True, ended=Ended.OUTPUT_LIMIT)
                for v in variants
            )
        else:
            executions = tuple(child.execution() for child in children)
        layers = ("job object",) if sys.platform == "win32" else ("process group",)
        return Run(executions=executions, raw_output=output.text(), tier="portable", layers=layers)
    finally:
        for child in children:
            child.stop()
        _remove(workdir)


def _read_source(source: Path | None) -> bytes | None:
    """Read a submission's bytes for the variants' folders (a courtesy: it is loaded)."""
    if source is None:
        return None
    try:
        with open(source, "rb") as handle:
            return handle.read(MAX_BYTES)
    except OSError:
        return None


class _Output:
    """The variants' raw output (what they write behind Python's back), up to a cap."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.data = bytearray()
        self.lock = threading.Lock()
        self.full = threading.Event()

    def add(self, chunk: bytes) -> None:
        """Keep a chunk, up to the cap; past it, say that the run must stop."""
        with self.lock:
            self.data.extend(chunk[: max(0, self.cap - len(self.data))])
            if len(self.data) >= self.cap:
                self.full.set()

    def text(self) -> str:
        """Return what was kept, as text."""
        with self.lock:
            return self.data.decode("utf-8", "replace")


class _Child:
    """One variant's interpreter: its process, its answer, and the tree it may start."""

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        overrides: Mapping[str, Any],
        ending: tuple[bytes, int],
        stdout_chars: int,
    ) -> None:
        self.process = process
        self.overrides = dict(overrides)
        # The secret and exit status of the variant's genuine end (harness/channel.py).
        self.ending = ending
        self.stdout_chars = stdout_chars
        self.answer = bytearray()
        self.timed_out = False
        self.exited = threading.Event()
        self.readers: list[threading.Thread] = []
        self.job: Job | None = None

    @classmethod
    def start(
        cls,
        python: str,
        program: Program,
        overrides: Mapping[str, Any],
        limits: Limits,
        folder: Path,
        output: _Output,
    ) -> _Child:
        """Start a variant's interpreter in its folder and send it the request."""
        read_fd, write_fd = os.pipe()
        ending = new_ending()
        request = _request(program, overrides, limits, ending, reads_our_bytecode(python))
        options = _inherit(write_fd, request)
        argv, preamble = child_command(python)
        try:
            process = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                cwd=folder,
                env=environment(str(folder)),
                close_fds=True,
                **options,
            )
        except BaseException:
            os.close(read_fd)
            raise
        finally:
            os.close(write_fd)
        child = cls(process, overrides, ending, limits.stdout_bytes)
        if sys.platform == "win32":
            # Before the request: until it has read it, the child runs nothing of the
            # learner's, so nothing can start outside the job.
            child.job = Job(limits.memory_mb * 1024 * 1024)
            child.job.assign(process)
        assert process.stdout is not None and process.stdin is not None
        child._read(process.stdout.fileno(), output.add, None, process.stdout.close)
        child._read(
            read_fd, child.answer.extend, VARIANT_ANSWER_CAP + 1, partial(os.close, read_fd)
        )
        threading.Thread(target=child._wait, daemon=True).start()
        try:
            process.stdin.write(preamble + marshal.dumps(request))
        except OSError:
            pass  # it died before reading; its exit status says how
        finally:
            with contextlib.suppress(OSError):
                process.stdin.close()
        return child

    def _read(
        self, fd: int, keep: Callable[[bytes], object], cap: int | None, end: Callable[[], None]
    ) -> None:
        """Read a pipe on a thread of its own until it ends, keeping up to a cap.

        The thread closes the pipe itself: closing it under a blocked read would let the
        read land on whatever file gets the descriptor's number next.
        """

        def pump() -> None:
            size = 0
            try:
                while True:
                    chunk = os.read(fd, 65_536)
                    if not chunk:
                        return
                    size += len(chunk)
                    if cap is None or size <= cap:
                        keep(chunk)
            except OSError:
                return
            finally:
                end()

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        self.readers.append(reader)

    def _wait(self) -> None:
        """Wait for the variant's own exit, leaving it unreaped on POSIX.

        An unreaped process keeps its id, so killing its process group afterwards can
        reach only what it started, never a process that got the id again.
        """
        if sys.platform != "win32" and hasattr(os, "waitid"):
            with contextlib.suppress(ChildProcessError):
                os.waitid(os.P_PID, self.process.pid, os.WEXITED | os.WNOWAIT)
        else:
            self.process.wait()
            # Without waitid (older macOS Pythons) the group is killed right after the
            # reaping: its id stays taken while anything of the group lives.
            self._kill_group()
        self.exited.set()

    def finish(self, deadline: float, output: _Output) -> None:
        """Wait for the variant until the deadline (or an output flood), then clean up."""
        while not self.exited.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                self.timed_out = True
                break
            if output.full.is_set():
                break
            # Short waits: an output flood by another variant ends this one too.
            self.exited.wait(min(left, 0.05))
        self.stop()
        for reader in self.readers:
            # Its pipes close with the tree; a process that left the tree keeps them
            # open, and is not waited for.
            reader.join(timeout=1.0)

    def stop(self) -> None:
        """Kill the variant with everything it started that stayed in its group or job."""
        if self.process.returncode is None:
            self._kill_group()
            self.exited.wait()
            self.process.wait()
        if self.job is not None:
            self.job.close()
            self.job = None

    def _kill_group(self) -> None:
        if self.job is not None:
            self.job.kill()
        elif sys.platform != "win32":
            with contextlib.suppress(OSError):
                os.killpg(self.process.pid, signal.SIGKILL)

    def execution(self) -> Execution:
        """Read the variant's answer, as the other tiers read each variant's."""
        status = self.process.returncode
        answer, payload = ANSWER_NONE, b""
        if not self.timed_out and status is not None:
            answer, payload = unframe(bytes(self.answer), *self.ending, status)
        if len(self.answer) > VARIANT_ANSWER_CAP and answer != ANSWER_NONE:
            answer, payload = ANSWER_GARBLED, b""
        meta = {
            "timed_out": self.timed_out,
            "exit_status": status if answer == ANSWER_NONE else 0,
            "answer": answer,
        }
        return parse_run(meta, payload, self.overrides, Bounds(stdout_chars=self.stdout_chars))


def _request(
    program: Program,
    overrides: Mapping[str, Any],
    limits: Limits,
    ending: tuple[bytes, int],
    compiled: bool,
) -> dict[str, Any]:
    """Return what one variant's interpreter is asked, with its secret and exit status.

    ``compiled``: the interpreter reads the grader's bytecode, so the cells go as code.
    """
    # Instrumenting compiles the learner's code: Python's warnings about it are
    # kept off the grader's stderr, and its parse takes the lock for trees.
    with trees.quietly():
        cells = prepare_cells(
            [c.wire() for c in program.cells], limits.policy(), compiled, trees.parse
        )
    return {
        "portable": True,
        "secret": ending[0],
        "status": ending[1],
        "cells": cells,
        "policy": limits.policy(),
        "kind": program.kind,
        "variants": [dict(overrides)],
        "budget": limits.timeout,
        "soft_budget": max(limits.timeout - 0.5, limits.timeout * 0.8),
        "stdout_cap": limits.stdout_bytes,
        "names": list(limits.names),
        "limits": limits.rlimits(),
    }


def _inherit(write_fd: int, request: dict[str, Any]) -> dict[str, Any]:
    """Name the answer pipe in the request and return the Popen options that pass it on."""
    if sys.platform == "win32":
        import msvcrt

        handle = msvcrt.get_osfhandle(write_fd)
        os.set_handle_inheritable(handle, True)
        request["result_handle"] = handle
        return {
            "startupinfo": subprocess.STARTUPINFO(lpAttributeList={"handle_list": [handle]}),
            "creationflags": subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.CREATE_NO_WINDOW,
        }
    request["result_fd"] = write_fd
    return {"pass_fds": (write_fd,), "start_new_session": True}


def _remove(folder: Path) -> None:
    """Remove the variants' folders, read-only files included."""

    def retry(function: Any, failed: str, _: Any) -> None:
        with contextlib.suppress(OSError):
            os.chmod(failed, stat.S_IWRITE | stat.S_IREAD | stat.S_IEXEC)
            parent = os.path.dirname(failed)
            os.chmod(parent, stat.S_IWRITE | stat.S_IREAD | stat.S_IEXEC)
            function(failed)

    for _ in range(3):
        shutil.rmtree(folder, onerror=retry)
        if not os.path.lexists(folder):
            return
