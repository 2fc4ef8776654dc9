"""The forging corpus: programs that try to be graded as passed without earning it.

Each file under tests/forging/ is one way of forging a verdict that got through an
earlier release: the answer pipe found by scanning descriptors, a run ended by
os._exit or a signal after a payload, exec under another name, names built from
pieces, operator.attrgetter and string.Formatter walking to the harness's frames, the
module table reached through an expression, pkgutil.resolve_name, the print capture's
state written, a function made from compiled text, class patterns that read attributes
by name (``case object(__traceback__=tb)``), format strings built at run time, the
instrumentation's helpers shadowed by a name the program binds (a function, a parameter,
an import alias), the print capture given another class; a table of answers for every
setting a program is run with, which the settings drawn at random from the
installation's secret defeat; a program's own classes standing in for the dictionary or
for print; runs stopped, timed out or broken on purpose where the answer is not known;
report lines, workflow commands and escape sequences in a program's output, errors and
keys; notebooks whose stored outputs, raw cells, magics or metadata claim the work;
attribute reads where no attribute of the syntax tree is read (annotations, a pattern's
dotted names, an augmented assignment's target), a class of the harness's changed, or
its exceptions taken for the program's own; code the interpreter runs with no expression
of the program's in sight (a context manager's __exit__ handed a traceback, __set_name__,
__init_subclass__ and its class keywords, __class_getitem__, a descriptor's __get__,
__missing__, __index__, __hash__ and __eq__, __format__, __bool__, __iter__, __del__, a
generator's finally, sys.exit with an object, an exception group split by a function);
runs with the drawn settings made to end without an answer (no end, an exit, an output
flood, an interrupt, memory, recursion); answers computed outside the loop and only copied
in it; and new attacks in the same spirit.
Its first line (a notebook's first cell) says "flagged" (the allowlist names it, from the source or while it
runs, and every step carries the review code) or "never passes" (it fails on its own
terms). Each is graded in every tier the suite tests; none may pass.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from grader.analysis.outside import CODE
from grader.grade import Options, Submission, grade
from grader.result import Result, Status
from tests.conftest import ROOT, TIERS

CORPUS = Path(__file__).resolve().parent / "forging"
CASES = sorted([*CORPUS.glob("*.py"), *CORPUS.glob("*.ipynb")])
TIMEOUT = 2.0


def header(case: Path) -> str:
    """What a case says it expects: a script's first line, a notebook's first cell."""
    if case.suffix == ".ipynb":
        first = json.loads(case.read_text(encoding="utf-8"))["cells"][0]["source"]
        return "# " + "".join(first)
    return case.read_text(encoding="utf-8")


def flagged(case: Path) -> bool:
    """Whether a case says the allowlist must name it."""
    return header(case).startswith("# flagged")


@pytest.fixture(scope="module", params=TIERS)
def graded(request: pytest.FixtureRequest) -> dict[str, Result]:
    """Grade the whole corpus in one batch, in one tier."""
    report = grade(
        [Submission(case.name, case) for case in CASES],
        Options(timeout=TIMEOUT, memory_mb=256, jobs=2, sandbox=request.param),
    )
    return {result.submission: result for result in report.results}


def test_the_corpus_covers_every_class_of_forgery() -> None:
    """Every class of the review is in the corpus, and each case says what it expects."""
    names = {case.stem for case in CASES}
    assert len(names) >= 25
    for part in (
        "descriptor",
        "self-kill",
        "exec-alias",
        "pieces",
        "attrgetter",
        "formatter",
        "module-table",
        "resolve-name",
        "capture",
        "function-type",
        "class-pattern",
        "format-string-built",
        "helper-name-taken",
        "table-of-answers",
        "report-lines",
        "notebook",
        "annotation",
        "harness-class",
        "value-pattern",
        "mapping-key",
        "augmented-assignment",
        "capture-class-method",
    ):
        assert any(part in name for name in names), part
    for case in CASES:
        assert header(case).startswith(("# flagged", "# never passes")), case.name
    assert any(case.suffix == ".ipynb" for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_no_forgery_passes(case: Path, graded: dict[str, Result]) -> None:
    """Whatever it does, the program is not graded as passed."""
    result = graded[case.name]
    assert result.status is not Status.PASSED, result.steps


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_no_forgery_reads_as_passed_in_the_text_report(
    case: Path, graded: dict[str, Result]
) -> None:
    """Whatever text the program puts in its output, errors, keys or names, the report's
    own lines (a step's mark, the progress) are the grader's: a learner's text is always
    indented under a step, or quoted, never where a step's mark stands."""
    from grader.report.text import render_result

    text = render_result(graded[case.name])
    lines = text.splitlines()
    passed = sum(step.status is Status.PASSED for step in graded[case.name].steps)
    own = [line for line in lines[1:] if line.startswith("  ") and line[2:3] != " "]
    progress = [line for line in own if line.startswith("  Progress:")]
    assert len(progress) == 1 and progress[0].startswith(f"  Progress: {passed} / 4 "), text
    assert sum(line.startswith("  \u2713 Step") for line in own) == passed, text
    assert len(own) == len(graded[case.name].steps) + 1, text
    assert not any(line.startswith("::") or "\x1b" in line for line in lines), text


@pytest.mark.parametrize("case", [c for c in CASES if flagged(c)], ids=lambda c: c.stem)
def test_a_flagged_forgery_carries_the_review_code_and_a_plain_sentence(
    case: Path, graded: dict[str, Result]
) -> None:
    """Every step fails with the review code; the learner reads where and what, without
    the word staff see."""
    result = graded[case.name]
    assert [step.code for step in result.steps] == [CODE] * 4, result.steps[0].message
    message = result.steps[0].message
    assert result.steps[0].location is not None
    assert "does not allow" in message
    assert "integrity" not in message


# -- what a program reaches when nothing stops it from looking ------------------------

LOOK_AROUND = """\
import sys
helpers = __builtins__
reached = set()
for name, value in list(helpers.items()):
    if name.startswith("__grader") and hasattr(value, "__globals__"):
        reached |= set(value.__globals__)
        for cell in value.__closure__ or ():
            inner = cell.cell_contents
            if callable(inner) and hasattr(inner, "__globals__"):
                reached |= set(inner.__globals__)
capture = sys.stdout
reached |= set(type(capture).write.__globals__)
for name in ("lines", "parts", "cap", "size"):
    try:
        setattr(capture, name, [])
        reached.add("capture." + name)
    except AttributeError:
        pass
print(sorted(reached))
"""


def test_the_guards_and_the_capture_hold_nothing_of_the_harness(tmp_path: Path) -> None:
    """Even with the allowlist off, a program that walks the learner's builtins, their
    closures and the print capture finds the builtins and the guards' own functions,
    never the harness (its answer channel, its writer), and cannot set the capture's state."""
    from dataclasses import replace

    from grader.analysis.allowlist import UNRESTRICTED
    from grader.exercise import builtin

    path = tmp_path / "look-around.py"
    path.write_text(LOOK_AROUND, encoding="utf-8")
    report = grade(
        [Submission(path.name, path)],
        Options(timeout=TIMEOUT),
        exercise=replace(builtin(), allowlist=UNRESTRICTED),
    )
    reached = report.results[0].output
    assert "make_guards" in reached, reached
    for harness in ("deliver", "answer_channel", "send_answer", "raw_write", "hard_exit", "main"):
        assert f"'{harness}'" not in reached
    assert "capture." not in reached


# -- the child's own line, with the syntax-tree reader out of the way -----------------

UNSEEN = [
    c
    for c in CASES
    if c.stem.startswith(
        (
            "class-pattern",
            "format-string",
            "format-map",
            "annotation",
            "return-annotation",
            "named-tuple",
            "value-pattern",
            "mapping-key",
            "augmented",
            "decorator-and-default",
            "exit-swallows",
            "exit-reads",
            "set-name",
            "init-subclass",
            "class-getitem",
            "descriptor-get",
            "exception-group",
            "except-star",
        )
    )
]


def test_the_child_refuses_what_the_syntax_tree_does_not_show(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A class pattern reads attributes by name, a format string made at run time names
    them in text, and annotations, a pattern's dotted names and an augmented assignment's
    target read them where no attribute of the syntax tree is read: with the reader of
    the source switched off, the child alone still refuses each of them, and the review
    code still reaches every step."""
    from grader.analysis import outside

    monkeypatch.setattr(outside, "scan", lambda *args, **kwargs: ())
    assert len(UNSEEN) >= 22
    report = grade(
        [Submission(case.name, case) for case in UNSEEN],
        Options(timeout=TIMEOUT, memory_mb=256, jobs=2),
    )
    for result in report.results:
        assert [step.code for step in result.steps] == [CODE] * 4, result.submission
        assert "does not allow" in result.steps[0].message


OWN_ATTRIBUTES = """\
class Box:
    def __init__(self, label):
        self.label = label
box = Box("boxed")
field = "{0.lab" + "el!r:>9}|{1}"
print(field.format(box, 2), ("{b.lab" + "el}").format_map({"b": box}))
print(str.format("{0.lab" + "el}", box), "{:{}}|".format("x", 3))
"""


def test_a_format_string_made_at_run_time_reads_the_programs_own_attributes(
    tmp_path: Path,
) -> None:
    """The format guard refuses only what code may not read: a field made at run time
    reads the program's own attributes, and formats as str.format does."""
    path = tmp_path / "own-attributes.py"
    path.write_text(OWN_ATTRIBUTES, encoding="utf-8")
    report = grade([Submission(path.name, path)], Options(timeout=TIMEOUT))
    result = report.results[0]
    assert CODE not in [step.code for step in result.steps], result.steps[0].message
    assert result.output == "  'boxed'|2 boxed\nboxed x  |\n"


TEXT_OF_ITS_OWN = """\
import sys
class Text(str):
    def __str__(self):
        return Text("shown")
print(Text("hidden"))
sys.stdout.write(Text("written\\n"))
"""


def test_a_str_subclass_prints_as_python_prints_it(tmp_path: Path) -> None:
    """The print capture takes a str subclass as the real stream does, and records its
    characters, never what a method of it would say."""
    path = tmp_path / "text-of-its-own.py"
    path.write_text(TEXT_OF_ITS_OWN, encoding="utf-8")
    result = grade([Submission(path.name, path)], Options(timeout=TIMEOUT)).results[0]
    assert result.output == "shown\nwritten\n", result.message


HONEST_MATCH = """\
class Level:
    LOW = 1
    HIGH = 5
for value in (5, 1, 3, [1, 2], {"a": 1}):
    match value:
        case Level.HIGH:
            print("high")
        case Level.LOW | 0:
            print("low")
        case int(n) if n > 2:
            print("int", n)
        case [first, *rest]:
            print("list", first, rest)
        case {"a": found, **others}:
            print("dict", found, others)
"""


def test_patterns_that_read_no_attribute_of_another_object_are_not_flagged(
    tmp_path: Path,
) -> None:
    """The program's own constants, a builtin type's pattern, sequences and mappings
    match as Python matches them."""
    path = tmp_path / "honest-match.py"
    path.write_text(HONEST_MATCH, encoding="utf-8")
    result = grade([Submission(path.name, path)], Options(timeout=TIMEOUT)).results[0]
    assert CODE not in [step.code for step in result.steps], result.steps[0].message
    assert result.output == "high\nlow\nint 3\nlist 1 [2]\ndict 1 {}\n", result.message


def test_the_capture_records_nothing_handed_on_by_another_class(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the reader of the source switched off, a class put on the print capture
    cannot make it record a text of its choosing: the child refuses the change itself
    (the capture is not the program's to change), nothing printed counts, and every step
    carries the review code."""
    from grader.analysis import outside

    monkeypatch.setattr(outside, "scan", lambda *args, **kwargs: ())
    case = CORPUS / "capture-class-swapped.py"
    result = grade([Submission(case.name, case)], Options(timeout=TIMEOUT)).results[0]
    assert result.status is not Status.PASSED
    assert "'horizontal_scaling': True" not in result.output
    assert [step.code for step in result.steps] == [CODE] * 4
    assert "`.__class__`" in result.steps[0].message


# -- the settings no program can know ------------------------------------------------------


def test_the_drawn_settings_follow_the_secret_and_no_two_have_the_same_answers() -> None:
    """Another secret draws other settings; in every draw, no two drawn settings have
    the same answers, so answers that do not follow the drawn values fail one of them,
    and no drawn value is one a table of the fixed settings holds."""
    from grader.exercises.scaling.spec import DRAWN, drawn_settings

    systems, load = {"single_node": 1, "horizontal_scaling": 5, "vertical_scaling": 2}, 7
    draws = [drawn_settings(systems, load, bytes([seed]) * 32) for seed in range(40)]
    assert len(set(draws)) == len(draws)
    for draw in draws:
        assert len(draw) == DRAWN >= 2 and all(setting.drawn for setting in draw)
        answers = {tuple(c >= s.load for _, c in s.systems or ()) for s in draw}
        assert len(answers) == DRAWN, draw
        assert all(s.load > max(systems.values()) + 1 for s in draw)
        assert "drawn at random" in draw[0].describe()
        assert str(draw[0].load) not in draw[0].describe()


def test_every_program_runs_with_the_drawn_settings_and_their_answers_come_from_the_reference() -> (
    None
):
    """The drawn settings are variants like the others, after them, and the reference's
    run gives their expected values."""
    from grader.exercise import builtin

    expected = builtin().compute_expected()
    variants = builtin().variants(expected)
    drawn = [v for v in variants if expected.is_drawn(v)]
    assert len(drawn) == len(expected.drawn) > 0
    assert variants[-len(drawn) :] == drawn
    for setting in expected.drawn:
        capacities = dict(setting.systems or ())
        assert expected.results[setting] == {k: c >= setting.load for k, c in capacities.items()}


def test_the_secret_is_kept_once_and_private() -> None:
    """The secret is made once beside the reference's entries, readable by its owner only,
    and every grading of the installation reads the same."""
    import os
    import stat

    from grader.checks import expected

    path = expected.folder()
    assert path is not None
    kept = path.parent / "secret"
    assert kept.read_bytes() == expected.secret()
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600
    assert len(expected.secret()) == expected.SECRET_BYTES


READ_THE_SECRET = """\
found = []
for path in ({paths}):
    try:
        found.append(open(path, 'rb').read().hex())
    except OSError as error:
        found.append(type(error).__name__)
print(found)
"""


@pytest.mark.parametrize("tier", TIERS)
def test_no_program_reads_the_secret_or_the_reference_s_results(tmp_path: Path, tier: str) -> None:
    """Even with the allowlist off, a program that knows where the secret and the
    reference's entries are reads neither: the sandbox hides the folder."""
    from dataclasses import replace

    from grader.analysis.allowlist import UNRESTRICTED
    from grader.checks import expected
    from grader.exercise import builtin

    correct = ROOT / "submissions" / "correct-script.py"
    grade([Submission(correct.name, correct)], Options(timeout=TIMEOUT, sandbox=tier))
    where = expected.folder()
    assert where is not None and (where.parent / "secret").is_file()
    paths = [str(where.parent / "secret"), *map(str, where.iterdir())]
    assert len(paths) > 1
    path = tmp_path / "read-the-secret.py"
    path.write_text(READ_THE_SECRET.format(paths=", ".join(map(repr, paths))), encoding="utf-8")
    report = grade(
        [Submission(path.name, path)],
        Options(timeout=TIMEOUT, sandbox=tier),
        exercise=replace(builtin(), allowlist=UNRESTRICTED),
    )
    output = report.results[0].output
    assert output.startswith("["), report.results[0].message
    assert expected.secret().hex() not in output
    assert all(found.endswith("Error") for found in ast.literal_eval(output)), output


def test_no_report_shows_a_drawn_setting_s_values(graded: dict[str, Result]) -> None:
    """A program that sends the values it ran with out of every drawn run, in its output,
    a key and an error, finds none of them in any report format: only the fixed settings'
    values are ever shown."""
    from grader.report import FORMATS

    case = CORPUS / "drawn-values-sent-out-in-every-way.py"
    result = graded[case.name]
    assert result.steps[2].code == "step3.fails-other-load"
    assert "drawn at random" in result.steps[2].message
    report = grade([Submission(case.name, case)], Options(timeout=TIMEOUT))
    for name, render in FORMATS.items():
        assert "SEEN" not in render(report), name


HEARD_AFTER_THE_END = """\
class Meta(type):
    def __eq__(cls, other):
        print("compared with", other)
        return True

    def __hash__(cls):
        return 1


class Sneak(metaclass=Meta):
    pass


hook = Sneak()
table = {}
table[Sneak()] = 1
table.update({Sneak(): 2})
print("done")
"""


def test_the_harness_never_compares_a_type_of_the_program_s(tmp_path: Path) -> None:
    """Telling a value's type, its key's or its class's module apart, the harness and the
    guards use identity: an ``==`` or ``in`` there would call the ``__eq__`` of a
    metaclass the program made, in the guards while it runs and in the encoder after it
    ended."""
    path = tmp_path / "heard-after-the-end.py"
    path.write_text(HEARD_AFTER_THE_END, encoding="utf-8")
    result = grade([Submission(path.name, path)], Options(timeout=TIMEOUT)).results[0]
    assert result.output == "done\n", result.output


PATH_OF_ITS_OWN = """\
import sys
sys.path.clear()
sys.path.append("..")
import json
print(json.dumps(sys.path))
"""


def test_what_a_program_does_to_sys_path_steers_no_import(tmp_path: Path) -> None:
    """A program's sys.path is a copy: emptied or pointed elsewhere, it changes which file
    no import runs (the allowed modules still come from Python's own library), and the
    notebook habit `sys.path.append("..")` works as written."""
    path = tmp_path / "path-of-its-own.py"
    path.write_text(PATH_OF_ITS_OWN, encoding="utf-8")
    result = grade([Submission(path.name, path)], Options(timeout=TIMEOUT)).results[0]
    assert result.output == '[".."]\n', (result.output, result.steps[0].message)
