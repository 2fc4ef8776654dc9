"""The syscall filter: a seccomp BPF program that denies what learner code never needs.

An exercise at this level needs no sockets of any family, no ptrace, no namespaces, no
SysV IPC, no kernel keys, no mounts, no BPF, no perf events and no io_uring. Each of
those is a way out of the sandbox (a pathname Unix socket reaches D-Bus or Docker, a
shared-memory segment outlives the child, a kernel bug hides behind bpf or io_uring),
so the filter makes them fail with EPERM: an ordinary error the learner's program sees
and the grader explains, never a kill. Everything else (the interpreter's start, files
in the child's folder, pipes, forks, threads, signals, Landlock) stays allowed.

The program is built here, in the parent, as the raw bytes of ``struct sock_filter``
entries: the harness installs it with ctypes (it runs with ``-I -S`` and the standard
library only) and bubblewrap reads it from a descriptor (``bwrap --seccomp FD``). The
syscall numbers are x86_64's; on another architecture there is no filter, and the
report says so.
"""

from __future__ import annotations

import errno
import platform
import struct
from collections.abc import Sequence

# linux/audit.h: AUDIT_ARCH_X86_64 = EM_X86_64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE.
AUDIT_ARCH_X86_64 = 0xC000003E
# x32 syscalls are x86_64 syscalls with this bit set: another table of numbers, denied.
X32_SYSCALL_BIT = 0x40000000

# Offsets in struct seccomp_data: nr, arch, instruction pointer, then six 64-bit args
# (the low half of args[0] comes first on a little-endian machine).
_NR, _ARCH, _ARG0_LOW = 0, 4, 16

# linux/filter.h opcodes.
_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JGE_K = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_AND_K = 0x54  # BPF_ALU | BPF_AND | BPF_K
_RET_K = 0x06  # BPF_RET | BPF_K

# linux/seccomp.h return values.
RET_ALLOW = 0x7FFF0000
RET_ERRNO = 0x00050000

# clone() flags that create a namespace (linux/sched.h): CLONE_NEWTIME, NEWNS,
# NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET. clone() without them is a fork
# or a thread, which the harness and the learner's code may use.
CLONE_NAMESPACE_FLAGS = (
    0x00000080 | 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000
) | 0x40000000

SYS_CLONE = 56
# clone3 passes its flags in memory, where a filter cannot read them: it fails with
# ENOSYS, and glibc falls back to clone(), whose flags the filter sees.
SYS_CLONE3 = 435

# What is denied, by family, with x86_64's numbers (asm/unistd_64.h).
DENIED: dict[str, dict[str, int]] = {
    "sockets": {
        "socket": 41,
        "connect": 42,
        "accept": 43,
        "sendto": 44,
        "recvfrom": 45,
        "sendmsg": 46,
        "recvmsg": 47,
        "bind": 49,
        "listen": 50,
        "socketpair": 53,
        "accept4": 288,
        "recvmmsg": 299,
        "sendmmsg": 307,
    },
    "ptrace": {"ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311},
    "namespaces": {"unshare": 272, "setns": 308},
    "SysV IPC": {
        "shmget": 29,
        "shmat": 30,
        "shmctl": 31,
        "semget": 64,
        "semop": 65,
        "semctl": 66,
        "shmdt": 67,
        "msgget": 68,
        "msgsnd": 69,
        "msgrcv": 70,
        "msgctl": 71,
        "semtimedop": 220,
    },
    "kernel keys": {"add_key": 248, "request_key": 249, "keyctl": 250},
    "mounts": {
        "pivot_root": 155,
        "mount": 165,
        "umount2": 166,
        "open_tree": 428,
        "move_mount": 429,
        "fsopen": 430,
        "fsconfig": 431,
        "fsmount": 432,
        "fspick": 433,
        "mount_setattr": 442,
    },
    "bpf": {"bpf": 321},
    "perf events": {"perf_event_open": 298},
    "io_uring": {"io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427},
}

SUPPORTED_MACHINES = ("x86_64", "amd64")


def machine() -> str:
    """Return this machine's architecture, as the kernel names it."""
    return platform.machine()


def supported(name: str | None = None) -> bool:
    """Whether the filter knows this architecture's syscall numbers."""
    return (name or machine()).lower() in SUPPORTED_MACHINES


def denied_numbers() -> tuple[int, ...]:
    """Return every denied syscall number, sorted."""
    return tuple(sorted({nr for family in DENIED.values() for nr in family.values()}))


def _insn(code: int, k: int, jt: int = 0, jf: int = 0) -> tuple[int, int, int, int]:
    return (code, jt, jf, k)


def build(numbers: Sequence[int] | None = None) -> bytes:
    """Return the filter as the bytes of its ``struct sock_filter`` array (x86_64).

    The layout: a wrong architecture is denied; x32 numbers are denied; each denied
    number jumps to EPERM; clone3 gets ENOSYS; clone is checked for namespace flags;
    anything else is allowed.
    """
    denied = list(denied_numbers() if numbers is None else numbers)
    deny = ret_errno(errno.EPERM)
    program = [
        _insn(_LD_W_ABS, _ARCH),
        _insn(_JEQ_K, AUDIT_ARCH_X86_64, jt=1, jf=0),
        _insn(_RET_K, deny),
        _insn(_LD_W_ABS, _NR),
    ]
    # Each compare jumps forward to one of the returns after the last compare.
    compares = [(_JGE_K, X32_SYSCALL_BIT, "deny")]
    compares += [(_JEQ_K, nr, "deny") for nr in denied]
    compares += [(_JEQ_K, SYS_CLONE3, "enosys"), (_JEQ_K, SYS_CLONE, "clone")]
    tail = ["allow", "deny", "enosys", "clone"]
    first_tail = len(program) + len(compares)
    for code, value, target in compares:
        jump = first_tail + tail.index(target) - len(program) - 1
        if jump > 255:
            raise ValueError("too many denied syscalls for one jump")
        program.append(_insn(code, value, jt=jump))
    program += [
        _insn(_RET_K, RET_ALLOW),
        _insn(_RET_K, deny),
        _insn(_RET_K, ret_errno(errno.ENOSYS)),
        # clone: deny when any namespace flag is set in the low half of its flags.
        _insn(_LD_W_ABS, _ARG0_LOW),
        _insn(_AND_K, CLONE_NAMESPACE_FLAGS),
        _insn(_JEQ_K, 0, jt=0, jf=1),
        _insn(_RET_K, RET_ALLOW),
        _insn(_RET_K, deny),
    ]
    return b"".join(struct.pack("=HBBI", code, jt, jf, k) for code, jt, jf, k in program)


def ret_errno(number: int) -> int:
    """Return the filter's answer that makes a call fail with this errno."""
    return RET_ERRNO | (number & 0xFFFF)


def program() -> bytes | None:
    """Return the filter for this machine, or None where there is none for its architecture."""
    return build() if supported() else None
