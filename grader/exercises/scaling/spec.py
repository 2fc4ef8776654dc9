"""The exercise's names, how a run is varied, and the expected values read from its reference.

Expected values are not written here: they come from running the reference solution
(reference/solution.py) through the same loader and sandbox as every submission.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.checks.expected import secret
from grader.exercise import ReferenceError_
from grader.sandbox import Execution, Run
from grader.sandbox.values import decode, show

TITLE = "Why scaling requires different strategies"

# The names the steps ask for, and the loop variables step 3 asks for.
SYSTEMS = "systems"
LOAD = "load"
RESULT = "can_handle_load"
LOOP_TARGETS = ("strategy", "capacity")
NAMES = (SYSTEMS, LOAD, RESULT, *LOOP_TARGETS)


def reference_folder() -> Path:
    """Locate the reference solution, in a source checkout or an installed package."""
    here = Path(__file__).resolve()
    checkout = here.parents[3] / "reference"
    if (checkout / "solution.py").is_file():
        return checkout
    return here.parents[2] / "_reference"


@dataclass(frozen=True)
class Setting:
    """One way a program is run: a load, and other capacities for `systems` or none."""

    load: int
    # The capacities in place of the program's own, as (key, capacity) pairs; None: its own.
    systems: tuple[tuple[Any, Any], ...] | None = None
    # Drawn at random from the installation's secret: its values are never shown.
    drawn: bool = field(default=False, compare=False)

    def overrides(self, written_load: int) -> dict[str, Any]:
        """Return the names this setting overrides in a program whose load is written_load."""
        chosen: dict[str, Any] = {} if self.load == written_load else {LOAD: self.load}
        if self.systems is not None:
            chosen[SYSTEMS] = dict(self.systems)
        return chosen

    def describe(self) -> str:
        """Say what the setting changes, the way a learner would write it; a drawn one
        without its values, which the program must not learn from a report."""
        if self.drawn:
            return f"other capacities in `{SYSTEMS}` and another `{LOAD}`, drawn at random"
        if self.systems is None:
            return f"`{LOAD} = {self.load}`"
        return f"`{SYSTEMS} = {show(dict(self.systems), 200)}` and `{LOAD} = {self.load}`"


def _rankable(systems: Mapping[Any, Any]) -> bool:
    """Whether other capacities can stand in for these: two strategies or more (one
    alone has no ranking to turn upside down, nor answers to mix), each capacity a
    whole number (the settings are drawn around a whole load)."""
    return len(systems) >= 2 and all(type(c) is int for c in systems.values())


@dataclass(frozen=True)
class Expected:
    """What the reference solution does: the values every submission is compared with."""

    systems: dict[Any, Any]
    load: int
    # setting -> the reference's can_handle_load when run that way.
    results: Mapping[Setting, dict[Any, Any]]
    # setting -> the lines the reference printed when run that way.
    printed: Mapping[Setting, tuple[str, ...]]
    # The settings drawn from the installation's secret (see drawn_settings).
    drawn: tuple[Setting, ...] = ()

    @property
    def result(self) -> dict[Any, Any]:
        """The reference's can_handle_load as the exercise sets the load."""
        return self.results[Setting(self.load)]

    def setting(self, overrides: Mapping[str, Any]) -> Setting:
        """Return the setting a run with these overrides was made with."""
        systems = overrides.get(SYSTEMS)
        setting = Setting(
            overrides.get(LOAD, self.load),
            None if type(systems) is not dict else tuple(systems.items()),
        )
        return next((drawn for drawn in self.drawn if drawn == setting), setting)

    def is_drawn(self, overrides: Mapping[str, Any]) -> bool:
        """Whether a run with these overrides was one of the drawn settings."""
        return self.setting(overrides).drawn

    def variants(self) -> list[dict[str, Any]]:
        """Return the program's variants: as written first, then other loads and capacities,
        then the settings drawn at random."""
        settings = [Setting(other) for other in self.other_loads()] + self.other_systems()
        return [{}] + [s.overrides(self.load) for s in [*settings, *self.drawn]]

    def other_loads(self) -> list[int]:
        """Loads that tell a computed result from a written one, and >= from >."""
        capacities = [c for c in self.systems.values() if type(c) is int]
        loads = {0, *capacities, max(capacities, default=0) + 1} - {self.load}
        return sorted(loads)

    def other_systems(self) -> list[Setting]:
        """Other capacities for the same keys, around the load, ranked unlike the exercise's.

        Only varying the load lets capacities typed into the loop pass. Here the keys'
        ranking is turned upside down (the smallest capacity becomes the largest), and
        the capacities are one above, equal to and below the load, so a result that
        ignores `systems` shows, and so does `>` for `>=`. One such run is enough: each
        run costs every submission a process.

        The load stays the exercise's, so an answer chosen by the load (`if load ==
        7`) shows; the capacity above it is the power of ten above it (10 for 7), a
        digit longer, so numbers compared as text (`str(capacity) >= str(load)`:
        "10" >= "7" is False) show too, which one-digit numbers alone never tell.
        """
        if not _rankable(self.systems):
            return []
        ranked = sorted(self.systems, key=lambda k: self.systems[k])
        capacity = {key: max(1, self.load + 1 - place) for place, key in enumerate(ranked)}
        capacity[ranked[0]] = 10 ** len(str(abs(self.load)))
        return [Setting(self.load, tuple((k, capacity[k]) for k in self.systems))]


