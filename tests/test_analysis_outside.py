"""The allowlist, read from the source: what a program uses outside it is never passed.

The rule reads the syntax tree in the grader's process. The first half states it as a
table of small programs and the construct (and line) each must be flagged for, and a
table of honest programs that must not be; the second half grades real programs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from grader.analysis.allowlist import DEFAULT, UNRESTRICTED
from grader.analysis.outside import CODE, flagged, scan
from grader.grade import Options, Submission, grade
from grader.load import Cell, Program, load
from grader.report import FORMATS
from grader.result import Result, Status
from tests.conftest import SUBMISSIONS, TEST_TIMEOUT

CORRECT = (SUBMISSIONS / "correct-script.py").read_text(encoding="utf-8")


def script(source: str) -> Program:
    """A one-cell program, as the loader makes a script."""
    return Program("submission.py", "script", (Cell(None, source, source),))


# (program, the construct named first, its line)
FLAGGED = [
    ("import sys\nsys.modules['x'] = 1", "sys.modules", 2),
    ("import sys as s\nt = s.modules", "s.modules", 2),
    ("from sys import modules", "from sys import modules", 1),
    ("import sys\n[sys][0].modules['__main__']", "[sys][0].modules", 2),
    ("import gc\n", "import gc", 1),
    ("import ctypes.util", "import ctypes.util", 1),
    ("from ctypes import CDLL", "from ctypes import …", 1),
    ("import inspect", "import inspect", 1),
    ("import builtins", "import builtins", 1),
    ("import importlib.util", "import importlib.util", 1),
    ("import pkgutil\nm = pkgutil.resolve_name('ctypes')", "import pkgutil", 1),
    ("import operator\nget = operator.attrgetter('tb_fr' + 'ame')", "import operator", 1),
    ("import string\nf = string.Formatter()", "import string", 1),
    ("import types", "import types", 1),
    ("import io", "import io", 1),
    ("import os\nos.write(3, b'x')", "import os", 1),
    ("import subprocess", "import subprocess", 1),
    ("import threading", "import threading", 1),
    ("import __main__", "import __main__", 1),
    ("import grader", "import grader", 1),
    ("from . import helper", "from . import helper", 1),
    ("import sys\nf = sys._getframe(1)", "sys._getframe", 2),
    ("import sys\nsys.settrace(print)", "sys.settrace", 2),
    ("import sys\nsys.stdout = None", "sys.stdout", 2),
    ("import math\ndel math.pi", "math.pi", 2),
    ("import typing\nh = typing.get_type_hints(int)", "typing.get_type_hints", 2),
    ("from typing import get_type_hints", "from typing import get_type_hints", 1),
    ("import json\nc = json.codecs", "json.codecs", 2),
    ("from typing import sys", "from typing import sys", 1),
    ("def f():\n    pass\ng = f.__globals__", "f.__globals__", 3),
    ("def f():\n    pass\nc = f.__code__", "f.__code__", 3),
    ("x = ().__class__.__base__", "().__class__.__base__", 1),
    ("try:\n    1 / 0\nexcept Exception as e:\n    e.__traceback__", "e.__traceback__", 4),
    ("def g():\n    yield\nframe = g().gi_frame", "g().gi_frame", 3),
    ("class A:\n    pass\nbases = A.mro()", "A.mro", 3),
    ("b = print.__self__", "print.__self__", 1),
    ("__builtins__.print = len", "__builtins__", 1),
    ("n = __name__ + __file__", "__file__", 1),
    ("handle = open(3, 'w')", "open", 1),
    ("name = 'gc'\nm = __import__(name)", "__import__", 2),
    ("import sys\nm = getattr(sys, 'modules')", "getattr", 2),
    ("exec('import gc')", "exec", 1),
    ("run = exec\nrun('import ' + 'gc')", "exec", 1),
    ("code = compile('1', '<cell 1>', 'exec')", "compile", 1),
    ("g = globals()['__builtins__']", "globals", 1),
    ("import sys\nv = vars(sys)", "vars", 2),
    ("breakpoint()", "breakpoint", 1),
    ("b = memoryview(b'x')", "memoryview", 1),
    ("t = '{0.__class__}'.format(1)", "'{0.__class__}'", 1),
    ("t = '{0.write.__globals__}'.format(print)", "'{0.write.__globals__}'", 1),
    ("t = '{x:{y.__class__}}'.format(x=1, y=2)", "'{x:{y.__class__}}'", 1),
    # Metadata under a name of Python's own, of the grader's, or set to more than a
    # constant, or bound again elsewhere, is not metadata.
    ("__builtins__ = 'x'", "__builtins__", 1),
    ("__spec__ = None", "__spec__", 1),
    ("__annotations__ = ()", "__annotations__", 1),
    ("__getattr__ = 'x'", "__getattr__", 1),
    ("__grader_value__ = 1", "__grader_value__", 1),
    ("__author__ = print", "__author__", 1),
    ("__author__ = 'Ana'\n\n\ndef f():\n    global __author__", "__author__", 1),
    ("__author__ = 'Ana'\nfor __author__ in 'ab':\n    pass", "__author__", 1),
    ("def f():\n    __author__ = 'Ana'", "__author__", 2),
]

HONEST = [
    CORRECT,
    "import math\nload = math.floor(7.5)",
    "import sys\nprint({'a': True}, file=sys.stdout)\nsys.stdout.flush()",
    "import sys\nsys.stdout.write('x\\n')",
    "import sys\nsys.path.append('..')",
    "import sys; sys.path.insert(0, '..')",
    "import sys\nprint(sys.version, sys.version_info >= (3, 8), sys.platform)",
    "import sys\nsys.exit()",
    "from pprint import pprint\npprint({'a': True})",
    "import pprint\npprint.pprint({'a': True})",
    "import json\nprint(json.dumps({'a': True}, indent=2))",
    "import random\nrandom.seed(1)\nx = random.choice([1, 2])",
    "import time\nstart = time.perf_counter()\ntime.sleep(0)",
    "from typing import Dict\nsystems: Dict[str, int] = {}",
    "import collections\nc = collections.Counter('aab')\nprint(c.most_common(1))",
    "from collections import namedtuple\nP = namedtuple('P', 'name capacity')\n"
    "p = P('a', 1)\nprint(p.name, p.capacity)",
    "from collections import OrderedDict\nd = OrderedDict()\nd.update(a=1)",
    "from typing import *",
    "if __name__ == '__main__':\n    pass",
    "def helper(capacity, load):\n    return not capacity < load",
    "class Strategy:\n    def __init__(self, name, capacity):\n        self.name = name\n"
    "        self._capacity = capacity\n\n    def fits(self, load):\n"
    "        return self._capacity >= load\n\n    def __repr__(self):\n"
    "        return f'Strategy({self.name!r})'\n\n\ns = Strategy('a', 1)\nprint(s.fits(7), s)",
    "class Named(dict):\n    def __init__(self, *args):\n        super().__init__(*args)",
    "class Sized:\n    __slots__ = ('size',)",
    "x = 5\nprint(f'{x:>4} {x!r} {x / 7:.0%}')",
    "t = '{0}: {1:>5} {0.real}'.format(3, 2)",
    "load = int(input('load? '))\nexit()\nquit()",
    "print(type(7) == int, isinstance(7, int), len(range(3)), sorted({'b': 1}))",
    "for key in sorted({'b': 1}.keys()):\n    print(key.upper())",
    "try:\n    pass\nexcept KeyError as error:\n    print(error.args)",
    "print = 'text'",
    "def exec(x):\n    return x\n\n\nexec(1)",
    "print(type(7).__name__, (1).__class__)",
    "from __future__ import annotations\n\n\ndef fits(capacity: int) -> bool:\n    return True",
    "from collections import namedtuple\nP = namedtuple('P', 'a')\nprint(P(1)._asdict())",
    "import time\nprint(time.localtime().tm_year, range(3).stop)",
    "__author__ = 'Ana'\n__version__ = '1.0'\n__all__ = ['main']\nprint(__author__)",
    "x = {}\nx.item()",  # a typo: the program's error says so, not the allowlist
    "import numpy as np",  # not there at all: the import error says so
]


@pytest.mark.parametrize(("source", "construct", "line"), FLAGGED, ids=[f[1] for f in FLAGGED])
def test_a_construct_outside_the_allowlist_is_named_with_its_line(
    source: str, construct: str, line: int
) -> None:
    """The first finding names the construct as written and the line it is on."""
    first = scan(script(source), DEFAULT)[0]
    assert (construct, line) == (first.construct, first.location.line)


@pytest.mark.parametrize("source", HONEST, ids=range(len(HONEST)))
def test_honest_beginner_python_is_not_flagged(source: str) -> None:
    """Math, printing, pprint, json, random, sys.path, classes, f-strings: nothing to flag."""
    assert scan(script(source), DEFAULT) == ()


def test_no_sample_or_catalogue_program_is_flagged() -> None:
    """Every style the samples and the behaviour catalogue show reads as allowed."""
    folders = [SUBMISSIONS, *Path(__file__).parent.joinpath("behaviours").iterdir()]
    flagged_programs = {}
    for folder in folders:
        for path in sorted(p for p in folder.iterdir() if p.suffix in (".py", ".ipynb")):
            report = path.parent / "report.txt"
            if path.name.startswith("integrity-") or (
                report.is_file() and f": {CODE} at" in report.read_text(encoding="utf-8")
            ):  # the samples and the catalogue's cases of this very rule
                continue
            try:
                program = load(path)
            except Exception:  # the empty sample is refused before any rule
                continue
            if scan(program, DEFAULT):
                flagged_programs[str(path)] = scan(program, DEFAULT)
    assert flagged_programs == {}


def test_an_exercise_may_widen_or_narrow_its_allowlist() -> None:
    """Widened, a module and its attributes are allowed; narrowed, a builtin is not."""
    program = script("import os\nprint(os.getcwd(), len('x'))")
    widened = DEFAULT.widen(modules={"os": ["getcwd"]})
    assert (bool(scan(program, DEFAULT)), scan(program, widened)) == (True, ())
    narrowed = widened.narrow(builtins=["len"])
    assert [f.construct for f in scan(program, narrowed)] == ["len"]
    assert scan(program, UNRESTRICTED) == ()


def test_code_nested_too_deeply_to_read_is_flagged_not_crashed_on() -> None:
    """A chain of attributes deeper than the reader's stack counts as a finding."""
    found = scan(script("x = y" + ".a" * 2_000), DEFAULT)
    assert len(found) == 1
    assert "nested too deeply" in found[0].reason


