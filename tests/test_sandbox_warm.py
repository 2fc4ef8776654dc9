"""The warm tier: every submission isolated from the one before it, and graded exactly as
a cold tier grades it.

A zygote forks each submission's harness, so everything a submission could leave for
the next (files in /tmp or its folder, processes, keys, its cgroup leaf) must go with
it, one submission after another in one sandbox (a batch) as much as alone. The
layers are tested without Landlock and the syscall filter where those would hide them.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from grader.grade import Options, Submission, grade
from grader.load import Cell, Program
from grader.sandbox import Limits, Run, Sandbox, cgroup, janitor, visibility, warm
from grader.sandbox.values import decode
from tests.conftest import BWRAP_PROBLEM, TEST_TIMEOUT, needs_warm
from tests.golden import BEHAVIOURS, golden_of, samples, submission_of
from tests.rewrites import NEVER_END, REWRITES, variants
from tests.step_rewrites import STEP_REWRITES

pytestmark = [pytest.mark.linux, needs_warm]

MARK = f"grader-test-warm-{os.getpid()}"


def program(source: str) -> Program:
    """Make a script Program out of source text."""
    text = textwrap.dedent(source)
    return Program(path="t.py", kind="script", cells=(Cell(None, text, text),))


def value(ran: Run, name: str) -> object:
    """Decode one top-level value of the main execution."""
    data = ran.main.values.get(name)
    assert data is not None, (ran.main, ran.raw_output)
    return decode(data)


# Runs in a sandbox of its own each time ("alone"), or one after the other in one ("batch").
Runner = Callable[[str], Run]


@pytest.fixture(params=["alone", "batch"])
def runner(request: pytest.FixtureRequest) -> Callable[..., Runner]:
    """Return a function that makes a runner: each run alone, or all in one sandbox."""
    opened: list[Sandbox] = []

    def make(**layers: bool) -> Runner:
        shared = Sandbox("warm", **layers)
        opened.append(shared)

        def run(source: str) -> Run:
            if request.param == "batch":
                return shared.run(program(source), [{}], Limits(timeout=10))
            with Sandbox("warm", **layers) as alone:
                return alone.run(program(source), [{}], Limits(timeout=10))

        return run

    yield make
    for sandbox in opened:
        sandbox.shutdown()


def marked() -> list[int]:
    """The processes a test's programs started that are still there."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    if MARK.encode() in handle.read():
                        found.append(int(entry))
            except OSError:
                pass
    return found


# -- isolation, one submission after another --------------------------------------------


def test_a_file_one_submission_writes_is_not_there_for_the_next(
    runner: Callable[..., Runner],
) -> None:
    """/tmp, /var/tmp, /dev/shm and its folder are fresh for every submission."""
    run = runner(landlock=False)
    places = ["/tmp/left", "/var/tmp/left", "/dev/shm/left", "left"]
    first = run(
        f"""
        wrote = []
        for place in {places!r}:
            with open(place, "w") as handle:
                handle.write("{MARK}")
            wrote.append(place)
        """
    )
    assert value(first, "wrote") == places
    second = run(f"import os\nfound = [p for p in {places!r} if os.path.exists(p)]\n")
    assert value(second, "found") == []


def test_nothing_a_submission_started_outlives_it(runner: Callable[..., Runner]) -> None:
    """A process that left the session and the process group is gone with the submission."""
    run = runner()
    run(
        f"""
        import subprocess
        subprocess.Popen(["sh", "-c", "sleep 600; : {MARK}"], start_new_session=True)
        """
    )
    assert marked() == []


def test_each_submission_has_a_pid_namespace_of_its_own(runner: Callable[..., Runner]) -> None:
    """Its harness is the namespace's first process; /proc shows only the submission's."""
    run = runner(landlock=False)
    for _ in range(2):
        ran = run(
            """
            import os
            ids = [os.getpid(), os.getppid()]
            seen = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
            """
        )
        assert value(ran, "ids") == [2, 1]
        assert value(ran, "seen") == [1, 2]


def test_a_submission_has_no_network(runner: Callable[..., Runner]) -> None:
    """Even without the syscall filter: its network namespace has only a loopback that
    reaches nothing of the machine's."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.setblocking(False)
    try:
        run = runner(landlock=False, seccomp=False)
        ran = run(
            f"""
            import os, socket
            interfaces = sorted(os.listdir("/sys/class/net"))
            try:
                socket.create_connection(("127.0.0.1", {listener.getsockname()[1]}), 2).close()
                reached = True
            except OSError:
                reached = False
            """
        )
        assert value(ran, "reached") is False
        with pytest.raises(BlockingIOError):
            listener.accept()
    finally:
        listener.close()


NETWORK = """
import os, socket
namespace = os.stat("/proc/self/ns/net").st_ino
interfaces = sorted(os.listdir("/sys/class/net"))
try:
    socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).close()
    opened = True
