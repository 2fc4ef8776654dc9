"""The integrity rule: code that reaches into the interpreter's machinery is never passed.

The rule reads the syntax tree in the grader's process. The first half states it as a
table of small programs and the construct (and line) each must be flagged for, and a
table of plain programs that must not be; the second half grades real programs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from grader.analysis.integrity import flagged, scan
from grader.grade import Options, Submission, grade
from grader.load import Cell, Program, load
from grader.report import FORMATS
from grader.result import Result, Status
from tests.conftest import SUBMISSIONS, TEST_TIMEOUT

CODE = "integrity"
CORRECT = (SUBMISSIONS / "correct-script.py").read_text(encoding="utf-8")


def script(source: str) -> Program:
    """A one-cell program, as the loader makes a script."""
    return Program("submission.py", "script", (Cell(None, source, source),))


# (program, the construct named first, its line)
FLAGGED = [
    ("import sys\nsys.modules['x'] = 1", "sys.modules", 2),
    ("import sys as s\nt = s.modules", "s.modules", 2),
    ("from sys import modules", "from sys import modules", 1),
    ("import sys\nm = sys\nm.modules", "m.modules", 3),
    ("import gc\n", "import gc", 1),
    ("import ctypes.util", "import ctypes.util", 1),
    ("from ctypes import CDLL", "from ctypes import CDLL", 1),
    ("import inspect", "import inspect", 1),
    ("import builtins", "import builtins", 1),
    ("import importlib.util", "import importlib.util", 1),
    ("import sys\nf = sys._getframe(1)", "sys._getframe", 2),
    ("def f():\n    pass\ng = f.__globals__", "f.__globals__", 3),
    ("def f():\n    pass\nc = f.__code__", "f.__code__", 3),
    ("x = ().__class__.__base__.__subclasses__()", "().__class__.__base__.__subclasses__", 1),
    (
        "try:\n    1 / 0\nexcept Exception as e:\n    e.__traceback__.tb_frame",
        "e.__traceback__.tb_frame",
        4,
    ),
    ("def g():\n    yield\nframe = g().gi_frame.f_back", "g().gi_frame", 3),
    ("__builtins__.print = len", "__builtins__", 1),
    ("b = print.__self__", "print.__self__", 1),
    ("import os\nos.write(3, b'x')", "os.write", 2),
    ("from os import write\nwrite(3, b'x')", "from os import write", 1),
    ("from os import *\nwrite(3, b'x')", "write(3, b'x')", 2),
    ("import os\nf = os.fdopen(3, 'w')", "os.fdopen", 2),
    ("import os\nos.dup2(1, 3)", "os.dup2", 2),
    ("handle = open(3, 'w')", "open(3, 'w')", 1),
    ("handle = open('/proc/self/fd/3', 'w')", "open('/proc/self/fd/3', 'w')", 1),
    ("name = 'gc'\nm = __import__(name)", "__import__", 2),
    ("import importlib\nm = importlib.import_module('g' + 'c')", "importlib.import_module", 2),
    ("import sys\nm = getattr(sys, 'mod' + 'ules')", "getattr(sys, 'mod' + 'ules')", 2),
    ("import sys\nm = getattr(sys, 'modules')", "getattr(sys, 'modules')", 2),
    ("exec('import ' + 'gc')", "exec('import ' + 'gc')", 1),
    ("exec('import gc')", "import gc", 1),
    ("g = globals()['__builtins__']", "'__builtins__'", 1),
    ("import sys\nv = vars(sys)", "vars(sys)", 2),
    ("import sys\nsys.stdout = None", "sys.stdout", 2),
    ("import math\ndel math.pi", "math.pi", 2),
    ("import __main__", "import __main__", 1),
    ("import sys\nsys.path.insert(0, '/')", "sys.path", 2),
    ("import sys\nsys.settrace(print)", "sys.settrace", 2),
]

PLAIN = [
    CORRECT,
    "import math\nload = math.floor(7.5)",
    "import sys\nprint({'a': True}, file=sys.stdout)\nsys.stdout.flush()",
    "from pprint import pprint\npprint({'a': True})",
    "import json\nprint(json.dumps({'a': True}))",
    "import random\nrandom.seed(1)\nx = random.choice([1, 2])",
    "import os\nprint(os.path.join('a', 'b'), os.getcwd())",
    "import sys\nprint(sys.version_info >= (3, 8))",
    "print(type(7).__name__)\nif __name__ == '__main__':\n    pass",
    "def helper(capacity, load):\n    return not capacity < load",
    "from collections import OrderedDict\nd = OrderedDict()\nd.update(a=1)",
    "print(eval('1 + 1'))",
]


@pytest.mark.parametrize(("source", "construct", "line"), FLAGGED, ids=[f[1] for f in FLAGGED])
def test_a_construct_that_reaches_the_machinery_is_named_with_its_line(
    source: str, construct: str, line: int
) -> None:
    """The first finding names the construct as written and the line it is on."""
    first = scan(script(source))[0]
    assert (construct, line) == (first.construct, first.location.line)


@pytest.mark.parametrize("source", PLAIN, ids=range(len(PLAIN)))
def test_plain_standard_library_use_is_not_flagged(source: str) -> None:
    """Math, printing to sys.stdout, pprint, json, random, os.path: nothing to look at."""
    assert scan(script(source)) == ()


def test_no_sample_in_submissions_is_flagged() -> None:
    """Every style the samples show (notebooks, magics, main guard...) reads as plain."""
    flagged_samples = {}
    for path in sorted(SUBMISSIONS.iterdir()):
        if path.name.startswith("integrity-"):  # the samples of this very rule
            continue
        try:
            program = load(path)
        except Exception:  # the empty sample is refused before any rule
            continue
        if scan(program):
            flagged_samples[path.name] = scan(program)
    assert flagged_samples == {}


def test_code_nested_too_deeply_to_read_is_flagged_not_crashed_on() -> None:
    """A chain of attributes deeper than the reader's stack counts as a finding."""
    found = scan(script("x = y" + ".a" * 2_000))
    assert len(found) == 1
    assert "nested too deeply" in found[0].reaches


