"""Cleanup: a child's folder goes, whatever is in it, and nothing outside it is touched.

The cases that would change the machine if the cleanup were wrong (a mount point that
cannot be removed next to a world-writable folder, System V IPC objects) run in a
child process inside private mount and IPC namespaces (``unshare -m -i``, root only),
on a fresh tmpfs: never against the machine's own /tmp or IPC objects.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from grader.sandbox import isolation
from grader.sandbox.cleanup import CleanupError, ipc_objects, remove_ipc_objects, remove_tree
from tests.conftest import ROOT

UNSHARE = shutil.which("unshare")
needs_namespaces = pytest.mark.skipif(
    not isolation.is_root() or UNSHARE is None,
    reason="private mount and IPC namespaces need root and unshare(1)",
)


def in_namespaces(code: str) -> dict[str, object]:
    """Run Python code in private mount and IPC namespaces, /tmp a fresh tmpfs; return its JSON."""
    assert UNSHARE is not None
    script = (
        "import ctypes, json, os, subprocess, sys\n"
        "from tests.contained import cover\n"
        "cover('/tmp')\n" + textwrap.dedent(code)
    )
    done = subprocess.run(
        [UNSHARE, "-m", "-i", "--propagation", "private", sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_folder_with_locked_sub_folders_is_removed(tmp_path: Path) -> None:
    """Folders the child took its own permissions away from are opened up and removed."""
    folder = tmp_path / "gone"
    (folder / "a" / "b").mkdir(parents=True)
    (folder / "a" / "b" / "f").write_text("x")
    (folder / "a" / "b").chmod(0)
    (folder / "a").chmod(stat.S_IRUSR)
    remove_tree(str(folder))
    assert not folder.exists()


def test_a_tree_thousands_of_levels_deep_is_removed(tmp_path: Path) -> None:
    """Depth costs no recursion and no descriptor per level: 5,000 levels go."""
    folder = tmp_path / "deep"
    folder.mkdir()
    fd = os.open(folder, os.O_RDONLY)
    for _ in range(5000):
        os.mkdir("d", dir_fd=fd)
        below = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = below
    os.close(fd)
    remove_tree(str(folder))
    assert not folder.exists()


def test_a_link_inside_is_removed_and_its_target_kept(tmp_path: Path) -> None:
    """A link to a folder outside is removed as a link; nothing behind it is touched."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep").write_text("x")
    outside.chmod(0o555)
    folder = tmp_path / "gone"
    folder.mkdir()
    (folder / "link").symlink_to(outside)
    (folder / "file-link").symlink_to(outside / "keep")
    remove_tree(str(folder))
    assert not folder.exists()
    assert (outside / "keep").read_text() == "x"
    assert stat.S_IMODE(outside.stat().st_mode) == 0o555


def test_a_link_in_place_of_the_folder_is_removed_not_followed(tmp_path: Path) -> None:
    """If the folder itself was swapped for a link, only the link goes."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep").write_text("x")
    link = tmp_path / "work"
    link.symlink_to(outside)
    remove_tree(str(link))
    assert not os.path.lexists(link)
    assert (outside / "keep").read_text() == "x"


def test_removal_out_of_time_is_an_error_not_a_hang(tmp_path: Path) -> None:
    """A deadline bounds the work; running out of it raises CleanupError."""
    folder = tmp_path / "many"
    folder.mkdir()
    (folder / "sub").mkdir()
    with pytest.raises(CleanupError):
        remove_tree(str(folder), deadline=time.monotonic() - 1)


@needs_namespaces
def test_a_failed_removal_never_changes_the_mode_of_the_folder_around_it() -> None:
    """A folder that cannot be removed (a mount point) is an error; /tmp keeps 1777.

    The first release's retry set the failed path's parent to 0700, and that parent
    could be /tmp itself.
    """
    result = in_namespaces(
        """
        from grader.sandbox.cleanup import CleanupError, remove_tree
        os.mkdir('/tmp/work')
        subprocess.run(['mount', '-t', 'tmpfs', 'none', '/tmp/work'], check=True)
        os.makedirs('/tmp/work/locked/inner')
        os.chmod('/tmp/work/locked', 0)
        try:
            remove_tree('/tmp/work')
            error = ''
        except CleanupError as caught:
            error = str(caught)
        print(json.dumps({'error': error, 'tmp': oct(os.stat('/tmp').st_mode & 0o7777)}))
        """
    )
    assert result["tmp"] == "0o1777"
    assert result["error"] != ""


@needs_namespaces
def test_the_system_v_objects_of_a_uid_are_swept() -> None:
    """Shared memory and message queues a uid left are removed; root's are not."""
    result = in_namespaces(
        """
        from grader.sandbox.cleanup import ipc_objects, remove_ipc_objects
        libc = ctypes.CDLL(None, use_errno=True)
        uid = 65533
        mine = libc.shmget(0, 4096, 0o1600)
        pid = os.fork()
        if pid == 0:
            os.setgid(uid)
            os.setuid(uid)
            libc.shmget(0, 1 << 20, 0o1600)
            libc.msgget(0, 0o1600)
            libc.semget(0, 1, 0o1600)
            os._exit(0)
        os.waitpid(pid, 0)
        before = len(ipc_objects(uid))
        left = remove_ipc_objects(uid)
        print(json.dumps({'before': before, 'left': len(left), 'root': len(ipc_objects(0))}))
        """
    )
    assert result == {"before": 3, "left": 0, "root": 1}


def test_a_uid_with_no_ipc_objects_has_nothing_to_sweep() -> None:
    """A uid nobody uses owns no IPC object, and sweeping it changes nothing."""
    assert ipc_objects(65533) == []
    assert remove_ipc_objects(65533) == []
