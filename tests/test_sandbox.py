"""The sandbox: what the child gets, what it cannot do, and that nothing outlives it.

Each behaviour is checked in the always-on 'process' tier and, where bubblewrap works
on this machine, in the 'bwrap' tier; bwrap-only promises are skipped with the reason
when it does not.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from grader.load import Cell, Program
from grader.sandbox import (
    CHILD_SOURCE,
    ENABLE_BWRAP,
    RAW_OUTPUT_CAP,
    Limits,
    Run,
    Sandbox,
    SandboxUnavailable,
    isolation,
    minimal_environment,
    probes,
    visibility,
)
from grader.sandbox.answer import parse_answer
from grader.sandbox.values import decode
from grader.sandbox.wire import ANSWER_GENUINE, Ended
from tests.conftest import STEP_COUNT, TIERS, WARM_PROBLEM, needs_bwrap, needs_warm

# The process and bwrap tiers are Linux's; the portable tier has tests of its own.
pytestmark = pytest.mark.linux

ROOT = Path(__file__).resolve().parent.parent
GRADER = ROOT / "grader"
CORRECT = ROOT / "submissions" / "correct-script.py"

needs_root = pytest.mark.skipif(
    not isolation.is_root(), reason="only root gives children a uid of their own"
)

FAKE_SECRETS = {
    "GITHUB_TOKEN": "ghp_FAKEtokenFAKEtokenFAKEtoken0000",
    "AWS_ACCESS_KEY_ID": "AKIAFAKEFAKEFAKEFAKE",
    "AWS_SECRET_ACCESS_KEY": "fakeSecretAccessKeyFAKEFAKEFAKE",
    "COURSE_API_SECRET_TOKEN": "fake-course-secret",
}


def program(source: str) -> Program:
    """Make a script Program out of source text."""
    text = textwrap.dedent(source)
    return Program(path="test.py", kind="script", cells=(Cell(None, text, text),))


def run_in(tier: str, source: str, limits: Limits | None = None, **kwargs: Any) -> Run:
    """Run source text once in a tier."""
    return Sandbox(tier).run(program(source), [{}], limits or Limits(timeout=5), **kwargs)


def value(ran: Run, name: str) -> Any:
    """Decode one top-level value of the main execution."""
    data = ran.main.values.get(name)
    assert data is not None, f"no {name} in {ran.main}"
    return decode(data)


def processes_with(text: str) -> list[int]:
    """Return the processes whose command line contains a text."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                if text.encode() in handle.read():
                    found.append(int(entry))
        except OSError:
            continue
    return found


