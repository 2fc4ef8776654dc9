"""Locking the harness and each variant down: resource limits, prctl, private mounts
and IPC, keyrings, the syscall filter and Landlock.
"""

import os
import struct

TYPE_CHECKING = False
if TYPE_CHECKING:  # in the child, the files share one namespace (grader/sandbox/bundle.py)
    import signal
    from collections.abc import Iterable, Sequence
    from ctypes import CDLL
    from typing import Any, TypedDict

    from grader.sandbox.harness.encode import hard_exit

    # The layers that hold, by the harness's own word: its answer's "layers", read by
    # layer_names and phases_of in grader/sandbox/child.py. A type for readers only: the
    # child never builds it.
    class Layers(TypedDict, total=False):
        no_new_privs: bool
        seccomp: bool
        seccomp_filters: int
        landlock: int  # the Landlock ABI in force, 0 for none
        cgroup: bool
        mount_ns: bool
        ipc_ns: bool
        keyring: bool
        # The warm tier's network namespace is its zygote's (safe only under the filter).
        shared_network: bool
        # Each phase's CPU and wall seconds, when the request asks to be measured.
        phases: dict[str, list[float]]
else:
    import _signal as signal  # the C module: `signal` would import enum, and enum re


# prctl options (linux/prctl.h).
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2

# Namespaces, mounts and keyrings (linux/sched.h, linux/mount.h, linux/keyctl.h).
CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 2, 4, 0x4000, 1 << 18
SYS_KEYCTL = {"x86_64": 250, "aarch64": 219, "riscv64": 219, "i686": 288, "armv7l": 311}
KEYCTL_JOIN_SESSION_KEYRING, KEYCTL_CLEAR = 1, 7
KEY_SPEC_USER_KEYRING, KEY_SPEC_USER_SESSION_KEYRING = -4, -5

# Landlock (linux/landlock.h). The syscall numbers are the same on every architecture.
SYS_LANDLOCK_CREATE_RULESET = 444
SYS_LANDLOCK_ADD_RULE = 445
SYS_LANDLOCK_RESTRICT_SELF = 446
LANDLOCK_CREATE_RULESET_VERSION = 1
LANDLOCK_RULE_PATH_BENEATH = 1
FS_EXECUTE = 1 << 0
FS_WRITE_FILE = 1 << 1
FS_READ_FILE = 1 << 2
FS_READ_DIR = 1 << 3
FS_TRUNCATE = 1 << 14
FS_IOCTL_DEV = 1 << 15
# The rights that make sense on a file rather than a folder.
FS_FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
FS_READ_RIGHTS = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR


def apply_limits(limits: "dict[str, int]", names: "Iterable[str]") -> None:
    """Lower some resource limits, soft and hard, so the learner's code cannot raise them."""
    import resource

    for name in names:
        which = getattr(resource, name, None)
        value = limits.get(name)
        if which is None or value is None:
            continue
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError, OverflowError):
            pass


