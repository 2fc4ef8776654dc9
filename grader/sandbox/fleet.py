"""The fleet: every child one grading has in flight, and how to stop them all at once.

Each run boards the fleet before it takes anything of the machine's (a uid, a cgroup
leaf, a folder) and lands once it has given all of it back. ``shutdown`` (from another
thread, or from a signal handler) stops new runs from boarding, kills the children in
flight and the zygotes, waits a moment for their own threads to clean up after them,
cleans up itself after those that did not, and has the janitor remove every cgroup leaf
it still holds. Whoever cleans a run claims it first, so nothing is given back twice.

A fleet may also bound how many children run at once (``slots``): a run holds a slot
only from the moment its child starts until it has been reaped, so that everything a
run does in the grader's own process (preparing its request, reading its answer, giving
back its uid and leaf) happens outside it, while another run's child uses the slot.
Runs given an order (a batch's positions, 0, 1, 2...) take slots strictly in that order,
whichever had its request ready first: run n starts only once every run before it has
started or been given up (``skip``), so a batch's children run in the order it was given,
however many threads prepare them. Runs given no order take the slots the ordered ones
leave free.

Nothing here blocks on a lock a signal handler could find taken: a run is claimed with a
non-blocking acquire, and the table of runs is a dict, whose single operations the
interpreter does at once.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from grader.sandbox import isolation
from grader.sandbox.cgroup import Leaf
from grader.sandbox.janitor import Janitor
from grader.sandbox.model import SandboxUnavailable

# How long shutdown waits for the runs' own threads to clean up after their children.
SHUTDOWN_WAIT = 5.0
# How often a run waiting for a slot looks whether the fleet is shutting down: shutdown
# may come from a signal handler, which cannot take the lock to wake it.
CLOSING_POLL = 0.1


class Closed(SandboxUnavailable):
    """The sandbox was shut down: it starts no more children."""


@dataclass(eq=False)
class Flight:
    """One child in flight: what it holds of the machine, and how to kill it."""

    lease: isolation.Lease | None = None
    leaf: Leaf | None = None
    workdir: Path | None = None
    # Kills the child and everything it started; set once the child runs.
    kill: Callable[[], None] | None = None
    claim: threading.Lock = field(default_factory=threading.Lock)
    # The thread the run belongs to: shutdown from a signal handler in that very thread
    # cannot wait for it to clean up.
    thread: int = field(default_factory=threading.get_ident)
    # Whether the fleet is shutting down: a child started meanwhile is killed at once.
    closing: Callable[[], bool] = lambda: False
    # The order it boarded in.
    number: int = 0
    # Which run goes first for a slot: those asked for in an order (a batch's
    # submissions, by position), in that order, then the others as they boarded.
    rank: tuple[int, int] = (1, 0)

    @property
    def order(self) -> int | None:
        """The order the run was asked for in, or None."""
        return self.rank[1] if self.rank[0] == 0 else None


class Fleet:
    """The children one Sandbox has in flight, its janitor, and shutdown."""

    def __init__(self, slots: int | None = None) -> None:
        self.janitor = Janitor()
        # At most this many children run at once (None: as many as the runs start).
        self._free = None if slots is None else max(1, slots)
        # The runs waiting for a slot, by rank: children start in the order their runs
        # were asked for, not in the order their requests happened to be ready.
        self._waiting: list[tuple[int, int]] = []
        # The first order not yet started nor skipped, and those past it that were.
        self._next = 0
        self._passed: set[int] = set()
        self._turns = threading.Condition()
        self.closing = False
        self._flights: dict[int, Flight] = {}
        self._numbers = itertools.count()
        self._stoppers: dict[int, Callable[[], None]] = {}

    def board(self, order: int | None = None) -> tuple[int, Flight]:
        """Register a new run, or raise Closed once the fleet is shutting down.

        ``order`` places the run among those waiting for a slot (see ``slot``).
        """
        if self.closing:
            raise Closed("the sandbox was shut down: no more submissions run")
        number = next(self._numbers)
        rank = (1, number) if order is None else (0, order)
        flight = Flight(closing=lambda: self.closing, number=number, rank=rank)
        self._flights[number] = flight
        if self.closing:  # shut down meanwhile: shutdown may not have seen this one
            self._flights.pop(number, None)
            raise Closed("the sandbox was shut down: no more submissions run")
        return number, flight

    def land(self, number: int, flight: Flight, clean: Callable[[], str]) -> str | None:
        """Clean up after a run with ``clean`` unless shutdown claimed it; return its problem.

        None means shutdown is cleaning up after this run.
        """
        try:
            if not flight.claim.acquire(blocking=False):
                return None
            return clean()
        finally:
            self._flights.pop(number, None)

    @contextlib.contextmanager
    def slot(self, flight: Flight) -> Iterator[None]:
        """Hold one of the fleet's slots while a flight's child runs (waiting for one if
        all are taken). Of the runs waiting, the one whose order comes next goes first;
        one with an order waits for every run before it; one without goes when no run
        with an order may, in the order it boarded. Raises Closed if the fleet shuts
        down meanwhile.

        Only the starting, the exchange and the reaping of a child belong inside: a slot
        held while the grader prepares or reads stands for a processor left idle.
        """
        if self._free is None:
            yield
            return
        with self._turns:
            self._waiting.append(flight.rank)
            try:
                while self._free == 0 or self._first() != flight.rank:
                    if self.closing:
                        raise Closed("the sandbox was shut down: no more submissions run")
                    self._turns.wait(CLOSING_POLL)
            except BaseException:
                self._waiting.remove(flight.rank)
                self._turns.notify_all()
                raise
            self._waiting.remove(flight.rank)
            if flight.order is not None:
                self._pass(flight.order)
            self._free -= 1
            self._turns.notify_all()
        try:
            yield
        finally:
            with self._turns:
                self._free += 1
                self._turns.notify_all()

    def skip(self, order: int) -> None:
        """Say that the run of this order will not take a slot (it was not run, or it
        already did): the runs after it need not wait for it."""
        with self._turns:
            if order >= self._next and order not in self._passed:
                self._pass(order)
                self._turns.notify_all()

    def _first(self) -> tuple[int, int] | None:
        """The rank of the waiting run that may go next (the lock is held)."""
        # A run whose order is already past (asked for twice) does not wait either.
        ready = [rank for rank in self._waiting if rank[0] == 1 or rank[1] <= self._next]
        return min(ready) if ready else None

    def _pass(self, order: int) -> None:
        """Mark an order as started or skipped (the lock is held)."""
        self._passed.add(order)
        while self._next in self._passed:
            self._passed.discard(self._next)
            self._next += 1

    def on_shutdown(self, stop: Callable[[], None]) -> int:
        """Register something shutdown must stop (a zygote); return a key to forget it by."""
        key = next(self._numbers)
        self._stoppers[key] = stop
        return key

    def forget(self, key: int) -> None:
        """Forget what on_shutdown registered."""
        self._stoppers.pop(key, None)

    def shutdown(self, wait: float = SHUTDOWN_WAIT) -> list[str]:
        """Stop everything; return what could not be cleaned up, in words.

        Safe to call more than once, from any thread or from a signal handler.
        """
        self.closing = True
        for stop in list(self._stoppers.values()):
            with contextlib.suppress(Exception):
                stop()
        for flight in list(self._flights.values()):
            if flight.kill is not None:
                with contextlib.suppress(Exception):
                    flight.kill()
        deadline = time.monotonic() + wait
        here = threading.get_ident()
        while time.monotonic() < deadline and any(
            flight.thread != here for flight in list(self._flights.values())
        ):
            time.sleep(0.01)
        problems = []
        for number, flight in list(self._flights.items()):
            if flight.claim.acquire(blocking=False):
                problem = isolation.finish(flight.lease, flight.workdir, False, flight.leaf)
                if flight.leaf is not None:
                    self.janitor.discard(flight.leaf)
                if problem:
                    problems.append(problem)
                self._flights.pop(number, None)
        problems.extend(
            f"the cgroup {folder} still holds processes" for folder in self.janitor.close()
        )
        return problems
