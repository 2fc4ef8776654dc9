"""The reference's expected values: made once per version of an exercise, then read back.

Every expected value comes from running the reference solution, the single source of
truth, through the same loader and sandbox as a submission: once as written (which
tells the variants every program runs with), then with every variant. That run is plain
data, so it is kept as JSON of builtin types under ``$XDG_CACHE_HOME/grader`` (else
``~/.cache/grader``), keyed by everything it depends on: the exercise's own files (its
spec, steps and reference), the grader's code and version, and the Python version. Any
change to one of them is a new key.

An entry is written only after the exercise has been checked: every step declares the
codes its rule can give (grader.checks.codes), and the reference passes its own steps.
So a hit also says that this version of the exercise was checked. An entry that cannot
be read, is not the user's own, could be changed by another user, or does not decode to
exactly a run is ignored and made again; where nothing can be written, nothing is kept.
(Learner code never runs as the user in the process and bwrap tiers, so it cannot
change an entry; in the portable tier it runs as the user and could change any of the
user's files, this folder included: see SECURITY.md.)

Beside the entries lies the installation's secret: random bytes made once, which an
exercise draws some of its variants from (``secret()``). No program can know them: the
sandbox hides this folder, so the settings drawn from it, and the reference's results
for them, stay outside every program's reach, and a table of answers cannot cover them.
The secret is part of every entry's key, so a new secret is a new entry.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import functools
import hashlib
import inspect
import json
import os
import stat
import sys
import tempfile
import typing
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

import grader
from grader.analysis.source import Source
from grader.checks import codes
from grader.checks.case import Case
from grader.checks.judge import judge_all
from grader.exercise import Exercise, ExerciseError, ReferenceError_
from grader.load import load
from grader.sandbox import Limits, Run, run

# The shape of an entry; a new shape is a new number, and old entries are not read.
FORMAT = 1
# A reference's run is a few kilobytes; anything far larger is not an entry of ours.
MAX_ENTRY_BYTES = 16_000_000


# -- the key ------------------------------------------------------------------------------


def _files(folder: Path) -> list[Path]:
    """Every file under a folder, in a stable order."""
    found: list[Path] = []
    for top, folders, names in os.walk(folder):
        folders[:] = sorted(f for f in folders if f != "__pycache__")
        found.extend(Path(top, name) for name in sorted(names) if not name.endswith(".pyc"))
    return found


@functools.lru_cache(maxsize=1)
def _engine_digest() -> str:
    """A digest of the grader's own code: a changed harness or rule kit is a new key.

    Each file counts by its name, size and time of last change, which any edit moves:
    reading them all would cost a single grading more than the rest of the key.
    """
    package = Path(grader.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in _files(package):
        if path.suffix == ".py":
            status = path.stat()
            name = str(path.relative_to(package))
            digest.update(f"{name}\0{status.st_size}\0{status.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def _exercise_files(exercise: Exercise) -> list[Path]:
    """The source files of the exercise's functions and of the modules beside them."""
    functions = [exercise.expect, exercise.variants, *(s.rule for s in exercise.steps)]
    homes = {codes.home_of(f) for f in functions}
    files = set()
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if file and any(codes.at_home(name, home) for home in homes):
            files.add(Path(file))
    for function in functions:
        with contextlib.suppress(TypeError):  # a builtin function has no source file
            files.add(Path(inspect.getsourcefile(function) or ""))
    return sorted(path for path in files if path.is_file())


def _described(value: Any) -> str:
    """Describe a setting of an exercise as text: every field of a dataclass, a function
    by its name (its code counts through its file), a mapping in a stable order."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        inner = (
            f"{f.name}={_described(getattr(value, f.name))}" for f in dataclasses.fields(value)
        )
        return f"{type(value).__name__}({', '.join(inner)})"
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', '')}"
    if isinstance(value, Mapping):
        pairs = sorted(f"{_described(k)}: {_described(v)}" for k, v in value.items())
        return "{" + ", ".join(pairs) + "}"
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_described(v) for v in value) + "]"
    if isinstance(value, (set, frozenset)):
        # In a stable order: a set's own order changes with each process's hash seed.
        return "{" + ", ".join(sorted(_described(v) for v in value)) + "}"
    return repr(value)


def key(exercise: Exercise) -> str:
    """Return the key of an exercise's entry: a digest of everything its run depends on."""
    digest = hashlib.sha256()
    facts = _described(exercise)
    drawn = hashlib.sha256(secret()).hexdigest()
    for part in (f"{FORMAT}", grader.__version__, sys.version, _engine_digest(), facts, drawn):
        digest.update(part.encode() + b"\0")
    for path in [*_exercise_files(exercise), *_files(exercise.reference)]:
        digest.update(str(path.name).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


# -- a run as builtin data, and back ---------------------------------------------------------


def _types_of(hint: Any) -> Iterator[type]:
    """The classes a type hint names, through its arguments."""
    if isinstance(hint, type):
        yield hint
    for argument in typing.get_args(hint):
        yield from _types_of(argument)


@functools.lru_cache(maxsize=1)
def _classes() -> dict[str, type]:
    """The dataclasses and enums a Run is made of, by name: the only ones an entry may build."""
    found: dict[str, type] = {}
    todo: list[type] = [Run]
    while todo:
        cls = todo.pop()
        if cls.__name__ in found:
            continue
        if dataclasses.is_dataclass(cls):
            found[cls.__name__] = cls
            for hint in typing.get_type_hints(cls).values():
                todo.extend(_types_of(hint))
        elif issubclass(cls, enum.Enum):
            found[cls.__name__] = cls
    return found


def encode(value: Any) -> Any:
    """Write a run as builtin data: every container and class is tagged with its kind."""
    if value is None or type(value) in (bool, int, float, str):
        return value
    if isinstance(value, enum.Enum):
        return {"enum": type(value).__name__, "value": value.value}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"dataclass": type(value).__name__, "fields": fields}
    if isinstance(value, (tuple, list)):
        return {type(value).__name__: [encode(v) for v in value]}
    if isinstance(value, Mapping):
        return {"dict": [[encode(k), encode(v)] for k, v in value.items()]}
    raise TypeError(f"cannot keep a {type(value).__name__}")


