"""The feedback on a submission as every human format lays it out, and a failed step's words.

The text report, the HTML that `%grade` shows and the Markdown of a pull request are
three drawings of one ``View``: the same blocks in the same order (the submission's
name, why nothing could run, each step's mark and feedback, what the program's error
adds, notes, progress), the same marks, the same words. ``view_of`` builds it from a
Result; each format only draws it.

Also what every format shares about saying things once: a place is not named again
after a message that names it, a program's error is not repeated below the step that
already explained it, and a reason for waiting is said once for the steps that share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from grader.result import Location, Report, Result, Status, StepResult
from grader.safe import clean

# One line of a message: its text, and whether it is the learner's own (a line of their
# code, a caret under it), shown as written, never wrapped.
Line = tuple[str, bool]

# The marks of a step, the same in every format: passed, failed, could not be graded,
# not checked yet.
MARKS = {Status.PASSED: "✓", Status.FAILED: "✗", Status.ERROR: "!"}
WAIT_MARK = "○"


@dataclass(frozen=True)
class StepView:
    """One step as every format shows it: its mark and title, then, if it failed, why."""

    number: int
    title: str
    # None: not checked yet (an earlier step must pass, or the program must run first).
    status: Status | None
    # Why it waits, said on the first of the steps that wait for the same reason.
    waiting: str = ""
    message: tuple[Line, ...] = ()
    printed: tuple[str, ...] = ()
    more: int = 0
    hint: str = ""

    @property
    def mark(self) -> str:
        """The step's mark: ✓, ✗, ! or ○."""
        return WAIT_MARK if self.status is None else MARKS[self.status]

    @property
    def heading(self) -> str:
        """The step's line: its number, title and, if it waits, why."""
        waiting = f" ({self.waiting})" if self.waiting else ""
        return f"Step {self.number}: {self.title}{waiting}"


@dataclass(frozen=True)
class View:
    """A submission's feedback, in the order every human format shows it."""

    name: str
    status: Status
    # Why nothing of the program could be graded, before the steps.
    opening: tuple[Line, ...]
    steps: tuple[StepView, ...]
    # What the program's error adds that no step said, after the steps.
    closing: tuple[Line, ...]
    notes: tuple[str, ...]
    score: int
    max_score: int

    @property
    def progress(self) -> str:
        """The last line: how many steps pass, and, when all do, whether anything is left."""
        return f"Progress: {self.score} / {self.max_score} steps{praise(self.status, bool(self.closing))}"


# What the last line adds when every step passes: praise, unless the program's error is
# still there (the steps pass without the code it stopped, but not all of the code runs):
# then that error is what is left to do, said where it is, not said again.
PRAISE = ". Well done!"


def praise(status: Status, error_left: bool, where: str = "above") -> str:
    """The end of the progress line: praise, what is left to do (the error shown
    ``where`` the line is read from), or nothing."""
    if status is not Status.PASSED:
        return ""
    return f". Every step passes; the error {where} is all that is left." if error_left else PRAISE


# The text report's page, which every surface's lines are cut for: its width when it
# does not go to a terminal, how far in a step's feedback starts, and how much further a
# wrapped sentence goes on.
DEFAULT_WIDTH = 80
FEEDBACK_INDENT = 6
HANG = 2
# The room a sentence has on a line of that page, under a step's feedback.
SENTENCE_ROOM = DEFAULT_WIDTH - FEEDBACK_INDENT - HANG
# A `code span` in a sentence, with what is glued to it (a bracket before, a full stop
# after): what a line of prose cannot break.
_GLUED_SPAN = re.compile(r"[^\s`]*`([^`\n]+)`[^\s`]*")


def message_lines(text: str) -> tuple[Line, ...]:
    """Split a message into lines: the grader's sentences, and the learner's quoted lines.

    A line the message indents is the learner's (their code, a caret); the indent of
    four that marks it is taken off. Code a sentence quotes that no line of prose could
    hold (a long line, a dictionary) is set on a quoted line of its own.
    """
    lines: list[Line] = []
    for line in clean(text).strip("\n").split("\n"):
        if line[:1].isspace():
            lines.append((line[4:] if line.startswith("    ") else line.lstrip(), True))
        elif line.strip():
            lines.extend(_code_set_apart(line))
    return tuple(lines)