def test_the_learner_reads_one_sentence_naming_the_construct_and_its_line() -> None:
    """One sentence, no line break; it names the construct, its line and what to do."""
    flag = flagged(script("import sys\nsys.modules\nimport gc"))
    assert flag is not None
    assert "\n" not in flag.text
    assert flag.text.endswith(".")
    assert ". " not in flag.text
    assert flag.text.startswith("Your program uses `sys.modules` at line 2 (and 1 more")
    assert "remove it" in flag.text


# -- graded for real ------------------------------------------------------------------


@pytest.fixture
def graded(tmp_path: Path) -> Callable[[str, str], Result]:
    """Grade a source as a script (.py) or as the code of a one-cell notebook."""

    def grade_it(source: str, suffix: str = ".py") -> Result:
        path = tmp_path / f"submission{suffix}"
        if suffix == ".py":
            path.write_text(source, encoding="utf-8")
        else:
            import nbformat
            from nbformat.v4 import new_code_cell, new_notebook

            cells = [new_code_cell(part) for part in source.split("\n# cell\n")]
            path.write_text(nbformat.writes(new_notebook(cells=cells)), encoding="utf-8")
        report = grade([Submission(path.name, path)], Options(timeout=TEST_TIMEOUT))
        return report.results[0]

    return grade_it


def test_a_correct_program_that_reaches_the_module_table_is_not_passed(
    graded: Callable[[str, str], Result],
) -> None:
    """Every step fails with the integrity code, placed at the construct."""
    result = graded(CORRECT + "import sys\ntable = sys.modules\n", ".py")
    assert result.status == Status.FAILED
    assert result.score == 0
    assert result.code == CODE
    assert [step.code for step in result.steps] == [CODE] * 4
    assert result.location is not None
    assert result.location.line == 17
    assert "`sys.modules` at line 17" in result.message


def test_a_notebook_cell_that_forges_through_frames_is_flagged_in_its_cell(
    graded: Callable[[str, str], Result],
) -> None:
    """The finding is placed by cell and line, as the learner counts them."""
    result = graded(CORRECT + "\n# cell\nimport sys\nsys._getframe(1).f_globals", ".ipynb")
    assert result.code == CODE
    assert result.location is not None
    assert (result.location.cell, result.location.line) == (2, 2)


def test_every_report_format_tells_staff_to_look(tmp_path: Path) -> None:
    """Each format carries the integrity code; each that shows messages names the line."""
    path = tmp_path / "forger.py"
    path.write_text(CORRECT + "import gc\n", encoding="utf-8")
    report = grade([Submission(path.name, path)], Options(timeout=TEST_TIMEOUT))
    missing = []
    for name, render in FORMATS.items():
        text = render(report)
        if name == "classroom":  # base64 JSON in a workflow output
            text = json.dumps(report.results[0].message) + text
        if CODE not in text and "import gc" not in text:
            missing.append(name)
    assert missing == []
