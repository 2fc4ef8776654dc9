"""The hostile corpus: each file under tests/hostile/ graded through the real grader.

Every case is a learner program that attacks the grader (hangs, floods, forks, escapes,
forges, reads secrets, writes where it should not). Its first line pins the verdict it
must get (``# expect: status=... score=... code=a|b``). Graded alone and in a batch next
to a correct submission, in the always-on 'process' tier and, where they work, in the
'warm' and 'bwrap' tiers, each case must also:

- finish within its time limit plus a few seconds;
- leave no process behind (none marked by the case, none under a pool uid nobody
  holds) and no temporary folder;
- write nothing into the grader's package or the reference (the files it attacks are
  hashed before and after);
- keep the fake secrets of the grader's environment out of every report format;
- put no escape sequence, control character or CI workflow command in any report;
- send nothing to the listeners the cases aim at (a pathname Unix socket, TCP and UDP
  on 127.0.0.1): the syscall filter refuses sockets of every family.

The second part feeds the grader broken files (empty, binary, not UTF-8, too large,
not a notebook, links) and asserts a clear failed result, never a traceback.
"""

from __future__ import annotations

import ast
import atexit
import contextlib
import functools
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from grader.analysis.allowlist import UNRESTRICTED
from grader.exercise import builtin
from grader.grade import Options, Submission, grade
from grader.report import FORMATS
from grader.result import Report, Result, Status
from grader.sandbox import isolation, seccomp_filter, visibility
from tests.conftest import STEP_COUNT, TIERS

# The hostile cases attack the Linux layers; elsewhere there is nothing of them to test.
pytestmark = pytest.mark.linux
fcntl = pytest.importorskip("fcntl", reason="the hostile cases need the Linux isolation layers")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "hostile"
GRADER = ROOT / "grader"
REFERENCE = ROOT / "reference"
CORRECT = ROOT / "submissions" / "correct-script.py"

# Short, so that the suite stays fast; the bound allows for a loaded machine.
TIMEOUT = 2.0
MEMORY_MB = 256
SLACK = 5.0

FAKE_SECRETS = {
    "GITHUB_TOKEN": "ghp_FAKEhostileFAKEhostileFAKE000000",
    "AWS_SECRET_ACCESS_KEY": "FAKEawsSECRETaccessKEYforTHEtests",
    "GRADER_SECRET_PASSWORD": "fake-hostile-password",
}


@dataclass(frozen=True)
class Expected:
    """The verdict a case must get, from its first line.

    ``status=error|failed`` accepts either; ``code=a|b`` any of those codes.
    """

    status: str
    score: int | None
    codes: tuple[str, ...]

    def check(self, result: Result) -> None:
        """Assert that a result is this verdict."""
        self.check_verdict(result.status.value, result.score, result.code)

    def check_verdict(self, status: str, score: int, code: str | None) -> None:
        """Assert that a status, score and code are this verdict."""
        if self.status == "any":
            return
        got = (status, score, code)
        assert status in self.status.split("|"), got
        if self.score is not None:
            assert score == self.score, got
        if self.codes:
            assert code in self.codes, got

    @property
    def timed(self) -> bool:
        """Whether the clock may decide the verdict: a case that admits the time limit
        beside another may get either, on a busy machine, alone or in a batch."""
        return "timeout" in self.codes and len(self.codes) > 1


