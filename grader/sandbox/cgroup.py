"""Control groups: one leaf per child, bounding the memory and processes of a submission.

Resource limits bound each process; a submission that forks multiplies them. A cgroup
leaf holds the harness and everything it starts, so its memory limit (files written to
a tmpfs included) and process limit hold for the whole submission. The grader can make
one when it runs as root (or has a delegated subtree): cgroup v2 where the grader's own
cgroup lets its children use the memory and pids controllers, else the v1 memory and
pids hierarchies (a v1/v2 hybrid mounts them under /sys/fs/cgroup/memory and /pids).
Where neither works, ``create`` returns None and only the resource limits hold.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Leaf:
    """The cgroup folders (one per hierarchy) that hold one child."""

    folders: tuple[str, ...]
    version: int

    def add(self, pid: int) -> None:
        """Move a process into the leaf (its later children are born in it)."""
        for folder in self.folders:
            with open(os.path.join(folder, "cgroup.procs"), "w", encoding="ascii") as handle:
                handle.write(str(pid))

    def remove(self, give_up: float = 2.0) -> str:
        """Remove the leaf once its processes are gone; return a problem, or ''."""
        deadline = time.monotonic() + give_up
        left = list(self.folders)
        while left:
            for folder in list(left):
                try:
                    os.rmdir(folder)
                except FileNotFoundError:
                    pass
                except OSError:
                    continue
                left.remove(folder)
            if left and time.monotonic() > deadline:
                return f"the cgroup {left[0]} still holds processes"
            if left:
                time.sleep(0.01)
        return ""


def _own_paths() -> dict[str, str]:
    """Map each controller (and "" for v2) to this process's cgroup path."""
    paths: dict[str, str] = {}
    with open("/proc/self/cgroup", encoding="utf-8") as handle:
        for line in handle:
            _, controllers, path = line.rstrip("\n").split(":", 2)
            for name in controllers.split(",") if controllers else [""]:
                paths[name] = path
    return paths


def _mounts() -> dict[str, str]:
    """Map each v1 controller, and "" for the v2 hierarchy, to where it is mounted."""
    mounts: dict[str, str] = {}
    with open("/proc/self/mounts", encoding="utf-8") as handle:
        for line in handle:
            fields = line.split()
            if len(fields) > 3 and fields[2] == "cgroup":
                for option in fields[3].split(","):
                    mounts.setdefault(option, fields[1])
            elif len(fields) > 3 and fields[2] == "cgroup2":
                mounts.setdefault("", fields[1])
    return mounts


def _write(folder: str, name: str, value: int | str) -> None:
    """Write a control file, which must exist (never create a file of that name)."""
    fd = os.open(os.path.join(folder, name), os.O_WRONLY | os.O_CLOEXEC)
    try:
        os.write(fd, str(value).encode("ascii"))
    finally:
        os.close(fd)


def _v2(mount: str, own: str, name: str, memory: int, processes: int) -> Leaf | None:
    parent = os.path.join(mount, own.lstrip("/"))
    try:
        with open(os.path.join(parent, "cgroup.subtree_control"), encoding="ascii") as handle:
            enabled = handle.read().split()
    except OSError:
        return None
    if "memory" not in enabled or "pids" not in enabled:
        return None  # the grader's cgroup does not hand these controllers down
    folder = os.path.join(parent, name)
    try:
        os.mkdir(folder, 0o755)
    except OSError:
        return None
    try:
        _write(folder, "memory.max", memory)
        _write(folder, "pids.max", processes)
        with contextlib.suppress(OSError):
            _write(folder, "memory.swap.max", 0)
    except OSError:
        with contextlib.suppress(OSError):
            os.rmdir(folder)
        return None
    return Leaf((folder,), 2)


def _v1(
    mounts: dict[str, str], own: dict[str, str], name: str, memory: int, processes: int
) -> Leaf | None:
    made: list[str] = []
    try:
        for controller in ("memory", "pids"):
            if controller not in mounts or controller not in own:
                raise OSError(f"no v1 {controller} hierarchy")
            folder = os.path.join(mounts[controller], own[controller].lstrip("/"), name)
            os.mkdir(folder, 0o755)
            made.append(folder)
        _write(made[0], "memory.limit_in_bytes", memory)
        with contextlib.suppress(OSError):  # only where swap is accounted
            _write(made[0], "memory.memsw.limit_in_bytes", memory)
        _write(made[1], "pids.max", processes)
    except OSError:
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                os.rmdir(folder)
        return None
    return Leaf(tuple(made), 1)


def create(memory: int, processes: int) -> Leaf | None:
    """Make a leaf with these limits (bytes, processes), or return None where none can be."""
    try:
        own = _own_paths()
        mounts = _mounts()
    except (OSError, ValueError):
        return None
    name = f"grader-{os.getpid()}-{secrets.token_hex(4)}"
    if "" in own and "" in mounts:
        # Below the grader's own cgroup, else (root) below the hierarchy's root.
        for parent in dict.fromkeys((own[""], "/")):
            leaf = _v2(mounts[""], parent, name, memory, processes)
            if leaf is not None:
                return leaf
    return _v1(mounts, own, name, memory, processes)
