"""Watching: grade, then grade again each time a submission is saved, until Ctrl-C.

For a learner with the file open in an editor: the report stays on screen and is
replaced by a fresh one after every save. Changes are found by polling the files' size
and modification time (standard library only, the same on every system); an editor that
saves in several writes (or by renaming a new file over the old one) is graded once,
when the file has stopped changing.

The screen shows that it is alive: "grading..." as soon as a save is seen, then the
report and the time it was graded; a note when a watched file is gone (deleted, or
moved away), and the report speaks of saving, the learner's only action here, where a
graded file is told to be submitted again.
"""

from __future__ import annotations

import io
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

# Seconds between two looks at the files, and how long they must stay unchanged.
INTERVAL = 0.3
SETTLE = 0.2
# How long a file must stay gone before the learner is told: an editor that saves by
# renaming leaves it gone for a moment only.
GONE = 1.0
EXIT_STOPPED = 0
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
# A grading stopped by a signal: Ctrl-C (SIGINT), or SIGTERM.
SIGNALLED = (EXIT_INTERRUPTED, 143)

Snapshot = tuple[tuple[str, int, int], ...]

# The grader's words for a file that must be handed in again, and what they are while
# the learner is saving, not submitting.
_SAVING = (
    (re.compile(r",? and submit (?:it )?again\b"), ": it is graded again when you save"),
    (re.compile(r",? and submit the saved \.ipynb file\b"), ": it is graded again when you save"),
    (
        re.compile(r"\bSubmit the \.py or \.ipynb file you wrote\b"),
        "Save the .py or .ipynb file you wrote",
    ),
    (re.compile(r"\bSubmit only your solution's code\b"), "Keep only your solution's code"),
    (re.compile(r"\bSubmit the file itself\b"), "Watch the file itself"),
    (re.compile(r"\bsubmit (?:it )?again\b"), "save it again"),
)


def saving_words(text: str) -> str:
    """Say "save" where a report says "submit again": while watching, saving is grading."""
    for pattern, words in _SAVING:
        text = pattern.sub(words, text)
    return text


def snapshot(paths: Sequence[str]) -> Snapshot:
    """Return the size and modification time of every file named or inside a folder named."""
    found = []
    for given in paths:
        path = Path(given)
        files = sorted(path.iterdir()) if path.is_dir() else [path]
        for file in files:
            try:
                info = file.stat()
            except OSError:
                found.append((str(file), -1, -1))  # gone for now: saved by a rename
                continue
            if file.suffix in (".py", ".ipynb") or file == path:
                found.append((str(file), info.st_mtime_ns, info.st_size))
    return tuple(found)


def clear(stream: TextIO) -> None:
    """Clear a terminal before the next report (nothing, when output goes to a file)."""
    if not stream.isatty():
        return
    if sys.platform == "win32":
        os.system("cls")  # the console may not read escape sequences
    else:
        stream.write("\x1b[H\x1b[2J\x1b[3J")
        stream.flush()


class _Held(io.TextIOBase):
    """Stands in for standard output while a grading runs: holds the report back.

    It answers as the real stream does (a terminal, its width, its encoding), so the
    report is drawn for it; what is written is kept, to be shown in saving words.
    """

    def __init__(self, real: TextIO) -> None:
        self.real = real
        self.parts: list[str] = []

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def isatty(self) -> bool:
        return self.real.isatty()

    def fileno(self) -> int:
        return self.real.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.real, "encoding", None) or "utf-8"


def _graded(grade_once: Callable[[], int], paths: Sequence[str], out: TextIO) -> int:
    """Say "grading...", grade, then show the report in saving words and when it was graded."""
    clear(out)
    out.write(f"grader: grading {', '.join(paths)}...\n")
    out.flush()
    held = _Held(out)
    real = sys.stdout
    sys.stdout = held  # the report is written to standard output
    try:
        code = grade_once()
    finally:
        sys.stdout = real
    clear(out)
    out.write(saving_words("".join(held.parts)))
    if code not in (EXIT_USAGE, *SIGNALLED):
        out.write(f"\ngrader: graded at {time.strftime('%H:%M:%S')}.")
    out.flush()
    return code


def watch(
    paths: Sequence[str],
    grade_once: Callable[[], int],
    stream: TextIO | None = None,
    interval: float = INTERVAL,
) -> int:
    """Grade, then grade again after every save; return 0 when stopped with Ctrl-C."""
    out = stream or sys.stdout
    try:
        code = _graded(grade_once, paths, out)
        if code in (EXIT_USAGE, *SIGNALLED):
            return code  # nothing to watch (no such file), or stopped while grading
        seen = snapshot(paths)
        while True:
            _say_watching(paths, out)
            seen = _wait_for_change(paths, seen, interval, out)
            if _graded(grade_once, paths, out) in SIGNALLED:
                break
    except KeyboardInterrupt:
        pass
    out.write("\ngrader: stopped watching.\n")
    out.flush()
    return EXIT_STOPPED


def _say_watching(paths: Sequence[str], out: TextIO) -> None:
    out.write(f"\ngrader: watching {', '.join(paths)}; save to grade again, Ctrl-C to stop.\n")
    out.flush()


def _wait_for_change(
    paths: Sequence[str], seen: Snapshot, interval: float, out: TextIO
) -> Snapshot:
    """Wait until the files change and then stay unchanged for a moment; return the new state.

    A file that stays gone is said once, and waited for: saving it again brings it back.
    """
    told: set[str] = set()
    gone_since: dict[str, float] = {}
    while True:
        time.sleep(interval)
        now = snapshot(paths)
        missing = {name for name, _, size in now if size < 0}
        for name in missing:
            since = gone_since.setdefault(name, time.monotonic())
            if name not in told and time.monotonic() - since >= GONE:
                out.write(
                    f"grader: {name} is gone (deleted, renamed or moved); waiting for it to "
                    "be saved again.\n"
                )
                out.flush()
                told.add(name)
        gone_since = {name: t for name, t in gone_since.items() if name in missing}
        if now == seen:
            continue
        # Let an editor finish saving: a file mid-write or renamed away is not graded.
        while True:
            time.sleep(SETTLE)
            settled = snapshot(paths)
            if settled == now and all(size >= 0 for _, _, size in settled):
                return settled
            if settled == now:
                break  # still gone: back to waiting, where it is said
            now = settled
        seen = now