def expected_of(path: Path) -> Expected:
    """Read a case's '# expect:' line."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name} does not say what it expects"
    fields = dict(part.split("=", 1) for part in first[len("# expect: ") :].split())
    return Expected(
        status=fields["status"],
        score=int(fields["score"]) if "score" in fields else None,
        codes=tuple(fields["code"].split("|")) if "code" in fields else (),
    )


CASES = sorted(CORPUS.glob("*.py"))


def _process_tier_confinement() -> int:
    """How far the process tier confines a child here: 0 not at all (an ordinary user
    without Landlock shares the grader's uid), 1 files, 2 files and signals."""
    if isolation.is_root():
        return 2
    from grader.load import Cell, Program
    from grader.sandbox import Limits, Sandbox

    probe = Program(path="probe.py", kind="script", cells=(Cell(None, "x = 1\n", "x = 1\n"),))
    layers = Sandbox("process").run(probe, [{}], Limits(timeout=10)).layers
    abi = max(
        (int(layer.split()[1]) for layer in layers if layer.startswith("landlock")), default=0
    )
    return 2 if abi >= 6 else 1 if abi >= 1 else 0


# Cases that would really do harm where the process tier cannot confine them (they
# would write into the grader, read the grader's environment, kill the test run):
# those tiers and machines skip them, as SECURITY.md says they must not be used so.
NEEDS = {
    "modify-grader.py": 1,
    "fake-results.py": 1,
    "proc-environ.py": 1,
    "kill-everything.py": 2,
}
CONFINEMENT = _process_tier_confinement()


# Cases that would leave something on the machine that runs the tests if the grader
# failed to clean up (files in the shared temporary folders, IPC objects, keys): they
# run only inside private namespaces, through tests/contained.py.
CONTAINED = {
    "deep-tree.py",
    "million-files.py",
    "many-files.py",
    "sysv-ipc.py",
    "keyring.py",
    "zombie-leader.py",
}
UNSHARE = shutil.which("unshare")
# Cases that reach for what learner code is denied (sockets, namespaces, keys, mounts,
# bpf, io_uring): the syscall filter must refuse them with EPERM.
FILTER_PROBLEM = seccomp_filter(
    visibility.child_python(isolation.is_root()) or sys.executable, isolation.is_root()
)[1]


def why_not(case: Path, tier: str) -> str:
    """Say why a case cannot run in a tier on this machine without doing real harm, or ''."""
    if case.name in CONTAINED:
        return "it could leave something on the machine: graded in private namespaces"
    if "not-permitted" in expected_of(case).codes and FILTER_PROBLEM:
        return f"no syscall filter here: {FILTER_PROBLEM}"
    if tier == "process" and NEEDS.get(case.name, 0) > CONFINEMENT:
        return "the process tier cannot confine this case here (ordinary user, no Landlock)"
    return ""


def runnable(case: Path, tier: str) -> bool:
    """Whether a case can run in a tier on this machine without doing real harm."""
    return not why_not(case, tier)


class Listeners:
    """A pathname Unix socket, and TCP and UDP sockets on 127.0.0.1, that cases aim at.

    The Unix socket sits outside /tmp (under /run as root), where the bwrap tier's own
    /tmp does not hide it, and anyone may connect to it: only the syscall filter stands
    between a case and the listener. Nothing may ever arrive.
    """

    def __init__(self) -> None:
        base = "/run" if isolation.is_root() and os.access("/run", os.W_OK) else "/tmp"
        self.folder = Path(tempfile.mkdtemp(prefix="grader-listen-", dir=base))
        self.folder.chmod(0o755)
        self.unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.unix.bind(str(self.folder / "listen.sock"))
        (self.folder / "listen.sock").chmod(0o777)
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.bind(("127.0.0.1", 0))
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 0))
        for listener in (self.unix, self.tcp):
            listener.listen(8)
        for listener in (self.unix, self.tcp, self.udp):
            listener.setblocking(False)

    def placeholders(self) -> dict[str, str]:
        """Return what the cases' placeholders stand for."""
        return {
            "__UNIX_SOCKET__": str(self.folder / "listen.sock"),
            "__TCP_PORT__": str(self.tcp.getsockname()[1]),
            "__UDP_PORT__": str(self.udp.getsockname()[1]),
        }

    def received(self) -> list[str]:
        """Return what reached a listener (a connection, a datagram); nothing, if all is well."""
        found = []
        for name, listener in (("unix", self.unix), ("tcp", self.tcp)):
            with contextlib.suppress(BlockingIOError):
                connection, _ = listener.accept()
                connection.close()
                found.append(f"a {name} connection")
        with contextlib.suppress(BlockingIOError):
            found.append(f"a udp datagram: {self.udp.recv(1000)!r}")
        return found

    def close(self) -> None:
        """Close the listeners and remove their folder."""
        for listener in (self.unix, self.tcp, self.udp):
            listener.close()
        shutil.rmtree(self.folder, ignore_errors=True)