def _code_set_apart(sentence: str) -> list[Line]:
    """A sentence, with each code span too long for a line of prose on a line of its own.

    The sentence is cut around the code: what comes before it leads to it (with a colon
    where it ends a clause), the code is quoted, and the rest goes on below. Code that
    opens a sentence is quoted first, and the sentence goes on about "this code".
    """
    long = next((m for m in _GLUED_SPAN.finditer(sentence) if len(m.group()) > SENTENCE_ROOM), None)
    if long is None:
        return [(sentence, False)]
    glued = long.group()
    head = f"{sentence[: long.start()]}{glued[: glued.index('`')]}".rstrip()
    after = sentence[long.end() :]
    rest = after.lstrip(" .,;:")
    closing = glued[glued.rindex("`") + 1 :] + after[: len(after) - len(rest)]
    ended = any(mark in closing for mark in ".:")
    out: list[Line] = []
    if head:
        lead = head.rsplit(" ", 1)[-1].lower()
        colon = not head.endswith(":") and lead not in _LEADS_ON
        out.append((f"{head.rstrip(',;')}:" if colon else head, False))
    out.append((long.group(1), True))
    if not head and rest:
        rest = f"This code {rest}"
    elif rest and ended:
        rest = rest[0].upper() + rest[1:]
    if rest:
        out.extend(_code_set_apart(rest))
    return out


# Words that lead straight on to the code after them ("with `x = 1` it is..."): the
# sentence goes on through the quoted line, with no colon before it.
_LEADS_ON = frozenset({"with", "and", "or", "of", "to", "from", "in", "as", "by", "for"})


def view_of(result: Result) -> View:
    """Lay out a result the way every human format shows it."""
    could_not_run = result.status is Status.ERROR
    steps: list[StepView] = []
    said: set[str] = set()
    for step in result.steps:
        if could_not_run and not step.passed:
            reason = "checked once your program runs"
        elif step.blocked_by is not None:
            reason = f"checked once step {step.blocked_by} passes"
        else:
            steps.append(_judged(step, result.output))
            continue
        steps.append(StepView(step.step, step.title, None, "" if reason in said else reason))
        said.add(reason)
    opening = message_lines(result.message) if could_not_run and result.message else ()
    closing = () if could_not_run or not result.message else message_lines(not_yet_said(result))
    return View(
        name=result.submission,
        status=result.status,
        opening=opening,
        steps=tuple(steps),
        closing=closing,
        notes=tuple(clean(note) for note in result.notes),
        score=result.score,
        max_score=result.max_score,
    )


def _judged(step: StepResult, output: str) -> StepView:
    """A step that was judged: passed, or failed with its feedback."""
    if step.passed:
        return StepView(step.step, step.title, step.status)
    # A step about output shows what was printed as evidence; when nothing was, its
    # message has already said so (nothing printed it, the print never ran).
    shown = shows_output(step) and not output_said(step.message, output)
    printed, more = printed_lines(output) if shown else ([], 0)
    return StepView(
        step.step,
        step.title,
        step.status,
        message=message_lines(step.message or "This step did not pass."),
        printed=tuple(printed),
        more=more,
        hint=clean(step.hint),
    )


# What a step about output shows of the program's printed lines, at most.
OUTPUT_LINES = 6
OUTPUT_LINE_CHARS = 200


def step_feedback(step: StepResult, where: bool = True, output: str | None = None) -> str:
    """Return what is wrong, where (unless said or placed by the format) and the hint.

    Given the program's output, a step about output adds the first lines it printed.
    """
    lines = [clean(step.message) or "This step did not pass."]
    if where and step.location is not None and not names_place(step.message, step.location):
        lines.append(f"Where: {step.location.describe()}")
    if output is not None and shows_output(step) and not output_said(step.message, output):
        shown, more = printed_lines(output)
        if shown:  # nothing printed: the message has said why
            lines.append("What your program printed:")
            lines.extend(f"    {line}" for line in shown)
        if more:
            lines.append(more_lines(more))
    if step.hint:
        lines.append(f"Hint: {clean(step.hint)}")
    return "\n".join(lines)


def more_lines(count: int) -> str:
    """Say how many printed lines are not shown."""
    return f"({count} more line{'s' if count > 1 else ''} not shown.)"


def names_place(message: str, location: Location) -> bool:
    """Whether a message already says where: "line 5" in a script, "cell 3" in a notebook.

    A notebook's message that names the cell ("Cell 3 stopped at line 2", "in cell 3, a
    Markdown cell") has said where to look.
    """
    named = f"cell {location.cell}" if location.cell is not None else location.describe()
    return re.search(rf"\b{re.escape(named)}\b", message, re.IGNORECASE) is not None


