"""Visibility: which interpreter a child runs, and what it can see of the file system.

The child's interpreter must be readable by the child's own uid; bubblewrap's command
line and Landlock's rules decide what else it sees.
"""

from __future__ import annotations

import functools
import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path

from grader.sandbox.isolation import Lease

# Inside the bubblewrap tier, the child's folder is here, on a size-limited tmpfs.
BWRAP_WORKDIR = "/tmp/work"


def default_hidden() -> tuple[str, ...]:
    """Return the folders the bwrap tier hides whatever is graded.

    $HOME and /root (credentials, caches), the grader's own package, and the .git of the
    repository around the grader and around the working directory (a checkout's token
    lives in .git/config).
    """
    package = Path(__file__).resolve().parent.parent
    found = [str(Path.home()), "/root", str(package)]
    for start in (package, Path.cwd().resolve()):
        for folder in (start, *start.parents):
            if (folder / ".git").is_dir():
                found.append(str(folder / ".git"))
                break
    return tuple(dict.fromkeys(path for path in found if hideable(path)))


def hideable(path: str) -> bool:
    """Whether covering a folder leaves the system usable (never /, /usr and the like).

    Nothing inside /proc, /dev or /sys either: bubblewrap mounts its own there.
    """
    system = ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/etc", "/dev", "/proc", "/sys", "/tmp")
    resolved = os.path.realpath(path)
    inside_pseudo = any(resolved.startswith(p + "/") for p in ("/proc", "/dev", "/sys"))
    return (
        resolved != "/"
        and not inside_pseudo
        and not any(s == resolved or s.startswith(resolved.rstrip("/") + "/") for s in system)
    )


def readable_by_others(path: str) -> bool:
    """Whether a user with no relation to the file's owner can reach and read it."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    if not info.st_mode & stat.S_IROTH:
        return False
    parent = os.path.dirname(os.path.abspath(path))
    while True:
        try:
            mode = os.stat(parent).st_mode
        except OSError:
            return False
        if not mode & stat.S_IXOTH:
            return False
        if parent == "/":
            return True
        parent = os.path.dirname(parent)


def _stdlib_marker(python: str) -> str:
    """Return a file of the standard library an interpreter at this path would load."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    if os.path.realpath(python) == os.path.realpath(sys.executable):
        return os.path.join(sys.base_prefix, "lib", version, "os.py")
    prefix = os.path.dirname(os.path.dirname(os.path.realpath(python)))
    return os.path.join(prefix, "lib", version, "os.py")


@functools.lru_cache(maxsize=8)
def child_python(for_others: bool) -> str | None:
    """Choose the interpreter for the child (cached: the answer depends on files only).

    It is the grader's own interpreter, followed through links (with -I -S the child
    needs only the standard library, never the grader's virtual environment). When the
    child runs as another user and cannot read that interpreter (pyenv under /root,
    say), it is the system's interpreter of the same version, or None if there is none.
    """
    own = os.path.realpath(sys.executable)
    if not for_others:
        return own
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (own, f"/usr/local/bin/python{version}", f"/usr/bin/python{version}"):
        if readable_by_others(candidate) and readable_by_others(_stdlib_marker(candidate)):
            return os.path.realpath(candidate)
    return None


@functools.lru_cache(maxsize=16)
def python_prefix(python: str) -> str:
    """Return the installation folder of an interpreter (the one above its bin/).

    Cached: the grader asks for every submission, and resolving the links costs a
    system call per part of the path.
    """
    if os.path.realpath(python) == os.path.realpath(sys.executable):
        return sys.base_prefix
    return os.path.dirname(os.path.dirname(os.path.realpath(python)))


