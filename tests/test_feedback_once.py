"""Said once: no report of the catalogue or of the samples states one fact twice.

Each fact the grader states in its own words (a name is missing, nothing was printed,
a value is a tuple, a step waits for a reason) is found by the phrasings the grader
uses for it. A fact found twice in one report, in the same words or in
others, is a report that says it twice. Python's own message, quoted in an explanation,
is not the grader's sentence and is not counted, but for a NameError: "name 'load' is not
defined" says that `load` is missing, and nothing else may say it again.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import pytest

from grader.feedback.explain import explain, explain_syntax, repeats
from grader.feedback.once import more_cells, say_once
from grader.feedback.words import RUN_ALL
from grader.load import Cell, Program
from grader.result import Result, Status, StepResult
from grader.sandbox import Error, Execution
from tests.golden import BEHAVIOURS, GOLDEN, REPORT

# A fact, and the grader's phrasings of it; the name group is the fact's subject.
FACTS: dict[str, tuple[str, ...]] = {
    "absent": (
        r"`(?P<name>\w+)` was never created",
        r"Nothing (?:in your program )?creates `(?P<name>\w+)`",
        r"There is no variable named `(?P<name>\w+)`",
        r"`(?P<name>\w+)` is used but was never created",
        # Python's own words count for the one fact they state: a name is missing.
        r"name '(?P<name>\w+)' is not defined",
    ),
    # Nothing was printed, whatever it was that was not.
    "not printed": (
        r"`\w+` was never printed",
        r"[Nn]othing printed `\w+`",
        r"Your program printed nothing",
    ),
    "tuple": (r"a tuple",),
    "waits for the run": (r"checked once your program runs",),
    "waits for a step": (r"checked once step (?P<name>\d) passes",),
    # What makes a missing name: one piece of advice, never two (which may disagree).
    "how to make a name": (
        r"Create `(?P<name>\w+)` above this line",
        r"the step asks for `\w+` and `(?P<name>\w+)`",
        r"names its variable `\w+`, but its body uses `(?P<name>\w+)`",
    ),
    # A notebook is run afresh once it is fixed.
    "run again": (re.escape(RUN_ALL), r"run all cells again", r"Cell \d+ could not run"),
    # A colon after a name makes no variable.
    "stores nothing": (r"does not store anything", r"stores nothing", r"a type note"),
    "loop": (
        r"Your loop (?P<name>did not finish)",
        r"Your loop (?P<name>never got past its first round)",
        r"Your loop (?P<name>did not run)",
        r"Your loop's (?P<name>body never ran)",
        r"Your loop .{0,20}(?P<name>never started)",
    ),
}
# Python's own words inside an explanation: "... stopped at line 5 with KeyError: 'x'."
PYTHONS = re.compile(
    r"(?:Your program|Cell \d+) stopped (?:at|in) [^:]*? with \w+(?:: .*?)?\.(?= [A-Z`(]|$)"
    r"|Python could not read your code [^:]*: .*?\.(?= [A-Z`(]|$)"
)


def reports() -> list[Path]:
    """Every recorded report: the catalogue's and the samples'."""
    return sorted(BEHAVIOURS.glob(f"*/{REPORT}")) + sorted(GOLDEN.glob("*.txt"))


def prose(path: Path) -> str:
    """A recorded report's sentences: the header of facts, quoted lines and Python's words dropped."""
    text = path.read_text(encoding="utf-8").split("\n\n", 1)[1]
    lines = [line.strip() for line in text.split("\n") if not line.lstrip().startswith("| ")]
    joined = " ".join(lines)
    return PYTHONS.sub(_missing_name_only, joined)


def _missing_name_only(match: re.Match[str]) -> str:
    """Drop Python's words but the name they say is missing, a fact of their own."""
    name = re.search(r"name '\w+' is not defined", match.group())
    return name.group() if name else ""


def facts(text: str) -> Counter[tuple[str, str]]:
    """Count each fact a report's sentences state."""
    found: Counter[tuple[str, str]] = Counter()
    for fact, phrasings in FACTS.items():
        for phrasing in phrasings:
            for match in re.finditer(phrasing, text):
                subject = match.groupdict().get("name") or ""
                found[(fact, subject)] += 1
    return found


