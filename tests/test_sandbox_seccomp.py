"""The syscall filter: what learner code may not call, in both tiers, and what it still may.

The filter's program is read by a small BPF interpreter here (what it answers for each
syscall), and then installed for real: a program that tries every denied call and a few
allowed ones runs in each tier with and without the filter. Runs that could leave
kernel objects on the machine (no filter: SysV segments, keys) happen inside a private
mount and IPC namespace, or not at all.
"""

from __future__ import annotations

import errno
import json
import shutil
import struct
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from grader.analysis.allowlist import UNRESTRICTED
from grader.cli import main
from grader.exercise import builtin
from grader.grade import Options, Submission, grade
from grader.load import Cell, Program
from grader.result import Report, Result, Status
from grader.sandbox import (
    Limits,
    Sandbox,
    isolation,
    seccomp,
    seccomp_filter,
    visibility,
)
from grader.sandbox.values import decode
from tests.conftest import BWRAP_PROBLEM, TIERS, WARM_PROBLEM

ROOT = Path(__file__).resolve().parent.parent
CALLS = (Path(__file__).resolve().parent / "programs" / "syscalls.py").read_text(encoding="utf-8")

PYTHON = visibility.child_python(isolation.is_root()) or sys.executable
FILTER_PROBLEM = seccomp_filter(PYTHON, isolation.is_root())[1]
needs_filter = pytest.mark.skipif(
    bool(FILTER_PROBLEM), reason=f"no syscall filter here: {FILTER_PROBLEM}"
)

# What each denied call of tests/programs/syscalls.py must fail with under the filter.
DENIED = {
    name: errno.EPERM
    for name in (
        "socket tcp",
        "socket udp",
        "socket unix",
        "socket netlink",
        "socketpair",
        "ptrace",
        "unshare",
        "setns",
        "clone with namespace flags",
        "shmget",
        "msgget",
        "semget",
        "add_key",
        "keyctl",
        "request_key",
        "mount",
        "bpf",
        "perf_event_open",
        "io_uring_setup",
        "x32 getpid",
    )
} | {"clone3": errno.ENOSYS}
ALLOWED = (
    "fork",
    "clone without namespace flags",
    "thread",
    "subprocess",
    "file in its folder",
    "pipe",
    "standard library",
)
# Calls an unprivileged process is refused anyway, filter or not: that the filter
# denies them too is shown by the interpreter below, not by the kernel.
REFUSED_ANYWAY = {"mount", "setns"}


def outcome(tier: str, filtered: bool = True) -> dict[str, int]:
    """Run the syscall program in a tier; return each call's errno (0: it worked)."""
    program = Program(path="calls.py", kind="script", cells=(Cell(None, CALLS, CALLS),))
    ran = Sandbox(tier, seccomp=filtered).run(program, [{}], Limits(timeout=10))
    assert ran.main.errors == (), ran.main.errors
    found = decode(ran.main.values["outcome"])
    assert isinstance(found, dict)
    return found


# -- the program, read by a BPF interpreter ------------------------------------------

X86_64 = seccomp.AUDIT_ARCH_X86_64
I386 = 0x40000003


def answer(program: bytes, nr: int, arch: int = X86_64, arg0: int = 0) -> int:
    """Run a seccomp BPF program on one syscall, as the kernel would; return its answer."""
    data = struct.pack("=iIQ6Q", nr, arch, 0, arg0, 0, 0, 0, 0, 0)
    insns = [struct.unpack_from("=HBBI", program, i) for i in range(0, len(program), 8)]
    acc, pc = 0, 0
    while True:
        code, jt, jf, k = insns[pc]
        if code == 0x20:  # load a word of the syscall's data
            acc = struct.unpack_from("=I", data, k)[0]
        elif code == 0x54:  # and
            acc &= k
        elif code == 0x15:  # jump if equal
            pc += jt if acc == k else jf
        elif code == 0x35:  # jump if greater or equal
            pc += jt if acc >= k else jf
        elif code == 0x06:  # return
            return k
        else:
            raise AssertionError(f"unknown instruction {code:#x}")
        pc += 1


EPERM = seccomp.ret_errno(errno.EPERM)


def test_every_denied_number_is_answered_with_eperm() -> None:
    """Each syscall of the denied families fails with EPERM."""
    program = seccomp.build()
    answers = {nr: answer(program, nr) for nr in seccomp.denied_numbers()}
    assert answers == dict.fromkeys(seccomp.denied_numbers(), EPERM)


