"""The result model: what grading one submission, or a batch of them, produced.

Every report format (text, JSON, Markdown, GitHub, JUnit, Gradescope, CSV) is a pure
function of these dataclasses, so they hold everything a reader may be shown and
nothing that belongs to the grading machine (no absolute paths, no timings).
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

REPORT_VERSION = 1


class Status(str, enum.Enum):
    """The verdict on a step or on a whole submission."""

    PASSED = "passed"
    FAILED = "failed"
    # Nothing of the program could run: unreadable file, syntax error, timeout before
    # any step. Only whole submissions are ever in this state.
    ERROR = "error"


def submission_order(path: str) -> tuple[str, ...]:
    """Sort key for submission paths: folder by folder, then by name, as a folder lists them."""
    return PurePath(path).parts


@dataclass(frozen=True)
class Location:
    """A place in the learner's file: a line of a script, or a line of a notebook cell."""

    line: int
    cell: int | None = None

    def describe(self) -> str:
        """Say where this is, as the learner counts: 'line 4' or 'cell 3, line 2'."""
        if self.cell is None:
            return f"line {self.line}"
        return f"cell {self.cell}, line {self.line}"


@dataclass(frozen=True)
class Explanation:
    """An error explained: a stable code, one paragraph of text and where it happened."""

    code: str
    text: str
    location: Location | None
    # The advice that ends ``text`` (what to do), apart: a caller whose own message
    # already says the change keeps only the facts, so that two pieces of advice never
    # stand side by side.
    advice: str = ""


@dataclass(frozen=True)
class StepResult:
    """The verdict on one step of the exercise, with the feedback for the learner."""

    step: int
    title: str
    status: Status
    message: str = ""
    hint: str = ""
    location: Location | None = None
    # A short, stable name for the mistake (for example "step3.strict-greater"), so that
    # course staff can count mistakes across a batch. None when the step passed.
    code: str | None = None
    # The step is about what the program prints: its feedback shows that output.
    about_output: bool = False
    # The earlier step to fix first, when that is why this one failed (not judged alone).
    blocked_by: int | None = None

    @property
    def passed(self) -> bool:
        """Whether the step passed."""
        return self.status is Status.PASSED


@dataclass(frozen=True)
class Result:
    """The verdict on one submission: its steps, its score and what it printed."""

    submission: str
    status: Status
    steps: tuple[StepResult, ...] = ()
    # The number of steps of the exercise; left out, the number of steps given.
    max_score: int = -1
    # One paragraph about the submission as a whole: why it could not be graded, or the
    # error that stopped the program. Empty when there is nothing to say.
    message: str = ""
    # Where the whole-submission problem is, when it has a place (a syntax error).
    location: Location | None = None
    code: str | None = None
    # Things the learner should know that are not mistakes (a skipped notebook magic).
    notes: tuple[str, ...] = ()
    # What the learner's program printed, capped and stripped of control characters.
    output: str = ""
    # Which isolation tier ran the program (see grader.sandbox); empty when the program
    # never ran (a file that could not be read or loaded).
    sandbox: str = ""
    # The isolation layers that held while it ran ("namespaces", "uid", "no-new-privs",
    # "landlock 6", "seccomp"); none when it never ran.
    layers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.max_score < 0:
            object.__setattr__(self, "max_score", len(self.steps))

    @property
    def score(self) -> int:
        """The number of steps passed."""
        return sum(1 for step in self.steps if step.passed)

    @property
    def mistake_codes(self) -> tuple[str, ...]:
        """The submission's distinct mistake codes, whole-submission code first.

        A submission that passed has none, even if a notebook cell failed on the way.
        """
        if self.status is Status.PASSED:
            return ()
        codes = [self.code] if self.code else []
        codes.extend(step.code for step in self.steps if step.code)
        return tuple(dict.fromkeys(codes))


@dataclass(frozen=True)
class Summary:
    """Totals over a batch of results."""

    submissions: int
    passed: int
    failed: int
    errors: int
    score: int
    max_score: int
    # Step number -> how many submissions passed it.
    step_passes: dict[int, int] = field(default_factory=dict)
    # Mistake code -> how many submissions made it, most common first.
    mistakes: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Report:
    """Everything one run of the grader produced, in the order the paths were given."""

    results: tuple[Result, ...]
    sandbox: str = ""
    # Why a stronger isolation tier was not used, and how to enable it; empty if it was.
    sandbox_note: str = ""
    version: int = REPORT_VERSION
    # Mistake code -> one line for course staff, from the exercise that was graded.
    glossary: Mapping[str, str] = field(default_factory=dict, compare=False)
    # Step number -> what the step asks the learner to do, from the same exercise.
    instructions: Mapping[int, str] = field(default_factory=dict, compare=False)
    # True when grading stopped before every submission was graded (a batch interrupted
    # by Ctrl-C or SIGTERM): the results are those finished, and the summary adds up
    # only them.
    incomplete: bool = False
    # How many submissions the grading was asked for; left out, the number of results.
    # Only an incomplete report has fewer results than that.
    total: int = -1

    def __post_init__(self) -> None:
        if self.total < len(self.results):
            object.__setattr__(self, "total", len(self.results))

    @property
    def layers(self) -> tuple[str, ...]:
        """The isolation layers that held for every submission that ran."""
        return common_layers(result.layers for result in self.results)

    @property
    def all_passed(self) -> bool:
        """Whether every step of every submission passed."""
        return bool(self.results) and all(r.status is Status.PASSED for r in self.results)

    def summary(self) -> Summary:
        """Add up the results."""
        step_passes: Counter[int] = Counter()
        mistakes: Counter[str] = Counter()
        for result in self.results:
            for step in result.steps:
                step_passes[step.step] += 0
                if step.passed:
                    step_passes[step.step] += 1
            mistakes.update(set(result.mistake_codes))
        return Summary(
            submissions=len(self.results),
            passed=sum(1 for r in self.results if r.status is Status.PASSED),
            failed=sum(1 for r in self.results if r.status is Status.FAILED),
            errors=sum(1 for r in self.results if r.status is Status.ERROR),
            score=sum(r.score for r in self.results),
            max_score=sum(r.max_score for r in self.results),
            step_passes=dict(sorted(step_passes.items())),
            mistakes=tuple(sorted(mistakes.items(), key=lambda kv: (-kv[1], kv[0]))),
        )


def common_layers(each: Iterable[Sequence[str]]) -> tuple[str, ...]:
    """Return the layers found in every non-empty list, in the first list's order."""
    ran = [layers for layers in each if layers]
    if not ran:
        return ()
    return tuple(layer for layer in ran[0] if all(layer in other for other in ran[1:]))
