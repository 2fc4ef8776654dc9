"""The exercise "Why scaling requires different strategies": its facts, in one place.

Step titles, instructions and hints are the exercise's own text. Expected values are
not written here: they come from running the reference solution (reference/solution.py)
through the same loader and sandbox as every submission.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.load import load
from grader.sandbox import Execution, Limits, Run, run
from grader.values import decode

TITLE = "Why scaling requires different strategies"

# The names the steps ask for, and the loop variables step 3 asks for.
SYSTEMS = "systems"
LOAD = "load"
RESULT = "can_handle_load"
LOOP_TARGETS = ("strategy", "capacity")


@dataclass(frozen=True)
class Step:
    """One step as the learner sees it."""

    number: int
    title: str
    instruction: str
    hint: str
    # The step asks for output: a failure shows the learner what their program printed.
    about_output: bool = False


STEPS: tuple[Step, ...] = (
    Step(
        1,
        "Create the initial system capacities",
        "Create a dictionary called `systems` with these exact entries: "
        "`'single_node': 1`, `'horizontal_scaling': 5`, and `'vertical_scaling': 2`.",
        "Use curly braces to create a dictionary with the exact keys and values.",
    ),
    Step(
        2,
        "Set the current load value",
        "Create a variable called `load` and set it to 7.",
        "Just assign the number 7 to the variable named `load`.",
    ),
    Step(
        3,
        "Determine which strategies can handle the load",
        "Use a for loop with variables `strategy` and `capacity` to iterate over "
        "`systems.items()`. Inside the loop, create a dictionary called `can_handle_load` "
        "where each key is the strategy and the value is true if capacity is greater "
        "than or equal to load, otherwise false.",
        "Start with an empty dictionary `can_handle_load = {}`. Then use a for loop to fill it.",
    ),
    Step(
        4,
        "Print the results",
        "Write `print(can_handle_load)` to display which scaling strategies can handle the load.",
        "Use the print function to show the dictionary.",
        about_output=True,
    ),
)


def step(number: int) -> Step:
    """Return the step with this number."""
    return STEPS[number - 1]


def reference_script() -> Path:
    """Locate the reference solution, in a source checkout or an installed package."""
    checkout = Path(__file__).resolve().parent.parent / "reference" / "solution.py"
    if checkout.is_file():
        return checkout
    return Path(__file__).resolve().parent / "_reference" / "solution.py"


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


class ReferenceError_(Exception):
    """The reference solution did not run as a reference must; the grader is broken."""


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


def _value(execution: Execution, name: str) -> Any:
    """Decode one top-level value of an execution, or None if it is absent."""
    data = execution.values.get(name)
    return None if data is None else decode(data)


def first_expected(limits: Limits | None = None) -> Expected:
    """Run the reference solution as written: enough to know the variants to run."""
    program = load(reference_script(), shown_as="reference/solution.py")
    return expected_from(run(program, [{}], limits or Limits()))


def compute_expected(limits: Limits | None = None, first: Expected | None = None) -> Expected:
    """Run the reference solution with every variant (after a first run, if not given)."""
    limits = limits or Limits()
    first = first or first_expected(limits)
    program = load(reference_script(), shown_as="reference/solution.py")
    return expected_from(run(program, first.variants(), limits))
