"""Isolation: the operating-system side of the sandbox, with no knowledge of the harness.

What lives here is the machinery grader/sandbox/ puts together around each child:

- a pool of unprivileged user ids, one per running child, for when the grader runs as
  root: each child gets a uid of its own, so that it can touch nothing of the grader's,
  its process count limit is its own, and "every process of this uid" is exactly what
  it left behind (a lock file per uid keeps two graders on one machine apart);
- sweeps that kill what a child left behind: every process of a uid, or every
  descendant of a process;
- the child's temporary folder, and its removal whatever the child did to it.

The child's interpreter and what it sees are in grader/sandbox/visibility.py.

No function here keeps state between calls except the two caches that say so.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import stat
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from grader.sandbox import cgroup, cleanup
from grader.sandbox.harness.procs import descendants, threads_alive

# Debian reserves 65000-65533 and never hands them out, so no account owns them; ids
# that do have an account or a group on this machine are skipped all the same.
CHILD_IDS = range(65000, 65534)

# What a uid's lock file says: its child may have left something (the holder died), or
# it could not be swept and is never handed out again. Anything else: clean.
DIRTY = b"1"
RETIRED = b"R"

# Where the per-uid lock files live when the grader is root: a folder only root may use.
LOCK_DIRS = ("/run/grader-sandbox", "/var/lock/grader-sandbox")

# The world-writable folders a child may leave files in outside its own folder.
SHARED_TEMP_DIRS = ("/tmp", "/var/tmp", "/dev/shm")

# Seconds the parent may spend removing one folder a child left (its own, or one in a
# shared temporary folder): what a child can create in its time is bounded (a tmpfs of
# its own, a file size limit), so this is a backstop.
CLEANUP_BUDGET = 5.0


@dataclass(frozen=True)
class Lease:
    """An unprivileged uid (with the gid of the same number) held for one child."""

    uid: int
    gid: int
    lock_fd: int


def is_root() -> bool:
    """Whether the grader runs with root's user id (never, where there are no uids)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


@functools.lru_cache(maxsize=1)
def free_ids() -> tuple[int, ...]:
    """Return the pool's ids that no account or group uses.

    Read again only when /etc/passwd or /etc/group has changed since the last time
    (a submission's lease asks every time).
    """
    import grp  # POSIX only, like every uid of the pool
    import pwd

    stamp = tuple(_changed(path) for path in ("/etc/passwd", "/etc/group"))
    if _FREE_IDS and _FREE_IDS[0][0] == stamp:
        return _FREE_IDS[0][1]
    taken = {entry.pw_uid for entry in pwd.getpwall()} | {entry.gr_gid for entry in grp.getgrall()}
    free = tuple(number for number in CHILD_IDS if number not in taken)
    _FREE_IDS[:] = [(stamp, free)]
    return free


# The last free_ids answer, with the account files' change stamps it was read at.
_FREE_IDS: list[tuple[tuple[tuple[int, int, int], ...], tuple[int, ...]]] = []


def _changed(path: str) -> tuple[int, int, int]:
    """Return what says a file changed: its inode, size and time of change (zeros if gone)."""
    try:
        info = os.stat(path)
    except OSError:
        return (0, 0, 0)
    return (info.st_ino, info.st_size, info.st_ctime_ns)


def _lock_dir() -> Path:
    """Return (creating it) a folder for the lock files that only root can write."""
    for candidate in LOCK_DIRS:
        path = Path(candidate)
        with contextlib.suppress(OSError):
            path.mkdir(mode=0o700, exist_ok=True)
        try:
            info = path.lstat()
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode) and info.st_uid == 0 and not info.st_mode & 0o022:
            return path
    raise OSError("no folder for the sandbox's uid lock files (tried " + ", ".join(LOCK_DIRS) + ")")