@functools.cache
def listeners() -> Listeners:
    """Return this process's listeners, made on first use and closed at its exit."""
    made = Listeners()
    atexit.register(made.close)
    return made


def materialize(case: Path, folder: Path, mark: str) -> Path:
    """Write a case with its placeholders filled in: the real paths, a unique mark."""
    text = case.read_text(encoding="utf-8")
    for key, value in {
        "__MARK__": mark,
        "__GRADER_PARENT__": str(GRADER.parent),
        "__GRADER__": str(GRADER),
        "__REFERENCE__": str(REFERENCE),
        **listeners().placeholders(),
    }.items():
        text = text.replace(key, value)
    path = folder / case.name
    path.write_text(text, encoding="utf-8")
    return path


# The files modify-grader.py goes after, hashed around every case: the only ones whose
# bytes are compared (others may edit the rest of the grader while the suite runs).
TARGETS = (
    GRADER / "sandbox" / "child.py",
    GRADER / "sandbox" / "values.py",
    REFERENCE / "solution.py",
)


def target_hashes() -> list[str]:
    """Hash the files the hostile corpus tries to rewrite."""
    return [hashlib.sha256(path.read_bytes()).hexdigest() for path in TARGETS]


def tampering(mark: str) -> list[str]:
    """Return the grader's and the reference's files a case wrote, made or opened up.

    Other people may edit the grader while the suite runs, so this does not compare
    hashes of the whole tree: it looks for the case's own mark in any file, for files
    owned by anyone but the owner of the folder, and for modes opened to everyone.
    """
    found = []
    for folder in (GRADER, REFERENCE):
        owner = folder.stat().st_uid
        for path in folder.rglob("*"):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            info = path.stat()
            if info.st_uid != owner or info.st_mode & 0o002 or mark.encode() in path.read_bytes():
                found.append(str(path))
    return found


def marked_processes(mark: str) -> list[int]:
    """Return the processes whose command line carries a mark."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    if mark.encode() in handle.read():
                        found.append(int(entry))
            except OSError:
                pass
    return found


def orphans_of_the_pool() -> list[int]:
    """Return processes running under a pool uid that no grader holds right now.

    A uid is held (locked) for as long as its child runs; while this function holds
    the lock itself, no grader can be using the uid, so any process of it is a leftover.
    """
    folder = Path(isolation.LOCK_DIRS[0])
    left = []
    for uid in isolation.free_ids():
        lock = folder / str(uid)
        if not lock.exists():
            continue
        fd = os.open(lock, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue
        else:
            left.extend(isolation.processes_of(uid))
        finally:
            os.close(fd)
    return left


def leftovers(mark: str, seconds: float = 3.0) -> list[int]:
    """Wait briefly for killed processes to go; return what is still there."""
    deadline = time.monotonic() + seconds
    while True:
        left = marked_processes(mark) + (orphans_of_the_pool() if isolation.is_root() else [])
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def assert_report_is_safe(report: Report) -> None:
    """No secret, escape, control character or forged CI command in any format."""
    for name, render in FORMATS.items():
        text = render(report)
        for secret in FAKE_SECRETS.values():
            assert secret not in text, f"a secret reached the {name} report"
        assert "##[" not in text, f"a legacy workflow command in the {name} report"
        if name == "json":
            strings: list[str] = []
            _strings(json.loads(text), strings)
            assert not any(_CONTROL.search(s) for s in strings), "control characters in JSON"
            continue
        for line in text.split("\n"):
            assert not _CONTROL.search(line.replace("\r", "")), f"control characters in {name}"
            stripped = line.lstrip()
            if stripped.startswith("::"):
                # Only the GitHub format may start lines with commands, and only its own:
                # whatever the learner wrote stays in the data, after the second '::'.
                assert name == "github", f"a workflow command in the {name} report: {line!r}"
                head = stripped[2:].split("::", 1)[0]
                assert "pwned" not in head and not head.startswith("add-mask"), line


def _strings(data: object, into: list[str]) -> None:
    if isinstance(data, str):
        into.append(data)
    elif isinstance(data, dict):
        for key, item in data.items():
            _strings(key, into)
            _strings(item, into)
    elif isinstance(data, list):
        for item in data:
            _strings(item, into)


@pytest.fixture
def sealed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Fake secrets in the grader's environment, and a temp folder of the test's own.

    The folder is where the children's folders are made; it must be empty afterwards.
    It sits directly in /tmp, reachable by the children's uids.
    """
    for name, secret in FAKE_SECRETS.items():
        monkeypatch.setenv(name, secret)
    folder = Path(tempfile.mkdtemp(prefix="grader-test-", dir="/tmp"))
    folder.chmod(0o755)
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    try:
        yield folder
        assert sorted(p.name for p in folder.iterdir()) == [], "a child's folder was left behind"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _grade(paths: list[Path], tier: str, jobs: int = 1) -> tuple[Report, float]:
    started = time.monotonic()
    report = grade(
        [Submission(path.name, path) for path in paths],
        Options(timeout=TIMEOUT, memory_mb=MEMORY_MB, jobs=jobs, sandbox=tier),
        exercise=UNGUARDED,
    )
    return report, time.monotonic() - started


