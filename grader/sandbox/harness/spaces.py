"""Namespaces and mounts for the warm tier: the zygote's read-only view of the machine,
made once, and the fresh namespaces each submission's harness takes from it.

The zygote (grader/sandbox/harness/zygote.py) runs as root and never runs learner code.
Once, in a mount namespace of its own, it makes the whole file system read-only, covers
the hidden folders (the grader, the reference, $HOME, .git, the submissions' folders)
with empty read-only tmpfs, binds the interpreter back where one of them covered it,
and gives /dev only the few devices a program needs, as bubblewrap does for its tier.
Each submission's harness is forked from it as the first process of a new PID
namespace, joins its cgroup leaf, takes new mount, IPC, network (unless the zygote made
one for all its submissions, which run under the syscall filter), cgroup and UTS
namespaces, a fresh /proc, a fresh /sys (the machine's would show its network
interfaces), fresh size-limited tmpfs on /tmp, /var/tmp, /dev/shm and its folder, and
then becomes the submission's own uid, with fresh keyrings. Where the grader is an
ordinary user, the zygote first takes a user namespace of its own (where
the kernel allows it), and each harness gives up that namespace's capabilities instead
of changing its uid.

Standard library only, Python 3.10 compatible, run as part of the harness
(grader/sandbox/bundle.py).
"""

import os
import struct

TYPE_CHECKING = False
if TYPE_CHECKING:  # in the child, the files share one namespace (grader/sandbox/bundle.py)
    from ctypes import CDLL
    from typing import Any

    from grader.sandbox.harness.encode import hard_exit
    from grader.sandbox.harness.lockdown import (
        CLONE_NEWIPC,
        CLONE_NEWNS,
        MS_NODEV,
        MS_NOSUID,
        MS_PRIVATE,
        MS_REC,
        Layers,
        clear_keyrings,
        join_cgroup,
    )

CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOEXEC, MS_REMOUNT, MS_BIND = 1, 8, 32, 4096

# mount_setattr(2): one call makes a whole tree of mounts read-only (Linux 5.12).
SYS_MOUNT_SETATTR = 442
AT_FDCWD, AT_RECURSIVE = -100, 0x8000
MOUNT_ATTR_RDONLY, MOUNT_ATTR_NOSUID = 0x1, 0x2

# Where a submission's folder is, inside its namespaces (the bwrap tier's too).
WORKDIR = "/tmp/work"

# The devices a program may need, bound into the zygote's own small /dev.
DEVICES = ("null", "zero", "full", "random", "urandom", "tty")
DEVICE_LINKS = {
    "fd": "/proc/self/fd",
    "stdin": "/proc/self/fd/0",
    "stdout": "/proc/self/fd/1",
    "stderr": "/proc/self/fd/2",
}


def mount(
    libc: "CDLL",
    source: "str | None",
    target: str,
    fstype: "str | None",
    flags: int,
    data: "str | None" = None,
) -> None:
    """Call mount(2); raise OSError if it fails."""
    import ctypes

    code: int = libc.mount(
        source.encode() if source else None,
        target.encode(),
        fstype.encode() if fstype else None,
        ctypes.c_ulong(flags),
        data.encode() if data else None,
    )
    if code != 0:
        number = ctypes.get_errno()
        raise OSError(number, f"mount {target}: {os.strerror(number)}")


def unshare(libc: "CDLL", flags: int) -> None:
    """Call unshare(2); raise OSError if it fails."""
    import ctypes

    if libc.unshare(flags) != 0:
        number = ctypes.get_errno()
        raise OSError(number, f"unshare: {os.strerror(number)}")