def test_the_learner_reads_one_sentence_naming_the_construct_and_its_line() -> None:
    """One sentence, no line break, no accusation; it names the construct, its line and
    what to do."""
    flag = flagged(script("import sys\nsys.modules\nrun = exec"), DEFAULT)
    assert flag is not None
    assert (flag.code, flag.text.count("\n"), flag.text.count(". ")) == (CODE, 0, 0)
    assert flag.text.startswith("Line 2 uses `sys.modules` (and 1 more such line)")
    assert "integrity" not in flag.text
    assert flag.text.endswith("remove it and submit again.")


# -- graded for real ------------------------------------------------------------------


@pytest.fixture
def graded(tmp_path: Path) -> Callable[[str, str], Result]:
    """Grade a source as a script (.py) or as the code of a notebook's cells."""

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
    """Every step fails with the review code, placed at the construct."""
    result = graded(CORRECT + "import sys\ntable = sys.modules\n", ".py")
    assert result.status == Status.FAILED
    assert result.score == 0
    assert [step.code for step in result.steps] == [CODE] * 4
    assert result.location is not None
    assert result.location.line == 17
    assert "`sys.modules`" in result.message


def test_a_notebook_whose_first_cell_is_the_template_line_passes(
    graded: Callable[[str, str], Result],
) -> None:
    """`import sys; sys.path.append('..')`, as course templates start, is honest."""
    result = graded("import sys; sys.path.append('..')\n# cell\n" + CORRECT, ".ipynb")
    assert (result.status, result.score) == (Status.PASSED, 4)


