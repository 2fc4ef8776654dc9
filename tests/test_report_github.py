"""The GitHub format: annotations escaped as the toolkit does, summary, outputs."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from grader.report import FORMATS, github
from grader.result import Location, Report, Result, Status
from tests import actions_runner
from tests.sample_reports import (
    CORRECT,
    EMPTY,
    HOSTILE,
    HOSTILE_NAMES,
    HOSTILE_RESULT,
    NOTEBOOK,
    WRONG_KEY,
    failed,
    passed,
    report,
)


def commands(text: str) -> list[tuple[str, dict[str, str], str]]:
    """Every command the Actions runner would run reading this output (see actions_runner)."""
    return [(c.name, c.properties, c.data) for c in actions_runner.commands(text)]


def test_data_escaping_matches_the_toolkit() -> None:
    """Messages escape %, CR and LF, in that order, and nothing else."""
    assert github.escape_data("100% a:b,c\r\n%0A") == "100%25 a:b,c%0D%0A%250A"


def test_property_escaping_also_escapes_colons_and_commas() -> None:
    """Property values escape : and , on top of what messages escape."""
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_each_failed_step_gets_an_error_annotation_on_its_line() -> None:
    """A failed step becomes ::error with the file, its line and a titled step."""
    out = github.render(report(WRONG_KEY))
    first, second = commands(out)
    assert first == (
        "error",
        {
            "file": "submissions/wrong-key.py",
            "line": "4",
            "title": "Step 1: Create the initial system capacities",
        },
        "`systems` is missing the key 'vertical_scaling'.\n"
        "Hint: Use curly braces to create a dictionary with the exact keys and values.",
    )
    assert second[1] == {
        "file": "submissions/wrong-key.py",
        "title": "Step 3: Determine which strategies can handle the load",
    }


def test_the_raw_annotation_line_is_escaped_exactly() -> None:
    """The title's colon is escaped as a property, the message's newline as data."""
    line = github.render(report(WRONG_KEY)).splitlines()[0]
    assert line.startswith(
        "::error file=submissions/wrong-key.py,line=4,"
        "title=Step 1%3A Create the initial system capacities::"
        "`systems` is missing the key 'vertical_scaling'.%0AHint: "
    )


def test_a_passing_submission_has_no_annotation_and_one_summary_line() -> None:
    """Nothing to annotate: only the plain line saying how it went."""
    assert github.render(report(CORRECT)) == "submissions/correct.py: 4/4 steps passed.\n"


def test_a_notebook_step_is_annotated_on_line_one_and_names_the_cell() -> None:
    """Notebook lines are not file lines, so the message says cell and line."""
    ((_, props, message),) = commands(github.render(report(NOTEBOOK)))
    assert props["line"] == "1"
    assert message.startswith("In cell 3, line 2:\n`can_handle_load['vertical_scaling']`")


def test_a_submission_that_errored_gets_one_annotation_with_its_message() -> None:
    """Unjudged steps are not annotated; the reason the file could not run is."""
    out = github.render(report(EMPTY))
    assert commands(out) == [
        (
            "error",
            {"file": "submissions/empty.py", "title": "Could not grade this submission"},
            EMPTY.message,
        )
    ]
    assert out.splitlines()[-1] == "submissions/empty.py: could not be graded."


def test_an_errored_submission_with_a_syntax_error_is_annotated_on_its_line() -> None:
    """A whole-submission location puts the annotation on that line."""
    result = Result(
        submission="s.py",
        status=Status.ERROR,
        message="Line 2 has a syntax error.",
        location=Location(line=2),
    )
    ((_, props, _),) = commands(github.render(report(result)))
    assert props["line"] == "2"


def test_a_program_that_stopped_early_gets_an_annotation_for_the_whole_program() -> None:
    """A failed submission's own message is annotated as well as its steps."""
    result = Result(
        submission="s.py",
        status=Status.FAILED,
        steps=(passed(1), passed(2), failed(3, "Not created."), passed(4)),
        message="Your program stopped at line 6 with NameError.",
        location=Location(line=6),
    )
    titles = [props["title"] for _, props, _ in commands(github.render(report(result)))]
    assert titles == [
        "The program as a whole",
        "Step 3: Determine which strategies can handle the load",
    ]


