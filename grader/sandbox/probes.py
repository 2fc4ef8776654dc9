"""The probes that say whether a tier or a layer works here, each by running a one-line
program through it for real (user namespaces forbidden by AppArmor, a folder that cannot
be hidden, an interpreter the child cannot see, a kernel without a feature: whatever is in
the way shows up). Each answer is cached for the life of the grader's process, keyed by
everything it depends on.
"""

from __future__ import annotations

import functools
import os

from grader.load import Cell, Program
from grader.sandbox import seccomp, warm
from grader.sandbox.child import Plan, execute
from grader.sandbox.fleet import Fleet
from grader.sandbox.model import Limits, Run
from grader.sandbox.visibility import default_hidden

ENABLE_BWRAP = (
    "sudo apt-get install -y bubblewrap && "
    "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"
)

PROBE = Program(path="probe", kind="script", cells=(Cell(None, "x = 1\n", "x = 1\n"),))


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
        ran = execute(plan, default_hidden(), PROBE, ({},), Limits(timeout=10.0), None)
    except OSError as error:
        return f"bwrap could not start ({error.strerror or error})"
    return _failed(ran, "bwrap")


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
        ran = execute(plan, (), PROBE, ({},), Limits(timeout=10.0), None)
    except OSError as error:
        return f"the probe could not start ({error.strerror or error})"
    if ran.main.values.get("x") != {"type": "int", "value": 1}:
        return "a child under the filter did not run"
    if "seccomp" not in ran.layers:
        return "the kernel refused to install it"
    return ""


def warm_problem(python: str, own_uid: bool = True) -> str | None:
    """Say why the warm tier cannot run here, or None if it can.

    ``own_uid``: as root, each child gets a uid of its own; else the zygote needs a user
    namespace of its own, which the kernel (or AppArmor) may refuse an ordinary user.
    """
    if not hasattr(os, "pidfd_open"):
        return "this Python or kernel has no pidfds (Python 3.9 and Linux 5.3 have them)"
    return _probe_warm(python, own_uid)


@functools.lru_cache(maxsize=16)
def _probe_warm(python: str, own_uid: bool) -> str | None:
    """Run a one-line program through a real zygote; say what went wrong, if anything."""
    fleet = Fleet()
    plan = Plan("warm", python, own_uid, landlock=False)
    try:
        zygotes = warm.Zygotes(python, warm.view(plan, default_hidden()), fleet)
        ran = warm.execute(zygotes, plan, PROBE, ({},), Limits(timeout=10.0), None, fleet)
    except OSError as error:
        return f"the zygote could not start ({error.strerror or error})"
    finally:
        fleet.shutdown()
    return _failed(ran, "the zygote's child")


def _failed(ran: Run, who: str) -> str | None:
    """Say what went wrong in a probe's run, or None if the program ran."""
    if ran.main.missing or ran.main.values.get("x") != {"type": "int", "value": 1}:
        said = next((line for line in ran.raw_output.splitlines() if line.strip()), "")
        return f"{who} failed ({said.strip()[:200] or 'no answer from the child'})"
    return None
