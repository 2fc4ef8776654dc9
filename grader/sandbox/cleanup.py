"""Cleanup: removing what a child left behind, without ever touching anything else.

A child's folder is the learner's ground: while its processes lived they could fill it
with millions of files, a tree thousands of levels deep, folders without permissions,
or links pointing anywhere. Removal here walks that tree through directory file
descriptors opened with O_NOFOLLOW, relative to the folder above, so that no path is
ever resolved again after it was checked (a link swapped in cannot lead out), and with
an explicit stack, so that no depth exhausts Python's. A mode is changed only on a
folder inside the tree, through its own descriptor: never on the tree's parent, never
through a name.

It also sweeps the System V IPC objects (shared memory, message queues, semaphores) a
uid created, for when the child had no IPC namespace of its own.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import secrets
import stat
import time

# POSIX has every flag. Windows has none of the last three; the module still imports
# there, and is never used: its tiers are Linux's (the portable tier removes its own).
_DIR_FLAGS = os.O_RDONLY | sum(
    getattr(os, flag, 0) for flag in ("O_DIRECTORY", "O_NOFOLLOW", "O_CLOEXEC")
)
# Descriptors a walk holds at once: one per level it is inside.
_MAX_OPEN = 32


class CleanupError(Exception):
    """Something a child left behind could not be removed."""


def remove_tree(path: str, deadline: float | None = None) -> None:
    """Remove a folder and everything in it, at any depth; raise CleanupError if it stays.

    ``path`` must be a folder the grader created; only what is below it, and the
    folder itself, is changed or removed. A link where the folder should be is
    removed as a link. ``deadline`` (time.monotonic()) bounds the work.
    """
    parent, name = os.path.split(os.path.abspath(path))
    try:
        parent_fd = os.open(parent, _DIR_FLAGS)
    except OSError as error:
        raise CleanupError(f"{parent} cannot be opened ({error.strerror})") from None
    try:
        for _ in range(3):
            try:
                info = os.stat(name, dir_fd=parent_fd, follow_symlinks=False)
            except FileNotFoundError:
                return
            if not stat.S_ISDIR(info.st_mode):
                os.unlink(name, dir_fd=parent_fd)
                return
            _empty(parent_fd, name, deadline)
            with contextlib.suppress(OSError):
                os.rmdir(name, dir_fd=parent_fd)
                return
        raise CleanupError(f"{path} could not be emptied")
    except OSError as error:
        raise CleanupError(f"{path}: {error.strerror or error}") from None
    finally:
        os.close(parent_fd)


def _open_dir(parent_fd: int, name: str) -> int | None:
    """Open a folder below parent_fd without following a link; open it up if it has no access.

    Return None when the entry is not a folder (any more).
    """
    try:
        return os.open(name, _DIR_FLAGS, dir_fd=parent_fd)
    except PermissionError:
        pass
    except OSError as error:
        if error.errno in (errno.ENOTDIR, errno.ELOOP, errno.ENOENT):
            return None
        raise
    # A folder the child took its own permissions away from: open it by path only (no
    # access needed), give that inode, and nothing else, its owner's rights back.
    fd = os.open(name, os.O_PATH | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=parent_fd)
    try:
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            return None
        os.chmod(f"/proc/self/fd/{fd}", 0o700)
    finally:
        os.close(fd)
    return os.open(name, _DIR_FLAGS, dir_fd=parent_fd)


def _empty(top_parent: int, top: str, deadline: float | None) -> None:
    """Remove everything inside top (a folder in top_parent), depth first, with a stack.

    Each frame of the stack is a folder's descriptor, its name, and the sub-folders
    still to visit. At most _MAX_OPEN folders are open at once: a folder deeper than
    that is moved up into the top folder (a rename, on the same file system) and
    visited from there, so any depth costs one pass.
    """
    fd = _open_dir(top_parent, top)
    if fd is None:
        return
    stack: list[tuple[int, str, list[str]]] = [(fd, top, _clear_files(fd))]
    try:
        while stack:
            if deadline is not None and time.monotonic() > deadline:
                raise CleanupError("out of time")
            current, name, pending = stack[-1]
            if not pending:
                stack.pop()
                os.close(current)
                if stack:
                    with contextlib.suppress(OSError):
                        os.rmdir(name, dir_fd=stack[-1][0])
                continue
            below_name = pending.pop()
            with contextlib.suppress(OSError):
                os.rmdir(below_name, dir_fd=current)
                continue
            below = _open_dir(current, below_name)
            if below is None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(below_name, dir_fd=current)
                continue
            if len(stack) >= _MAX_OPEN:
                os.close(below)
                up = f".grader-deep-{secrets.token_hex(8)}"
                os.rename(below_name, up, src_dir_fd=current, dst_dir_fd=stack[0][0])
                stack[0][2].append(up)
                continue
            stack.append((below, below_name, _clear_files(below)))
    finally:
        for held, _, _ in stack:
            os.close(held)


def _clear_files(folder: int) -> list[str]:
    """Remove every entry of a folder that is not a folder; return the folders' names."""
    folders = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                folders.append(entry.name)
            else:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.name, dir_fd=folder)
    return folders


# -- System V IPC ------------------------------------------------------------------

_IPC_RMID = 0
# /proc/sysvipc file -> the libc call that removes one of its objects.
_SYSVIPC = {"shm": "shmctl", "msg": "msgctl", "sem": "semctl"}


def ipc_objects(uid: int) -> list[tuple[str, int]]:
    """Return the System V IPC objects of this IPC namespace owned or created by uid."""
    found = []
    for kind in _SYSVIPC:
        try:
            with open(f"/proc/sysvipc/{kind}", encoding="ascii") as handle:
                header = handle.readline().split()
                rows = [line.split() for line in handle]
        except OSError:
            continue
        columns = {name: index for index, name in enumerate(header)}
        if not {"uid", "cuid"} <= columns.keys():
            continue
        ident = columns.get("shmid", columns.get("msqid", columns.get("semid", 1)))
        for row in rows:
            if str(uid) in (row[columns["uid"]], row[columns["cuid"]]):
                found.append((kind, int(row[ident])))
    return found


def remove_ipc_objects(uid: int) -> list[tuple[str, int]]:
    """Remove uid's System V IPC objects; return those that stayed."""
    objects = ipc_objects(uid)
    if not objects:
        return []  # the usual case: nothing to remove, nothing to read again
    libc = ctypes.CDLL(None, use_errno=True)
    for kind, ident in objects:
        if kind == "sem":
            getattr(libc, _SYSVIPC[kind])(ident, 0, _IPC_RMID)
        else:
            getattr(libc, _SYSVIPC[kind])(ident, _IPC_RMID, None)
    return ipc_objects(uid)
