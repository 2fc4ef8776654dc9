"""Whole programs whose shape a rewrite of the samples cannot express, and their verdicts.

Each program is written the way a learner might, and carries the verdict of each step a
teacher reading the exercise would give: a step code where it must fail, None where it
must pass. They are graded together, in one batch, as a folder is.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from grader.grade import Options, Submission, grade
from grader.result import Result
from tests.conftest import TEST_TIMEOUT

START = """\
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
"""

# name -> (the program after START, the step 3 code it must get or None to pass).
PROGRAMS: dict[str, tuple[str, str | None]] = {
    "helper-handed-the-items": (
        """
        def evaluate(pairs, limit):
            result = {}
            for strategy, capacity in pairs:
                result[strategy] = capacity >= limit
            return result

        can_handle_load = evaluate(systems.items(), load)
        print(can_handle_load)
        """,
        None,
    ),
    "helper-handed-the-items-compares-with-a-typed-load": (
        """
        def evaluate(pairs):
            result = {}
            for strategy, capacity in pairs:
                result[strategy] = capacity >= 7
            return result

        can_handle_load = evaluate(systems.items())
        print(can_handle_load)
        """,
        "step3.hardcoded",
    ),
    "helper-handed-the-keys": (
        """
        def evaluate(names, limit):
            result = {}
            for strategy in names:
                result[strategy] = systems[strategy] >= limit
            return result

        can_handle_load = evaluate(systems.keys(), load)
        print(can_handle_load)
        """,
        "step3.not-items",
    ),
    "entry-stored-from-a-call-with-no-arguments": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = (lambda c=capacity, l=load: not c < l)()
        print(can_handle_load)
        """,
        None,
    ),
    "dictionary-made-again-with-dict-inside-the-loop": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load = dict()
            can_handle_load[strategy] = capacity >= load
        print(can_handle_load)
        """,
        "step3.reset-in-loop",
    ),
    "loop-over-a-second-name-for-systems": (
        """
        capacities = systems
        can_handle_load = {}
        for strategy, capacity in capacities.items():
            can_handle_load[strategy] = capacity >= load
        print(can_handle_load)
        """,
        None,
    ),
    "helper-whose-defaults-are-systems-and-load": (
        """
        def evaluate(capacities=systems, limit=load):
            result = {}
            for strategy, capacity in capacities.items():
                result[strategy] = capacity >= limit
            return result

        can_handle_load = evaluate()
        print(can_handle_load)
        """,
        None,
    ),
    "class-that-keeps-systems-as-an-attribute": (
        """
        class Planner:
            def __init__(self, capacities, limit):
                self.capacities = capacities
                self.limit = limit

            def evaluate(self):
                result = {}
                for strategy, capacity in self.capacities.items():
                    result[strategy] = capacity >= self.limit
                return result

        can_handle_load = Planner(systems, load).evaluate()
        print(can_handle_load)
        """,
        None,
    ),
    "class-that-keeps-systems-compares-with-a-typed-load": (
        """
        class Planner:
            def __init__(self, capacities, limit):
                self.capacities = capacities
                self.limit = limit

            def evaluate(self):
                result = {}
                for strategy, capacity in self.capacities.items():
                    result[strategy] = capacity >= 7
                return result

        can_handle_load = Planner(systems, load).evaluate()
        print(can_handle_load)
        """,
        "step3.hardcoded",
    ),
    "loop-over-capacities-typed-again": (
        """
        sizes = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
        can_handle_load = {}
        for strategy, capacity in sizes.items():
            can_handle_load[strategy] = capacity >= load
        print(can_handle_load)
        """,
        "step3.no-loop",
    ),
    "loop-over-the-dictionary-itself": (
        """
        can_handle_load = {}
        for strategy in systems:
            capacity = systems[strategy]
            can_handle_load[strategy] = capacity >= load
        print(can_handle_load)
        """,
        "step3.not-items",
    ),
}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    """Grade every program in one batch."""
    folder: Path = tmp_path_factory.mktemp("shapes")
    submissions = []
    for name, (body, _) in PROGRAMS.items():
        path = folder / f"{name}.py"
        path.write_text(START + textwrap.dedent(body), encoding="utf-8")
        submissions.append(Submission(path.name, path))
    report = grade(submissions, Options(timeout=TEST_TIMEOUT, jobs=2))
    return {Path(r.submission).stem: r for r in report.results}


@pytest.mark.parametrize("name", PROGRAMS)
def test_step3_judges_the_loop_where_it_stands_for_the_asked_one(
    name: str, results: dict[str, Result]
) -> None:
    """A loop over what stands for `systems.items()` is that loop, and is judged as it."""
    step3 = results[name].steps[2]
    assert step3.code == PROGRAMS[name][1], step3.message
