"""Watching: grade, then grade again each time a submission is saved, until Ctrl-C.

For a learner with the file open in an editor: the report stays on screen and is
replaced by a fresh one after every save. Changes are found by polling the files' size
and modification time (standard library only, the same on every system); an editor that
saves in several writes (or by renaming a new file over the old one) is graded once,
when the file has stopped changing.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

# Seconds between two looks at the files, and how long they must stay unchanged.
INTERVAL = 0.3
SETTLE = 0.2
EXIT_STOPPED = 0
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

Snapshot = tuple[tuple[str, int, int], ...]


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


def watch(
    paths: Sequence[str],
    grade_once: Callable[[], int],
    stream: TextIO | None = None,
    interval: float = INTERVAL,
) -> int:
    """Grade, then grade again after every save; return 0 when stopped with Ctrl-C."""
    out = stream or sys.stdout
    try:
        clear(out)
        code = grade_once()
        if code in (EXIT_USAGE, EXIT_INTERRUPTED):
            return code  # nothing to watch (no such file), or stopped while grading
        seen = snapshot(paths)
        while True:
            _say_watching(paths, out)
            seen = _wait_for_change(paths, seen, interval)
            clear(out)
            if grade_once() == EXIT_INTERRUPTED:
                break
    except KeyboardInterrupt:
        pass
    out.write("\ngrader: stopped watching.\n")
    out.flush()
    return EXIT_STOPPED


def _say_watching(paths: Sequence[str], out: TextIO) -> None:
    out.write(f"\ngrader: watching {', '.join(paths)}; save to grade again, Ctrl-C to stop.\n")
    out.flush()


def _wait_for_change(paths: Sequence[str], seen: Snapshot, interval: float) -> Snapshot:
    """Wait until the files change and then stay unchanged for a moment; return the new state."""
    while True:
        time.sleep(interval)
        now = snapshot(paths)
        if now == seen:
            continue
        # Let an editor finish saving: a file mid-write or renamed away is not graded.
        while True:
            time.sleep(SETTLE)
            settled = snapshot(paths)
            if settled == now and all(size >= 0 for _, _, size in settled):
                return settled
            now = settled