def load_libc() -> "CDLL | None":
    """Return libc through ctypes, or None where ctypes is missing."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        return libc
    except Exception:
        return None


def prctl(libc: "CDLL | None", option: int, value: int) -> bool:
    """Call prctl(option, value); return whether it worked."""
    if libc is None:
        return False
    import ctypes

    done: bool = (
        libc.prctl(
            option, ctypes.c_ulong(value), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0)
        )
        == 0
    )
    return done


def enter_namespaces(libc: "CDLL | None", enter: "dict[str, Any]") -> "Layers":
    """Started as root: take private mounts and IPC, then become the child's own uid.

    In a mount namespace of its own, /tmp, /var/tmp, /dev/shm and the child's folder
    are fresh tmpfs limited in size and in files, so whatever the learner's code makes
    costs nothing to remove: it goes with the namespace. System V IPC objects live and
    die in the IPC namespace. Where the kernel or the container refuses (no
    CAP_SYS_ADMIN), the parent sweeps instead. Return which of these hold.
    """
    held: Layers = {
        "mount_ns": False,
        "ipc_ns": False,
        "cgroup": join_cgroup(enter.get("cgroup", ())),
    }
    home = os.getcwd()
    if libc is not None and libc.unshare(CLONE_NEWNS | CLONE_NEWIPC) == 0:
        held["ipc_ns"] = True
        try:
            held["mount_ns"] = _private_folders(libc, enter, home)
        except OSError:
            pass  # the folders that could not be covered stay the machine's; swept after
    try:
        os.setgroups([])
        os.setgid(enter["gid"])
        os.setuid(enter["uid"])
    except OSError:
        hard_exit(70)  # never run learner code as root
    if os.getuid() != enter["uid"] or os.geteuid() != enter["uid"]:
        hard_exit(70)
    held["keyring"] = clear_keyrings(libc, fresh=True)
    return held


def join_cgroup(procs_files: "Sequence[str | int]") -> bool:
    """Move this process into its cgroup leaf (every process it forks is born there).

    ``procs_files`` are the leaf's cgroup.procs files, by path or as open descriptors
    (which are closed). Return whether it is in every hierarchy's leaf. Done by the
    process itself, as root, before it runs anything of the learner's: no scan of /proc
    for its tree.
    """
    joined = bool(procs_files)
    for path in procs_files:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC) if isinstance(path, str) else path
        except OSError:
            joined = False
            continue
        try:
            os.write(fd, b"0")
        except OSError:
            joined = False
        finally:
            os.close(fd)
    return joined


def _private_folders(libc: "CDLL", enter: "dict[str, Any]", home: str) -> bool:
    """Cover /tmp, /var/tmp, /dev/shm and the child's folder with fresh, limited tmpfs."""
    # Until mounts are private, a mount here would show on the whole machine.
    if libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None) != 0:
        return False
    files = {}
    for name in os.listdir(home):
        path = os.path.join(home, name)
        if os.path.isfile(path) and not os.path.islink(path):
            with open(path, "rb") as handle:
                files[name] = handle.read()
    size = f"size={enter['disk_bytes']},nr_inodes={enter['inodes']}"
    flags = MS_NOSUID | MS_NODEV
    for folder in ("/tmp", "/var/tmp", "/dev/shm"):
        if os.path.isdir(folder):
            libc.mount(b"tmpfs", folder.encode(), b"tmpfs", flags, (size + ",mode=1777").encode())
    os.makedirs(home, 0o755, exist_ok=True)
    options = f"{size},mode=700,uid={enter['uid']},gid={enter['gid']}".encode()
    if libc.mount(b"tmpfs", home.encode(), b"tmpfs", flags, options) != 0:
        return False
    os.chdir(home)
    for name, data in files.items():
        with open(name, "wb") as handle:
            handle.write(data)
        os.chown(name, enter["uid"], enter["gid"])
    return True


def clear_keyrings(libc: "CDLL | None", fresh: bool = False) -> bool:
    """Clear the uid's own keyrings (they outlive its processes); a fresh session keyring."""
    number = SYS_KEYCTL.get(os.uname().machine)
    if libc is None or number is None:
        return False
    import ctypes

    def keyctl(*args: int) -> int:
        result: int = libc.syscall(*(ctypes.c_long(arg) for arg in (number, *args)))
        return result

    if fresh and keyctl(KEYCTL_JOIN_SESSION_KEYRING, 0) < 0:
        return False
    cleared = [
        keyctl(KEYCTL_CLEAR, which) == 0
        for which in (KEY_SPEC_USER_KEYRING, KEY_SPEC_USER_SESSION_KEYRING)
    ]
    return all(cleared)


def harden(libc: "CDLL | None") -> "Layers":
    """Harden the harness before it forks anything; return which layers hold."""
    layers: Layers = {"no_new_privs": prctl(libc, PR_SET_NO_NEW_PRIVS, 1)}
    prctl(libc, PR_SET_DUMPABLE, 0)
    prctl(libc, PR_SET_CHILD_SUBREAPER, 1)
    # Die with the grader: a harness left behind would keep the learner's code running.
    prctl(libc, PR_SET_PDEATHSIG, signal.SIGKILL)
    try:
        with open("/proc/self/oom_score_adj", "w") as handle:
            handle.write("1000")
    except OSError:
        pass  # the OOM killer's order is a preference, never a condition to run
    layers["landlock"] = landlock_abi(libc)
    return layers