# How many settings are drawn at random: each costs every submission one more run.
DRAWN = 2
# The loads they are drawn from: far beyond what a table of answers could hold.
DRAWN_LOADS = (100, 9_999)


def drawn_settings(systems: dict[Any, Any], load: int, key: bytes) -> tuple[Setting, ...]:
    """Draw settings no program can know: capacities and loads chosen from a secret key.

    The fixed settings are predictable, so a program could hold the answer for each of
    them and compare nothing. These are drawn from the installation's secret, which the
    sandbox hides: a program sees their values only while it runs, and must compute its
    answer from them. Each strategy's answer is True or False at random (True: a
    capacity equal to the load or larger, False: a smaller one), and no two drawn
    settings have the same answers, so a program whose answers do not follow the
    drawn values (a guess by name, a dictionary typed in) fails at least one of them.
    """
    if not _rankable(systems):
        return ()
    seed = hashlib.sha256(key + repr((sorted(map(repr, systems.items())), load)).encode())
    chooser = random.Random(seed.digest())
    answers: list[tuple[bool, ...]] = []
    while len(answers) < DRAWN:
        drawn = tuple(chooser.random() < 0.5 for _ in systems)
        if drawn not in answers:
            answers.append(drawn)
    settings = []
    for answer in answers:
        drawn_load = chooser.randint(*DRAWN_LOADS)
        larger = (drawn_load, chooser.randint(drawn_load + 1, 2 * drawn_load))
        capacities = tuple(
            (name, chooser.choice(larger) if handles else chooser.randint(1, drawn_load - 1))
            for name, handles in zip(systems, answer, strict=True)
        )
        settings.append(Setting(drawn_load, capacities, drawn=True))
    return tuple(settings)


def expected_from(reference_run: Run) -> Expected:
    """Read the expected values out of the reference solution's runs."""
    results: dict[Setting, dict[Any, Any]] = {}
    printed: dict[Setting, tuple[str, ...]] = {}
    main = reference_run.main
    systems = _value(main, SYSTEMS)
    load_value = _value(main, LOAD)
    if type(systems) is not dict or type(load_value) is not int:
        raise ReferenceError_("the reference solution does not define systems and load")
    drawn = drawn_settings(systems, load_value, secret())
    shape = Expected(systems=systems, load=load_value, results={}, printed={}, drawn=drawn)
    for execution in reference_run.executions:
        setting = shape.setting(execution.overrides)
        result = _value(execution, RESULT)
        if type(result) is not dict or execution.errors or execution.missing:
            raise ReferenceError_(f"the reference solution failed with {setting.describe()}")
        results[setting] = result
        printed[setting] = tuple(execution.stdout.splitlines())
    return Expected(systems, load_value, results, printed, drawn)


def variants(expected: Expected) -> list[dict[str, Any]]:
    """Return the variants every program runs with, from the reference's first run."""
    return expected.variants()


def _value(execution: Execution, name: str) -> Any:
    """Decode one top-level value of an execution, or None if it is absent."""
    data = execution.values.get(name)
    return None if data is None else decode(data)


# Advice worded for this exercise, in place of the engine's general advice.
ADVICE = {
    "import-error": (
        "Your program is graded with Python's standard library only, so this import "
        "is not available. The exercise needs no imports: remove the line."
    ),
    "unpacking-error": (
        "The for loop unpacks each item into two variables, but the items are not "
        "pairs. Looping over a dictionary itself gives only its keys; loop over "
        "`.items()` to get each key together with its value."
    ),
}
