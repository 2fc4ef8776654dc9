"""Control groups: one leaf per child, bounding the memory and processes of a submission.

Resource limits bound each process; a submission that forks multiplies them. A cgroup
leaf holds the harness and everything it starts, so its memory limit (files written to
a tmpfs included) and process limit hold for the whole submission. The grader can make
one when it runs as root (or has a delegated subtree): cgroup v2 where the grader's own
cgroup lets its children use the memory and pids controllers, else the v1 memory and
pids hierarchies (a v1/v2 hybrid mounts them under /sys/fs/cgroup/memory and /pids).
Where neither works, ``create`` returns None and only the resource limits hold.

A leaf's name says who made it: ``grader-<pid namespace>-<pid>-<start time>-<random>``,
the creator's PID namespace inode, its pid there and its start time (clock ticks since
boot). ``stale`` finds the empty leaves whose creator is provably gone: same namespace
as this process (a pid of another namespace means nothing here), and no process of
that pid started at that time. Removing a leaf never touches what is in it: the kernel
refuses to remove one that holds a process. grader/sandbox/janitor.py removes leaves off
the submissions' critical path and keeps a few made ahead.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass

# The leaves this version names, and those of the versions before it.
_NAME = re.compile(r"grader-(\d+)-(\d+)-(\d+)-[0-9a-f]+")
_OLD_NAME = re.compile(r"grader-(\d+)-[0-9a-f]{8}")
# An empty leaf of an older grader (whose name says nothing of its namespace) is left
# alone until it is this old: such a grader moved its child in within milliseconds of
# making the leaf and removed it as soon as the child was gone, so by then it is a
# leftover, in whatever namespace it was made.
OLD_LEAF_AGE = 600.0


@dataclass(frozen=True)
class Leaf:
    """The cgroup folders (one per hierarchy) that hold one child."""

    folders: tuple[str, ...]
    version: int
    # What it bounds: memory in bytes, processes.
    memory: int = 0
    processes: int = 0

    def add(self, pid: int) -> None:
        """Move a process into the leaf (its later children are born in it)."""
        for folder in self.folders:
            with open(os.path.join(folder, "cgroup.procs"), "w", encoding="ascii") as handle:
                handle.write(str(pid))

    def procs_files(self) -> tuple[str, ...]:
        """Return the files a process writes its pid (or 0) into to join the leaf."""
        return tuple(os.path.join(folder, "cgroup.procs") for folder in self.folders)

    def open_procs(self) -> list[int]:
        """Open the files a process writes 0 into to join the leaf (one per hierarchy).

        For a process that cannot reach the cgroup file system itself (a read-only view
        of the machine): written as root, they move the writer into the leaf.
        """
        opened: list[int] = []
        try:
            for path in self.procs_files():
                opened.append(os.open(path, os.O_WRONLY | os.O_CLOEXEC))
        except OSError:
            for fd in opened:
                os.close(fd)
            raise
        return opened

    def processes_in(self) -> list[int]:
        """Return the processes in the leaf (zombies not yet reaped included)."""
        found: set[int] = set()
        for folder in self.folders:
            with contextlib.suppress(OSError), open(os.path.join(folder, "cgroup.procs")) as f:
                found.update(int(line) for line in f if line.strip())
        return sorted(found)

    def remove_once(self) -> bool:
        """Try once to remove the leaf; return whether it is gone."""
        gone = True
        for folder in self.folders:
            try:
                os.rmdir(folder)
            except FileNotFoundError:
                pass
            except OSError:
                gone = False
        return gone

    def remove(self, give_up: float = 2.0) -> str:
        """Remove the leaf once its processes are gone; return a problem, or ''."""
        deadline = time.monotonic() + give_up
        while not self.remove_once():
            if time.monotonic() > deadline:
                return f"the cgroup {self.folders[0]} still holds processes"
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


def _v2_parent(mount: str, own: str) -> str | None:
    """Return a v2 folder whose children get the memory and pids controllers, or None."""
    parent = os.path.join(mount, own.lstrip("/"))
    try:
        with open(os.path.join(parent, "cgroup.subtree_control"), encoding="ascii") as handle:
            enabled = handle.read().split()
    except OSError:
        return None
    # Else the grader's cgroup does not hand these controllers down.
    return parent if "memory" in enabled and "pids" in enabled else None


def _v2(mount: str, own: str, name: str, memory: int, processes: int) -> Leaf | None:
    parent = _v2_parent(mount, own)
    if parent is None:
        return None
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
    return Leaf((folder,), 2, memory, processes)


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
    return Leaf(tuple(made), 1, memory, processes)


def _start_time(pid: int | str) -> int | None:
    """Return when a process of this PID namespace started (clock ticks), or None if none runs."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return int(handle.read().rsplit(b")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def _namespace() -> int:
    """Return this process's PID namespace, by its inode (0 where the kernel will not say)."""
    try:
        return os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return 0