@pytest.mark.parametrize("path", reports(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_recorded_report_states_one_fact_twice(path: Path) -> None:
    """Each fact is said once, whatever words say it and wherever it would appear."""
    twice = sorted(f"{fact}: {name}" for (fact, name), n in facts(prose(path)).items() if n > 1)
    assert twice == []


def test_the_fact_finder_finds_a_fact_said_twice_in_other_words() -> None:
    """The check can fail: two phrasings of one absence are one fact twice."""
    text = "`load` was never created. There is no variable named `load`."
    assert facts(text)[("absent", "load")] == 2


def test_two_pieces_of_advice_for_one_missing_name_are_one_fact_twice() -> None:
    """The check can fail: the loop's names to write, then "create it", about one name."""
    text = (
        "Your loop at line 9 uses the variables `a, b`; the step asks for `strategy` and "
        "`capacity`. Create `capacity` above this line (`capacity = ...`)."
    )
    assert facts(text)[("how to make a name", "capacity")] == 2


def test_a_missing_name_is_not_said_above_the_error_that_says_so() -> None:
    """'`load` was never created.' goes when the NameError about `load` follows it."""
    error = "Your program stopped at line 3 with NameError: name 'load' is not defined."
    step = StepResult(2, "Set", Status.FAILED, f"`load` was never created. {error}", code="c")
    result = say_once(Result("a.py", Status.FAILED, (step,), max_score=1, message=error))
    assert result.steps[0].message == error


def test_a_missing_name_is_said_when_the_error_is_about_another_name() -> None:
    """`systems` is missing because `single_node` is not defined: two facts, both said."""
    error = "Your program stopped at line 1 with NameError: name 'single_node' is not defined."
    message = f"`systems` was never created. {error}"
    step = StepResult(1, "Create", Status.FAILED, message, code="c")
    result = say_once(Result("a.py", Status.FAILED, (step,), max_score=1))
    assert result.steps[0].message == message


def test_the_other_cells_that_failed_are_named() -> None:
    """Not '1 more cell failed': which cells, which one to fix first, and nothing of
    running the cells again, which the first cell's explanation says."""
    errors = (Error("NameError", "x", 5, 1), Error("KeyError", "y", 7, 2))
    assert more_cells(errors, 2) == (
        "(Cells 5 and 7 stopped with an error as well, often because of the error in cell 2: "
        "fix that one first.)"
    )
    assert "again" not in more_cells(errors)


def test_python_s_words_are_not_said_again_by_the_plain_sentence() -> None:
    """A plain sentence that says every word of Python's message replaces it; one that
    says something else leaves Python's words in place."""
    code = "values = (1,\nprint(values)"
    program = Program("a.py", "script", (Cell(None, code, code),))
    left_open = Error("SyntaxError", "'(' was never closed", None, 1, syntax=True, offset=10)
    plain = explain_syntax(left_open, program).text
    assert plain.splitlines()[0] == "Python could not read your code at line 1."
    assert plain.count("never closed") == 1
    fixed = explain_syntax(left_open, program, "Close it with `)`: `values = (1,)`.").text
    assert "'(' was never closed" in fixed.splitlines()[0]
    assert repeats("'{' was never closed", "The `{` opened at line 2 is never closed")
    assert not repeats("unexpected indent", "This line is indented more than the code")


def test_python_s_words_at_run_time_are_not_said_again_by_the_plain_sentence() -> None:
    """As for a syntax error: a run-time error whose plain sentence says every word of
    Python's message is named by its type alone; one whose sentence says something else
    keeps Python's words beside it."""
    code = "table = {}\nprint(table['load'])"
    program = Program("a.py", "script", (Cell(None, code, code),))
    missing = Error("KeyError", "'load'", None, 2)
    ran = Execution(overrides={}, errors=(missing,))
    plain = "The key 'load' is not in `table`: store it first."
    said = explain(missing, program, ran, advice={"key-error": plain}).text
    assert said.splitlines()[0] == "Your program stopped at line 2 with KeyError."
    assert "KeyError: 'load'" not in said
    other = "Store the entry before the line that reads it."
    kept = explain(missing, program, ran, advice={"key-error": other}).text
    assert kept.splitlines()[0] == "Your program stopped at line 2 with KeyError: 'load'."


def test_a_type_error_about_the_kind_a_step_said_is_not_said_again() -> None:
    """'`load` is [7] (a list)' under step 2, then the TypeError comparing with a list
    below the steps: the error is the step's mistake again, said once, under the step.
    An error about another kind stays."""
    step = StepResult(2, "Set", Status.FAILED, "`load` is [7] (a list); it should be 7.", code="c")
    error = (
        "Your program stopped at line 5 with TypeError: '>=' not supported between "
        "instances of 'int' and 'list'.\n`>=` cannot compare a whole number with a list."
    )
    result = say_once(Result("a.py", Status.FAILED, (step,), max_score=1, message=error))
    assert result.message == ""
    other = error.replace("a list", "text (a string)")
    kept = say_once(Result("a.py", Status.FAILED, (step,), max_score=1, message=other))
    assert kept.message == other


def test_the_menu_item_to_run_a_notebook_again_is_written_once() -> None:
    """Every message that tells the learner to run the notebook afresh uses one constant,
    so the words are the same everywhere and the check above finds them by name: no other
    string of the grader's code spells them out (docstrings may)."""
    package = Path(__file__).resolve().parent.parent / "grader"
    spelt = []
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        spelt += [
            f"{path.relative_to(package)}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and RUN_ALL in node.value
            and id(node) not in docstrings
        ]
    assert spelt == ["feedback/words.py:12"]
