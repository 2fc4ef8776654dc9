"""The grading rules of the four steps, as a table of small programs and their verdicts.

Every program is graded through the real grader (child process, pytest checks), all in
one batch; each row states which steps pass and, for the first failing step, the mistake
code it must carry and a phrase its message must contain. A behaviour that has a sample
in submissions/ is stated once, by the sample's golden file (tests/test_golden.py), and
not repeated here.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from grader.exercise import builtin
from grader.grade import Options, Submission, grade
from grader.result import Result, Status
from tests.conftest import TEST_TIMEOUT

HEAD = """\
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
"""
LOOP = """\
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
"""
PRINT = "print(can_handle_load)\n"


@dataclass(frozen=True)
class Row:
    """A program, the steps it passes, and what the first failure must say."""

    name: str
    source: str
    passes: tuple[int, ...]
    code: str | None = None
    phrase: str = ""


ROWS = [
    # Correct in more styles the rules allow (the samples show the common ones).
    Row(
        "main-guard",
        "if __name__ == '__main__':\n" + textwrap.indent(HEAD + LOOP + PRINT, "    "),
        (1, 2, 3, 4),
    ),
    Row(
        "load-read-in-a-function",
        HEAD + "def fits(c):\n    return c >= load\n"
        "can_handle_load = {}\nfor strategy, capacity in systems.items():\n"
        "    can_handle_load[strategy] = fits(capacity)\n" + PRINT,
        (1, 2, 3, 4),
    ),
    Row(
        "keys-in-another-order-and-extra-output",
        "systems = {'vertical_scaling': 2, 'single_node': 1, 'horizontal_scaling': 5}\n"
        "load = 7\nprint('Scaling report')\n" + LOOP + PRINT + "print('done')\n",
        (1, 2, 3, 4),
    ),
    Row(
        "items-wrapped-in-list",
        HEAD + LOOP.replace("systems.items()", "list(systems.items())") + PRINT,
        (1, 2, 3, 4),
    ),
    Row(
        "loop-in-a-function",
        HEAD + "def build(systems, load):\n    result = {}\n"
        "    for strategy, capacity in systems.items():\n"
        "        result[strategy] = capacity >= load\n    return result\n"
        "can_handle_load = build(systems, load)\n" + PRINT,
        (1, 2, 3, 4),
    ),
    Row(
        "loop-in-a-function-with-its-own-parameter-names",
        HEAD + "def build(capacities, current):\n    result = {}\n"
        "    for strategy, capacity in capacities.items():\n"
        "        result[strategy] = capacity >= current\n    return result\n"
        "can_handle_load = build(systems, load)\n" + PRINT,
        (1, 2, 3, 4),
    ),
    Row(
        "pprint",
        HEAD + LOOP + "from pprint import pprint\npprint(can_handle_load)\n",
        (1, 2, 3, 4),
    ),
    Row(
        "divides-by-load-for-a-report",
        HEAD + LOOP + "    print(f'{strategy}: {capacity / load:.0%} of the load')\n" + PRINT,
        (1, 2, 3, 4),
    ),
    Row(
        "other-prints-in-a-second-loop",
        HEAD + LOOP + PRINT + "for strategy in systems:\n"
        "    print({strategy: can_handle_load[strategy]})\n",
        (1, 2, 3, 4),
    ),
    Row(
        "dict-started-on-the-first-strategy",
        HEAD + "for strategy, capacity in systems.items():\n"
        "    if strategy == 'single_node':\n        can_handle_load = {}\n"
        "    can_handle_load[strategy] = capacity >= load\n" + PRINT,
        (1, 2, 3, 4),
    ),
    Row(
        "f-string-print",
        HEAD + LOOP + "print(f'{can_handle_load}')\n",
        (1, 2, 3, 4),
    ),
    # Step 1.
    Row(
        "missing-key",
        "systems = {'single_node': 1, 'horizontal_scaling': 5}\nload = 7\n" + LOOP + PRINT,
        (2,),
        "step1.missing-key",
        "'vertical_scaling' is missing",
    ),
    Row(
        "extra-key",
        "systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2, 'x': 9}\n"
        "load = 7\n" + LOOP + PRINT,
        (2,),
        "step1.extra-key",
        "'x' should not be there",
    ),
    Row(
        "near-miss-key",
        "systems = {'single_node': 1, 'horizontal-scaling': 5, 'vertical_scaling': 2}\n"
        "load = 7\n" + LOOP + PRINT,
        (2,),
        "step1.near-miss-key",
        "'horizontal-scaling' should be 'horizontal_scaling'",
    ),
    Row(
        "near-miss-name",
        "system = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}\nload = 7\n",
        (2,),
        "step1.name",
        "there is `system`",
    ),
    Row(
        "dict-subclass",
        "class D(dict):\n    pass\n"
        "systems = D(single_node=1, horizontal_scaling=5, vertical_scaling=2)\nload = 7\n",
        (2,),
        "step1.not-dict",
        "only behaves like a dict",
    ),
    Row(
        "list-not-dict",
        "systems = [1, 5, 2]\nload = 7\n",
        (2,),
        "step1.not-dict",
        "a list",
    ),
    # Step 2.
    Row(
        "int-subclass-load",
        HEAD.replace("load = 7", "class N(int):\n    pass\nload = N(7)") + LOOP + PRINT,
        (1, 4),
        "step2.wrong-value",
        "N",
    ),
    Row(
        "missing-load",
        HEAD.replace("load = 7\n", ""),
        (1,),
        "step2.missing",
        "no variable named `load`",
    ),
    Row(
        "load-from-input",
        HEAD.replace("load = 7", "load = int(input('load? '))"),
        (1,),
        "input-call",
        "input()",
    ),
    # Step 3.
    Row(
        "hard-coded-inside-the-loop",
        HEAD + "can_handle_load = {}\nfor strategy, capacity in systems.items():\n"
        "    can_handle_load[strategy] = False\n" + PRINT,
        (1, 2, 4),
        "step3.hardcoded",
        "does not change when `load` changes",
    ),
    Row(
        "compares-with-a-number",
        HEAD + LOOP.replace(">= load", ">= 7") + PRINT,
        (1, 2, 4),
        "step3.hardcoded",
        "does not change",
    ),
    Row(
        "reversed-comparison",
        HEAD + LOOP.replace("capacity >= load", "capacity <= load") + PRINT,
        (1, 2),
        "step3.wrong-values",
        "should be",
    ),
    Row(
        "misspelled-systems-in-the-loop",
        HEAD + LOOP.replace("systems.items()", "sytems.items()") + PRINT,
        (1, 2),
        "name-error",
        "but there is `systems`",
    ),
    Row(
        "empty-dict-inside-the-loop",
        HEAD + "for strategy, capacity in systems.items():\n    can_handle_load = {}\n"
        "    can_handle_load[strategy] = capacity >= load\n" + PRINT,
        (1, 2),
        "step3.reset-in-loop",
        "inside the loop",
    ),
    Row(
        "imports-a-library-that-is-not-there",
        "import numpy as np\n" + HEAD + LOOP + PRINT,
        (),
        "import-error",
        "standard library only",
    ),
    Row(
        "exported-notebook-magic",
        "get_ipython().run_line_magic('matplotlib', 'inline')\n" + HEAD + LOOP + PRINT,
        (),
        "name-error.ipython",
        "only works inside Jupyter",
    ),
    Row(
        "capitalised-print",
        HEAD + LOOP + "Print(can_handle_load)\n",
        (1, 2, 3),
        "name-error",
        "case-sensitive",
    ),
    Row(
        "string-values",
        HEAD + LOOP.replace("capacity >= load", "str(capacity >= load)") + PRINT,
        (1, 2),
        "step3.not-bool",
        "True or False",
    ),
    # Step 4.
    Row(
        "print-before-loop",
        HEAD + "can_handle_load = {}\nprint(can_handle_load)\n"
        "for strategy, capacity in systems.items():\n"
        "    can_handle_load[strategy] = capacity >= load\n",
        (1, 2, 3),
        "step4.print-before-loop",
        "before the loop",
    ),
    Row(
        "print-in-the-loop-once",
        HEAD + LOOP + "    if strategy == 'vertical_scaling':\n        print(can_handle_load)\n",
        (1, 2, 3),
        "step4.print-in-loop",
        "inside a loop",
    ),
    Row(
        "print-after-a-loop-that-adds-nothing",
        HEAD + "can_handle_load = {}\nfor strategy, capacity in systems.items():\n"
        "    if capacity >= load:\n        can_handle_load[strategy] = True\n" + PRINT,
        (1, 2),
        "step3.wrong-keys",
        "one key per strategy",
    ),
    Row(
        "print-in-a-function-never-called",
        HEAD + LOOP + "def show():\n    print(can_handle_load)\n",
        (1, 2, 3),
        "step4.no-print",
        "never ran",
    ),
    Row(
        "print-in-the-loop-and-after",
        HEAD + LOOP + "    print(can_handle_load)\n" + PRINT,
        (1, 2, 3),
        "step4.print-in-loop",
        "inside a loop",
    ),
    Row(
        "print-then-reassigned",
        HEAD + LOOP + PRINT + "can_handle_load = {}\n",
        (1, 2, 4),
        "step3.wrong-keys",
        "one key per strategy",
    ),
    Row(
        "printed-after-a-label",
        HEAD + LOOP + "print('Result:', can_handle_load)\n",
        (1, 2, 3),
        "step4.print-format",
        "with other text on its line",
    ),
]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    """Grade every row's program in one batch."""
    folder: Path = tmp_path_factory.mktemp("rows")
    submissions = []
    for row in ROWS:
        path = folder / f"{row.name}.py"
        path.write_text(row.source, encoding="utf-8")
        submissions.append(Submission(row.name, path))
    report = grade(submissions, Options(timeout=TEST_TIMEOUT, jobs=2))
    return {result.submission: result for result in report.results}


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_each_program_passes_exactly_its_steps(row: Row, results: dict[str, Result]) -> None:
    """The steps that pass are exactly the ones the rules allow."""
    result = results[row.name]
    passed = tuple(step.step for step in result.steps if step.status is Status.PASSED)
    assert passed == row.passes, [s.message for s in result.steps]