def blocked(step: StepResult) -> bool:
    """Whether a step was not judged because an earlier one failed ("fix step 1 first")."""
    return step.blocked_by is not None


def shows_output(step: StepResult) -> bool:
    """Whether a failed step's feedback shows what the program printed."""
    return not step.passed and step.about_output and not blocked(step)


# What a message quotes as printed: "printed `X`" (a few words between allowed, as in
# "printed with other text on its line: `X`"), or "printed X" unquoted.
_PRINTED = re.compile(r"\bprinted\b[^.`]*`([^`]+)`|\bprinted ([^\s`]+?)[.,;:]?(?=\s|$)")
# What a message quotes as text that is one word: "the word can_handle_load", "the text
# load". The grader sets names of code in backticks; a bare word after these is the
# text itself, as a program would print it.
_WORD = re.compile(r"\b(?:word|text) ([A-Za-z_]\w*)\b(?!`)")
# A quote cut short in a message ends with one of these.
_CUT = ("…", "...")
# The shortest start of a printed line a quote cut short must give to stand for it.
_CUT_AT_LEAST = 12


def output_said(message: str, output: str) -> bool:
    """Whether a step's message already quotes, as printed, everything the program printed.

    A message that says "it printed {}", or quotes the printed line (whole, or its start
    cut short with an ellipsis, or a word as "the word X"), has said it: the printed
    lines shown again below it would be the same fact twice.
    """
    lines = [" ".join(line.split()) for line in clean(output).split("\n") if line.strip()]
    text = " ".join(clean(message).split())
    quotes = [quoted or bare for quoted, bare in _PRINTED.findall(text)]
    quotes += _WORD.findall(text)
    # A line long enough not to be there by chance, written out whole, is said too (but
    # a name alone, which a message names as the variable it is).
    quotes += [
        line
        for line in dict.fromkeys(lines)
        if len(line) >= _CUT_AT_LEAST and not line.isidentifier()
        for _ in range(text.count(line))
    ]
    # Each quote stands for one line: a line printed twice is said only by two quotes.
    for line in lines:
        quote = next((q for q in quotes if _stands_for(q, line)), None)
        if quote is None:
            return False
        quotes.remove(quote)
    return bool(lines)


def _stands_for(quote: str, line: str) -> bool:
    if quote == line:
        return True
    cut = next((c for c in _CUT if quote.endswith(c)), None)
    start = quote[: -len(cut)] if cut else ""
    return len(start) >= _CUT_AT_LEAST and line.startswith(start)


def printed_lines(output: str) -> tuple[list[str], int]:
    """Return the first lines the program printed, each capped, and how many more there are."""
    text = clean(output).rstrip("\n")
    if not text.strip():
        return [], 0
    lines = text.split("\n")
    shown = [
        line if len(line) <= OUTPUT_LINE_CHARS else line[: OUTPUT_LINE_CHARS - 3] + "..."
        for line in lines[:OUTPUT_LINES]
    ]
    return shown, max(0, len(lines) - OUTPUT_LINES)


def not_yet_said(result: Result) -> str:
    """Return the submission's message without the opening lines a step already gave.

    A run-time error explains the step it stopped, and is then the whole program's
    message too: the learner reads it once, where it matters. A step that gives the
    error's facts and not its advice has its own advice (what to change), which the
    error's would contradict or repeat: the rest is not said either, but for the notes
    on other cells' errors.
    """
    message = clean(result.message)
    said = [clean(step.message) for step in result.steps if not step.passed]
    lines = message.split("\n")
    for count in range(len(lines), 0, -1):
        block = "\n".join(lines[:count])
        if any(block in text for text in said):
            rest = lines[count:]
            # The notes on other cells' errors (in brackets) are not this error's.
            notes = next((i for i, line in enumerate(rest) if line.startswith("(")), len(rest))
            return "\n".join(rest[notes:]).strip("\n")
    return message


def incomplete_note(report: Report) -> str:
    """Say that grading stopped before the end and how far it got; '' for a whole report."""
    if not report.incomplete:
        return ""
    done, total = len(report.results), report.total
    if done == 0:
        what = "the submission" if total == 1 else f"any of the {total} submissions"
        return f"Grading was stopped (Ctrl-C or SIGTERM) before {what} was graded."
    left = total - done
    others = "the other one is" if left == 1 else f"the other {left} are"
    return (
        f"Grading was stopped (Ctrl-C or SIGTERM) after {done} of {total} submissions: "
        f"{others} not in this report."
    )