class NotAnEntry(ValueError):
    """The data is not exactly what encode() writes."""


def decode(data: Any) -> Any:
    """Read back what encode() wrote, or raise NotAnEntry: nothing else is built."""
    if data is None or type(data) in (bool, int, float, str):
        return data
    reader = _READERS.get(frozenset(data)) if type(data) is dict else None
    if reader is None:
        raise NotAnEntry("not a tagged value")
    return reader(data)


def _items(data: Any) -> list[Any]:
    if type(data) is not list:
        raise NotAnEntry("not a list")
    return data


def _dataclass(data: dict[str, Any]) -> Any:
    cls, fields = _class(data["dataclass"], None), data["fields"]
    if type(fields) is not dict:
        raise NotAnEntry("fields that are not a mapping")
    try:
        return cls(**{str(k): decode(v) for k, v in fields.items()})
    except TypeError as error:
        raise NotAnEntry(str(error)) from None


# Each tag encode() writes, by its keys, and how it is read back.
_READERS: dict[frozenset[str], Callable[[dict[str, Any]], Any]] = {
    frozenset({"tuple"}): lambda d: tuple(decode(v) for v in _items(d["tuple"])),
    frozenset({"list"}): lambda d: [decode(v) for v in _items(d["list"])],
    frozenset({"dict"}): lambda d: dict(_pair(pair) for pair in _items(d["dict"])),
    frozenset({"enum", "value"}): lambda d: _class(d["enum"], enum.Enum)(d["value"]),
    frozenset({"dataclass", "fields"}): _dataclass,
}


def _pair(pair: Any) -> tuple[Any, Any]:
    if type(pair) is not list or len(pair) != 2:
        raise NotAnEntry("not a key and a value")
    key_, value = decode(pair[0]), decode(pair[1])
    try:
        hash(key_)
    except TypeError:
        raise NotAnEntry("a key that cannot be a key") from None
    return key_, value


def _class(name: Any, base: type | None) -> Any:
    cls = _classes().get(name) if type(name) is str else None
    if cls is None or (base is not None and not issubclass(cls, base)):
        raise NotAnEntry(f"not a class of a run: {name!r}")
    if base is None and not dataclasses.is_dataclass(cls):
        raise NotAnEntry(f"not a dataclass: {name!r}")
    return cls


# -- the cache folder ------------------------------------------------------------------------


def folder(environ: Mapping[str, str] | None = None) -> Path | None:
    """Return where entries are kept: $XDG_CACHE_HOME/grader, else ~/.cache/grader."""
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_CACHE_HOME", "")
    try:
        root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    except (RuntimeError, KeyError):  # no home folder to speak of
        return None
    return root / "grader" / "reference"


def _own_and_private(status: os.stat_result) -> bool:
    """Whether a file or folder is the user's own and nobody else can change it."""
    return status.st_uid == os.geteuid() and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def read(path: Path) -> Run | None:
    """Read an entry back as a run; None when it is missing, not ours, or not an entry."""
    try:
        if not _own_and_private(os.lstat(path.parent)):
            return None
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        with os.fdopen(descriptor, "rb") as stream:
            status = os.fstat(stream.fileno())
            if not stat.S_ISREG(status.st_mode) or not _own_and_private(status):
                return None
            if status.st_size > MAX_ENTRY_BYTES:
                return None
            data = json.loads(stream.read(MAX_ENTRY_BYTES + 1))
        if type(data) is not dict or data.get("format") != FORMAT or data.get("key") != path.stem:
            return None
        found = decode(data.get("run"))
    except (OSError, ValueError, RecursionError):
        return None
    return found if isinstance(found, Run) else None


