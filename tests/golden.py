"""The expected verdicts of the samples and of the behaviour catalogue: what each learner reads.

Two sets of learner behaviours, graded the same way: the sample submissions
(submissions/NAME, whose golden file is tests/golden/NAME.txt), and the catalogue of
the grading rules, one folder per behaviour (tests/behaviours/NAME/, with submission.py
and its golden file report.txt). Each golden file reads on its own: a short header of
the facts the text does not show in so many words (status, score, each failed step's
code, place and blocking step, what the program printed), then the exact text report.
Each step's title and hint are written as a placeholder (``<title 3>``, ``<hint 3>``):
they are the exercise's, said once in its package, so a changed hint touches no golden
file. Regenerate after a deliberate change of the feedback, then read the diff:

    python -m tests.golden && git diff tests/golden tests/behaviours
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from grader.grade import Options, Submission, grade
from grader.report.text import render_result
from grader.result import Result

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = ROOT / "submissions"
GOLDEN = Path(__file__).resolve().parent / "golden"
BEHAVIOURS = Path(__file__).resolve().parent / "behaviours"
REPORT = "report.txt"
# Fixed, so that timeout messages do not depend on a default that may change.
TIMEOUT = 3.0


def samples() -> list[Path]:
    """Return the sample submissions, sorted by name."""
    return sorted(p for p in SUBMISSIONS.iterdir() if p.suffix in (".py", ".ipynb"))


def grade_samples() -> dict[str, Result]:
    """Grade every sample in one batch, each shown by its path from the project root."""
    submissions = [Submission(f"submissions/{p.name}", p) for p in samples()]
    report = grade(submissions, Options(timeout=TIMEOUT, jobs=2))
    return {Path(r.submission).name: r for r in report.results}


def submission_of(folder: Path) -> Path | None:
    """Return a behaviour's submission: submission.py, or submission.ipynb for a notebook."""
    return next(
        (p for p in (folder / "submission.py", folder / "submission.ipynb") if p.is_file()), None
    )


def behaviours() -> list[Path]:
    """Return the catalogue's behaviour folders, sorted by name."""
    return sorted(p for p in BEHAVIOURS.iterdir() if submission_of(p) is not None)


def grade_behaviours() -> dict[str, Result]:
    """Grade every behaviour of the catalogue in one batch, each shown by its folder's name."""
    submissions = []
    for folder in behaviours():
        submission = submission_of(folder)
        assert submission is not None
        submissions.append(Submission(f"{folder.name}{submission.suffix}", submission))
    report = grade(submissions, Options(timeout=TIMEOUT, jobs=2))
    return {Path(r.submission).stem: r for r in report.results}


def _facts(result: Result) -> list[str]:
    """The header: what the text report does not say in so many words."""
    head = [f"status: {result.status.value}, score {result.score}/{result.max_score}"]
    if result.code:
        head.append(f"submission: {result.code}")
    for step in result.steps:
        if step.passed or not step.code:
            continue
        place = f" at {step.location.describe()}" if step.location else ""
        blocked = f", blocked by step {step.blocked_by}" if step.blocked_by else ""
        head.append(f"step {step.step}: {step.code}{place}{blocked}")
    printed = result.output.split("\n")
    head.append("printed:" if result.output else "printed nothing")
    head.extend(f"  | {line}" for line in (printed[:-1] if printed[-1] == "" else printed))
    return head


def golden_of(result: Result) -> str:
    """Return a sample's golden text: its facts, then the report with placeholders."""
    placeheld = replace(
        result,
        steps=tuple(
            replace(
                step,
                title=f"<title {step.step}>",
                hint=f"<hint {step.step}>" if step.hint else "",
            )
            for step in result.steps
        ),
    )
    return "\n".join([*_facts(result), "", render_result(placeheld)]) + "\n"


def golden_path(name: str) -> Path:
    """Return the golden file of a sample."""
    return GOLDEN / f"{name}.txt"


def main() -> None:
    """Write the golden file of every sample."""
    GOLDEN.mkdir(exist_ok=True)
    for old in GOLDEN.glob("*.json"):
        old.unlink()
    for name, result in grade_samples().items():
        golden_path(name).write_text(golden_of(result), encoding="utf-8")
        print(f"{result.score}/{result.max_score} {result.status.value:7} {name}")
    for name, result in grade_behaviours().items():
        (BEHAVIOURS / name / REPORT).write_text(golden_of(result), encoding="utf-8")
        print(f"{result.score}/{result.max_score} {result.status.value:7} behaviours/{name}")


if __name__ == "__main__":
    main()
