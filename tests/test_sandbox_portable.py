"""The portable tier: the same verdicts as the Linux tiers, from plain child interpreters.

It is what a learner on Windows or macOS gets. Here, on Linux, it is tested for what it
promises (each variant its own process, a time limit that kills the whole tree, output
caps, a fresh folder, no environment) and for giving every sample exactly its recorded
verdict; and the grader is run with the POSIX-only modules and fork taken away, as on
Windows, to show that it still grades right.
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

from grader.cli import EXIT_PASSED, EXIT_USAGE, main
from grader.grade import Options, Submission, grade
from grader.load import Cell, Program
from grader.sandbox import Limits, Run, Sandbox, SandboxUnavailable
from grader.sandbox.portable import environment
from grader.sandbox.values import decode
from tests.conftest import ROOT, SUBMISSIONS
from tests.golden import TIMEOUT, golden_of, golden_path, samples

# As root on Linux the tier refuses to run learner code (it would run with root's powers
# over the machine), so what it promises can only be checked as an ordinary user.
AS_ROOT = sys.platform == "linux" and os.geteuid() == 0
runs_learner_code = pytest.mark.skipif(
    AS_ROOT,
    reason="the portable tier refuses to run learner code as root on Linux; its runs are "
    "tested as an ordinary user (and on Windows and macOS)",
)


def run_portable(
    source: str, variants: list[dict[str, Any]] | None = None, timeout: float = 5.0
) -> Run:
    """Run source text in the portable tier, once per variant."""
    text = textwrap.dedent(source)
    program = Program(path="test.py", kind="script", cells=(Cell(None, text, text),))
    return Sandbox("portable").run(program, variants or [{}], Limits(timeout=timeout))


def value(ran: Run, name: str, index: int = 0) -> Any:
    """Decode one top-level value of one execution."""
    data = ran.executions[index].values.get(name)
    assert data is not None, f"no {name} in {ran.executions[index]}"
    return decode(data)


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except OSError:
        return False


def gone(pid: int, seconds: float = 3.0) -> bool:
    """Wait for a process to be gone; say whether it is."""
    deadline = time.monotonic() + seconds
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not alive(pid)


@pytest.fixture(scope="module")
def graded() -> dict[str, Any]:
    """Grade every sample through the portable tier, in one batch."""
    submissions = [Submission(f"submissions/{p.name}", p) for p in samples()]
    report = grade(submissions, Options(timeout=TIMEOUT, jobs=2, sandbox="portable"))
    return {"tier": report.sandbox, "results": {Path(r.submission).name: r for r in report.results}}


@runs_learner_code
@pytest.mark.parametrize("name", [p.name for p in samples()])
def test_each_sample_gets_its_recorded_verdict_in_the_portable_tier(
    name: str, graded: dict[str, Any]
) -> None:
    """The report the learner reads, codes, places and output are the default tier's goldens."""
    expected = golden_path(name).read_text(encoding="utf-8")
    assert expected == golden_of(graded["results"][name])


@runs_learner_code
def test_the_report_names_the_portable_tier(graded: dict[str, Any]) -> None:
    """The report says which tier ran, so the goldens above compared the right thing.

    A sample that could not be loaded never ran, and names no tier.
    """
    tiers = {r.sandbox for r in graded["results"].values()} - {""}
    assert (graded["tier"], tiers) == ("portable", {"portable"})


@runs_learner_code
def test_each_variant_runs_in_an_interpreter_of_its_own() -> None:
    """No fork: every variant is a separate process, started afresh, in its own folder."""
    ran = run_portable(
        "import os, sys\nseen = [os.getpid(), os.getcwd(), 'os' in dir()]\n",
        variants=[{}, {"load": 1}, {"load": 2}],
    )
    pids = {value(ran, "seen", i)[0] for i in range(3)}
    folders = {value(ran, "seen", i)[1] for i in range(3)}
    assert (len(pids), len(folders)) == (3, 3)


@runs_learner_code
def test_the_child_gets_none_of_the_graders_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A token in the grader's environment does not reach the learner's code."""
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_FAKEtokenFAKEtokenFAKEtoken0000")
    ran = run_portable("import os\nseen = sorted(os.environ)\n")
    assert value(ran, "seen") == sorted(environment("/x"))


@runs_learner_code
def test_the_childs_fresh_folder_is_its_home_and_is_removed_afterwards() -> None:
    """HOME and TMPDIR are the variant's folder, which holds nothing and is gone after."""
    ran = run_portable(
        "import os\nhere = os.getcwd()\nhome = os.environ['HOME']\nfiles = os.listdir()\n"
        "open('left.txt', 'w').write('x')\nos.chmod('.', 0o500)\n"
    )
    here = value(ran, "here")
    assert (value(ran, "home"), value(ran, "files"), os.path.exists(here)) == (here, [], False)


@runs_learner_code
@pytest.mark.linux  # reads /proc, starts `sleep`
def test_a_program_that_never_ends_is_stopped_with_everything_it_started() -> None:
    """At the time limit the variant and the process it started are both killed."""
    ran = run_portable(
        """
        import subprocess
        sleeper = subprocess.Popen(["sleep", "60"])
        print(sleeper.pid, flush=True)
        while True:
            try:
                pass
            except BaseException:
                pass
        """,
        timeout=1.0,
    )
    pid = int(ran.main.stdout.split()[0]) if ran.main.stdout else None
    assert ran.main.timed_out is True
    assert pid is not None and gone(pid)


@runs_learner_code
@pytest.mark.linux  # reads /proc, starts `sleep`
def test_a_process_left_running_by_a_finished_program_is_killed() -> None:
    """A program that ends on its own does not leave its background processes behind."""
    ran = run_portable("import subprocess\nsleeper = subprocess.Popen(['sleep', '60']).pid\n")
    assert gone(value(ran, "sleeper"))