def test_a_notebook_cell_that_forges_through_frames_is_flagged_in_its_cell(
    graded: Callable[[str, str], Result],
) -> None:
    """The finding is placed by cell and line, as the learner counts them."""
    result = graded(CORRECT + "\n# cell\nimport sys\nsys._getframe(1).f_globals", ".ipynb")
    assert result.steps[0].code == CODE
    assert result.location is not None
    assert (result.location.cell, result.location.line) == (2, 2)


def test_every_report_format_tells_staff_to_look(tmp_path: Path) -> None:
    """Each format carries the review code; each that shows messages names the line."""
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


def test_the_default_allowlist_hands_out_no_module_and_nothing_that_runs_text() -> None:
    """No allowed attribute of an allowed module is itself a module (json.codecs,
    typing.sys), and nothing allowed evaluates text (typing.get_type_hints, eval)."""
    import importlib
    import types

    modules = []
    for name in DEFAULT.module_names():
        module = importlib.import_module(name)
        allowed = DEFAULT.module(name) or frozenset()
        modules += [
            f"{name}.{a}" for a in allowed if isinstance(getattr(module, a, None), types.ModuleType)
        ]
    assert modules == []
    assert "get_type_hints" not in (DEFAULT.module("typing") or ())
    assert not {"exec", "eval", "compile", "getattr", "vars", "globals", "open"} & DEFAULT.builtins
