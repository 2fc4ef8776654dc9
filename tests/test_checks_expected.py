"""The reference's run, kept in the user's cache: keyed by content, read back only when it is
exactly an entry of ours, and written only for an exercise that checks out."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from grader.checks import expected
from grader.exercise import ExerciseError, builtin, from_folder
from grader.grade import Options, grade
from grader.grade import collect as collect_files
from grader.load import load
from grader.sandbox import Error, Execution, Limits, Run, run
from grader.sandbox.wire import Ended
from tests.conftest import REFERENCE, ROOT, TEST_TIMEOUT

RETRY = ROOT / "examples" / "exercises" / "retry"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of this test's own; returns where entries go."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "grader" / "reference"


@pytest.fixture
def retry(tmp_path: Path) -> Path:
    """A copy of the example exercise that a test may change."""
    folder = tmp_path / "retry"
    shutil.copytree(RETRY, folder)
    return folder


def reference_run() -> Run:
    """The built-in reference's run with every variant, as the grader makes it."""
    exercise = builtin()
    program = load(REFERENCE / "solution.py")
    return run(program, exercise.variants(exercise.first_expected()), Limits())


def test_a_run_written_as_builtin_data_reads_back_equal() -> None:
    """A real run, through JSON and back, is the same run."""
    ran = reference_run()
    assert expected.decode(json.loads(json.dumps(expected.encode(ran)))) == ran


def test_every_kind_of_field_of_a_run_reads_back_equal() -> None:
    """Errors with frames, an enum, overrides with a dict, a tuple of names."""
    ran = Run(
        (
            Execution(
                overrides={"systems": {"a": 1, 2: (3, None)}},
                names=(("x", "value"),),
                errors=(Error("NameError", "x", 2, 3, frames=((2, 3, "<module>"),)),),
                ended=Ended.SYS_EXIT,
                missing=True,
            ),
        ),
        layers=("uid",),
    )
    assert expected.decode(json.loads(json.dumps(expected.encode(ran)))) == ran


@pytest.mark.parametrize(
    "data",
    [
        {"dataclass": "Popen", "fields": {}},
        {"dataclass": "Execution", "fields": {"overrides": {"dict": []}, "shell": True}},
        {"enum": "Status", "value": "passed"},
        [1, 2],
        {"tuple": [], "list": []},
        {"dict": [[{"list": []}, 1]]},
    ],
    ids=["unknown-class", "unknown-field", "foreign-enum", "untagged", "two-tags", "list-key"],
)
def test_data_that_is_not_exactly_an_entry_is_refused(data: Any) -> None:
    """Only the classes of a run are built, with their own fields, from tagged data."""
    with pytest.raises(expected.NotAnEntry):
        expected.decode(data)


def test_an_entry_written_reads_back(cache: Path) -> None:
    """write() then read(): the same run."""
    ran = reference_run()
    expected.write(cache / "k.json", ran)
    assert expected.read(cache / "k.json") == ran


@pytest.mark.parametrize(
    "spoil",
    [
        lambda path: path.chmod(0o664),
        lambda path: path.parent.chmod(0o777),
        lambda path: path.write_text("{not json", encoding="utf-8"),
        lambda path: path.rename(path.with_name("other.json")),
    ],
    ids=["group-writable", "folder-writable-by-all", "not-json", "under-another-key"],
)
def test_an_entry_others_could_change_or_that_is_not_one_is_not_read(
    cache: Path, spoil: Callable[[Path], object]
) -> None:
    """Nobody else may be able to change an entry, and it must be one, under its key."""
    path = cache / "k.json"
    expected.write(path, Run((Execution(overrides={}),)))
    spoil(path)
    assert expected.read(path) is None and expected.read(path.with_name("other.json")) is None


def test_a_link_is_not_read_as_an_entry(cache: Path, tmp_path: Path) -> None:
    """An entry that is a symbolic link could point anywhere: it is not read."""
    expected.write(tmp_path / "real.json", Run((Execution(overrides={}),)))
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "k.json").symlink_to(tmp_path / "real.json")
    assert expected.read(cache / "k.json") is None


