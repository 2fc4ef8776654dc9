"""`grader --watch FILE`: grade, then grade again on every save, until Ctrl-C (exit 0).

The grader runs as a real process, in a pseudo-terminal where a learner would see it
(so that clearing the screen is what happens) and with its output in a pipe.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from grader.cli import EXIT_USAGE, main
from tests.conftest import STEP_COUNT, SUBMISSIONS, progress

CLEAR = "\x1b[H\x1b[2J"
WATCHING = "grader: watching"

posix_only = pytest.mark.skipif(
    sys.platform == "win32", reason="sends SIGINT and uses a pseudo-terminal (POSIX)"
)


def read_until(fd: int, text: str, count: int, seconds: float = 60.0) -> str:
    """Read from a descriptor until a text has appeared count times; return all read."""
    seen = b""
    deadline = time.monotonic() + seconds
    while seen.decode("utf-8", "replace").count(text) < count:
        left = deadline - time.monotonic()
        assert left > 0, f"waited for {text!r} x{count}; got {seen.decode('utf-8', 'replace')!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 65_536)
            except OSError:  # the terminal closed
                break
            if not chunk:
                break
            seen += chunk
    return seen.decode("utf-8", "replace")


def grader(*args: str, **options: Any) -> subprocess.Popen[bytes]:
    """Start `python -m grader` with a short timeout per grading."""
    return subprocess.Popen([sys.executable, "-m", "grader", "--timeout", "5", *args], **options)


@posix_only
def test_saving_the_file_grades_it_again_on_a_cleared_screen(tmp_path: Path) -> None:
    """The first report shows the mistake; after a save, a cleared screen shows every step passed."""
    import pty

    work = tmp_path / "work.py"
    shutil.copy(SUBMISSIONS / "step3-strict-greater.py", work)
    master, slave = pty.openpty()
    process = grader("--watch", str(work), stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    try:
        first = read_until(master, WATCHING, 1)
        time.sleep(0.1)  # a save in a later tick of the clock than the first grading
        work.write_text((SUBMISSIONS / "correct-script.py").read_text(encoding="utf-8"))
        both = first + read_until(master, WATCHING, 1)
        process.send_signal(signal.SIGINT)
        rest = read_until(master, "stopped watching", 1)
        code = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    second = both[len(first) :]
    assert progress(STEP_COUNT - 1) in first
    assert CLEAR in second.split("Progress")[0]
    assert progress(STEP_COUNT) in second
    assert ("stopped watching" in rest, code) == (True, 0)


@posix_only
def test_ctrl_c_while_waiting_ends_with_exit_0_and_no_escape_codes_in_a_pipe(
    tmp_path: Path,
) -> None:
    """Output to a pipe or a file is not cleared with escape codes; Ctrl-C still exits 0."""
    work = tmp_path / "work.py"
    shutil.copy(SUBMISSIONS / "correct-script.py", work)
    process = grader("--watch", str(work), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert process.stdout is not None
    try:
        seen = read_until(process.stdout.fileno(), WATCHING, 1)
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    text = seen + out.decode("utf-8", "replace")
    assert ("\x1b[" in text, "stopped watching" in text, process.returncode) == (False, True, 0)


def test_watching_a_file_that_does_not_exist_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Nothing to watch: the usual one line and exit 2, without waiting."""
    code = main(["--watch", "no-such-file.py"])
    assert (code, "no such file" in capsys.readouterr().err) == (EXIT_USAGE, True)


def test_saving_is_the_word_while_watching() -> None:
    """A report that says to submit again says, while watching, that a save grades it."""
    from grader.frontends.watch import saving_words

    text = "a.py is empty. Write the code for the exercise's steps in it, save it, and submit it again."
    assert saving_words(text) == (
        "a.py is empty. Write the code for the exercise's steps in it, save it: it is graded "
        "again when you save."
    )


def test_watching_says_grading_then_when_and_notes_a_file_gone(tmp_path: Path) -> None:
    """'grading...' before each grade, its time after it, and a note while the file is gone."""
    import io
    import re
    import threading

    from grader.frontends import watch as watching

    work = tmp_path / "work.py"
    work.write_text("x = 1\n", encoding="utf-8")
    calls = []

    def grade_once() -> int:
        calls.append(1)
        if len(calls) > 1:
            raise KeyboardInterrupt  # the second grade: enough seen
        print("work.py is empty. Save it, and submit it again.")
        return 1

    def learner() -> None:
        time.sleep(0.3)
        work.unlink()  # deleted...
        time.sleep(watching.GONE + 0.8)
        work.write_text("x = 2\n", encoding="utf-8")  # ...and saved again

    out = io.StringIO()
    saver = threading.Thread(target=learner)
    saver.start()
    code = watching.watch([str(work)], grade_once, out, interval=0.05)
    saver.join()
    text = out.getvalue()
    assert code == 0
    assert text.index("grading") < text.index("it is graded again when you save")
    assert re.search(r"graded at \d\d:\d\d:\d\d", text)
    assert f"{work} is gone" in text
    assert "submit" not in text
