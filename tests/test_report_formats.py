"""Every format, both ways: ``--format X`` and ``grader render --format X`` from the saved JSON.

A workflow grades once, to JSON, and renders every format it needs from that file
(grade.yml does); what it shows must be what the grading itself would have shown.
Every sample of submissions/ and every behaviour of the catalogue is graded, in one
batch, through the real grader; then each format of the batch, and of each result on
its own, is written as the command line writes it (``-o FILE``) and as ``grader
render`` writes it from the JSON report, and the two files are compared byte for
byte. The formats are taken from FORMATS, so a format added later is covered too.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from grader.frontends import render
from grader.grade import Options, Submission, grade
from grader.report import FORMATS, output
from grader.report.json import report_from_dict
from grader.result import Location, Report, Result, Status
from tests import actions_runner, report_schema
from tests.golden import TIMEOUT, behaviours, samples, submission_of
from tests.sample_reports import HOSTILE_NAMES, about_output, as_graded, failed, passed, report


@pytest.fixture(scope="module")
def graded() -> Report:
    """Every sample and every behaviour of the catalogue, graded in one batch."""
    submissions = [Submission(f"submissions/{p.name}", p) for p in samples()]
    for folder in behaviours():
        program = submission_of(folder)
        assert program is not None
        submissions.append(Submission(f"behaviours/{folder.name}{program.suffix}", program))
    return grade(submissions, Options(timeout=TIMEOUT, jobs=2))


@pytest.fixture(autouse=True)
def _outside_a_workflow(monkeypatch: pytest.MonkeyPatch) -> None:
    """The github format writes workflow files only inside a workflow; these tests are not."""
    for variable in ("GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT"):
        monkeypatch.delenv(variable, raising=False)


def both_ways(report: Report, name: str, folder: Path) -> tuple[bytes, bytes]:
    """Write one format as --format NAME -o FILE does, and as grader render does from JSON."""
    direct, saved, again = folder / f"direct.{name}", folder / "report.json", folder / "again"
    # What the command line does once grading is done, for -o FILE.
    output.write(report, name, output.rendered(report, name, None), str(direct), {})
    output.write(report, "json", output.rendered(report, "json", None), str(saved), {})
    report_schema.validate(saved.read_text(encoding="utf-8"))
    render.render_saved(str(saved), name, str(again), None)
    return direct.read_bytes(), again.read_bytes()


def alone(report: Report, index: int) -> Report:
    """The report of one result of the batch, as grading that file alone gives it."""
    return replace(report, results=(report.results[index],))


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_the_whole_batch_renders_the_same_both_ways(
    graded: Report, name: str, tmp_path: Path
) -> None:
    """Batch formats (summary, chart, glossary, totals) from the JSON equal the direct ones."""
    direct, rendered = both_ways(graded, name, tmp_path)
    assert rendered == direct


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_each_sample_and_behaviour_alone_renders_the_same_both_ways(
    graded: Report, name: str, tmp_path: Path
) -> None:
    """Each result alone (Gradescope renders one), in this format, is the same both ways."""
    different = []
    for index, result in enumerate(graded.results):
        direct, rendered = both_ways(alone(graded, index), name, tmp_path)
        if rendered != direct:
            different.append(result.submission)
    assert different == []


def test_the_batch_covers_every_sample_and_behaviour(graded: Report) -> None:
    """Nothing was left out of the comparison, and steps about output are among them."""
    assert len(graded.results) == len(samples()) + len(behaviours())
    assert any(step.about_output and not step.passed for r in graded.results for step in r.steps)


# Each format's own workflow commands: the github format's annotations and notices.
OWN_COMMANDS = {"github": ("::error ", "::notice ")}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_no_format_printed_to_a_log_runs_a_command_a_learner_wrote(name: str) -> None:
    """The action prints whichever format it is given to the job's log. Results holding
    every hostile name, in the name, the messages, the notes and the output, reach a
    format as a saved report is read back (and as the grading leaves them): the runner
    finds no command in what the format prints but the format's own."""
    results = tuple(
        Result(
            submission=hostile,
            status=Status.FAILED,
            steps=(
                failed(1, f"{hostile}\n{hostile}", location=Location(line=2)),
                passed(2),
                passed(3),
                about_output(hostile, code="step4.no-print"),
            ),
            message=f"Your program stopped with ValueError: {hostile}\n{hostile}",
            notes=(hostile,),
            output=f"{hostile}\n{hostile}\n",
        )
        for hostile in HOSTILE_NAMES
    )
    for raw in (report(*results), report(results[0]), report(results[5])):
        saved = replace(raw, sandbox_note="\n".join(HOSTILE_NAMES))
        read = report_from_dict(json.loads(FORMATS["json"](saved)))
        assert read.results == tuple(as_graded(result) for result in raw.results)
        text = FORMATS[name](replace(read, glossary=raw.glossary))
        own = OWN_COMMANDS.get(name, ())
        runner = actions_runner.Runner()
        forged = []
        for line in actions_runner.read_lines(text):
            command = runner.process(line)
            if own and line.startswith(own):
                continue
            if command is not None or actions_runner.looks_like_a_command(line):
                forged.append(line)
        assert forged == []