except OSError:
    opened = False
"""


def test_under_the_filter_a_zygotes_submissions_share_an_empty_network_they_cannot_touch() -> None:
    """One network namespace per zygote, not the machine's, in which no submission can
    open a socket of any family: nothing one does there is left for the next."""
    with Sandbox("warm", landlock=False) as sandbox:
        ran = [sandbox.run(program(NETWORK), [{}], Limits(timeout=10)) for _ in range(2)]
    assert all("seccomp" in run.layers for run in ran)
    assert value(ran[0], "namespace") == value(ran[1], "namespace")
    assert value(ran[0], "namespace") != os.stat("/proc/self/ns/net").st_ino
    assert [value(run, "opened") for run in ran] == [False, False]


def test_without_the_filter_each_submission_has_a_network_namespace_of_its_own() -> None:
    """Where sockets can be made, no submission's network is the next one's."""
    with Sandbox("warm", landlock=False, seccomp=False) as sandbox:
        ran = [sandbox.run(program(NETWORK), [{}], Limits(timeout=10)) for _ in range(2)]
    assert all("seccomp" not in run.layers for run in ran)
    assert [value(run, "opened") for run in ran] == [True, True]
    assert value(ran[0], "namespace") != value(ran[1], "namespace")


def test_a_harness_in_a_shared_network_without_the_filter_runs_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Fail closed: the zygote's network is shared on the filter's word alone."""
    made = warm.view

    def shared(*args: object, **kwargs: object) -> dict[str, object]:
        return {**made(*args, **kwargs), "network_once": True}  # type: ignore[arg-type]

    monkeypatch.setattr(warm, "view", shared)
    with Sandbox("warm", landlock=False, seccomp=False) as sandbox:
        ran = sandbox.run(program("ran = True\n"), [{}], Limits(timeout=10))
    assert ran.main.missing
    assert "ran" not in ran.main.values


KEYCTL = """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
USER_KEYRING = -4
"""


def test_the_uids_keyring_is_fresh_for_every_submission(runner: Callable[..., Runner]) -> None:
    """A key left in the uid's own keyring (possible only without the syscall filter) is
    gone for the next submission of that uid."""
    run = runner(landlock=False, seccomp=False)
    first = run(
        KEYCTL
        + textwrap.dedent(
            """
        added = libc.syscall(248, b"user", b"grader-test-key", b"secret", 6, USER_KEYRING)
        uid = os.getuid()
        """
        )
    )
    assert value(first, "added") > 0
    for _ in range(5):
        second = run(
            KEYCTL
            + textwrap.dedent(
                """
            buffer = ctypes.create_string_buffer(4096)
            held = libc.syscall(250, 11, USER_KEYRING, buffer, 4096)
            uid = os.getuid()
            """
            )
        )
        if value(second, "uid") == value(first, "uid"):
            break
    else:
        pytest.skip("another grading held the uid every time")
    assert value(second, "held") == 0


def test_each_submissions_cgroup_leaf_goes_with_it(runner: Callable[..., Runner]) -> None:
    """However many submissions ran, only the few leaves made ahead are left, then none."""
    prefix = cgroup.leaf_name().rsplit("-", 1)[0] + "-"

    def leaves() -> list[str]:
        return [n for p in cgroup.parents() for n in os.listdir(p) if n.startswith(prefix)]

    run = runner()
    for _ in range(6):
        assert any(layer.startswith("cgroup") for layer in run("x = 1\n").layers)
    hierarchies = len(list(cgroup.parents()))
    assert len(leaves()) <= (janitor.AHEAD + 1) * hierarchies


def test_no_leaf_is_left_after_the_sandbox() -> None:
    """Leaves made ahead and those of finished runs all go with the sandbox."""
    prefix = cgroup.leaf_name().rsplit("-", 1)[0] + "-"
    with Sandbox("warm") as sandbox:
        for _ in range(3):
            sandbox.run(program("x = 1\n"), [{}])
    assert [n for p in cgroup.parents() for n in os.listdir(p) if n.startswith(prefix)] == []


# -- the zygotes ------------------------------------------------------------------------