def test_hostile_learner_text_cannot_start_a_workflow_command() -> None:
    """Every line the runner would execute is one of ours: one ::error and no other."""
    out = github.render(report(HOSTILE_RESULT))
    lines = out.splitlines()
    assert [line.split(" ", 1)[0] for line in lines if line.lstrip().startswith("::")] == [
        "::error"
    ]
    assert "add-mask" not in lines[0].split("::")[1]
    assert lines[1:] == ["submissions/hostile.py: 3/4 steps passed."]


def test_hostile_learner_text_survives_the_round_trip_without_escape_sequences() -> None:
    """Newlines, %, : and , come back intact; ANSI colours and CRs do not."""
    ((_, props, message),) = commands(github.render(report(HOSTILE_RESULT)))
    cleaned = HOSTILE.replace("\r\n", "\n").replace("\x1b[31m", "").replace("\x1b[0m", "")
    assert message == f"{cleaned}\nHint: {cleaned}"
    assert "\x1b" not in message
    assert props["line"] == "3"


def test_hostile_file_names_are_escaped_in_the_property_and_defused_in_the_summary() -> None:
    """A file named like a command stays a file property, on one line, and a plain summary line."""
    name = "::add-mask::x,line=9:y\n::warning::z.py"
    result = Result(
        submission=name, status=Status.FAILED, steps=(failed(1, "Wrong."), passed(2)), max_score=4
    )
    out = github.render(report(result))
    ((command, props, _),) = commands(out)
    assert command == "error"
    assert props["file"] == "::add-mask::x,line=9:y\\n::warning::z.py"
    assert "line" not in props
    summary = out.splitlines()[-1]
    assert not summary.lstrip().startswith("::")
    assert summary.endswith(": 1/4 steps passed.")


def test_several_submissions_end_with_a_total() -> None:
    """A batch closes with the total over all submissions."""
    out = github.render(report(CORRECT, WRONG_KEY, EMPTY))
    assert out.splitlines()[-4:] == [
        "submissions/correct.py: 4/4 steps passed.",
        "submissions/wrong-key.py: 2/4 steps passed.",
        "submissions/empty.py: could not be graded.",
        "Total: 6/12 steps passed over 3 submissions.",
    ]


def test_an_empty_report_says_nothing_was_graded() -> None:
    """No results is said plainly, not printed as an empty string."""
    assert github.render(Report(results=())) == "No submission was graded.\n"


def test_the_sandbox_note_becomes_a_notice() -> None:
    """Why a weaker sandbox was used is shown once, as a notice."""
    out = github.render(Report(results=(CORRECT,), sandbox_note="Install bubblewrap:\nthen rerun"))
    assert commands(out) == [("notice", {"title": "Sandbox"}, "Install bubblewrap:\nthen rerun")]


def test_the_format_is_registered_for_the_command_line() -> None:
    """--format github reaches this module's render."""
    assert FORMATS["github"] is github.render


def read_outputs(text: str) -> dict[str, str]:
    """Parse a GITHUB_OUTPUT file as the runner does: name=value or name<<DELIMITER."""
    outputs = {}
    lines = iter(text.split("\n"))
    for line in lines:
        if "<<" in line:
            name, delimiter = line.split("<<", 1)
            value = []
            for body in lines:
                if body == delimiter:
                    break
                value.append(body)
            outputs[name] = "\n".join(value)
        elif "=" in line:
            name, value_text = line.split("=", 1)
            outputs[name] = value_text
    return outputs