@runs_learner_code
def test_output_written_behind_pythons_back_is_capped() -> None:
    """A flood on file descriptor 1 stops the run: it reads as an output limit."""
    ran = run_portable("import os\nwhile True:\n    os.write(1, b'x' * 65536)\n")
    assert (ran.main.missing, ran.main.ended, len(ran.raw_output) <= 1_000_000) == (
        True,
        "output-limit",
        True,
    )


def test_require_sandbox_refuses_the_portable_tier() -> None:
    """--require-sandbox never settles for a tier that does not isolate."""
    with pytest.raises(SandboxUnavailable, match="refuses the portable tier"):
        Sandbox("portable", require=True).check()


def test_the_command_line_refuses_portable_with_require_sandbox(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A usage error, one line: the learner is told what to leave out."""
    code = main(
        ["--sandbox", "portable", "--require-sandbox", str(SUBMISSIONS / "correct-script.py")]
    )
    assert (code, "Leave out --require-sandbox" in capsys.readouterr().err) == (EXIT_USAGE, True)


@runs_learner_code
def test_the_tier_note_goes_to_stderr_and_says_what_it_does_not_protect(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The report stays the learner's feedback; stderr says plainly what the tier is."""
    code = main(["--sandbox", "portable", str(SUBMISSIONS / "correct-script.py")])
    out, err = capsys.readouterr()
    assert (code, "portable" in out, "reading or changing your files" in err) == (
        EXIT_PASSED,
        False,
        True,
    )


def test_help_says_what_the_portable_tier_does_not_protect(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--help names the tier and its limits."""
    with pytest.raises(SystemExit):
        main(["--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "does not stop the code from reading or changing your files" in help_text


# Run in a child interpreter: the POSIX-only modules refused, os.fork and O_NOFOLLOW
# removed, as on Windows, before anything of the grader is imported.
WITHOUT_POSIX = """
import importlib.abc, json, os, sys

BLOCKED = {"fcntl", "grp", "pwd", "resource", "termios"}

class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

for name in BLOCKED:
    sys.modules.pop(name, None)
sys.meta_path.insert(0, Refuse())
del os.fork, os.O_NOFOLLOW

import grader.cli
loaded = sorted(BLOCKED & set(sys.modules))
code = grader.cli.main([*sys.argv[1:], "--format", "json", "-o", "report.json"])
print(json.dumps({"code": code, "loaded": loaded}))
"""


@runs_learner_code
def test_the_grader_grades_right_without_posix_modules_or_fork(tmp_path: Path) -> None:
    """As on Windows: auto falls back to the portable tier and gets both verdicts right."""
    script = tmp_path / "without_posix.py"
    script.write_text(WITHOUT_POSIX, encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-I",
            str(script),
            str(SUBMISSIONS / "correct-script.py"),
            str(SUBMISSIONS / "step3-strict-greater.py"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stderr.count("Traceback") == 0, done.stderr
    said = json.loads(done.stdout)
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    verdicts = [(r["status"], r["score"], r["mistakes"]) for r in report["results"]]
    assert (said, report["sandbox"]) == ({"code": 1, "loaded": []}, "portable")
    assert verdicts == [("passed", 4, []), ("failed", 3, ["step3.strict-greater"])]


@runs_learner_code
def test_grading_under_the_portable_tier_leaves_the_project_untouched() -> None:
    """The variants run in temporary folders, never next to the submission."""
    before = sorted(p.name for p in SUBMISSIONS.iterdir())
    main(["--sandbox", "portable", str(SUBMISSIONS / "correct-script.py")])
    assert sorted(p.name for p in SUBMISSIONS.iterdir()) == before
    assert (ROOT / "submissions").is_dir()


@pytest.mark.skipif(not AS_ROOT, reason="the refusal is for root on Linux")
def test_as_root_on_linux_the_portable_tier_refuses_learner_code() -> None:
    """--sandbox portable as root: a one-line refusal, before anything runs."""
    with pytest.raises(SandboxUnavailable, match="refuses to run learner code as root") as caught:
        Sandbox("portable").check()
    assert "\n" not in str(caught.value)


@pytest.mark.skipif(not AS_ROOT, reason="the refusal is for root on Linux")
def test_as_root_the_command_line_refuses_portable_with_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Exit 2 and one line on stderr; nothing on stdout."""
    code = main(["--sandbox", "portable", str(SUBMISSIONS / "correct-script.py")])
    out, err = capsys.readouterr()
    assert (code, out, len(err.strip().splitlines())) == (EXIT_USAGE, "", 1)
    assert "refuses to run learner code as root" in err


@pytest.mark.skipif(not AS_ROOT, reason="the refusal is for root on Linux")
def test_as_root_auto_never_falls_back_to_the_portable_tier(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where the Linux tiers cannot run (no /proc, say), auto refuses rather than run as root."""
    from grader.sandbox import portable

    monkeypatch.setattr(portable, "linux_layers_problem", lambda: "/proc is not mounted")
    with pytest.raises(SandboxUnavailable, match="refuses to run learner code as root"):
        Sandbox("auto").check()


@runs_learner_code
@pytest.mark.parametrize("case", ["forge-fd-open", "forge-fileio", "forge-subprocess"])
def test_a_forged_answer_counts_for_nothing_in_the_portable_tier(case: str) -> None:
    """The parent checks each variant's frame and exit status as the harness does."""
    from grader.load import load

    hostile = Path(__file__).resolve().parent / "hostile" / f"{case}.py"
    ran = Sandbox("portable").run(load(hostile), [{}, {"load": 2}], Limits(timeout=5))
    assert [(e.missing, e.values) for e in ran.executions] == [(True, {}), (True, {})]