@pytest.mark.parametrize("row", [r for r in ROWS if r.code], ids=[r.name for r in ROWS if r.code])
def test_the_first_failure_names_the_mistake(row: Row, results: dict[str, Result]) -> None:
    """The first failing step carries the mistake's code and says what it is."""
    result = results[row.name]
    failed = next(step for step in result.steps if step.status is Status.FAILED)
    assert (failed.code, row.phrase in failed.message) == (row.code, True), failed.message


def test_every_failed_step_has_a_message_and_a_hint(results: dict[str, Result]) -> None:
    """No failed step is left without words for the learner."""
    empty = [
        (result.submission, step.step)
        for result in results.values()
        for step in result.steps
        if step.status is Status.FAILED and not (step.message and step.hint and step.code)
    ]
    assert empty == []


def test_a_step_blocked_by_an_earlier_one_says_which(results: dict[str, Result]) -> None:
    """A step that cannot be judged says which step to fix first, not the same error again."""
    step3 = results["missing-key"].steps[2]
    assert (step3.code, step3.message.startswith("Fix step 1 first")) == ("step3.needs-step1", True)


def test_a_check_that_breaks_costs_one_step_not_the_batch(tmp_path: Path) -> None:
    """A bug in one step's check fails that step with grader-error; the rest is graded."""
    from grader.checks.case import Case, Verdict

    def broken(case: Case) -> Verdict:
        raise KeyError("a bug")

    scaling = builtin()
    steps = tuple(replace(s, rule=broken) if s.number == 3 else s for s in scaling.steps)
    path = tmp_path / "ok.py"
    path.write_text(HEAD + LOOP + PRINT, encoding="utf-8")
    report = grade(
        [Submission("ok.py", path), Submission("ok2.py", path)],
        Options(timeout=TEST_TIMEOUT),
        exercise=replace(scaling, steps=steps),
    )
    codes = [[step.code for step in result.steps] for result in report.results]
    assert codes == [[None, None, "grader-error", None]] * 2
