"""The janitor: cgroup leaves made ahead and removed off the submissions' critical path.

A leaf can be removed only once the kernel has let go of every process that was in it,
which may be a few milliseconds after the last one died: waiting for that inside a
submission's time cost a sleep on every busy removal. The janitor takes a leaf that is
still busy and retries on a thread of its own, keeps a couple of fresh leaves made
ahead for the next submissions, and, once per grading, removes the empty leaves left
by graders that are gone (grader/sandbox/cgroup.py says which ones it can prove are).

One janitor belongs to one Sandbox; ``close`` removes every leaf it still holds. Its
thread runs while there is work, and ends when none has come for LINGER seconds.
"""

from __future__ import annotations

import contextlib
import threading
import time

from grader.sandbox import cgroup
from grader.sandbox.cgroup import Leaf

# How long a busy leaf is retried before the janitor gives up on it (and says so).
GIVE_UP = 60.0
# Fresh leaves kept ready per set of limits.
AHEAD = 2
# Seconds the thread waits for more work before it ends: in a batch the next
# submission comes within that, and a thread started per submission costs more CPU in
# the grader's process than one that waits.
LINGER = 1.0


class Janitor:
    """Removes leaves that are still busy, keeps fresh ones ready, sweeps stale ones once."""

    def __init__(self, ahead: int = AHEAD) -> None:
        # Re-entrant: close() may be called by a signal handler in a thread that holds it.
        self._lock = threading.RLock()
        self._wake = threading.Condition(self._lock)
        self._busy: list[tuple[Leaf, float]] = []
        # How many busy leaves the thread is trying right now, out of _busy meanwhile.
        self._trying = 0
        self._ready: dict[tuple[int, int], list[Leaf]] = {}
        self._ahead = ahead
        self._thread: threading.Thread | None = None
        self._swept = False
        self._closed = False
        # The leaves it gave up on, by their first folder.
        self.abandoned: list[str] = []

    def take(self, memory: int, processes: int) -> Leaf | None:
        """Return a fresh leaf with these limits: one made ahead, or a new one."""
        key = (memory, processes)
        with self._lock:
            ready = self._ready.setdefault(key, [])
            leaf = ready.pop() if ready else None
            if not self._closed:
                self._start()
        return leaf if leaf is not None else cgroup.create(memory, processes)

    def discard(self, leaf: Leaf) -> None:
        """Remove a leaf now if the kernel lets go of it, else later, on the janitor's thread."""
        if leaf.remove_once():
            return
        with self._lock:
            if not self._closed:
                self._busy.append((leaf, time.monotonic() + GIVE_UP))
                self._start()
                return
        # Closed: no thread any more, so the caller waits (a grading that is ending).
        if leaf.remove():
            self.abandoned.append(leaf.folders[0])

    def close(self, give_up: float = 5.0) -> list[str]:
        """Remove every leaf the janitor holds, busy ones until give_up; return those left.

        Waits for the thread to end (it removes what it was making), so that nothing is
        made after this returns.
        """
        with self._lock:
            self._closed = True
            ready = [leaf for leaves in self._ready.values() for leaf in leaves]
            self._ready.clear()
            busy = [leaf for leaf, _ in self._busy]
            self._busy.clear()
            thread = self._thread
            self._wake.notify_all()
        deadline = time.monotonic() + give_up
        if thread is not None and thread is not threading.current_thread():
            thread.join(give_up)
        busy.extend(leaf for leaf in ready if not leaf.remove_once())
        while busy and time.monotonic() < deadline:
            busy = [leaf for leaf in busy if not leaf.remove_once()]
            if busy:
                time.sleep(0.01)
        left = [leaf.folders[0] for leaf in busy]
        self.abandoned.extend(left)
        return left

    def pending(self) -> int:
        """Return how many leaves the janitor still has to remove."""
        with self._lock:
            return len(self._busy) + self._trying

    def _start(self) -> None:
        """Start the thread if it is not running (the lock is held)."""
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._work, name="grader-janitor", daemon=True)
            self._thread.start()
        self._wake.notify_all()

    def _work(self) -> None:
        if not self._swept:
            self._swept = True
            with contextlib.suppress(OSError):
                cgroup.remove_stale()
        idle = False
        while True:
            with self._lock:
                busy, self._busy = self._busy, []
                self._trying = len(busy)
                missing = [k for k, leaves in self._ready.items() if len(leaves) < self._ahead]
                closed = self._closed
            still = self._retry(busy)
            made = {} if closed else self._make(missing)
            with self._lock:
                self._trying = 0
                if self._closed:
                    # close() took what it saw; what this round holds goes now.
                    self._thread = None
                    leftovers = [leaf for leaf, _ in still] + list(made.values())
                    break
                self._busy.extend(still)
                for key in missing:
                    if key in made:
                        self._ready.setdefault(key, []).append(made[key])
                    else:
                        self._ready.pop(key, None)  # none can be made: wanted no more
                if not self._busy and not self._wanted():
                    if idle and not (busy or missing):
                        # Nothing came while it waited: the thread ends; the next take
                        # or discard starts one.
                        self._thread = None
                        return
                    idle = True
                    self._wake.wait(LINGER)
                    continue
                idle = False
                if self._busy:
                    self._wake.wait(0.02)
        for leaf in leftovers:
            if leaf.remove():
                self.abandoned.append(leaf.folders[0])

    def _retry(self, busy: list[tuple[Leaf, float]]) -> list[tuple[Leaf, float]]:
        """Try each busy leaf once; return those still busy (giving up on the overdue)."""
        still = []
        now = time.monotonic()
        for leaf, deadline in busy:
            if leaf.remove_once():
                continue
            if now > deadline:
                self.abandoned.append(leaf.folders[0])
            else:
                still.append((leaf, deadline))
        return still

    def _make(self, keys: list[tuple[int, int]]) -> dict[tuple[int, int], Leaf]:
        """Make one fresh leaf for each of these limits, where one can be made."""
        made = {}
        for memory, processes in keys:
            leaf = cgroup.create(memory, processes)
            if leaf is not None:
                made[(memory, processes)] = leaf
        return made

    def _wanted(self) -> bool:
        """Whether some limits have fewer fresh leaves ready than wanted (the lock is held)."""
        return any(len(leaves) < self._ahead for leaves in self._ready.values())