def install_seccomp(libc: "CDLL | None", program: "bytes | None") -> bool:
    """Install the parent's syscall filter on the harness and all it forks; return whether it did.

    The filter (the bytes of a ``struct sock_filter`` array, see grader/sandbox/seccomp.py) needs
    no new privileges, which harden has set.
    """
    if libc is None or not program:
        return False
    import ctypes

    class _Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _Program(len(program) // 8, ctypes.addressof(buffer))
    installed: bool = (
        libc.prctl(
            PR_SET_SECCOMP,
            ctypes.c_ulong(SECCOMP_MODE_FILTER),
            ctypes.byref(fprog),
            ctypes.c_ulong(0),
            ctypes.c_ulong(0),
        )
        == 0
    )
    return installed


def landlock_abi(libc: "CDLL | None") -> int:
    """Return the kernel's Landlock ABI version, or 0 when it has none."""
    if libc is None:
        return 0
    import ctypes

    abi: int = libc.syscall(
        ctypes.c_long(SYS_LANDLOCK_CREATE_RULESET),
        None,
        ctypes.c_long(0),
        ctypes.c_long(LANDLOCK_CREATE_RULESET_VERSION),
    )
    return abi if abi > 0 else 0


def landlock_scope(libc: "CDLL | None", abi: int) -> bool:
    """Add a Landlock layer of its own that only scopes signals and abstract sockets (ABI 6).

    Variants that inherit the harness's file rules share one domain; this layer keeps
    each from signalling the others, as their own rules would. Return whether it holds.
    """
    if libc is None or abi < 6:
        return False
    import ctypes

    attr = ctypes.create_string_buffer(struct.pack("=QQQ", 0, 0, 3), 24)
    ruleset: int = libc.syscall(
        ctypes.c_long(SYS_LANDLOCK_CREATE_RULESET), attr, ctypes.c_long(24), ctypes.c_long(0)
    )
    if ruleset < 0:
        return False
    try:
        restricted: int = libc.syscall(
            ctypes.c_long(SYS_LANDLOCK_RESTRICT_SELF), ctypes.c_long(ruleset), ctypes.c_long(0)
        )
        return restricted == 0
    finally:
        os.close(ruleset)


def landlock_restrict(libc: "CDLL | None", abi: int, rules: "Sequence[tuple[str, bool]]") -> int:
    """Lock this process down: read-only below some paths, read-write below others.

    Nothing outside those paths can be read or written, TCP is refused (ABI 4) and so
    are signals and abstract sockets to processes outside (ABI 6). Return the ABI
    applied, or 0 if the kernel refused.
    """
    if libc is None or abi < 1 or not rules:
        return 0
    import ctypes

    handled = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 4: (1 << 15) - 1}.get(
        abi, (1 << 16) - 1
    )
    if abi >= 6:
        attr = struct.pack("=QQQ", handled, 3, 3)
    elif abi >= 4:
        attr = struct.pack("=QQ", handled, 3)
    else:
        attr = struct.pack("=Q", handled)
    buffer = ctypes.create_string_buffer(attr, len(attr))
    ruleset: int = libc.syscall(
        ctypes.c_long(SYS_LANDLOCK_CREATE_RULESET),
        buffer,
        ctypes.c_long(len(attr)),
        ctypes.c_long(0),
    )
    if ruleset < 0:
        return 0
    try:
        for path, writable in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue  # a path this machine does not have
            try:
                access = handled if writable else FS_READ_RIGHTS
                if not os.path.isdir(path):
                    access &= FS_FILE_RIGHTS
                rule = ctypes.create_string_buffer(struct.pack("=Qi", access & handled, fd), 12)
                libc.syscall(
                    ctypes.c_long(SYS_LANDLOCK_ADD_RULE),
                    ctypes.c_long(ruleset),
                    ctypes.c_long(LANDLOCK_RULE_PATH_BENEATH),
                    rule,
                    ctypes.c_long(0),
                )
            finally:
                os.close(fd)
        if (
            libc.syscall(
                ctypes.c_long(SYS_LANDLOCK_RESTRICT_SELF), ctypes.c_long(ruleset), ctypes.c_long(0)
            )
            != 0
        ):
            return 0
        return abi
    finally:
        os.close(ruleset)