def test_a_zygote_is_replaced_after_its_uses(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every few submissions a new zygote: a new hash seed (and address-space layout)."""
    monkeypatch.setattr(warm, "ZYGOTE_USES", 2)
    with Sandbox("warm") as sandbox:
        seeds = [
            value(sandbox.run(program("seed = hash('grader') % 1_000_003\n"), [{}]), "seed")
            for _ in range(4)
        ]
    assert seeds[0] == seeds[1]
    assert seeds[2] == seeds[3]
    assert seeds[0] != seeds[2]


def test_a_zygote_that_died_is_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    """A zygote killed between submissions costs no submission: the next one starts afresh."""
    started: list[warm.Zygote] = []
    real = warm.Zygote.__init__

    def record(self: warm.Zygote, *args: object) -> None:
        real(self, *args)  # type: ignore[arg-type]
        started.append(self)

    monkeypatch.setattr(warm.Zygote, "__init__", record)
    with Sandbox("warm") as sandbox:
        assert value(sandbox.run(program("x = 1\n"), [{}]), "x") == 1
        started[-1].process.kill()
        started[-1].process.wait()
        assert value(sandbox.run(program("x = 2\n"), [{}]), "x") == 2
    assert len(started) == 2


# -- the same reports as a cold tier ------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, Path]]:
    """Every sample, every behaviour of the catalogue, every rewrite that ends."""
    found = [(f"submissions/{p.name}", p) for p in samples()]
    for folder in sorted(BEHAVIOURS.iterdir()):
        submission = submission_of(folder)
        if submission is not None:
            found.append((folder.name, submission))
    endless = {r.name for r in NEVER_END}
    folder = tmp_path_factory.mktemp("rewrites")
    made = variants(folder, (*REWRITES, *STEP_REWRITES))
    found.extend((v.path.name, v.path) for v in made if v.rewrite.name not in endless)
    return found


# Each tier's reports of the corpus, graded once.
_REPORTS: dict[str, list[str]] = {}


def reports(tier: str, corpus: list[tuple[str, Path]]) -> list[str]:
    """Grade the whole corpus in a tier (once) and return every learner's report."""
    if tier not in _REPORTS:
        graded = grade(
            [Submission(shown, path) for shown, path in corpus],
            Options(timeout=TEST_TIMEOUT, jobs=2, sandbox=tier),
        )
        _REPORTS[tier] = [golden_of(result) for result in graded.results]
    return _REPORTS[tier]


def reports_alone(tier: str, shown: str, path: Path) -> str:
    """Grade one submission alone in a tier and return its report."""
    graded = grade([Submission(shown, path)], Options(timeout=TEST_TIMEOUT, sandbox=tier))
    return golden_of(graded.results[0])


COLD = [
    "process",
    pytest.param(
        "bwrap",
        marks=pytest.mark.skipif(
            BWRAP_PROBLEM is not None, reason=f"the bwrap tier cannot run here: {BWRAP_PROBLEM}"
        ),
    ),
]


@pytest.mark.parametrize("cold", COLD)
def test_every_report_is_the_cold_tiers_report(cold: str, corpus: list[tuple[str, Path]]) -> None:
    """Every sample, behaviour and rewrite reads the same, word for word, in both tiers."""
    assert len(corpus) > 300
    warm_reports = reports("warm", corpus)
    cold_reports = reports(cold, corpus)
    differ = [
        (shown, path)
        for (shown, path), a, b in zip(corpus, warm_reports, cold_reports, strict=True)
        if a != b
    ]
    # A program near its time limit may run out of it in one batch on a loaded machine:
    # a difference counts only if it shows again when that program is graded alone.
    again = [
        shown
        for shown, path in differ
        if reports_alone("warm", shown, path) != reports_alone(cold, shown, path)
    ]
    assert again == []


# -- as an ordinary user ------------------------------------------------------------------


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="becoming an ordinary user for the test needs root and setpriv(1)",
)
def test_as_an_ordinary_user_the_warm_tier_runs_in_a_user_namespace(tmp_path: Path) -> None:
    """Without root, auto picks the warm tier where the kernel lets an ordinary user make
    namespaces: a PID namespace per submission, no capability left, a fresh /tmp, the
    grader hidden, no sockets."""
    python = visibility.child_python(True)
    if python is None:
        pytest.skip("no interpreter an ordinary user can run")
    tmp_path.chmod(0o755)
    checkout = Path(__file__).resolve().parent.parent
    script = checkout / "tests" / "programs" / "as_a_user.py"
    become = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    done = subprocess.run(
        [*become, python, "-I", str(script), str(checkout)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    runs = json.loads(done.stdout)
    if runs[0]["tier"] != "warm":
        pytest.skip("an ordinary user cannot make the warm tier's namespaces here")
    for run in runs:
        seen = run["seen"]
        assert run["tier"] == "warm"
        assert seen["ids"] == [2, 1, 65534]
        assert seen["pids"] == [1, 2]
        assert set(seen["caps"]) == {"0000000000000000"}
        assert seen["tmp"] == ["work"]
        # Hidden: an empty folder over it or, for a checkout under /tmp, not there at all
        # beneath the fresh /tmp.
        assert seen["grader"] in ([], "FileNotFoundError")
        assert seen["socket"] == "PermissionError"