def wait_until_gone(text: str, seconds: float = 3.0) -> list[int]:
    """Wait for every process marked with a text to be gone; return those left."""
    deadline = time.monotonic() + seconds
    while (left := processes_with(text)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def _landlock() -> int:
    """The Landlock ABI the process tier applies here (0: none)."""
    layers = run_in("process", "x = 1\n").layers
    return max((int(x.split()[1]) for x in layers if x.startswith("landlock")), default=0)


# -- what the child gets -------------------------------------------------------------


@pytest.mark.parametrize("tier", TIERS)
def test_the_child_sees_only_the_minimal_environment(
    tier: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No variable of the grader's (tokens, cloud keys) reaches the learner's code."""
    for name, secret in FAKE_SECRETS.items():
        monkeypatch.setenv(name, secret)
    ran = run_in(tier, "import os\nseen = dict(os.environ)\n")
    seen = value(ran, "seen")
    # bubblewrap sets PWD (the child's own folder) when it changes into it.
    assert set(seen) - {"PWD"} == set(minimal_environment("/x"))
    assert not any(secret in json.dumps(ran.main.values) for secret in FAKE_SECRETS.values())


@pytest.mark.parametrize("tier", TIERS)
def test_the_child_starts_isolated_with_stdin_from_dev_null(tier: str) -> None:
    """python -I -S, no site-packages on the path, and stdin reads nothing."""
    ran = run_in(
        tier,
        """
        import os, stat, sys
        flags = [sys.flags.isolated, sys.flags.no_site]
        paths = [p for p in sys.path if "site-packages" in p]
        stdin_is_char_device = stat.S_ISCHR(os.fstat(0).st_mode)
        typed = sys.stdin.read()
        """,
    )
    assert value(ran, "flags") == [1, 1]
    assert value(ran, "paths") == []
    assert value(ran, "stdin_is_char_device") is True
    assert value(ran, "typed") == ""


@pytest.mark.parametrize("tier", TIERS)
def test_the_child_folder_holds_only_a_copy_of_the_submission(tier: str) -> None:
    """Its working directory is a fresh folder (also HOME and TMPDIR) with one file."""
    ran = Sandbox(tier).run(
        program(
            "import os\nhere = sorted(os.listdir('.'))\ncwd = os.getcwd()\nhome = os.environ['HOME']\n"
        ),
        [{}],
        Limits(timeout=5),
        source=CORRECT,
    )
    assert value(ran, "here") == ["submission.py"]
    assert value(ran, "home") == value(ran, "cwd")


@pytest.mark.parametrize("tier", TIERS)
def test_resource_limits_hold_and_cannot_be_raised(tier: str) -> None:
    """Every limit is set soft and hard, so the learner's code cannot lift it."""
    limits = Limits(timeout=4, memory_mb=300, file_bytes=2_000_000, open_files=32, processes=100)
    ran = run_in(
        tier,
        """
        import resource
        names = ["RLIMIT_CPU", "RLIMIT_AS", "RLIMIT_FSIZE", "RLIMIT_NOFILE", "RLIMIT_CORE", "RLIMIT_NPROC"]
        found = {n: list(resource.getrlimit(getattr(resource, n))) for n in names}
        try:
            resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
            raised = True
        except (ValueError, OSError):
            raised = False
        """,
        limits,
    )
    assert value(ran, "found") == {name: [v, v] for name, v in limits.rlimits().items()}
    assert value(ran, "raised") is False


@pytest.mark.parametrize("tier", TIERS)
def test_the_child_cannot_gain_privileges(tier: str) -> None:
    """no_new_privs is set before the learner's code runs, so setuid programs cannot help."""
    ran = run_in(
        tier,
        """
        import ctypes
        no_new_privs = ctypes.CDLL(None).prctl(39, 0, 0, 0, 0)
        """,
    )
    assert value(ran, "no_new_privs") == 1
    assert "no-new-privs" in ran.layers


@needs_root
@pytest.mark.parametrize("tier", TIERS)
def test_as_root_the_child_runs_as_an_unprivileged_user_of_its_own(tier: str) -> None:
    """A uid from the pool, the gid of the same number, no supplementary groups."""
    ran = run_in(
        tier, "import os\nids = [os.getuid(), os.geteuid(), os.getgid(), os.getgroups()]\n"
    )
    uid, euid, gid, groups = value(ran, "ids")
    if tier != "bwrap":  # bubblewrap shows the uid through a user namespace of its own
        assert uid in isolation.CHILD_IDS and euid == uid and gid == uid
        assert groups in ([], [gid])
        assert f"uid {uid}" in ran.layers
    assert any(layer.startswith("uid ") for layer in ran.layers)


@needs_root
def test_concurrent_children_get_distinct_uids() -> None:
    """Two children at once never share a uid, so neither can signal or sweep the other."""
    from concurrent.futures import ThreadPoolExecutor

    sandbox = Sandbox("process")
    source = "import os, time\ntime.sleep(0.3)\nuid = os.getuid()\n"
    with ThreadPoolExecutor(4) as pool:
        runs = list(
            pool.map(lambda _: sandbox.run(program(source), [{}], Limits(timeout=5)), range(4))
        )
    assert len({value(r, "uid") for r in runs}) == 4


# -- what the child cannot do --------------------------------------------------------


@pytest.mark.parametrize("tier", TIERS)
def test_the_child_cannot_write_the_grader_or_the_reference(tier: str) -> None:
    """Writing into the grader's package or the reference fails, whatever the tier."""
    if tier == "process" and not isolation.is_root() and not _landlock():
        pytest.skip("as an ordinary user without Landlock the child shares the grader's uid")
    ran = run_in(
        tier,
        f"""
        failures = 0
        for target in ({str(GRADER / "evil.py")!r}, {str(ROOT / "reference" / "solution.py")!r}):
            try:
                open(target, "a").close()
            except OSError:
                failures += 1
        """,
    )
    assert value(ran, "failures") == 2
    assert not (GRADER / "evil.py").exists()


@pytest.mark.parametrize("tier", TIERS)
def test_the_child_cannot_reach_the_network(tier: str) -> None:
    """bwrap has its own empty network namespace; Landlock 4+ refuses TCP in 'process'."""
    ran = run_in(
        tier,
        """
        import socket
        try:
            socket.create_connection(("1.1.1.1", 53), timeout=2).close()
            reached = True
        except OSError:
            reached = False
        """,
    )
    landlock = next((int(x.split()[1]) for x in ran.layers if x.startswith("landlock")), 0)
    if tier == "process" and landlock < 4:
        pytest.skip("without Landlock 4 the process tier does not cut the network")
    assert value(ran, "reached") is False


@needs_bwrap
def test_bwrap_hides_the_grader_the_reference_git_and_home() -> None:
    """Hidden folders are empty in the bwrap tier; the rest of the system is read-only."""
    hidden = [str(GRADER), str(ROOT / "reference"), str(ROOT / ".git"), str(Path.home())]
    # Without Landlock, which would refuse these reads anyway, to see bwrap's own work.
    sandbox = Sandbox("bwrap", hide=[ROOT / "reference"], landlock=False)
    ran = sandbox.run(
        program(
            f"""
            import os
            listed = {{}}
            for folder in {hidden!r}:
                try:
                    listed[folder] = os.listdir(folder)
                except OSError as error:
                    listed[folder] = error.strerror
            try:
                open("/var/tmp/grader-test-write", "w").close()
                wrote = True
            except OSError:
                wrote = False
            pids = [p for p in os.listdir("/proc") if p.isdigit()]
            """
        ),
        [{}],
        Limits(timeout=5),
    )
    listed = value(ran, "listed")
    visible = {k: v for k, v in listed.items() if isinstance(v, list) and v}
    if str(Path.home()) in visible and str(Path.home()) in visibility.python_prefix(sys.executable):
        visible.pop(str(Path.home()))  # only the interpreter's own folder is bound back
    assert visible == {}
    assert value(ran, "wrote") is False
    assert len(value(ran, "pids")) < 10  # its own PID namespace: bwrap, harness, variant


@needs_bwrap
def test_bwrap_limits_the_disk_the_child_may_fill() -> None:
    """/tmp in the bwrap tier is a tmpfs of Limits.disk_bytes."""
    ran = run_in(
        "bwrap",
        """
        try:
            with open("/tmp/fill", "wb") as handle:
                for _ in range(40):
                    handle.write(b"\\0" * 1_000_000)
            full = False
        except OSError:
            full = True
        """,
        Limits(timeout=5, disk_bytes=8_000_000),
    )
    assert value(ran, "full") is True


@pytest.mark.parametrize("tier", TIERS)
def test_the_grader_environment_is_unreadable_through_proc(
    tier: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/proc/<grader>/environ stays closed: another uid, another PID namespace, or Landlock."""
    monkeypatch.setenv("GITHUB_TOKEN", FAKE_SECRETS["GITHUB_TOKEN"])
    ran = run_in(
        tier,
        f"""
        import os
        seen = ""
        for pid in [os.getppid(), {os.getpid()}]:
            try:
                with open(f"/proc/{{pid}}/environ", "rb") as handle:
                    seen += handle.read().decode("utf-8", "replace")
            except OSError:
                pass
        """,
    )
    if (
        not isolation.is_root()
        and tier == "process"
        and not any(x.startswith("landlock") for x in ran.layers)
    ):
        pytest.skip("as an ordinary user without Landlock the process tier cannot close /proc")
    assert FAKE_SECRETS["GITHUB_TOKEN"] not in value(ran, "seen")


# -- verdict integrity ---------------------------------------------------------------


def _answer(nonce: str, payloads: list[bytes], **header: Any) -> bytes:
    """Frame an answer as the harness does: a JSON header line, each run's bytes, b"S"."""
    runs = [
        {"size": len(p), "timed_out": False, "exit_status": 0, "answer": ANSWER_GENUINE}
        for p in payloads
    ]
    head = {"nonce": nonce, "runs": runs, "layers": {}, **header}
    return json.dumps(head).encode() + b"\n" + b"".join(payloads) + b"S"


def test_only_the_answer_with_the_nonce_counts() -> None:
    """A missing, truncated, foreign or malformed answer means every run is missing."""
    nonce = "n" * 32
    variants = [{}, {"load": 1}]
    run = json.dumps({"values": {}}).encode()
    good = _answer(nonce, [run, run])
    for answer in [
        b"",
        good[:-5],
        good + b"x",
        good.replace(b"\n", b" ", 1),
        _answer("x" * 32, [run, run]),
        _answer(nonce, [run]),
        json.dumps([nonce]).encode() + b"\n",
        b"\xff" * 10,
        b"[" * 100_000 + b"\n",
    ]:
        executions, swept, _ = parse_answer(answer, nonce, variants, None)
        assert all(e.missing for e in executions) and not swept
    executions, swept, _ = parse_answer(good, nonce, variants, None)
    assert not any(e.missing for e in executions) and swept


def test_a_run_whose_pipe_was_written_over_counts_for_nothing() -> None:
    """Bytes that are not a run's answer make that run missing, as a garbled answer."""
    nonce = "n" * 32
    run = json.dumps({"values": {}}).encode()
    forged = b'{"values": {"load": {"type": "int", "value": 7}}}' + run
    executions, _, _ = parse_answer(_answer(nonce, [run, forged]), nonce, [{}, {}], None)
    assert not executions[0].missing
    assert executions[1].missing and executions[1].ended is Ended.GARBLED_ANSWER


@pytest.mark.parametrize("tier", TIERS)
def test_stdout_carries_no_verdict(tier: str) -> None:
    """What the program writes to fd 1 behind print is raw output, never its answer."""
    ran = run_in(tier, 'import os\nos.write(1, b\'{"nonce": "x", "runs": []}\\n\')\nx = 1\n')
    assert value(ran, "x") == 1
    assert '"nonce"' in ran.raw_output


@pytest.mark.parametrize("tier", TIERS)
def test_values_cross_with_their_exact_types(tier: str) -> None:
    """An int subclass or an always-equal object never reads back as a plain value."""
    ran = run_in(
        tier,
        """
        class Seven(int):
            def __eq__(self, other):
                return True
        class Anything:
            def __eq__(self, other):
                return True
        load = Seven(7)
        systems = Anything()
        """,
    )
    assert type(value(ran, "load")) is not int
    assert value(ran, "load") != 7
    assert type(value(ran, "systems")).__name__ == "Opaque"


@pytest.mark.parametrize("tier", TIERS)
def test_raw_output_is_capped_and_the_flood_stopped(tier: str) -> None:
    """A flood on fd 1 is cut at RAW_OUTPUT_CAP and the child killed, well before its time."""
    started = time.monotonic()
    ran = run_in(
        tier, "import os\nwhile True:\n    os.write(1, b'x' * 65536)\n", Limits(timeout=10)
    )
    assert time.monotonic() - started < 8
    assert len(ran.raw_output) <= RAW_OUTPUT_CAP
    assert ran.main.missing and ran.main.ended is Ended.OUTPUT_LIMIT


@pytest.mark.parametrize("tier", TIERS)
def test_a_variant_cannot_kill_the_programs_other_variants(tier: str) -> None:
    """kill(-1) from one variant reaches none of the others (Landlock 6 scopes signals to
    each variant's own processes), so no variant's verdict depends on another's timing."""
    ran = Sandbox(tier).run(
        program(
            """
            import os, signal, time
            time.sleep(0.3)
            try:
                os.kill(-1, signal.SIGKILL)
            except OSError:
                pass
            time.sleep(0.5)
            alive = True
            """
        ),
        [{}] * 4,
        Limits(timeout=10),
    )
    if not any(layer.startswith("landlock") and int(layer.split()[1]) >= 6 for layer in ran.layers):
        pytest.skip("without Landlock 6 the variants of one child may signal each other")
    assert [e.missing for e in ran.executions] == [False] * 4


# -- nothing outlives the child ------------------------------------------------------


@pytest.mark.parametrize("tier", TIERS)
def test_a_timeout_kills_descendants_that_escaped_with_setsid(tier: str) -> None:
    """setsid children and double forks die with the run, and the run ends on time."""
    mark = f"grader-test-escape-{os.getpid()}-{tier}"
    started = time.monotonic()
    run_in(
        tier,
        f"""
        import os, subprocess
        subprocess.Popen(["sh", "-c", "sleep 600; : {mark}"], start_new_session=True)
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execvp("sh", ["sh", "-c", "sleep 600; : {mark}"])
            os._exit(0)
        while True:
            pass
        """,
        Limits(timeout=2),
    )
    assert time.monotonic() - started < 2 + 5
    assert wait_until_gone(mark) == []


@pytest.mark.parametrize("tier", TIERS)
def test_a_finished_run_does_not_wait_for_what_holds_its_pipes(tier: str) -> None:
    """A process left holding stdout and the answer pipe neither delays nor outlives the run."""
    mark = f"grader-test-holder-{os.getpid()}-{tier}"
    started = time.monotonic()
    ran = run_in(
        tier,
        f"import subprocess\nsubprocess.Popen(['sh', '-c', 'sleep 600; : {mark}'], start_new_session=True)\nx = 1\n",
        Limits(timeout=8),
    )
    assert value(ran, "x") == 1
    assert time.monotonic() - started < 4
    assert wait_until_gone(mark) == []


@pytest.mark.parametrize("tier", TIERS)
def test_the_child_folder_is_removed_whatever_the_child_did_to_it(
    tier: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read-only files, folders without permissions: the folder still goes."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    temp.chmod(0o755)  # the child's uid must reach its folder inside
    tmp_path.chmod(0o755)
    monkeypatch.setattr("tempfile.tempdir", str(temp))
    run_in(
        tier,
        """
        import os
        os.makedirs("locked/inner")
        open("locked/inner/file", "w").close()
        os.chmod("locked/inner/file", 0o400)
        os.chmod("locked/inner", 0o500)
        os.chmod("locked", 0)
        """,
    )
    assert list(temp.iterdir()) == []


def test_copy_into_never_follows_a_link(tmp_path: Path) -> None:
    """A submission that is a link to a secret is not copied into the child's folder."""
    secret = tmp_path / "secret"
    secret.write_text("token")
    link = tmp_path / "link.py"
    link.symlink_to(secret)
    folder = tmp_path / "work"
    folder.mkdir()
    isolation.copy_into(link, folder, "submission.py", None, 1000)
    assert list(folder.iterdir()) == []


def test_a_uid_sweep_refuses_root_and_the_grader() -> None:
    """Sweeping uid 0 or the grader's own uid would kill the machine or the grader."""
    for uid in {0, os.getuid()}:
        with pytest.raises(ValueError):
            isolation.kill_uid(uid)


# -- choosing the tier ---------------------------------------------------------------


@pytest.fixture
def no_warm_tier(monkeypatch: pytest.MonkeyPatch) -> None:
    """This machine, as one where the warm tier cannot run (an ordinary user, say)."""
    monkeypatch.setattr(probes, "warm_problem", lambda python, own_uid: "not on this machine")


@pytest.mark.usefixtures("no_warm_tier")
def test_auto_falls_back_to_process_and_says_how_to_get_bwrap() -> None:
    """Without the warm tier and bubblewrap, auto runs the process tier and the note
    gives the commands."""
    sandbox = Sandbox("auto", bwrap="/nonexistent/bwrap")
    assert sandbox.tier == "process"
    assert "not installed" in sandbox.note
    assert ENABLE_BWRAP in sandbox.note
    assert "sudo apt-get install -y bubblewrap" in ENABLE_BWRAP
    assert "kernel.apparmor_restrict_unprivileged_userns=0" in ENABLE_BWRAP


@pytest.mark.usefixtures("no_warm_tier")
def test_a_required_bwrap_that_cannot_run_is_an_error() -> None:
    """--sandbox bwrap, and --require-sandbox without the warm tier, refuse to grade in
    a weaker tier."""
    for sandbox in (
        Sandbox("bwrap", bwrap="/nonexistent/bwrap"),
        Sandbox("auto", require=True, bwrap="/nonexistent/bwrap"),
    ):
        with pytest.raises(SandboxUnavailable, match="bubblewrap is not installed"):
            sandbox.check()


@pytest.mark.usefixtures("no_warm_tier")
def test_a_bwrap_that_fails_is_reported_with_its_own_words(tmp_path: Path) -> None:
    """A bwrap that exits with an error (AppArmor, say) makes auto fall back, with the reason."""
    fake = Path("/tmp") / f"grader-test-bwrap-{os.getpid()}"
    fake.write_text("#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n")
    fake.chmod(0o755)
    try:
        sandbox = Sandbox("auto", bwrap=str(fake))
        assert sandbox.tier == "process"
        assert "setting up uid map: Permission denied" in sandbox.note
    finally:
        fake.unlink()


@needs_warm
def test_auto_prefers_the_warm_tier_and_require_sandbox_accepts_it() -> None:
    """Where it works, the warm tier is auto's choice, with no note, bubblewrap or not."""
    for sandbox in (
        Sandbox("auto", bwrap="/nonexistent/bwrap"),
        Sandbox("auto", require=True, bwrap="/nonexistent/bwrap"),
    ):
        assert (sandbox.tier, sandbox.note) == ("warm", "")


def test_an_unknown_mode_is_refused() -> None:
    """Only auto, warm, process, bwrap and portable exist."""
    with pytest.raises(ValueError, match="unknown sandbox mode"):
        Sandbox("docker")


def test_the_command_line_refuses_a_missing_bwrap_in_one_line() -> None:
    """A missing strong tier that was asked for is a usage error: exit 2, one line."""
    done = subprocess.run(
        [sys.executable, "-m", "grader", str(CORRECT), "--sandbox", "bwrap"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PATH": "/nonexistent"},
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert done.stderr.startswith("grader: the bwrap sandbox tier is not available")


def test_require_sandbox_grades_in_the_warm_tier_or_refuses_in_one_line() -> None:
    """Without bubblewrap, --require-sandbox is met by the warm tier where it works, and
    is a usage error (exit 2, one line) where it does not."""
    done = subprocess.run(
        [sys.executable, "-m", "grader", str(CORRECT), "--require-sandbox", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PATH": "/nonexistent"},
        timeout=120,
    )
    if WARM_PROBLEM is None:
        assert (done.returncode, json.loads(done.stdout)["sandbox"]) == (0, "warm")
    else:
        assert (done.returncode, done.stdout) == (2, "")
        assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("tier", TIERS)
def test_the_report_names_the_tier(tier: str) -> None:
    """The JSON report's sandbox field (and each result's) is the tier that ran."""
    from grader.grade import Options, Submission, grade

    report = grade([Submission("correct.py", CORRECT)], Options(timeout=5, sandbox=tier))
    assert report.sandbox == tier
    assert report.results[0].sandbox == tier
    assert report.results[0].score == STEP_COUNT


def test_the_harness_source_is_stdlib_only_and_py310_compatible() -> None:
    """The harness imports nothing outside the standard library and parses as Python 3.10.

    Its files name each other's names only under TYPE_CHECKING, which is false when the
    child runs them; what a file imports in the else branch runs, and is checked.
    """
    import ast

    tree = ast.parse(CHILD_SOURCE, feature_version=(3, 10))
    for_readers = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"
        for statement in block.body
        for node in ast.walk(statement)
    }
    imports = [
        node
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in for_readers
    ]
    imported = {alias.name.split(".")[0] for node in imports for alias in node.names} | {
        node.module.split(".")[0]
        for node in imports
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported <= set(sys.stdlib_module_names)
    assert "TYPE_CHECKING = False" in CHILD_SOURCE