def test_the_key_follows_the_exercise_s_content(retry: Path) -> None:
    """The same files give the same key; a changed reference or rule gives another."""
    first = expected.key(from_folder(retry))
    same = expected.key(from_folder(retry))
    solution = retry / "reference" / "solution.py"
    solution.write_text(solution.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    new_reference = expected.key(from_folder(retry))
    spec = retry / "spec.py"
    spec.write_text(spec.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    new_rules = expected.key(from_folder(retry))
    assert (same == first, len({first, new_reference, new_rules})) == (True, 3)


def _counting_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the reference's runs from here on (each still runs for real)."""
    counted: list[int] = []
    real = expected.run

    def counting(*args: Any, **kwargs: Any) -> Run:
        counted.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(expected, "run", counting)
    return counted


def _grade(folder: Path) -> list[int]:
    """Grade the exercise's correct sample; return each result's score."""
    report = grade(
        collect_files([str(folder / "submissions" / "correct.py")]),
        Options(timeout=TEST_TIMEOUT),
        exercise=from_folder(folder),
    )
    return [r.score for r in report.results]


def test_a_second_grading_reads_the_reference_s_run_instead_of_running_it(
    cache: Path, retry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first grading runs the reference (as written, then with its variants) and
    keeps the run; the next reads it back, and grades the same."""
    runs = _counting_runs(monkeypatch)
    first = _grade(retry)
    after_first = len(runs)
    second = _grade(retry)
    assert (first, second, after_first, len(runs), len(list(cache.iterdir()))) == (
        [4],
        [4],
        2,
        2,
        1,
    )


def test_a_spoiled_entry_is_made_again(
    cache: Path, retry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry that does not decode is ignored: the reference runs again, and is kept."""
    _grade(retry)
    (entry,) = cache.iterdir()
    entry.write_text(json.dumps({"format": 1, "key": entry.stem, "run": {"list": []}}))
    runs = _counting_runs(monkeypatch)
    assert (_grade(retry), len(runs), expected.read(entry) is not None) == ([4], 2, True)


def test_grading_goes_on_where_nothing_can_be_kept(
    tmp_path: Path, retry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache folder that cannot be made (a file stands there): grading, no entry."""
    (tmp_path / "file").write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    assert _grade(retry) == [4]


def test_an_exercise_whose_reference_fails_a_step_is_an_error_and_is_not_kept(
    cache: Path, retry: Path
) -> None:
    """The reference must pass its own steps; one that does not is said in one line."""
    (retry / "reference" / "solution.py").write_text(
        "max_attempts = 4\n"
        "def wait_time(attempt):\n    return 2**attempt\n"
        "waits = [wait_time(attempt) for attempt in range(max_attempts)]\n"
        'print(f"Gave up after {max_attempts} attempts, waiting {sum(waits)} seconds in all")\n',
        "utf-8",
    )
    with pytest.raises(ExerciseError) as caught:
        _grade(retry)
    said = str(caught.value)
    assert (said.count("\n"), "fails step 3 (step3.no-while)" in said) == (0, True)
    assert not cache.exists() or list(cache.iterdir()) == []


def test_an_exercise_with_an_undeclared_code_does_not_grade(cache: Path, retry: Path) -> None:
    """A typo in a code is caught before anything runs, in one line that names it."""
    spec = retry / "spec.py"
    spec.write_text(
        spec.read_text(encoding="utf-8").replace('"no-while",\n', '"no-whlie",\n', 1), "utf-8"
    )
    with pytest.raises(ExerciseError, match=r"can give the code 'no-whlie' \(spec.py, line"):
        _grade(retry)


def test_the_cache_folder_is_the_user_s(monkeypatch: pytest.MonkeyPatch) -> None:
    """$XDG_CACHE_HOME/grader when set to an absolute path, else ~/.cache/grader."""
    home = Path.home()
    assert (
        expected.folder({"XDG_CACHE_HOME": "/x"}),
        expected.folder({"XDG_CACHE_HOME": "relative"}),
        expected.folder({}),
    ) == (
        Path("/x/grader/reference"),
        home / ".cache" / "grader" / "reference",
        home / ".cache" / "grader" / "reference",
    )


def test_an_entry_is_only_readable_by_its_owner(cache: Path) -> None:
    """Entries are written private: the folder 0700, the file 0600."""
    expected.write(cache / "k.json", Run((Execution(overrides={}),)))
    modes = (os.stat(cache).st_mode & 0o777, os.stat(cache / "k.json").st_mode & 0o777)
    assert modes == (0o700, 0o600)


def test_the_key_follows_every_setting_of_the_exercise_not_only_its_files() -> None:
    """An exercise changed in code (another title, another step's codes) has its own key."""
    base = builtin()
    first = replace(base.steps[0], mistakes={**base.steps[0].mistakes, "extra": "More."})
    keys = {
        expected.key(base),
        expected.key(replace(base, title="Another title")),
        expected.key(replace(base, steps=(first, *base.steps[1:]))),
    }
    assert (len(keys), expected.key(builtin()) in keys) == (3, True)


def test_the_key_of_an_exercise_does_not_change_from_one_process_to_the_next() -> None:
    """Sets in an exercise's settings are described in a stable order, not the hash seed's."""
    program = (
        "from dataclasses import replace\n"
        "from grader.checks.expected import key\n"
        "from grader.exercise import builtin\n"
        "print(key(replace(builtin(), names=frozenset({'a', 'b', 'c', 'd'}))))\n"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", program],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(keys) == 1