def test_other_syscalls_are_allowed() -> None:
    """read, write, openat, mmap, kill, wait4, landlock: what Python and the harness use."""
    program = seccomp.build()
    for nr in (0, 1, 257, 9, 62, 61, 444, 445, 446, 57, 58, 59, 434):
        assert answer(program, nr) == seccomp.RET_ALLOW, nr


def test_clone_is_allowed_without_namespace_flags_and_denied_with_any() -> None:
    """A fork or a thread may clone; clone with any CLONE_NEW* flag may not."""
    program = seccomp.build()
    thread = 0x003D0F00  # CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD ...
    assert answer(program, seccomp.SYS_CLONE, arg0=17) == seccomp.RET_ALLOW
    assert answer(program, seccomp.SYS_CLONE, arg0=thread) == seccomp.RET_ALLOW
    for flag in (0x80, 0x20000, 0x2000000, 0x4000000, 0x8000000, 0x10000000, 0x20000000):
        assert answer(program, seccomp.SYS_CLONE, arg0=flag | 17) == EPERM, hex(flag)
    assert answer(program, seccomp.SYS_CLONE, arg0=0x40000000 | 17) == EPERM


def test_clone3_gets_enosys_so_that_the_c_library_falls_back_to_clone() -> None:
    """clone3's flags are in memory the filter cannot read: it answers ENOSYS."""
    assert answer(seccomp.build(), seccomp.SYS_CLONE3) == seccomp.ret_errno(errno.ENOSYS)


def test_x32_numbers_and_other_architectures_are_denied() -> None:
    """An x32 or i386 syscall cannot slip past the x86_64 numbers."""
    program = seccomp.build()
    assert answer(program, seccomp.X32_SYSCALL_BIT | 39) == EPERM
    assert answer(program, 39, arch=I386) == EPERM
    assert answer(program, 1, arch=I386) == EPERM


def test_only_x86_64_gets_a_filter() -> None:
    """The numbers are x86_64's: another architecture runs without one."""
    assert seccomp.supported("x86_64")
    assert not seccomp.supported("aarch64")
    assert not seccomp.supported("i686")


# -- the filter, installed for real ----------------------------------------------------


@needs_filter
@pytest.mark.parametrize("tier", TIERS)
def test_each_denied_call_fails_with_eperm_in_the_child(tier: str) -> None:
    """Sockets of every family, ptrace, namespaces, SysV IPC, keys, mounts, bpf, perf
    events, io_uring and x32 calls fail with EPERM (clone3 with ENOSYS); nothing is killed."""
    found = outcome(tier)
    assert {name: found[name] for name in DENIED} == DENIED


@needs_filter
@pytest.mark.parametrize("tier", TIERS)
def test_plain_standard_library_use_still_works_under_the_filter(tier: str) -> None:
    """Forks, threads, subprocesses, files, pipes and the standard library still work."""
    found = outcome(tier)
    assert {name: found[name] for name in ALLOWED} == dict.fromkeys(ALLOWED, 0)


@needs_filter
@pytest.mark.parametrize("tier", TIERS)
def test_a_run_names_the_filter_among_its_layers(tier: str) -> None:
    """The harness's own word: it ran under the filter; without it, the layer is not named."""
    program = Program(path="x.py", kind="script", cells=(Cell(None, "x = 1\n", "x = 1\n"),))
    assert "seccomp" in Sandbox(tier).run(program, [{}]).layers
    assert "seccomp" not in Sandbox(tier, seccomp=False).run(program, [{}]).layers


UNFILTERED = """
import json, sys
sys.path.insert(0, {tests!r})
from test_sandbox_seccomp import outcome
tiers = {tiers!r}
print(json.dumps({{tier: outcome(tier, filtered=False) for tier in tiers}}))
"""


