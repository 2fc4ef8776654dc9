"""The names the steps check are recorded whatever else a program makes.

A run's answer holds a few hundred top-level names; a program that makes more before
`systems` (a table of settings, a generated list of constants) is judged on its
`systems`, `load` and `can_handle_load` all the same, right or wrong.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.grade import Options, Submission, grade
from grader.result import Result
from tests.conftest import TEST_TIMEOUT

# More top-level names than an answer holds, all made before the exercise's own.
MANY = "".join(f"setting_{i} = {i}\n" for i in range(400))

REST = """\
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
print(can_handle_load)
"""

# name -> (the program, each step's code or None to pass).
PROGRAMS: dict[str, tuple[str, tuple[str | None, ...]]] = {
    "right": (
        MANY
        + "systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}\n"
        + REST,
        (None, None, None, None),
    ),
    "wrong-capacity": (
        MANY
        + "systems = {'single_node': 1, 'horizontal_scaling': 9, 'vertical_scaling': 2}\n"
        + REST,
        ("step1.wrong-value", None, "step3.needs-step1", None),
    ),
}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    """Grade both programs in one batch."""
    folder: Path = tmp_path_factory.mktemp("many-names")
    submissions = []
    for name, (text, _) in PROGRAMS.items():
        path = folder / f"{name}.py"
        path.write_text(text, encoding="utf-8")
        submissions.append(Submission(path.name, path))
    report = grade(submissions, Options(timeout=TEST_TIMEOUT, jobs=2, repair=False))
    return {Path(r.submission).stem: r for r in report.results}


@pytest.mark.parametrize("name", PROGRAMS)
def test_the_steps_names_are_judged_behind_hundreds_of_others(
    name: str, results: dict[str, Result]
) -> None:
    """Each step is judged on the program's own values, however many names come first."""
    codes = tuple(step.code for step in results[name].steps)
    assert codes == PROGRAMS[name][1], [step.message for step in results[name].steps]