@functools.lru_cache(maxsize=16)
def _python_folder(python: str) -> str:
    """Return the folder an interpreter's executable really is in (cached, as above)."""
    return os.path.dirname(os.path.realpath(python))


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def reachable(path: str, lease: Lease | None) -> bool:
    """Whether the child's user can reach a folder (to hide it, bubblewrap must)."""
    if lease is None:
        return os.path.isdir(path)
    parent = os.path.dirname(path.rstrip("/")) or "/"
    return os.path.isdir(path) and (parent == "/" or readable_by_others(parent))


def bwrap_argv(
    bwrap: str,
    python: str,
    submission: Path | None,
    hidden: Sequence[str],
    disk_bytes: int,
    lease: Lease | None,
    seccomp_fd: int = -1,
) -> list[str]:
    """Build the bubblewrap command that runs the harness in its own namespaces.

    Every namespace is new (no network, its own PID space and /proc), the whole file
    system is read-only, /tmp and /dev/shm are small fresh tmpfs, and the hidden folders
    are covered with empty read-only tmpfs. The interpreter's own folder is bound back
    if a hidden folder covered it. ``seccomp_fd`` is a descriptor to read the syscall
    filter from, installed just before the harness starts.
    """
    argv = [
        bwrap,
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--cap-drop", "ALL",
        "--ro-bind", "/", "/",
        "--dev", "/dev",
        "--proc", "/proc",
        # /sys would show the machine's network interfaces and devices; no program needs it.
        "--tmpfs", "/sys", "--remount-ro", "/sys",
        "--size", str(disk_bytes), "--tmpfs", "/tmp",
        "--size", str(disk_bytes), "--tmpfs", "/dev/shm",
    ]  # fmt: skip
    seen = view(python, hidden, lease)
    for folder in seen["hidden"]:
        argv += ["--tmpfs", folder]
    for folder in seen["exposed"]:
        argv += ["--ro-bind", folder, folder]
    for folder in seen["rehidden"]:
        argv += ["--tmpfs", folder, "--remount-ro", folder]
    for folder in seen["hidden"]:
        argv += ["--remount-ro", folder]
    argv += ["--dir", BWRAP_WORKDIR]
    if submission is not None:
        argv += ["--ro-bind", str(submission), f"{BWRAP_WORKDIR}/{submission.name}"]
    if seccomp_fd != -1:
        argv += ["--seccomp", str(seccomp_fd)]
    argv += ["--chdir", BWRAP_WORKDIR, "--", python]
    return argv


def view(python: str, hidden: Sequence[str], lease: Lease | None = None) -> dict[str, list[str]]:
    """Say which folders to cover, which to bind back, and which to cover again inside those.

    ``hidden`` folders are covered (those inside /tmp are fresh anyway; with a lease,
    only those the child's user can reach, as bubblewrap must); the interpreter's own
    folders are bound back if a hidden folder covered them; a hidden folder inside
    those (the grader installed next to its interpreter) is covered again.
    """
    covered = sorted(
        {
            os.path.realpath(h)
            for h in hidden
            if not _inside(os.path.realpath(h), "/tmp") and reachable(os.path.realpath(h), lease)
        }
    )
    covered = [c for c in covered if not any(_inside(c, o) and c != o for o in covered)]
    prefix = python_prefix(python)
    exposed = [
        p
        for p in dict.fromkeys((prefix, os.path.dirname(os.path.realpath(python))))
        if any(_inside(p, c) for c in covered)
    ]
    rehidden = [
        folder
        for folder in sorted({os.path.realpath(h) for h in hidden})
        if any(_inside(folder, e) and folder != e for e in exposed) and os.path.isdir(folder)
    ]
    return {"hidden": covered, "exposed": exposed, "rehidden": rehidden}


def landlock_paths(python: str, writable: str) -> dict[str, list[str]]:
    """Return what the child may read and write once Landlock locks it down."""
    read = ["/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin", "/etc"]
    read += ["/dev/zero", "/dev/urandom", "/dev/random", python_prefix(python)]
    read.append(_python_folder(python))
    return {"read": read, "write": [writable, "/dev/null"]}