def test_workflow_files_get_the_summary_and_the_outputs(tmp_path: Path) -> None:
    """The job summary gets the Markdown report; outputs get score, status, result."""
    summary, output = tmp_path / "summary.md", tmp_path / "output"
    summary.write_text("earlier step\n", encoding="utf-8")
    output.write_text("earlier=1\n", encoding="utf-8")
    environ = {"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output)}
    github.write_workflow_files(report(CORRECT, WRONG_KEY), environ)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n<!-- grader-report -->\n")
    written = output.read_text(encoding="utf-8")
    assert written.startswith("earlier=1\n")
    outputs = read_outputs(written)
    assert {k: outputs[k] for k in ("score", "max-score", "status")} == {
        "score": "6",
        "max-score": "8",
        "status": "failed",
    }
    classroom = json.loads(base64.b64decode(outputs["result"]))
    assert classroom["max_score"] == 8


def test_workflow_files_are_left_alone_outside_a_workflow(tmp_path: Path) -> None:
    """Without the variables nothing is written anywhere."""
    github.write_workflow_files(report(CORRECT), {})
    assert list(tmp_path.iterdir()) == []


def test_outputs_use_a_fresh_delimiter_that_no_value_contains() -> None:
    """Each value is framed by its own random delimiter, as the toolkit does."""
    text = github.format_outputs({"a": "1", "b": "two\nlines"})
    delimiters = re.findall(r"^\w+<<(ghadelimiter_[0-9a-f-]{36})$", text, flags=re.MULTILINE)
    assert len(set(delimiters)) == 2
    assert read_outputs(text) == {"a": "1", "b": "two\nlines"}


def test_the_overall_status_is_error_when_any_submission_errored() -> None:
    """One ungraded file makes the run an error; all passed makes it passed."""
    assert github.overall_status(report(CORRECT, EMPTY)) is Status.ERROR
    assert github.overall_status(report(CORRECT, WRONG_KEY)) is Status.FAILED
    assert github.overall_status(report(CORRECT)) is Status.PASSED
    assert github.overall_status(Report(results=())) is Status.ERROR


def many_wrong(count: int, output: str = "") -> Report:
    """A batch of submissions, each with two failed steps (three, printing the output)."""
    # With output, the print step fails too: the reports show what was printed there.
    printing = replace(failed(4, "Printed inside the loop."), about_output=True)
    results = tuple(
        Result(
            submission=f"submissions/learner-{index:03}.py",
            status=Status.FAILED,
            steps=(
                failed(1, "`systems` is missing a key.", location=Location(line=2)),
                passed(2),
                failed(3, "Fix step 1 first."),
                printing if output else passed(4),
            ),
            output=output,
        )
        for index in range(count)
    )
    return Report(results=results)


def test_a_step_never_prints_more_error_annotations_than_github_keeps() -> None:
    """GitHub keeps 10 error annotations a step: past that, one per submission, then a notice."""
    parsed = commands(github.render(many_wrong(12)))
    errors = [c for c in parsed if c[0] == "error"]
    notices = [c for c in parsed if c[0] == "notice"]
    assert len(errors) == github.MAX_ERRORS
    assert [e[1]["file"] for e in errors] == [f"submissions/learner-{i:03}.py" for i in range(10)]
    assert notices[-1][2] == (
        "14 more mistakes are not annotated: GitHub shows at most 10 a step."
        " The job summary lists every one."
    )


def test_a_few_submissions_keep_every_annotation() -> None:
    """Up to the limit every failed step has its annotation and no notice is added."""
    parsed = commands(github.render(many_wrong(5)))
    assert [c[0] for c in parsed] == ["error"] * 10


def block_balance(text: str) -> tuple[int, int]:
    """Count unclosed <details> blocks and code fences in Markdown.

    The printed output below holds a line of three backticks, so the report fences it
    with four: only those open and close a block.
    """
    fences = sum(1 for line in text.split("\n") if line.startswith("````"))
    return text.count("<details>") - text.count("</details>"), fences % 2


# What the program printed, with blank lines and fences inside, as the Markdown shows it.
LONG_OUTPUT = ("x" * 70 + "\n\n") * 40 + "```\n"


def test_the_job_summary_is_cut_under_one_mebibyte_between_blocks(tmp_path: Path) -> None:
    """A batch whose summary would pass GitHub's 1 MiB limit is cut at a block, with a note."""
    big = many_wrong(2000, LONG_OUTPUT)
    summary = tmp_path / "summary.md"
    github.write_workflow_files(big, {"GITHUB_STEP_SUMMARY": str(summary)})
    text = summary.read_text(encoding="utf-8")
    assert len(markdown_render(big).encode("utf-8")) > 1024 * 1024
    assert len(text.encode("utf-8")) <= 1024 * 1024
    assert text.endswith(f"\n\n{github.CUT_NOTE}\n")
    kept = text.removesuffix(f"\n\n{github.CUT_NOTE}\n")
    assert markdown_render(big).startswith(kept)
    assert block_balance(kept) == (0, 0)


def test_a_comment_is_cut_only_at_a_block_boundary() -> None:
    """Cut to a comment's size, no code fence or <details> block is left open."""
    text = markdown_render(many_wrong(200, LONG_OUTPUT))
    for limit in (2_000, 9_999, github.COMMENT_CHARS):
        cut = github.cut_markdown(text, limit)
        assert github.utf16_size(cut) <= limit
        assert block_balance(cut) == (0, 0), limit
        assert cut.endswith(github.CUT_NOTE + "\n")


def test_a_report_within_the_limit_is_not_cut() -> None:
    """Nothing is cut, and no note is added, when the text fits."""
    text = markdown_render(many_wrong(2))
    assert github.cut_markdown(text, github.COMMENT_CHARS) == text


def markdown_render(report_: Report) -> str:
    """The Markdown report, as the job summary and the comment start from."""
    from grader.report import markdown

    return markdown.render(report_)


# The runner's own tests of its parser (actions/runner, src/Test/L0/Worker/ActionCommandL0.cs,
# CommandParserTest and CommandParserV2Test), run on the port: line, name, properties, data.
RUNNER_LEGACY_CASES = [
    ("##[do-something k1=v1;]msg", "do-something", {"k1": "v1"}, "msg"),
    ("##[do-something]", "do-something", {}, ""),
    (
        "##[do-something k1=%3B=%0D=%0A=%5D;]%3B-%0D-%0A-%5D",
        "do-something",
        {"k1": ";=\r=\n=]"},
        ";-\r-\n-]",
    ),
    (
        "##[do-something k1=%253B=%250D=%250A=%255D;]%253B-%250D-%250A-%255D",
        "do-something",
        {"k1": "%3B=%0D=%0A=%5D"},
        "%3B-%0D-%0A-%5D",
    ),
    ("##[do-something k1=;k2=;]", "do-something", {}, ""),
    (">>>   ##[do-something k1=v1;]msg", "do-something", {"k1": "v1"}, "msg"),
]
RUNNER_V2_CASES = [
    ("::do-something k1=v1,::msg", "do-something", {"k1": "v1"}, "msg"),
    ("::do-something::", "do-something", {}, ""),
    (
        "::do-something k1=;=%2C=%0D=%0A=]=%3A,::;-%0D-%0A-]-:-,",
        "do-something",
        {"k1": ";=,=\r=\n=]=:"},
        ";-\r-\n-]-:-,",
    ),
    (
        "::do-something k1=;=%252C=%250D=%250A=]=%253A,::;-%250D-%250A-]-:-,",
        "do-something",
        {"k1": ";=%2C=%0D=%0A=]=%3A"},
        ";-%0D-%0A-]-:-,",
    ),
    ("::do-something k1=,k2=,::", "do-something", {}, ""),
    ("::do-something k1=v1::", "do-something", {"k1": "v1"}, ""),
    ("   ::do-something k1=v1,::msg", "do-something", {"k1": "v1"}, "msg"),
]


@pytest.mark.parametrize(("line", "name", "properties", "data"), RUNNER_LEGACY_CASES)
def test_the_port_reads_legacy_commands_as_the_runners_own_tests_say(
    line: str, name: str, properties: dict[str, str], data: str
) -> None:
    """TryParse, ported: the runner's CommandParserTest cases give the same commands."""
    command = actions_runner.try_parse(line, {"do-something"})
    assert command is not None
    assert (command.name, command.properties, command.data) == (name, properties, data)


@pytest.mark.parametrize(("line", "name", "properties", "data"), RUNNER_V2_CASES)
def test_the_port_reads_commands_as_the_runners_own_tests_say(
    line: str, name: str, properties: dict[str, str], data: str
) -> None:
    """TryParseV2, ported: the runner's CommandParserV2Test cases give the same commands."""
    command = actions_runner.try_parse_v2(line, {"do-something"})
    assert command is not None
    assert (command.name, command.properties, command.data) == (name, properties, data)


def test_the_port_refuses_what_the_runner_refuses() -> None:
    """Not at the start, an unknown name, no closing '::': plain log lines."""
    assert (
        actions_runner.try_parse_v2("   >>>   ::do-something k1=v1,::msg", {"do-something"}) is None
    )
    assert actions_runner.commands("::unknown::x\n::error no end\n##[error no bracket") == []


def test_the_port_knows_the_runners_commands_in_any_case_and_stop_commands() -> None:
    """Names match without case; after stop-commands only the token resumes them."""
    log = "##[ADD-MASK]a\n::stop-commands::tok\n::error::hidden\n::tok::\n::Error::shown\n"
    assert [(c.name, c.data) for c in actions_runner.commands(log)] == [
        ("ADD-MASK", "a"),
        ("stop-commands", "tok"),
        ("tok", ""),
        ("Error", "shown"),
    ]


def test_the_port_splits_lines_where_the_runner_does() -> None:
    """CR, LF and CR LF end a line; a line separator or a next-line character does not."""
    assert actions_runner.read_lines("a\rb\r\nc\nd\u2028e\x85f\n") == [
        "a",
        "b",
        "c",
        "d\u2028e\x85f",
    ]


def test_a_line_is_suspect_under_any_comparison_when_invisible_characters_hide_a_marker() -> None:
    """The stricter check: soft hyphens and joiners do not hide ##[ or a leading ::."""
    assert actions_runner.looks_like_a_command("#\u00ad#[error]x")
    assert actions_runner.looks_like_a_command("\u200d  ::add-mask::x")
    assert not actions_runner.looks_like_a_command("> ::add-mask::x # #[error]")


def own_and_forged(text: str) -> tuple[list[actions_runner.Command], list[str]]:
    """Split the runner's view of an output into the grader's commands and anything else.

    The grader's own lines start with '::error ' or '::notice '; every other line must be
    plain log under the runner's reading and under the stricter one.
    """
    runner = actions_runner.Runner()
    own, forged = [], []
    for line in actions_runner.read_lines(text):
        command = runner.process(line)
        if line.startswith(("::error ", "::notice ")):
            assert command is not None, line
            own.append(command)
        elif command is not None or actions_runner.looks_like_a_command(line):
            forged.append(line)
    return own, forged


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_file_name_is_one_annotation_on_its_own_file_and_forges_nothing(
    name: str,
) -> None:
    """Whatever a file is called, the runner reads one error on that file and nothing else.

    The result is built as is, not cleaned by the grading core: the format must hold on
    its own, for a report read back from JSON too.
    """
    result = Result(
        submission=name,
        status=Status.FAILED,
        steps=(failed(1, f"Wrong in {name}.", location=Location(line=2)), passed(2)),
        message=f"Your program stopped with ValueError: {name}",
        output=f"{name}\n",
        max_score=2,
    )
    own, forged = own_and_forged(github.render(report(result, CORRECT)))
    assert forged == []
    assert [c.name for c in own] == ["error", "error"]
    files = {c.property("file") for c in own}
    assert len(files) == 1
    (file,) = files
    assert "\n" not in str(file) and "\r" not in str(file)


def test_a_hostile_sandbox_note_is_one_notice() -> None:
    """The note is the grader's, but it names paths: it stays one notice's data."""
    note = "\n".join(HOSTILE_NAMES)
    own, forged = own_and_forged(github.render(Report(results=(CORRECT,), sandbox_note=note)))
    assert forged == []
    assert [c.name for c in own] == ["notice"]