# The corpus attacks the operating system's layers, which must hold whatever the code
# does: it is graded with the exercise's allowlist off, so that every attack runs as far
# as those layers let it (tests/test_forging.py holds the allowlist to its own corpus).
UNGUARDED = replace(builtin(), allowlist=UNRESTRICTED)


# Verdicts of the cases graded alone, to hold the batch to (status=any cases especially).
ALONE: dict[tuple[str, str], tuple[str, int, str | None]] = {}


def test_every_case_says_what_it_expects() -> None:
    """Each file of the corpus starts with its expected verdict."""
    assert len(CASES) >= 25
    for case in CASES:
        expected_of(case)


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_a_hostile_case_alone_gets_its_verdict_and_leaves_nothing(
    case: Path, tier: str, sealed: Path, tmp_path: Path
) -> None:
    """Graded alone: its verdict, on time, nothing left behind, a safe report."""
    if case.name in CONTAINED:
        pytest.skip("graded in private namespaces by the test below")
    if not runnable(case, tier):
        pytest.skip(why_not(case, tier))
    mark = f"hostile{uuid.uuid4().hex[:12]}"
    path = materialize(case, tmp_path, mark)
    before = target_hashes()
    report, elapsed = _grade([path], tier)
    assert target_hashes() == before, "a file of the grader or the reference changed"
    result = report.results[0]
    expected_of(case).check(result)
    assert report.sandbox == tier
    assert elapsed < TIMEOUT + SLACK, f"took {elapsed:.1f}s"
    assert leftovers(mark) == []
    assert tampering(mark) == []
    assert not (GRADER / "evil.py").exists()
    assert listeners().received() == []
    assert_report_is_safe(report)
    stray = Path("/tmp") / f"{mark}-results.json"
    if isolation.is_root() or tier in ("bwrap", "warm"):
        assert not stray.exists(), "a file the child wrote in /tmp was left behind"
    stray.unlink(missing_ok=True)
    ALONE[(tier, case.name)] = (result.status.value, result.score, result.code)


@pytest.mark.parametrize("tier", TIERS)
def test_a_batch_of_hostile_cases_spoils_no_one_elses_grading(
    tier: str, sealed: Path, tmp_path: Path
) -> None:
    """Next to every hostile case at once, a correct submission still gets 4/4.

    Each hostile case gets the verdict it gets alone (where the clock may decide between
    two, either): the batch around a submission never changes its grading.
    """
    mark = f"hostile{uuid.uuid4().hex[:12]}"
    cases = [case for case in CASES if runnable(case, tier)]
    paths = [materialize(case, tmp_path, mark) for case in cases]
    correct = tmp_path / "zz-correct.py"
    shutil.copyfile(CORRECT, correct)
    report, elapsed = _grade([*paths, correct], tier, jobs=2)
    by_name = {result.submission: result for result in report.results}
    assert by_name[correct.name].status is Status.PASSED
    assert by_name[correct.name].score == STEP_COUNT
    for case in cases:
        result = by_name[case.name]
        expected = expected_of(case)
        expected.check(result)
        alone = ALONE.get((tier, case.name))
        if alone is not None and not expected.timed:
            assert (result.status.value, result.score, result.code) == alone, case.name
    # Half the cases run to their time limit, two at a time.
    assert elapsed < len(cases) * (TIMEOUT + SLACK) / 2
    assert leftovers(mark) == []
    assert tampering(mark) == []
    assert listeners().received() == []
    assert_report_is_safe(report)


