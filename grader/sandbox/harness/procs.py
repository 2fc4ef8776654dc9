"""What /proc and a pipe say, for the harness and the grader alike.

Standard library only and Python 3.10 compatible: the child runs this file as part of
the harness (grader/sandbox/bundle.py), and the grader imports it.
"""

import os


def descendants(root: int) -> list[int]:
    """Return every live descendant of a process, from one scan of /proc.

    A zombie whose other threads still run is live: its first thread called the raw
    exit syscall, and signalling it still reaches the others.
    """
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 2 and (fields[0] not in (b"Z", b"X") or threads_alive(entry)):
            children.setdefault(int(fields[1]), []).append(int(entry))
    found: list[int] = []
    todo = list(children.get(root, []))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def threads_alive(pid: str) -> bool:
    """Whether a thread of a process other than its first one is alive."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return False
    for task in tasks:
        if task == pid:
            continue
        try:
            with open(f"/proc/{pid}/task/{task}/stat", "rb") as handle:
                if handle.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X"):
                    return True
        except (OSError, IndexError):
            continue
    return False


def seccomp_filters() -> int:
    """Return how many seccomp filters this process runs under, or -1 if the kernel won't say."""
    try:
        with open("/proc/self/status", "rb") as handle:
            for line in handle:
                if line.startswith(b"Seccomp_filters:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return -1


def drain(fd: int, into: bytearray, cap: int) -> None:
    """Read what is left in a pipe without waiting for more, until into holds cap bytes."""
    os.set_blocking(fd, False)
    while len(into) < cap:
        try:
            chunk = os.read(fd, 65_536)
        except (BlockingIOError, InterruptedError):
            return
        if not chunk:
            return
        into.extend(chunk[: cap - len(into)])
