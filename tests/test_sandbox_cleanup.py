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

from grader.sandbox import isolation, visibility
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


# -- thread groups whose leader is a zombie ------------------------------------------

# The first thread ends with the raw exit syscall; two others sleep on. /proc shows the
# process as a zombie, and signalling it still reaches the threads.
ZOMBIE_LEADER = """
import ctypes, threading, time
for _ in range(2):
    threading.Thread(target=time.sleep, args=(60,)).start()
time.sleep(0.2)
ctypes.CDLL(None).syscall(60, 0)
"""


def zombie_leader(**ids: object) -> subprocess.Popen[bytes]:
    """Start a process whose first thread has exited while its other threads run."""
    python = visibility.child_python(bool(ids)) or sys.executable
    child = subprocess.Popen([python, "-I", "-c", ZOMBIE_LEADER], **ids)  # type: ignore[call-overload]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with open(f"/proc/{child.pid}/stat", "rb") as handle:
            if handle.read().rsplit(b")", 1)[1].split()[0] == b"Z":
                return child
        time.sleep(0.01)
    child.kill()
    raise AssertionError("the first thread never exited")


def threads_of(pid: int) -> list[str]:
    """The threads of a process that are not zombies."""
    alive = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/stat", "rb") as handle:
            if handle.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X"):
                alive.append(task)
    return alive


@pytest.mark.linux
def test_a_zombie_leader_whose_threads_run_is_a_live_descendant() -> None:
    """The harness's walker finds it, so its sweep kills it; and the kill reaches them all."""
    from grader.sandbox.harness.procs import descendants

    child = zombie_leader()
    try:
        assert len(threads_of(child.pid)) == 2
        assert child.pid in descendants(os.getpid())
        os.kill(child.pid, 9)
        child.wait(timeout=10)
    finally:
        child.kill()
    assert child.pid not in descendants(os.getpid())


@pytest.mark.skipif(not isolation.is_root(), reason="only root gives children a uid of their own")
def test_a_uid_sweep_finds_and_kills_a_zombie_led_thread_group() -> None:
    """processes_of counts it as live, kill_uid kills its threads, and only then says done."""
    lease = isolation.acquire()
    try:
        child = zombie_leader(user=lease.uid, group=lease.gid, extra_groups=[])
        try:
            assert isolation.processes_of(lease.uid) == [child.pid]
            assert isolation.kill_uid(lease.uid) is True
            child.wait(timeout=10)
            assert isolation.processes_of(lease.uid) == []
        finally:
            child.kill()
    finally:
        isolation.release(lease)


@pytest.mark.skipif(not isolation.is_root(), reason="uid locks are root's")
def test_a_uid_whose_sweep_did_not_finish_is_retired_not_released(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whatever its child left may still run: the uid is never handed out again."""
    lease = isolation.acquire()
    lock = Path(isolation.LOCK_DIRS[0]) / str(lease.uid)
    # A process no signal can end is not something a test can make; the sweep says so.
    monkeypatch.setattr(isolation, "kill_uid", lambda uid: False)
    try:
        problem = isolation.finish(lease, None, False, None)
        assert "would not die" in problem
        assert lock.read_bytes() == isolation.RETIRED
    finally:
        # Nothing ran as that uid: it goes back to the pool.
        lock.write_bytes(b"0")
