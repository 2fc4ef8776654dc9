"""The exercise's names, how a run is varied, and the expected values read from its reference.

Expected values are not written here: they come from running the reference solution
(reference/solution.py) through the same loader and sandbox as every submission.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.exercise import ReferenceError_
from grader.sandbox import Execution, Run
from grader.values import decode

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
class Expected:
    """What the reference solution does: the values every submission is compared with."""

    systems: dict[Any, Any]
    load: int
    # load -> the reference's can_handle_load when run with that load.
    results: Mapping[int, dict[Any, Any]]
    # load -> the lines the reference printed when run with that load.
    printed: Mapping[int, tuple[str, ...]]

    @property
    def result(self) -> dict[Any, Any]:
        """The reference's can_handle_load as the exercise sets the load."""
        return self.results[self.load]

    def variants(self) -> list[dict[str, Any]]:
        """Return the program's variants: as written first, then with other loads."""
        return [{}] + [{LOAD: other} for other in self.other_loads()]

    def other_loads(self) -> list[int]:
        """Loads that tell a computed result from a written one, and >= from >."""
        capacities = [c for c in self.systems.values() if type(c) is int]
        loads = {0, *capacities, max(capacities, default=0) + 1} - {self.load}
        return sorted(loads)


def expected_from(reference_run: Run) -> Expected:
    """Read the expected values out of the reference solution's runs."""
    results: dict[int, dict[Any, Any]] = {}
    printed: dict[int, tuple[str, ...]] = {}
    main = reference_run.main
    systems = _value(main, SYSTEMS)
    load_value = _value(main, LOAD)
    if type(systems) is not dict or type(load_value) is not int:
        raise ReferenceError_("the reference solution does not define systems and load")
    for execution in reference_run.executions:
        chosen = execution.overrides.get(LOAD, load_value)
        result = _value(execution, RESULT)
        if type(result) is not dict or execution.errors or execution.missing:
            raise ReferenceError_(f"the reference solution failed with load = {chosen}")
        results[chosen] = result
        printed[chosen] = tuple(execution.stdout.splitlines())
    return Expected(systems=systems, load=load_value, results=results, printed=printed)


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