def in_private_namespace(script: str) -> subprocess.CompletedProcess[str]:
    """Run a Python script as root in a new mount and IPC namespace with fresh temp folders."""
    # tests.contained covers each temporary folder and binds back the checkout and the
    # interpreter where they live under one (a clone in /tmp).
    prologue = (
        "from tests.contained import TEMP_FOLDERS, cover\n"
        "for folder in TEMP_FOLDERS:\n"
        "    cover(folder)\n"
    )
    unshare = ["unshare", "-m", "-i", "--propagation", "private"]
    return subprocess.run(
        [*unshare, sys.executable, "-c", prologue + script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )


needs_private_namespace = pytest.mark.skipif(
    not isolation.is_root() or shutil.which("unshare") is None,
    reason="a private mount and IPC namespace needs root and unshare(1)",
)


@needs_filter
@needs_private_namespace
def test_without_the_filter_the_same_calls_reach_the_kernel() -> None:
    """The denials come from the filter: without it, each call gets the kernel's own answer.

    Run in a private mount and IPC namespace, since these calls then create SysV
    objects (removed at once by the program, but never on the machine's own).
    """
    tiers = ["process"] + ([] if BWRAP_PROBLEM else ["bwrap"]) + ([] if WARM_PROBLEM else ["warm"])
    script = UNFILTERED.format(tests=str(Path(__file__).resolve().parent), tiers=tiers)
    done = in_private_namespace(script)
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.splitlines()[-1])
    refused = set(REFUSED_ANYWAY)
    if Path("/proc/sys/kernel/io_uring_disabled").read_text().strip() != "0":
        refused.add("io_uring_setup")
    for tier in tiers:
        reached = {name: found[tier][name] for name in DENIED if name not in refused}
        assert [name for name, got in reached.items() if got == DENIED[name]] == [], tier
        assert {name: found[tier][name] for name in ALLOWED} == dict.fromkeys(ALLOWED, 0)


# -- what the learner and the report see -------------------------------------------------


@needs_filter
def test_a_denied_call_is_explained_in_plain_words(tmp_path: Path) -> None:
    """socket() refused: the learner reads that grading runs with no network, and what to do.

    Graded with the exercise's allowlist off (it would stop at `import socket`): the
    filter must hold whatever the code does.
    """
    path = tmp_path / "submission.py"
    path.write_text(
        "import socket\n"
        "systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}\n"
        "load = 7\n"
        "can_handle_load = {}\n"
        "for strategy, capacity in systems.items():\n"
        "    can_handle_load[strategy] = capacity >= load\n"
        "print(can_handle_load)\n"
        'socket.create_connection(("127.0.0.1", 9))\n',
        encoding="utf-8",
    )
    unguarded = replace(builtin(), allowlist=UNRESTRICTED)
    report = grade([Submission(path.name, path)], Options(timeout=3.0), exercise=unguarded)
    result = report.results[0]
    assert result.score == len(result.steps)
    assert result.code == "not-permitted"
    assert result.message.startswith("Your program stopped at line 8 with PermissionError")
    assert "no network" in result.message
    assert "remove the line" in result.message


@needs_filter
def test_the_json_report_names_the_layers_in_force(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`layers` names the filter, in the report and in each result, the uid without its number."""
    main([str(ROOT / "submissions" / "correct-script.py"), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert "seccomp" in report["layers"]
    assert "seccomp" in report["results"][0]["layers"]
    assert report["results"][0]["layers"] == report["layers"]
    assert not any(layer.startswith("uid ") for layer in report["layers"])


def test_bubblewrap_reads_the_filter_from_the_descriptor_it_is_given() -> None:
    """The bwrap command passes the filter's descriptor, and no filter means no option."""
    argv = visibility.bwrap_argv("bwrap", PYTHON, None, (), 1000, None, seccomp_fd=7)
    assert argv[argv.index("--seccomp") + 1] == "7"
    assert argv.index("--seccomp") < argv.index("--")
    assert "--seccomp" not in visibility.bwrap_argv("bwrap", PYTHON, None, (), 1000, None)


def test_the_filter_bytes_are_whole_instructions() -> None:
    """The program bubblewrap and the harness read is an array of 8-byte instructions."""
    program = seccomp.build()
    assert len(program) % 8 == 0
    assert 0 < len(program) // 8 < 4096  # BPF_MAXINSNS


def test_the_reports_layers_are_those_that_held_for_every_submission_that_ran() -> None:
    """A layer one submission lacked is not claimed for the batch; a file that never ran
    (no layers) does not empty the list."""
    ran = Result("a.py", Status.PASSED, layers=("uid", "no-new-privs", "seccomp"))
    less = Result("b.py", Status.FAILED, layers=("uid", "no-new-privs"))
    unread = Result("c.py", Status.ERROR)
    assert Report(results=(ran, less, unread)).layers == ("uid", "no-new-privs")
    assert Report(results=(ran, unread)).layers == ("uid", "no-new-privs", "seccomp")
    assert Report(results=(unread,)).layers == ()