# What a grader reads once, by its pid (a forked copy reads its own): the first part of
# its leaves' names, and where its cgroups are (its own and the hierarchies' mounts).
_PREFIXES: dict[int, str] = {}
_PLACES: dict[int, tuple[dict[str, str], dict[str, str]]] = {}


def leaf_name() -> str:
    """Return a new leaf's name: this process's namespace, pid, start time, and a random part."""
    pid = os.getpid()
    prefix = _PREFIXES.get(pid)
    if prefix is None:
        prefix = _PREFIXES[pid] = f"grader-{_namespace()}-{pid}-{_start_time(pid) or 0}"
    return f"{prefix}-{secrets.token_hex(4)}"


def create(memory: int, processes: int) -> Leaf | None:
    """Make a leaf with these limits (bytes, processes), or return None where none can be.

    Where the grader's cgroups are is read once per process (the janitor makes a leaf
    per submission); if a leaf cannot be made there, it is read again, in case the
    grader was moved.
    """
    pid = os.getpid()
    known = _PLACES.get(pid)
    if known is not None:
        leaf = _create_in(known[0], known[1], memory, processes)
        if leaf is not None:
            return leaf
    try:
        own = _own_paths()
        mounts = _mounts()
    except (OSError, ValueError):
        return None
    _PLACES[pid] = (own, mounts)
    return _create_in(own, mounts, memory, processes)


def _create_in(
    own: dict[str, str], mounts: dict[str, str], memory: int, processes: int
) -> Leaf | None:
    """Make a leaf below these cgroups, or return None."""
    name = leaf_name()
    if "" in own and "" in mounts:
        # Below the grader's own cgroup, else (root) below the hierarchy's root.
        for parent in dict.fromkeys((own[""], "/")):
            leaf = _v2(mounts[""], parent, name, memory, processes)
            if leaf is not None:
                return leaf
    return _v1(mounts, own, name, memory, processes)


def parents() -> Iterator[str]:
    """Yield the folders this grader makes leaves in."""
    try:
        own = _own_paths()
        mounts = _mounts()
    except (OSError, ValueError):
        return
    if "" in own and "" in mounts:
        for path in dict.fromkeys((own[""], "/")):
            parent = _v2_parent(mounts[""], path)
            if parent is not None:
                yield parent
    for controller in ("memory", "pids"):
        if controller in mounts and controller in own:
            yield os.path.join(mounts[controller], own[controller].lstrip("/"))


def is_stale(name: str, created: float, now: float | None = None) -> bool:
    """Whether a leaf of this name, made at ``created`` (time.time()), is a provable leftover.

    Ours and dead: made in this PID namespace by a process that no longer runs (no
    process of that pid started at that time). Or of an older grader, whose name says
    nothing of its namespace: older than OLD_LEAF_AGE.
    """
    match = _NAME.fullmatch(name)
    if match is not None:
        namespace, pid, started = (int(part) for part in match.groups())
        return namespace == _namespace() != 0 and _start_time(pid) != started
    if _OLD_NAME.fullmatch(name) is not None:
        return (now if now is not None else time.time()) - created > OLD_LEAF_AGE
    return False


def stale() -> list[str]:
    """Return the folders of leaves left by graders that are gone (see is_stale)."""
    found = []
    now = time.time()
    for parent in dict.fromkeys(parents()):
        try:
            entries = list(os.scandir(parent))
        except OSError:
            continue
        for entry in entries:
            if not entry.name.startswith("grader-"):
                continue
            try:
                created = entry.stat(follow_symlinks=False).st_mtime
            except OSError:
                continue
            if entry.is_dir(follow_symlinks=False) and is_stale(entry.name, created, now):
                found.append(entry.path)
    return found


def remove_stale() -> int:
    """Remove the empty leaves of graders that are gone; return how many went.

    A leaf that still holds a process is left as it is: the kernel refuses to remove it,
    and nothing in it is signalled.
    """
    removed = 0
    for folder in stale():
        with contextlib.suppress(OSError):
            os.rmdir(folder)
            removed += 1
    return removed