def prepare_view(libc: "CDLL", view: "dict[str, Any]") -> None:
    """Make the zygote's own view of the file system (once): see the module's docstring.

    ``view`` holds the folders to cover (``hidden``), those to bind back (``exposed``:
    the interpreter's), and those to cover again inside the exposed ones (``rehidden``).
    """
    unshare(libc, CLONE_NEWNS)
    mount(libc, None, "/", None, MS_REC | MS_PRIVATE)
    kept = {path: os.open(path, os.O_PATH | os.O_DIRECTORY) for path in view["exposed"]}
    for folder in view["hidden"]:
        _cover(libc, folder)
    for path, fd in kept.items():
        mount(libc, f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
        os.close(fd)
    for folder in view["rehidden"]:
        _cover(libc, folder)
    _small_dev(libc)
    _read_only(libc)


def _cover(libc: "CDLL", folder: str) -> None:
    """Cover a folder with an empty, read-only tmpfs."""
    mount(libc, "tmpfs", folder, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k,mode=755")


def _small_dev(libc: "CDLL") -> None:
    """Give /dev only the devices a program needs, and the usual links."""
    kept: dict[str, int] = {}
    for name in DEVICES:
        try:
            kept[name] = os.open(f"/dev/{name}", os.O_PATH)
        except OSError:
            continue
    mount(libc, "tmpfs", "/dev", "tmpfs", MS_NOSUID, "size=64k,mode=755")
    for name, fd in kept.items():
        with open(f"/dev/{name}", "wb"):
            pass
        mount(libc, f"/proc/self/fd/{fd}", f"/dev/{name}", None, MS_BIND)
        os.close(fd)
    for name, target in DEVICE_LINKS.items():
        os.symlink(target, f"/dev/{name}")
    os.mkdir("/dev/shm", 0o1777)
    os.mkdir("/dev/pts", 0o755)


def _read_only(libc: "CDLL") -> None:
    """Make every mount of this namespace read-only (and without setuid)."""
    import ctypes

    attr = ctypes.create_string_buffer(
        struct.pack("=QQQQ", MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID, 0, 0, 0), 32
    )
    done: int = libc.syscall(
        ctypes.c_long(SYS_MOUNT_SETATTR),
        ctypes.c_long(AT_FDCWD),
        b"/",
        ctypes.c_long(AT_RECURSIVE),
        attr,
        ctypes.c_long(32),
    )
    if done == 0:
        return
    # An older kernel: remount each mount point on its own, deepest last.
    with open("/proc/self/mountinfo", encoding="utf-8") as handle:
        points = [line.split()[4] for line in handle]
    for point in points:
        point = point.replace("\\040", " ")
        mount(libc, None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID)


CLONE_NEWUSER = 0x10000000
# linux/prctl.h and linux/capability.h: the bounding set, the ambient set, capset(2).
PR_CAPBSET_DROP, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 24, 47, 4
CAPABILITY_VERSION_3 = 0x20080522
LAST_CAPABILITY = 63


def enter_user_namespace(libc: "CDLL") -> None:
    """As an ordinary user: take a user namespace of its own, where this process alone
    has the capabilities to make namespaces and mounts, its uid and gid mapped to
    themselves (the machine sees the same user)."""
    uid, gid = os.getuid(), os.getgid()
    unshare(libc, CLONE_NEWUSER)
    with open("/proc/self/setgroups", "w") as handle:
        handle.write("deny")
    with open("/proc/self/uid_map", "w") as handle:
        handle.write(f"{uid} {uid} 1")
    with open("/proc/self/gid_map", "w") as handle:
        handle.write(f"{gid} {gid} 1")


def drop_capabilities(libc: "CDLL") -> bool:
    """Give up every capability, for good (bounding, ambient, effective, permitted and
    inheritable sets); return whether none is left."""
    import ctypes

    for number in range(LAST_CAPABILITY + 1):
        libc.prctl(PR_CAPBSET_DROP, ctypes.c_ulong(number), 0, 0, 0)
    libc.prctl(PR_CAP_AMBIENT, ctypes.c_ulong(PR_CAP_AMBIENT_CLEAR_ALL), 0, 0, 0)
    header = ctypes.create_string_buffer(struct.pack("=Ii", CAPABILITY_VERSION_3, 0), 8)
    data = ctypes.create_string_buffer(24)
    if libc.capset(header, data) != 0:
        return False
    with open("/proc/self/status", "rb") as handle:
        for line in handle:
            if line.startswith((b"CapEff:", b"CapPrm:", b"CapBnd:")) and int(line.split()[1], 16):
                return False
    return True


def enter_child(libc: "CDLL", config: "dict[str, Any]") -> "Layers":
    """As the first process of a new PID namespace, take the submission's namespaces and uid.

    Return which layers hold. Never returns as root, nor with a capability: on any
    failure the process exits. Where the grader is an ordinary user (``uid`` None), the
    process keeps the user's uid and gives up the capabilities of the zygote's user
    namespace instead.
    """
    held: Layers = {"cgroup": join_cgroup(config.get("cgroup", ()))}
    os.setsid()
    # The network namespace is the zygote's own when it made one for all its
    # submissions: they run under the syscall filter, which refuses every socket, so
    # that none can change it or leave anything in it for the next (main.serve runs
    # no learner code where the filter did not install). Else one of its own.
    network = 0 if config.get("network_once") else CLONE_NEWNET
    unshare(libc, CLONE_NEWNS | CLONE_NEWIPC | network | CLONE_NEWCGROUP | CLONE_NEWUTS)
    held["mount_ns"] = True
    held["ipc_ns"] = True
    held["shared_network"] = not network
    flags = MS_NOSUID | MS_NODEV
    mount(libc, "proc", "/proc", "proc", flags | MS_NOEXEC)
    # The sysfs of this network namespace, which shows its own interfaces (a loopback),
    # not the machine's; where the kernel refuses one, none at all.
    try:
        mount(libc, "sysfs", "/sys", "sysfs", flags | MS_NOEXEC | MS_RDONLY)
    except OSError:
        _cover(libc, "/sys")
    size = f"size={config['disk_bytes']},nr_inodes={config['inodes']}"
    for folder in ("/tmp", "/var/tmp", "/dev/shm"):
        if os.path.isdir(folder):
            mount(libc, "tmpfs", folder, "tmpfs", flags, size + ",mode=1777")
    os.mkdir(WORKDIR, 0o700)
    uid = os.getuid() if config["uid"] is None else config["uid"]
    gid = os.getgid() if config["gid"] is None else config["gid"]
    owner = f",mode=700,uid={uid},gid={gid}"
    mount(libc, "tmpfs", WORKDIR, "tmpfs", flags, size + owner)
    os.chdir(WORKDIR)
    # Before the uid changes, which leaves /proc/self root's: first for the OOM killer.
    try:
        with open("/proc/self/oom_score_adj", "w") as handle:
            handle.write("1000")
    except OSError:
        pass
    if config["uid"] is None:
        if not drop_capabilities(libc):
            hard_exit(70)  # never run learner code with a capability
    else:
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
        if os.getuid() != uid or os.geteuid() != uid:
            hard_exit(70)  # never run learner code as root
    held["keyring"] = clear_keyrings(libc, fresh=True)
    return held