@pytest.mark.skipif(
    not isolation.is_root() or UNSHARE is None,
    reason="private mount and IPC namespaces for these cases need root and unshare(1)",
)
@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("case", sorted(CONTAINED), ids=[Path(c).stem for c in sorted(CONTAINED)])
def test_a_case_that_could_harm_the_machine_leaves_it_as_it_was(
    case: str, tier: str, tmp_path: Path
) -> None:
    """In private namespaces with fresh temporary folders: alone and in a batch, its
    verdict on time; the correct one next to it and the grading after it pass; no file,
    process (a thread group whose leader is a zombie included), IPC object or cgroup leaf
    is left, and the temporary folders keep their modes."""
    mark = f"hostile{uuid.uuid4().hex[:12]}"
    path = materialize(CORPUS / case, tmp_path, mark)
    assert UNSHARE is not None
    command = [UNSHARE, "-m", "-i", "-p", "-f", "--mount-proc", "--propagation", "private"]
    command.append(sys.executable)
    done = subprocess.run(
        [*command, "-m", "tests.contained", tier, str(path), str(CORRECT)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **FAKE_SECRETS},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    data = json.loads(done.stdout.strip().splitlines()[-1])
    alone, batch, after = data["gradings"]
    expected_of(CORPUS / case).check_verdict(*alone["results"][case])
    assert batch["results"][case] == alone["results"][case]
    assert batch["results"][CORRECT.name] == ["passed", 4, None]
    assert after["results"][CORRECT.name] == ["passed", 4, None]
    for grading in (alone, batch, after):
        assert grading["seconds"] < TIMEOUT + SLACK, f"took {grading['seconds']:.1f}s"
    assert data["left"] == []
    assert data["ipc"] == []
    assert data["modes"] == {"/tmp": "0o1777", "/var/tmp": "0o1777", "/dev/shm": "0o1777"}
    assert data["processes"] == []
    assert data["leaves"] == []
    assert leftovers(mark) == []


# -- broken files --------------------------------------------------------------------


def _notebook(cells: list[dict[str, object]]) -> str:
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


BROKEN: dict[str, tuple[bytes, str]] = {
    "empty.py": (b"", "empty"),
    "blank.py": (b"  \n\t\n", "empty"),
    "bom-only.py": (b"\xef\xbb\xbf", "empty"),
    "latin1.py": ("load = 'café'\n".encode("latin-1"), "not-utf8"),
    "binary.py": (bytes(range(256)) * 8, "binary-file"),
    "huge.py": (b"x = 1\n" * 1_750_000, "too-large"),
    "not-json.ipynb": (b"{this is not json", "bad-notebook"),
    "json-list.ipynb": (b"[1, 2, 3]", "bad-notebook"),
    "json-object.ipynb": (b'{"hello": "world"}', "bad-notebook"),
    "deep-json.ipynb": (b"[" * 100_000 + b"]" * 100_000, "bad-notebook"),
    "no-code.ipynb": (
        _notebook([{"cell_type": "markdown", "metadata": {}, "source": ["# only words"]}]).encode(),
        "no-code",
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_file_is_a_failed_result_with_one_paragraph(name: str, tmp_path: Path) -> None:
    """Each broken file: status error, 0/4, a plain explanation naming the file."""
    data, code = BROKEN[name]
    path = tmp_path / name
    path.write_bytes(data)
    result = grade([Submission(name, path)], Options(timeout=TIMEOUT)).results[0]
    assert (result.status, result.score, result.code) == (Status.ERROR, 0, code)
    assert result.message.startswith(name)
    assert "Traceback" not in result.message and "\n" not in result.message


def test_a_link_to_a_secret_is_refused_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A submission linking to /proc/self/environ is refused; the token never shows."""
    monkeypatch.setenv("GITHUB_TOKEN", FAKE_SECRETS["GITHUB_TOKEN"])
    link = tmp_path / "solution.py"
    link.symlink_to("/proc/self/environ")
    report = grade([Submission(link.name, link)], Options(timeout=TIMEOUT))
    assert report.results[0].code == "not-a-file"
    for render in FORMATS.values():
        assert FAKE_SECRETS["GITHUB_TOKEN"] not in render(report)


def test_a_fifo_does_not_block_the_grader(tmp_path: Path) -> None:
    """A named pipe is refused at once instead of blocking the read."""
    from grader.load import LoadError, load

    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    with pytest.raises(LoadError) as caught:
        load(fifo)
    assert caught.value.code == "not-a-file"


def test_broken_files_never_stop_a_batch(tmp_path: Path) -> None:
    """All the broken files and a correct one, in one batch: the correct one gets 4/4."""
    paths = []
    for name, (data, _) in BROKEN.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    shutil.copyfile(CORRECT, tmp_path / "correct.py")
    paths.append(tmp_path / "correct.py")
    report = grade([Submission(p.name, p) for p in paths], Options(timeout=TIMEOUT, jobs=2))
    codes = {r.submission: r.code for r in report.results}
    assert codes == {**{name: code for name, (_, code) in BROKEN.items()}, "correct.py": None}
    assert report.results[-1].score == STEP_COUNT


DUMPABLE = """\
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
reached = []
for what in ("environ", "fd", "mem"):
    try:
        path = f"/proc/{os.getppid()}/{what}"
        os.listdir(path) if what == "fd" else open(path, "rb").read(1)
        reached.append(what)
    except OSError:
        pass
owner = os.stat(f"/proc/{os.getppid()}/fd").st_uid
print([libc.prctl(3, 0, 0, 0, 0), owner == os.getuid(), reached])
"""


@pytest.mark.parametrize("tier", TIERS)
def test_the_harness_and_the_learners_code_are_not_dumpable(tmp_path: Path, tier: str) -> None:
    """With the allowlist off, the learner's code finds its own process not dumpable
    (prctl PR_GET_DUMPABLE is 0), and the harness that forked it, though of the same
    uid, closed to it: its /proc entries are not that uid's (the kernel gives a process
    that is not dumpable to root), and its environment, descriptors and memory cannot be
    read there."""
    path = tmp_path / "dumpable.py"
    path.write_text(DUMPABLE, encoding="utf-8")
    report, _ = _grade([path], tier)
    result = report.results[0]
    assert result.output.startswith("["), result.message
    dumpable, shared, reached = ast.literal_eval(result.output)
    assert (dumpable, shared, reached) == (0, False, []), result.output


NETWORK_NAMES = """\
import os
seen = []
for top, folders, _ in os.walk("/sys/class/net"):
    seen.extend(folders)
    break
print(sorted(seen))
"""


@pytest.mark.parametrize("tier", [t for t in TIERS if t != "process"])
def test_no_program_learns_the_machine_s_network_interfaces(tier: str) -> None:
    """In a tier with a network namespace, even with Landlock off, /sys shows a program
    no interface of the machine's: the warm tier's harness mounts the sysfs of the
    program's own network namespace, and bubblewrap covers /sys."""
    from grader.load import Cell, Program
    from grader.sandbox import Limits, Sandbox

    program = Program("names.py", "script", (Cell(None, NETWORK_NAMES, NETWORK_NAMES),))
    assert set(os.listdir("/sys/class/net")) - {"lo"}, "this machine shows no interface"
    with Sandbox(tier, landlock=False) as sandbox:
        ran = sandbox.run(program, [{}], Limits(timeout=10))
    assert ran.main.stdout.startswith("["), ran.main
    assert set(ast.literal_eval(ran.main.stdout)) <= {"lo"}, ran.main.stdout