def acquire(give_up: float = 60.0) -> Lease:
    """Take a uid of the pool that no other child (of any grader process) holds."""
    import fcntl  # POSIX only: the portable tier never comes here

    folder = _lock_dir()
    ids = free_ids()
    if not ids:
        raise OSError(f"every uid in {CHILD_IDS.start}-{CHILD_IDS.stop - 1} has an account")
    deadline = time.monotonic() + give_up
    while True:
        for number in ids:
            fd = os.open(folder / str(number), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            state = os.pread(fd, 1, 0)
            # The last holder died, or could not sweep: nothing of its child may share
            # this uid with the next one (signals, the process count, files, IPC). A
            # uid that cannot be swept is retired for good: it is never handed out.
            if state == RETIRED or (state == DIRTY and sweep_uid(number)):
                os.pwrite(fd, RETIRED, 0)
                os.close(fd)
                continue
            os.pwrite(fd, DIRTY, 0)
            return Lease(number, number, fd)
        if time.monotonic() > deadline:
            raise OSError("every sandbox uid stayed busy for a minute, or is retired")
        time.sleep(0.01)


def sweep_uid(uid: int) -> str:
    """Kill a uid's processes, remove its files and IPC objects; return what stayed, or ''."""
    problems = []
    if not kill_uid(uid):
        problems.append("some of its processes would not die")
    if not remove_stray_files(uid):
        problems.append("some of its files in the shared temporary folders stayed")
    if cleanup.remove_ipc_objects(uid):
        problems.append("some of its System V IPC objects stayed")
    return "; ".join(problems)


def release(lease: Lease, retire: bool = False) -> None:
    """Give a uid back, or retire it for good when its sweep did not finish.

    A retired uid is never handed out again: something of its child may be left.
    """
    try:
        os.pwrite(lease.lock_fd, RETIRED if retire else b"0", 0)
    finally:
        os.close(lease.lock_fd)  # closing releases the lock


def finish(lease: Lease | None, workdir: Path | None, swept: bool, leaf: cgroup.Leaf | None) -> str:
    """Clean up after a child: its processes, files, IPC objects and uid; empty its cgroup.

    ``swept`` says the harness already killed everything it started. The leaf is left
    for the caller to remove (its processes are gone once this returns ''). Return what
    could not be cleaned, in words without the machine's paths, or ''.
    """
    problems = []
    if lease is not None:
        if not swept and not kill_uid(lease.uid):
            problems.append("some of its processes would not die")
        if not swept and not remove_stray_files(lease.uid):
            problems.append("some of its files in the shared temporary folders stayed")
        if cleanup.remove_ipc_objects(lease.uid):
            problems.append("some of its System V IPC objects stayed")
    if leaf is not None and not empty_leaf(leaf):
        problems.append("its control group still held processes")
    if workdir is not None:
        try:
            cleanup.remove_tree(str(workdir), time.monotonic() + CLEANUP_BUDGET)
        except cleanup.CleanupError:
            problems.append("its folder could not be removed")
    if lease is not None:
        # The uid is retired if anything of its child may be left.
        release(lease, retire=bool(problems))
    return "; ".join(problems)


def empty_leaf(leaf: cgroup.Leaf, give_up: float = 3.0) -> bool:
    """Kill whatever still runs in a child's cgroup leaf; return whether nothing does.

    Everything in the leaf is the child's: the harness and what the learner's code
    started, however it left the harness's tree.
    """
    deadline = time.monotonic() + give_up
    while True:
        live = [pid for pid in leaf.processes_in() if alive(str(pid))]
        if not live:
            return True
        if time.monotonic() > deadline:
            return False
        for sig in (signal.SIGSTOP, signal.SIGKILL):
            for pid in live:
                with contextlib.suppress(OSError):
                    os.kill(pid, sig)
        time.sleep(0.002)


def _proc_entries() -> Iterator[str]:
    """Yield the pid folders of /proc."""
    with os.scandir("/proc") as entries:
        for entry in entries:
            if entry.name.isdigit():
                yield entry.name


def _status(pid: str) -> dict[str, str]:
    """Return a process's /proc status fields, or {} if it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return {}
    fields = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return fields


def alive(pid: str) -> bool:
    """Whether a process runs: not a zombie, or a zombie leader whose threads still run.

    A thread group whose first thread called the raw exit syscall shows as a zombie in
    /proc/PID while its other threads run on: signalling PID still reaches them all.
    """
    state = _status(pid).get("State", "")
    if not state:
        return False
    if not state.startswith(("Z", "X")):
        return True
    return threads_alive(pid)


def processes_of(uid: int) -> list[int]:
    """Return the live processes whose real or effective uid is uid.

    A zombie leader whose threads still run counts as live (see alive).
    """
    found = []
    for pid in _proc_entries():
        fields = _status(pid)
        uids = fields.get("Uid", "").split()
        if len(uids) < 2 or str(uid) not in uids[:2]:
            continue
        if not fields.get("State", "").startswith(("Z", "X")) or threads_alive(pid):
            found.append(int(pid))
    return found


def kill_uid(uid: int, give_up: float = 3.0) -> bool:
    """Kill every process of a uid until none is left; return whether none is."""
    # Never the grader's own uid nor root's: that would kill the grader or the machine.
    if uid in (0, os.getuid(), os.geteuid()):
        raise ValueError(f"refusing to sweep uid {uid}")
    deadline = time.monotonic() + give_up
    while True:
        pids = processes_of(uid)
        if not pids:
            return True
        if time.monotonic() > deadline:
            return False
        # Stop them all first, so that none can fork while the others are killed.
        for sig in (signal.SIGSTOP, signal.SIGKILL):
            for pid in pids:
                with contextlib.suppress(OSError):
                    os.kill(pid, sig)
        time.sleep(0.002)


def kill_tree(root: int, give_up: float = 3.0) -> None:
    """Kill a process and all its descendants, those that called setsid included.

    The root is the harness, a child subreaper: it is stopped (not killed) first, so
    that whatever is orphaned while its descendants die is handed back to it, and only
    killed once nothing is left below it.
    """
    try:
        os.kill(root, signal.SIGSTOP)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + give_up
    while time.monotonic() < deadline:
        family = descendants(root)
        if not family:
            break
        for sig in (signal.SIGSTOP, signal.SIGKILL):
            for pid in family:
                with contextlib.suppress(OSError):
                    os.kill(pid, sig)
        time.sleep(0.002)
    with contextlib.suppress(OSError):
        os.kill(root, signal.SIGKILL)


def make_workdir(lease: Lease | None) -> Path:
    """Create the child's private folder, owned by the child's uid when it has one."""
    path = Path(tempfile.mkdtemp(prefix="grader-"))
    if lease is not None:
        os.chown(path, lease.uid, lease.gid)
    return path


def copy_into(source: Path, folder: Path, name: str, lease: Lease | None, limit: int) -> None:
    """Copy a submission's bytes into the child's folder, never following a link."""
    try:
        fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return  # the program is already loaded; the copy is a courtesy
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return
        data = os.read(fd, limit)
    finally:
        os.close(fd)
    target = folder / name
    target.write_bytes(data)
    if lease is not None:
        os.chown(target, lease.uid, lease.gid)


def temp_dirs() -> tuple[str, ...]:
    """Return the shared temporary folders a child could write into."""
    own = tempfile.gettempdir()
    return tuple(dict.fromkeys((*SHARED_TEMP_DIRS, own)))


def remove_stray_files(uid: int, folders: Sequence[str] | None = None) -> bool:
    """Remove what a child's uid left at the top of the shared temporary folders.

    Return whether all of it is gone.
    """
    clean = True
    for folder in folders if folders is not None else temp_dirs():
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                owner = entry.stat(follow_symlinks=False).st_uid
            except OSError:
                continue
            if owner != uid:
                continue
            try:
                cleanup.remove_tree(entry.path, time.monotonic() + CLEANUP_BUDGET)
            except cleanup.CleanupError:
                clean = False
    return clean