def write(path: Path, ran: Run) -> None:
    """Keep a run under its key, whole or not at all; say nothing when it cannot be kept."""
    try:
        text = json.dumps({"format": FORMAT, "key": path.stem, "run": encode(ran)})
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _own_and_private(os.lstat(path.parent)):
            return
        descriptor, partial = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".partial")
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.replace(partial, path)
        except BaseException:
            os.unlink(partial)
            raise
    except (OSError, TypeError, ValueError):
        return


# -- the installation's secret ------------------------------------------------------------

SECRET_BYTES = 32


@functools.lru_cache(maxsize=1)
def secret() -> bytes:
    """Return the installation's secret, made once beside the entries and kept there.

    Where it cannot be kept, or the file is not the user's own and private, a secret of
    this process's own is drawn instead: nothing is then shared between gradings, so
    their entries are not either.
    """
    where = folder()
    if where is not None:
        kept = _kept_secret(where.parent / "secret")
        if kept is not None:
            return kept
    return os.urandom(SECRET_BYTES)


def _kept_secret(path: Path) -> bytes | None:
    """Read the secret at path, or make it there; None when neither can be done safely."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _own_and_private(os.lstat(path.parent)):
            return None
        if not os.path.lexists(path):
            # Written whole under another name, then linked: a reader sees all or nothing,
            # and of two graders making it at once, the first link wins for both.
            made, partial = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".partial")
            try:
                with os.fdopen(made, "wb") as stream:
                    stream.write(os.urandom(SECRET_BYTES))
                with contextlib.suppress(FileExistsError):
                    os.link(partial, path)
            finally:
                os.unlink(partial)
        descriptor = os.open(path, flags)
        with os.fdopen(descriptor, "rb") as stream:
            status = os.fstat(stream.fileno())
            if not stat.S_ISREG(status.st_mode) or not _own_and_private(status):
                return None
            if status.st_mode & (stat.S_IRGRP | stat.S_IROTH):
                return None
            kept = stream.read(SECRET_BYTES + 1)
    except OSError:
        return None
    return kept if len(kept) == SECRET_BYTES else None


# -- the reference of one grading -------------------------------------------------------------


def _name(exercise: Exercise) -> str:
    return f"exercise {exercise.title!r}"


def _as_written(ran: Run) -> Run:
    """The reference's run as written alone: what its first run gave."""
    return dataclasses.replace(ran, executions=ran.executions[:1])


def _expect(exercise: Exercise, ran: Run) -> Any:
    try:
        return exercise.expect(ran)
    except ReferenceError_ as error:
        raise ExerciseError(
            f"{_name(exercise)}: its reference solution is wrong: {error}."
        ) from None


def check_codes(exercise: Exercise) -> None:
    """Raise ExerciseError, in one line, if a step's rule can give a code it does not declare."""
    for step in exercise.steps:
        for problem in codes.problems(step):
            raise ExerciseError(f"{_name(exercise)}: {problem}.")


def check_reference(exercise: Exercise, ran: Run, expected: Any, timeout: float) -> None:
    """Raise ExerciseError, in one line, unless the reference passes every one of its steps."""
    program = load(exercise.reference_script(), shown_as="reference/solution.py")
    case = Case(exercise, program, ran, expected, Source(program), timeout)
    for number, verdict in judge_all(case).items():
        if not verdict.passed:
            what = f"step {number}" if number else "as a whole"
            said = verdict.message.split("\n", 1)[0]
            raise ExerciseError(
                f"{_name(exercise)}: its reference solution fails {what} ({verdict.code}): {said}"
            )


class Reference:
    """The expected values of one grading: read back, or made on the grading's pool.

    ``variants()`` is ready once the reference has run as written; ``expected()`` once
    it has run with every variant and passed its own steps (ExerciseError otherwise).
    """

    def __init__(self, exercise: Exercise, limits: Limits, pool: Executor) -> None:
        self.exercise = exercise
        where = folder()
        self.path = None if where is None else where / f"{key(exercise)}.json"
        saved = None if self.path is None else read(self.path)
        if saved is not None:
            self._first: Future[Any] = _done(_expect(exercise, _as_written(saved)))
            self._full: Future[Any] = _done(_expect(exercise, saved))
            return
        program = load(exercise.reference_script(), shown_as="reference/solution.py")
        self._first = pool.submit(lambda: _expect(exercise, run(program, [{}], limits)))
        self._full = pool.submit(self._made, program, limits)
        check_codes(exercise)  # while the reference runs

    def _made(self, program: Any, limits: Limits) -> Any:
        """Run the reference with every variant, check it against its steps, and keep it."""
        ran = run(program, self.exercise.variants(self._first.result()), limits)
        expected = _expect(self.exercise, ran)
        check_reference(self.exercise, ran, expected, limits.timeout)
        if self.path is not None:
            write(self.path, ran)
        return expected

    def variants(self) -> list[dict[str, Any]]:
        """Return the variants every program runs with."""
        return self.exercise.variants(self._first.result())

    def expected(self) -> Any:
        """Return the expected values the steps compare with."""
        return self._full.result()


def _done(value: Any) -> Future[Any]:
    future: Future[Any] = Future()
    future.set_result(value)
    return future
