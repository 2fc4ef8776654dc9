"""The expected verdicts of the sample submissions, kept as JSON under tests/golden/.

Regenerate them after a deliberate change of the feedback, then read the diff:

    python -m tests.golden
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from grader.grade import Options, Submission, grade
from grader.report.json import result_dict
from grader.result import Result

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = ROOT / "submissions"
GOLDEN = Path(__file__).resolve().parent / "golden"
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


def golden_of(result: Result) -> dict[str, Any]:
    """Return what is kept of a result: everything the learner is shown.

    The sandbox tier and its layers are left out: they depend on the machine, not on
    the submission.
    """
    kept = result_dict(result)
    kept.pop("sandbox", None)
    kept.pop("layers", None)
    return kept


def golden_path(name: str) -> Path:
    """Return the golden file of a sample."""
    return GOLDEN / f"{name}.json"


def main() -> None:
    """Write the golden file of every sample."""
    GOLDEN.mkdir(exist_ok=True)
    for name, result in grade_samples().items():
        text = json.dumps(golden_of(result), indent=2, ensure_ascii=False) + "\n"
        golden_path(name).write_text(text, encoding="utf-8")
        print(f"{result.score}/{result.max_score} {result.status.value:7} {name}")


if __name__ == "__main__":
    main()
