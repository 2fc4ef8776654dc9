"""Stopping on Ctrl-C and SIGTERM: the first signal asks grading to stop, the second stops it.

A ``Stop`` is set once, by the first SIGINT or SIGTERM (or by a caller): grading then
starts nothing more, and the hooks registered on it run at once (the sandbox's shutdown,
which kills the children in flight; it is safe to call from a signal handler). A second
signal raises KeyboardInterrupt, so that a grading that does not end soon enough ends at
once; every signal after that is ignored, so that the cleanup on the way out always
completes. While a Stop is ``quiet`` (the report being written, the sandbox being
cleaned), signals are only recorded.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType

# The signals that stop a grading: Ctrl-C, and what a CI runner sends a cancelled job.
SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stop:
    """A request to stop grading, and which signal made it."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.signum: int | None = None
        # How many signals arrived, the first included.
        self.received = 0
        self._hooks: dict[int, Callable[[], object]] = {}
        self._next_key = 0
        self._quiet = 0

    def is_set(self) -> bool:
        """Whether grading was asked to stop."""
        return self._event.is_set()

    @property
    def exit_code(self) -> int:
        """The exit code that says which signal stopped the grading: 128 + its number."""
        return 128 + (self.signum if self.signum is not None else signal.SIGINT)

    def set(self, signum: int = signal.SIGINT) -> None:
        """Ask grading to stop (once; later calls change nothing) and run the hooks."""
        if self._event.is_set():
            return
        self.signum = signum
        self._event.set()
        for hook in list(self._hooks.values()):
            # A hook that fails must not keep the others from running, nor reach the
            # code the signal interrupted.
            with contextlib.suppress(Exception):
                hook()

    @contextlib.contextmanager
    def hook(self, action: Callable[[], object]) -> Iterator[None]:
        """Run action when the stop is set while inside this block (at once if it is)."""
        key = self._next_key
        self._next_key += 1
        self._hooks[key] = action
        try:
            if self.is_set():
                with contextlib.suppress(Exception):
                    action()
            yield
        finally:
            self._hooks.pop(key, None)

    @contextlib.contextmanager
    def quiet(self) -> Iterator[None]:
        """Only record the signals that arrive inside this block; never raise."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def received_signal(self, signum: int) -> None:
        """React to a signal: the first stops, the second interrupts, later ones are kept."""
        self.received += 1
        if self.received == 1:
            self.set(signum)
        elif self.received == 2 and not self._quiet:
            raise KeyboardInterrupt


@contextlib.contextmanager
def on_signals(stop: Stop | None = None) -> Iterator[Stop]:
    """Let SIGINT and SIGTERM set a Stop inside this block; restore the old handlers after.

    Outside the main thread, where Python cannot handle signals, the Stop is only set
    by whoever calls its ``set``.
    """
    stop = stop or Stop()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handle(signum: int, frame: FrameType | None) -> None:
        stop.received_signal(signum)

    previous = {number: signal.signal(number, handle) for number in SIGNALS}
    try:
        yield stop
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
