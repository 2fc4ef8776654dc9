"""A verified edit in words: what is wrong, where, and the change, as a teacher would say it.

Each kind of correction of the error model (grader.feedback.corrections and
grader.feedback.moves) has its sentence here: first what the learner's code does (the
nudge: why it is not what they meant), then the line to write. Every name and every line
shown is the learner's own, or the edit's; nothing here knows an exercise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from grader.feedback.corrections import DIRECTION
from grader.feedback.edits import Edit
from grader.feedback.words import RUN_ALL
from grader.result import Location

# What a comparison operator means, in words.
MEANINGS = {
    ">=": "greater than or equal to",
    "<=": "less than or equal to",
    "!=": "not equal to",
    ">": "greater than",
    "<": "less than",
}
_OPERAND = r"[\w.]+(?:\[[^\]]*\])?|'[^']*'|\"[^\"]*\""
# A side of a comparison: operands joined by arithmetic (`load - 1`), quoted whole, so
# that a comparison is never cut to a shorter one that means something else.
_SIDE = rf"(?:{_OPERAND})(?:\s*(?:[-+%]|\*\*?|//?)\s*(?:{_OPERAND}))*"


def describe(edit: Edit, here: Location | None = None) -> str:
    """Say what is wrong and what to write, naming the line unless it is ``here``."""
    place = edit.place
    at = "" if place == here else (" in " if place.cell is not None else " at ") + place.describe()
    words = _WORDS.get(edit.kind)
    if words is None:
        return f"Change {edit.place.describe()} to `{edit.after}`."
    return _code_on_its_line(words(edit, at), edit.after)


# The longest line to write that a sentence quotes inline; a longer one gets a line of
# its own, as the learner's code does, so that no sentence is wider than a report.
INLINE = 40


def _code_on_its_line(text: str, after: str) -> str:
    """End with a long line to write on a line of its own, not inside the sentence."""
    span = f"`{after}`."
    if len(after) <= INLINE or not text.endswith(span):
        return text
    head = text[: -len(span)].rstrip()
    return f"{head.rstrip(':')}:\n    {after}"


def comparison(line: str, op: str) -> str:
    """The comparison around an operator in a line, like `capacity > load`."""
    match = re.search(rf"({_SIDE})\s*{re.escape(op)}\s*({_SIDE})", line)
    return match.group(0) if match else op


def _spelling(edit: Edit, at: str) -> str:
    meaning = MEANINGS.get(edit.new, "this comparison")
    return (
        f"`{edit.old}`{at} is not an operator in Python: {meaning} is written `{edit.new}`, "
        f"with `{edit.new[0]}` first. Write `{edit.after}`."
    )


def _sign(edit: Edit, at: str) -> str:
    meaning = MEANINGS.get(edit.new, "this comparison")
    return (
        f"`{edit.old}`{at} is a sign from mathematics, often pasted from a document, and "
        f"Python does not read it. Python writes {meaning} as `{edit.new}`: "
        f"`{edit.after}`."
    )


def _strictness(edit: Edit, at: str) -> str:
    written = comparison(edit.before, edit.old)
    fixed = edit.facts.get("form") or comparison(edit.after, edit.new)
    if len(edit.new) > len(edit.old):
        why = "is False when the two sides are equal"
        want = "To count equal values too, write"
    else:
        why = "is also True when the two sides are equal"
        want = "To leave equal values out, write"
    # The learner's own run shows no difference: say where it shows.
    note = (
        " Your own numbers never make them equal, but the step is also checked with "
        "numbers that do."
        if edit.facts.get("never-equal")
        else ""
    )
    # The change said once: the comparison to write, or the line when none is found.
    if fixed == edit.new:
        return f"`{written}`{at} {why}.{note} {want}: `{edit.after}`."
    return f"`{written}`{at} {why}.{note} {want} `{fixed}`."


def in_exercise_form(edit: Edit, wording: str) -> Edit:
    """The comparison a repair writes, turned round to the exercise's own form when the
    exercise writes it the other way (`load <= capacity` is the reference's
    `capacity >= load`): the learner reads the comparison as the exercise words it."""
    if edit.kind not in ("strictness", "direction"):
        return edit
    fixed = comparison(edit.after, edit.new)
    parts = re.fullmatch(rf"({_SIDE})\s*(<=|>=|<|>)\s*({_SIDE})", fixed)
    if parts is None:
        return edit
    turned = f"{parts.group(3)} {DIRECTION[parts.group(2)]} {parts.group(1)}"
    if re.search(rf"(?<![\w.]){re.escape(turned)}(?![\w(\[])", " ".join(wording.split())) is None:
        return edit
    return replace(edit, facts={**edit.facts, "form": turned})


def _direction(edit: Edit, at: str) -> str:
    written = comparison(edit.before, edit.old)
    fixed = edit.facts.get("form") or comparison(edit.after, edit.new)
    asks = (
        f"`{written}`{at} asks whether the left side is {MEANINGS.get(edit.old, edit.old)} "
        f"the right one: the comparison points the wrong way."
    )
    # The change said once: the comparison turned round, or the line when none is found.
    if fixed == edit.new:
        return f"{asks} Write `{edit.after}`."
    return f"{asks} Write `{fixed}`."


def _compare_not_store(edit: Edit, at: str) -> str:
    return (
        f"`{edit.before}`{at} compares with `==` and throws the answer away; it stores "
        f"nothing. `==` compares, `=` stores: write `{edit.after}`."
    )


def _assign_in_condition(edit: Edit, at: str) -> str:
    return f"In the condition{at}, `=` would store a value; to compare, write `==`: `{edit.after}`."


def _curly(edit: Edit, at: str) -> str:
    return (
        f"`{edit.old}`{at} is a curly quote, the kind a word processor or a web page types; "
        f"Python reads only plain quotes, `'` or `\"`. Type them again: `{edit.after}`."
    )


def _quoted_name(edit: Edit, at: str) -> str:
    name = edit.facts.get("name", edit.new)
    return (
        f"The quotes make `{edit.old}`{at} the word {name} itself, the same text every time, "
        f"not the variable `{name}`. Remove them: `{edit.after}`."
    )


def _also(text: str, edit: Edit) -> str:
    """A sentence, and the other lines where the same change is to be made."""
    also = edit.facts.get("also")
    return f"{text} The same at {also}." if also else text


def _quoted_number(edit: Edit, at: str) -> str:
    if edit.facts.get("count", "1") != "1":
        return _also(
            f"The numbers{at} are in quotes, like `{edit.old}`, so they are text, not "
            f"numbers. Remove the quotes: `{edit.after}`.",
            edit,
        )
    return _also(
        f"`{edit.old}`{at} is text, because of its quotes, not the number {edit.new}. "
        f"Remove the quotes: `{edit.after}`.",
        edit,
    )


def _quoted_bool(edit: Edit, at: str) -> str:
    return _also(
        f"`{edit.old}`{at} is text, because of its quotes, not the value {edit.new}. Remove "
        f"the quotes: `{edit.after}`.",
        edit,
    )


def _unquoted(edit: Edit, at: str) -> str:
    name = edit.facts.get("name", edit.old)
    several = edit.facts.get("count", "1") != "1"
    what = f"these words{at} are" if several else f"`{name}`{at} is"
    return (
        f"Without quotes, {what} read as the name of a variable, and no variable has "
        f"that name. Text, such as a dictionary's key, goes in quotes: `{edit.after}`."
    )


def _trailing_comma(edit: Edit, at: str) -> str:
    value = edit.after.split("=", 1)[-1].strip() if "=" in edit.after else edit.after
    return (
        f"The comma at the end of `{edit.before}`{at} makes a tuple, a group of values "
        f"like `({value},)`, instead of the value itself. Remove the comma: `{edit.after}`."
    )


def _missing_colon(edit: Edit, at: str) -> str:
    return (
        f"A line that starts a block (`for`, `if`, `else`, `def`...) ends with a colon "
        f"`:`{at}. Add it: `{edit.after}`."
    )


def _colon_in_dict(edit: Edit, at: str) -> str:
    missing = "all of them are missing" if edit.facts.get("times") else "one is missing"
    return (
        f"In a dictionary, each key is joined to its value by a colon `:`, and {missing}"
        f"{at} (Python guessed a comma). Write `{edit.after}`."
    )


def _missing_comma(edit: Edit, at: str) -> str:
    missing = "none is there" if edit.facts.get("times") else "one is missing"
    return f"Items inside brackets are separated by commas, and {missing}{at}: `{edit.after}`."


def _dict_equals(edit: Edit, at: str) -> str:
    return (
        f"In a dictionary{at}, a key is joined to its value by a colon `:`, not by `=`: "
        f"`{edit.after}`."
    )


def _missing_bracket(edit: Edit, at: str) -> str:
    closers = edit.new
    opened = {")": "(", "]": "[", "}": "{"}
    first = opened.get(closers[-1:], "(")
    return (
        f"A `{first}` is opened{at} and never closed. Close it with `{closers[-1:]}`: "
        f"`{edit.after}`."
    )


def _bracket_closed(edit: Edit, at: str) -> str:
    line = edit.place.describe()
    opened = edit.facts.get("opened", "")
    return (
        f"The `{edit.facts.get('opener', '')}` opened at {opened} is never closed, and what "
        f"it holds ends at {line}: add `{edit.new}` at the end of {line}, after "
        f"`{edit.before}`."
    )


def _brackets_closed(edit: Edit, at: str) -> str:
    count = edit.facts.get("count", "")
    places = edit.facts.get("places", "")
    return f"{count} brackets are opened and never closed, each where what it holds ends: {places}."


_OPERATOR = r"(?:[<>!=]=|[<>+\-*/%])"


def typed_change(edit: Edit) -> tuple[str, str]:
    """The operation a typed-in number was part of, before and after it is made a name.

    The whole line, before and after, when no operation around the number is found.
    """
    pattern = rf"(?:{_OPERAND})\s*{_OPERATOR}\s*{{0}}\b|\b{{0}}\s*{_OPERATOR}\s*(?:{_OPERAND})"
    before = re.search(pattern.format(re.escape(edit.old)), edit.before)
    after = re.search(pattern.format(re.escape(edit.new)), edit.after)
    return (before.group(), after.group()) if before and after else (edit.before, edit.after)


def _typed_value(edit: Edit, at: str) -> str:
    name = edit.facts.get("name", edit.new)
    old, new = typed_change(edit)
    return (
        f"`{old}`{at} has `{edit.old}`, the value of `{name}`, typed in by hand: it is right "
        f"only while `{name}` is {edit.old}. Write the name instead: `{old}` -> `{new}`."
    )


def _extra_bracket(edit: Edit, at: str) -> str:
    return f"There is one `{edit.old}` too many{at}: it closes nothing. Remove it: `{edit.after}`."


def _wrong_bracket(edit: Edit, at: str) -> str:
    return (
        f"A bracket is closed with `{edit.old}`{at}, but the one it closes needs "
        f"`{edit.new}`: `{edit.after}`."
    )


def _missing_call(edit: Edit, at: str) -> str:
    return (
        f"`{edit.old}`{at} has no brackets, so the method is not called: add them, "
        f"`{edit.new}`, to get what it gives back. Write `{edit.after}`."
    )


def _extra_call(edit: Edit, at: str) -> str:
    name = edit.facts.get("name", edit.new)
    kind = _KIND_WORDS.get(edit.facts.get("type", ""), "a value")
    return (
        f"`{name}` is {kind}, not a function, so it cannot be called: the brackets `()` "
        f"after it ask Python to call it{at}. Remove them: `{edit.after}`."
    )


_KIND_WORDS = {
    "dict": "a dictionary",
    "list": "a list",
    "str": "text (a string)",
    "int": "a number",
    "float": "a number",
    "bool": "True or False",
    "tuple": "a tuple",
    "set": "a set",
}


def _call_for_subscript(edit: Edit, at: str) -> str:
    name = edit.facts.get("name", "")
    return (
        f"`{name}(...)`{at} calls `{name}` like a function; an entry of a dictionary is "
        f"written with square brackets: `{edit.after}`."
    )


def _subscript_for_call(edit: Edit, at: str) -> str:
    return f"`print` is called with round brackets, not square ones{at}: `{edit.after}`."


def _list_for_dict(edit: Edit, at: str) -> str:
    made = {
        "[]": "an empty list, whose places are numbered 0, 1, 2",
        "list()": "an empty list, whose places are numbered 0, 1, 2",
        "set()": "an empty set, which holds values but no keys",
    }.get(edit.old, "something other than a dictionary")
    return (
        f"`{edit.old}`{at} makes {made}. To store values under keys, start an empty "
        f"dictionary with curly braces: `{edit.after}`."
    )


def _indentation(edit: Edit, at: str) -> str:
    spaces = int(edit.facts.get("from", "0"))
    level = int(edit.facts.get("to", "0"))
    written = (
        f"indented by {spaces} space{'s' if spaces != 1 else ''}" if spaces else "not indented"
    )
    why = {
        "expected": "The line after one that ends with a colon must be indented, to be inside "
        f"that block, and this one is {written}{at}.",
        "unexpected": f"This line is {written}{at}, more than the lines around it, but no "
        "block starts above it.",
    }.get(
        edit.facts.get("why", ""),
        f"This line is {written}{at}, which matches no block above it, so Python cannot tell "
        "which block it belongs to.",
    )
    where = (
        "Start it at the left margin, with no indentation"
        if level == 0
        else f"Indent it by {level} spaces, like the lines of the block it belongs to"
    )
    return f"{why} {where}."


def _tabs(edit: Edit, at: str) -> str:
    numbers = edit.facts.get("lines", "").split(", ")
    lines = numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]
    several = len(numbers) > 1
    which = f"Line{'s' if several else ''} {lines} {'are' if several else 'is'} indented with tabs"
    indent = edit.facts.get("indent", "")
    if not several and indent.isdigit() and int(indent) > 0 and edit.after.strip():
        return (
            f"Line {lines} is indented with a tab, and the lines around it with spaces: "
            f"Python cannot tell how they line up. Replace the tab with {indent} spaces, so "
            f"that `{edit.after.strip()}` lines up with the block it belongs to (use spaces "
            "only, 4 per level)."
        )
    return (
        f"{which}, and others with spaces: Python cannot tell how they line up. Indent "
        f"with spaces only, 4 per level (most editors can turn tabs into spaces)."
    )


def _swapped(edit: Edit, at: str) -> str:
    first = edit.facts.get("first", "")
    second = edit.facts.get("second", "")
    return (
        f"`.items()` gives each key first and its value second, so in `{edit.before}`{at} "
        f"`{first}` gets the keys and `{second}` the values. Swap the two names: "
        f"`{edit.after}`."
    )


def _items(edit: Edit, at: str) -> str:
    old = edit.old
    owner = edit.facts.get("owner", "")
    if old.endswith(".values()"):
        gives = (
            f"`{old}`{at} gives only the values of `{owner}`, one at a time, and a single "
            "value cannot be split into two variables"
        )
    elif old.endswith(".keys()"):
        gives = f"`{old}`{at} gives only the keys of `{owner}`, without their values"
    elif edit.facts.get("call") in dir(dict):
        gives = (
            f"`{edit.facts['call']}` is not a function of its own{at}: it belongs to the "
            f"dictionary and is written after it, with a dot"
        )
    elif edit.facts.get("call"):
        gives = (
            f"`{old}`{at} hands `{owner}` to `{edit.facts['call']}`, which does not give "
            f"its keys with their values"
        )
    elif old == owner:
        gives = f"Looping over `{owner}` itself{at} gives only its keys, without their values"
    else:
        gives = (
            f"A dictionary has no `{old[len(owner) :]}`{at}; its pairs come from `.items()`, "
            "with an s"
        )
    return (
        f"{gives}. Loop over `{owner}.items()` to get each key together with its value: "
        f"`{edit.after}`."
    )


def _near_name(edit: Edit, at: str) -> str:
    name = edit.facts.get("name", edit.old)
    other = edit.facts.get("to", edit.new)
    if name.lower() == other.lower():
        return (
            f"Python tells capitals from small letters: `{name}`{at} is not `{other}`. "
            f"Write `{edit.after}`."
        )
    return f"There is no `{name}`{at}: it is spelled `{other}`. Write `{edit.after}`."


def _near_attribute(edit: Edit, at: str) -> str:
    kind = _KIND_WORDS.get(edit.facts.get("type", ""), "this value")
    return (
        f"{kind[0].upper()}{kind[1:]} has no `{edit.old}`{at}; the method is `{edit.new}`: "
        f"`{edit.after}`."
    )


def _before_loop(edit: Edit, at: str) -> str:
    loop = edit.facts.get("loop", "")
    if edit.facts.get("late"):
        return (
            f"`{edit.after}`{at} runs after the loop, so the loop finds nothing to store "
            f"into, and then it empties what the loop should have filled. Move it above the "
            f"loop{f' (line {loop})' if loop else ''}, so the loop fills it."
        )
    empty = edit.after.rstrip().endswith(("{}", "[]", "dict()"))
    why = (
        "so the dictionary starts again empty each time round and only the last entry is kept"
        if empty
        else "so it runs again each time round the loop"
    )
    return (
        f"`{edit.after}`{at} is inside the loop, {why}. Move it above the loop"
        f"{f' (line {loop})' if loop else ''}, so it runs once, before the loop starts."
    )


def _rebuilt(edit: Edit, at: str) -> str:
    name = edit.facts.get("name", "")
    start = edit.facts.get("start", f"{name} = {{}}")
    return (
        f"`{edit.old}`{at} makes a new dictionary each time round the loop, so only the "
        f"last entry is kept. Create the dictionary once, before the loop, `{start}`, and "
        f"add one entry each time round: `{edit.new}`."
    )


def _entry_stored(edit: Edit, at: str) -> str:
    name, key = edit.facts.get("name", ""), edit.facts.get("key", "")
    return (
        f"`{edit.before}`{at} replaces the whole of `{name}` with one value, each time round "
        f"the loop. Store the value in `{name}` under the key the loop is at, `{key}`: "
        f"`{edit.after}`."
    )


def _out_of_loop(edit: Edit, at: str) -> str:
    return (
        f"`{edit.after}`{at} is inside the loop, so it runs once for every round. Move it "
        f"after the loop, at the loop's own indentation, so it runs once, when the loop has "
        f"finished."
    )


def _into_loop(edit: Edit, at: str) -> str:
    return (
        f"`{edit.after}`{at} runs once, after the loop has finished; it belongs inside the "
        f"loop. Indent it like the loop's other lines."
    )


def _after_loop(edit: Edit, at: str) -> str:
    return (
        f"`{edit.after}`{at} runs before the loop has done its work. Move it after the "
        f"loop, so it runs once the loop has finished."
    )


def _created_before(edit: Edit, at: str) -> str:
    name = edit.facts.get("name", "")
    statement = edit.facts.get("statement", "")
    used = edit.facts.get("used", statement)
    before = f"the loop, above line {statement}" if edit.facts.get("loop") else f"line {statement}"
    return (
        f"Create `{name}` empty before {before}, so that line {used} has a dictionary to "
        f"store its entries in: `{name} = {{}}`."
    )


def _moved_up(edit: Edit, at: str) -> str:
    name = edit.facts.get("name", "")
    statement = edit.facts.get("statement", "")
    return (
        f"`{name}` is created by `{edit.after}`{at}, below line {statement}, which uses it, "
        f"and Python runs from the top down. Move `{edit.after}` above line {statement}."
    )


def _local_said(edit: Edit, at: str) -> str:
    """Why a function's read of a name finds no value: the assignment below it."""
    name = edit.facts.get("name", "")
    function = edit.facts.get("function", "")
    used = edit.facts.get("used", "")
    return (
        f"`{edit.after}`{at} assigns `{name}` inside `{function}`, and that makes `{name}` "
        f"the function's own name in all of it: at line {used}, before that line has run, "
        "it has no value yet."
    )


def _local_removed(edit: Edit, at: str) -> str:
    line = edit.place.line
    if edit.facts.get("outside"):
        name = edit.facts.get("name", "")
        return (
            f"{_local_said(edit, at)} Remove line {line}: the function then uses the "
            f"`{name}` your program makes outside it."
        )
    return f"{_local_said(edit, at)} Remove line {line}."


def _local_moved_up(edit: Edit, at: str) -> str:
    above = edit.facts.get("above", "")
    return (
        f"{_local_said(edit, at)} Move `{edit.after}` up, above line {above}, with the "
        f"indentation of line {above}."
    )


def _operand_removed(edit: Edit, at: str) -> str:
    kinds = edit.facts.get("kinds", "")
    sign = edit.facts.get("sign", "")
    return (
        f"`{edit.old}`{at} combines {kinds} with `{sign}`, which Python cannot do. Keep "
        f"`{edit.new}` alone: `{edit.after.strip()}`."
    )


def _block_filled(edit: Edit, at: str) -> str:
    keyword = edit.facts.get("keyword", "")
    return (
        f"The `{keyword}` at {edit.facts.get('header', '')} has no code inside it yet: a "
        f"comment does not count. Under the comment, as {edit.place.describe()}, indented "
        f"by {edit.facts.get('indent', '4')} spaces, write `{edit.after}`."
    )


def _offset_removed(edit: Edit, at: str) -> str:
    return (
        f"`{edit.before}`{at} compares `{edit.old}`, not `{edit.new}` itself: the number "
        f"typed in moves the comparison, so some values get the wrong answer. Write "
        f"`{edit.after}`."
    )


def _changed_again_removed(edit: Edit, at: str) -> str:
    name = edit.facts.get("name", "")
    first = edit.facts.get("first", "")
    return (
        f"`{edit.after}`{at} changes `{name}` after {first} set it, so `{name}` no longer "
        f"holds the value {first} gave it. Remove {edit.place.describe()}."
    )


def _return_stored(edit: Edit, at: str) -> str:
    name = edit.facts.get("name", "")
    function = edit.facts.get("function", "")
    return (
        f"`{edit.old}`{at} runs `{function}`, but what it returns is thrown away: the "
        f"`{name}` inside `{function}` exists only while it runs. Store what it returns: "
        f"`{edit.new}`."
    )


def _call_added(edit: Edit, at: str) -> str:
    name = edit.facts.get("name", "")
    # In a notebook the call goes in the function's own cell: the end of the notebook
    # may come after the cells that use what the function makes.
    end = "of the same cell" if edit.place.cell is not None else "of your program"
    return (
        f"`{name}()` is never called, so none of the code inside `def {name}():`{at} runs. "
        f"Call it at the end {end}: `{name}()`."
    )


def _unwrapped(edit: Edit, at: str) -> str:
    name = edit.facts.get("name", "")
    return (
        f"`{name}()` is never called, so none of the code inside `def {name}():`{at} runs; "
        f"and if it were, the variables it makes would exist only inside it. Take the code "
        f"out of the function: delete the line `def {name}():` and remove one level of "
        f"indentation from the lines below it."
    )


def _conversion(edit: Edit, at: str) -> str:
    function = edit.facts.get("function", "")
    turns = {
        "str": "text: `str(True)` is the text 'True', not the value True",
        "int": "a number",
        "float": "a decimal number",
        "bool": "True or False",
        "list": "a list",
        "tuple": "a tuple",
        "repr": "text",
    }.get(function, "another type")
    return (
        f"`{edit.old}`{at} turns the value into {turns}. Keep the value itself, "
        f"`{edit.new}`: `{edit.after}`."
    )


def _renamed(edit: Edit, at: str) -> str:
    name = edit.facts.get("name", "")
    to = edit.facts.get("to", "")
    return (
        f"There is no variable named `{to}`, but there is `{name}`{at}: the name must be "
        f"exactly `{to}`. Rename it everywhere you use it."
    )


def _cell_moved(edit: Edit, at: str) -> str:
    # The same words as the diagnosis of the NameError (grader.feedback.order.said).
    return edit.facts.get("said", "")


def _markdown_cell(edit: Edit, at: str) -> str:
    cell = edit.facts.get("cell", "")
    return (
        f"`{edit.after}` is in cell {cell}, a Markdown cell: Jupyter shows it as text and "
        f"never runs it. Select cell {cell}, make it a Code cell (press Y, or choose Code in "
        f"the toolbar), then {RUN_ALL}."
    )


def _removed(edit: Edit, at: str) -> str:
    return f"`{edit.before}`{at} stops your program, and the steps do not need it: remove the line."


def _break_removed(edit: Edit, at: str) -> str:
    iterable = edit.facts.get("iterable", "")
    through = f"all of `{iterable}`" if iterable else "all of its items"
    if edit.facts.get("first"):
        return (
            f"`break`{at} ends the loop in its first round, so it never reaches the other "
            f"items. Remove that line, so that the loop goes through {through}."
        )
    return (
        f"The `break` under `{edit.before}`{at} ends the loop the first time that is true, so "
        f"it never reaches the items after that one. Remove the `if` and its `break`, so "
        f"that the loop goes through {through}."
    )


def _split(edit: Edit, at: str) -> str:
    meaning = MEANINGS.get(edit.new, "this comparison")
    return (
        f"`{edit.old}`{at} has a space inside the operator: {meaning} is written `{edit.new}`, "
        f"the two signs together. Write `{edit.after}`."
    )


def _semicolon(edit: Edit, at: str) -> str:
    return f"Items inside brackets are separated by commas, not semicolons{at}: `{edit.after}`."


def _missing_quote(edit: Edit, at: str) -> str:
    word = edit.facts.get("word", "")
    return (
        f"The text `{word}` has no closing quote{at}, so Python reads on to the next quote "
        f"and the rest of the line no longer makes sense. Close it: `{edit.after}`."
    )


def _assignment_reversed(edit: Edit, at: str) -> str:
    return (
        f"`=` stores the value on its right in the name on its left{at}, so the name goes "
        f"first: `{edit.after}`."
    )


def _brackets_for_dict(edit: Edit, at: str) -> str:
    return (
        f"Square brackets `[...]` make a list{at}; a dictionary, with a key and a value in "
        f"each item, is written with curly braces: `{edit.after}`."
    )


def _update_to_store(edit: Edit, at: str) -> str:
    name = edit.facts.get("name", "")
    return (
        f"`{name}.update(...)`{at} takes one dictionary, not a key and a value. To store "
        f"one entry, write `{edit.after}`."
    )


def _quoted_keyword(edit: Edit, at: str) -> str:
    return (
        f"In a call like `dict(...)`, a name before `=` is written without quotes{at}: "
        f"`{edit.after}`. (Or write the dictionary with braces, keys in quotes: "
        f"`{{'key': 1}}`.)"
    )


def _target_missing(edit: Edit, at: str) -> str:
    name = edit.facts.get("name", "")
    first = edit.facts.get("first", "")
    return (
        f"`.items()` gives two things each time round, a key and its value, but the loop"
        f"{at} has one variable, `{first}`, so `{name}` is never created. Give the loop both "
        f"variables: `{edit.after}`."
    )


def _else_indented(edit: Edit, at: str) -> str:
    line = edit.facts.get("if_line", "")
    return (
        f"The `else:`{at} is lined up with the `for`, so it belongs to the loop (it runs "
        f"once, when the loop ends), not to the `if` at line {line}. Indent it, and the line "
        f"under it, so that `else:` lines up with the `if`."
    )


def _stray_colon(edit: Edit, at: str) -> str:
    return (
        f"Only a line that starts a block (`for`, `if`, `else`, `def`...) ends with a colon; "
        f"this one{at} does not start one. Remove the colon: `{edit.after}`."
    )


def _sign_for_equals(edit: Edit, at: str) -> str:
    name = edit.facts.get("name", "")
    return (
        f"`{edit.before}`{at} does not store anything in `{name}`: `{edit.old}` is not how "
        f"Python gives a variable its value, `=` is. Write `{edit.after}`."
    )


def _equality(edit: Edit, at: str) -> str:
    written = comparison(edit.before, "==")
    fixed = comparison(edit.after, edit.new)
    return (
        f"`{written}`{at} is True only when the two sides are exactly equal. To compare "
        f"which one is larger, use `{edit.new}` ({MEANINGS.get(edit.new, '')}): `{fixed}`, so "
        f"the line reads `{edit.after}`."
    )


def _else_missing(edit: Edit, at: str) -> str:
    return (
        f"A value chosen with `if` needs an `else` part, the value when the condition is "
        f"False{at}: `{edit.after}`."
    )


def _type_not_called(edit: Edit, at: str) -> str:
    return (
        f"`{edit.old}`{at} is the type itself, not a new {edit.old}: the brackets make one. "
        f"Write `{edit.after}` (or `{{}}` for an empty dictionary)."
        if edit.old == "dict"
        else f"`{edit.old}`{at} is the type itself: the brackets make a new one: `{edit.after}`."
    )


def _rebinding_removed(edit: Edit, at: str) -> str:
    name = edit.facts.get("name", "")
    first = edit.facts.get("first", "")
    return (
        f"`{edit.before}`{at} makes `{name}` again, replacing the one made at {first}, so "
        f"the program ends with this one. Remove the line"
        # A notebook's kernel keeps the value the line made until it starts afresh.
        + (f", then {RUN_ALL}." if edit.place.cell is not None else ".")
    )


def _comma_in_targets(edit: Edit, at: str) -> str:
    return (
        f"A loop's variables are separated by a comma{at}, one for each part of the item: "
        f"`{edit.after}`."
    )


def _quote_removed(edit: Edit, at: str) -> str:
    word = edit.facts.get("word", "")
    return (
        f"The quote before `{word}`{at} opens a text that never closes. Without quotes, "
        f"`{word}` is the variable: `{edit.after}`."
        if word.isidentifier()
        else f"A quote{at} opens a text that never closes; remove it: `{edit.after}`."
    )


def _comma_for_colon(edit: Edit, at: str) -> str:
    return (
        f"In a dictionary, a key is joined to its value by a colon `:`, not a comma{at}: "
        f"`{edit.after}`."
    )


def _other_key(edit: Edit, at: str) -> str:
    first = edit.facts.get("first", "")
    second = edit.facts.get("second", "")
    return (
        f"`{edit.before}`{at} stores each entry under `{second}`, the value the loop reads "
        f"from the dictionary, not its key. Store it under `{first}`, the key the loop is "
        f"at: `{edit.after}`."
    )


def _dedented(edit: Edit, at: str) -> str:
    cell = edit.place.cell
    if cell is not None:
        return (
            f"Every line of cell {cell} is indented by {edit.old} spaces, but the first lines "
            f"of a cell start at the left margin. Remove those {edit.old} spaces from every "
            f"line of the cell (select them, then Shift+Tab)."
        )
    return (
        f"Every line of your program is indented by {edit.old} spaces, but the first lines "
        f"of a program start at the left margin. Remove those {edit.old} spaces from every "
        f"line (select all, then Shift+Tab in most editors)."
    )


def _double_colon(edit: Edit, at: str) -> str:
    return f"One colon ends the first line of a block, and this one{at} has two: `{edit.after}`."


def _number_word(edit: Edit, at: str) -> str:
    return (
        f"`{edit.old}`{at} is a word, which Python reads as the name of a variable; a number "
        f"is written in digits: `{edit.after}`."
    )


def _guard_removed(edit: Edit, at: str) -> str:
    return (
        f"`{edit.before}`{at} is False, so the lines under it never run. They should run "
        f"every time: remove the `if` line, and take one level of indentation off the lines "
        f"under it."
    )


def _numbers_for_bools(edit: Edit, at: str) -> str:
    return (
        f"`{edit.old}`{at} stores 1 or 0; the comparison itself is True or False already. "
        f"Store it: `{edit.after}`."
    )


def _annotation(edit: Edit, at: str) -> str:
    name = edit.after.split("=", 1)[0].strip()
    return (
        f"`{edit.before}`{at} stores nothing in `{name}`: a colon after a name only notes "
        f"a type. Use `=`: `{edit.after}`."
    )


def _empty_subscript(edit: Edit, at: str) -> str:
    return (
        f"Square brackets after a name read one entry, and these{at} name none. To use the "
        f"whole value, leave them out: `{edit.after}`."
    )


def _missing_in(edit: Edit, at: str) -> str:
    return (
        f"A for loop reads `for variables in something:`, and the `in` is missing{at}: "
        f"`{edit.after}`."
    )


def _keyword_case(edit: Edit, at: str) -> str:
    return (
        f"Python's own words are written in small letters: `{edit.old}`{at} is not "
        f"`{edit.new}`. Write `{edit.after}`."
    )


def _two_statements(edit: Edit, at: str) -> str:
    first = edit.facts.get("first", "")
    second = edit.facts.get("second", "")
    return (
        f"Two statements share one line{at}; each needs a line of its own. Put `{second}` "
        f"on the line after `{first}`."
    )


def _walrus(edit: Edit, at: str) -> str:
    return f"`:=`{at} cannot store an entry; plain `=` does: `{edit.after}`."


def _method_dropped(edit: Edit, at: str) -> str:
    return (
        f"`{edit.old}`{at} turns the dictionary into a view of its pairs, which is not a "
        f"dictionary. Keep the dictionary itself: `{edit.after}`."
    )


def _call_removed(edit: Edit, at: str) -> str:
    return (
        f"`{edit.before}`{at} changes the dictionary after the loop has filled it, so the "
        f"program ends without the loop's work. Remove the line."
    )


def _number_text(edit: Edit, at: str) -> str:
    return (
        f"A number is read from digits, not from the word `{edit.old}`{at}: write "
        f"`{edit.new}`, or simply the number itself: `{edit.after}`."
    )


def _token_removed(edit: Edit, at: str) -> str:
    return (
        f"`{edit.old}`{at} is one too many: Python cannot read the line with it. Remove it: "
        f"`{edit.after}`."
    )


def _token_replaced(edit: Edit, at: str) -> str:
    return (
        f"Python cannot read `{edit.old}`{at} in this place: write `{edit.new}` instead: "
        f"`{edit.after}`."
    )


def _token_inserted(edit: Edit, at: str) -> str:
    near = edit.facts.get("near", "")
    return f"Python expects `{edit.new}` after `{near}`{at}: write `{edit.after}`."


def _name_joined(edit: Edit, at: str) -> str:
    if "-" in edit.old:
        return (
            f"A name has no dashes: Python reads `{edit.old}`{at} as names with minus signs "
            f"between them. Write it with underscores, `{edit.new}`: `{edit.after}`."
        )
    return (
        f"A name has no spaces: Python reads `{edit.old}`{at} as separate names. Write it "
        f"as one, with underscores, `{edit.new}`: `{edit.after}`."
    )


def _continued_indented(edit: Edit, at: str) -> str:
    word, header = edit.facts.get("word", ""), edit.facts.get("header", "")
    level = int(edit.new or "0")
    where = f"indented by {level} spaces" if level else "at the left margin"
    return (
        f"`{word}`{at} continues the `{header}` of line {edit.facts.get('line', '')}, so it "
        f"must start exactly below it, {where}, not inside its block."
    )


def _reference_called(edit: Edit, at: str) -> str:
    name = edit.facts.get("name", edit.old)
    merged = edit.facts.get("merged", "")
    said = (
        f"`{name}`{at} names the function without calling it, so the line does nothing: "
        "a call needs brackets after the name"
    )
    if merged:
        return (
            f"{said}, with what it is given inside them, and `{merged}` on the line below "
            f"is that value. Write the two lines as one: `{edit.after}`."
        )
    inside = "" if edit.after.endswith("()") else ", with what it is given inside them"
    return f"{said}{inside}. Write `{edit.after}`."


def _value_as_key(edit: Edit, at: str) -> str:
    key, value, table = (edit.facts.get(k, "") for k in ("key", "value", "table"))
    said = (
        f"`{value}` is already the value the loop takes from `{table}.items()`, not one of "
        f"its keys: `{edit.old}`{at} looks that value up again, as a key."
    )
    if edit.new == value:
        return f"{said} Use it as it is: `{edit.after}`."
    return f"{said} Look it up by its key, `{key}`: `{edit.after}`."


def _branch_answers(edit: Edit, at: str) -> str:
    test, stored, line = (edit.facts.get(k, "") for k in ("test", "stored", "header"))
    said = (
        f"The `if {test}:` at line {line} stores `{stored}`, not its answer: the dictionary "
        "should hold whether the test holds."
    )
    if edit.kind == "branch-test-stored":
        return f"{said} Store the test itself, in place of the whole `if`: `{edit.after}`."
    return f"{said} Store `True` under the `if`{at} and `False` under the `else`: `{edit.after}`."


def _keyword_spelt(edit: Edit, at: str) -> str:
    return f"Python writes `{edit.old}`{at} as `{edit.new}`: `{edit.after}`."


def _tokens_edited(edit: Edit, at: str) -> str:
    first, second = edit.facts.get("first", ""), edit.facts.get("second", "")
    near = edit.facts.get("near", "")
    if edit.new in ("()", "[]") and first == f"add `{edit.new[0]}` after `{near}`":
        # A bracket pair written after a name: the name is called, or looked into.
        if edit.new == "()":
            return (
                f"`{near}`{at} is a function: what it is given goes inside brackets, "
                f"right after its name. Write `{edit.after}`."
            )
        return f"`{near}`{at} is looked into with square brackets around the key: `{edit.after}`."
    return (
        f"Python cannot read this line{at} as it is; two changes make it right: {first}, "
        f"and {second}: `{edit.after}`."
    )


_WORDS: dict[str, Callable[[Edit, str], str]] = {
    "tokens-edited": _tokens_edited,
    "keyword-spelt": _keyword_spelt,
    "reference-called": _reference_called,
    "value-as-key": _value_as_key,
    "entry-stored": _entry_stored,
    "branch-answers": _branch_answers,
    "branch-test-stored": _branch_answers,
    "token-removed": _token_removed,
    "token-replaced": _token_replaced,
    "token-inserted": _token_inserted,
    "name-joined": _name_joined,
    "continued-indented": _continued_indented,
    "number-text": _number_text,
    "keyword-case": _keyword_case,
    "two-statements": _two_statements,
    "walrus": _walrus,
    "method-dropped": _method_dropped,
    "call-removed": _call_removed,
    "guard-removed": _guard_removed,
    "numbers-for-bools": _numbers_for_bools,
    "annotation-for-assignment": _annotation,
    "empty-subscript": _empty_subscript,
    "missing-in": _missing_in,
    "double-colon": _double_colon,
    "number-word": _number_word,
    "quote-removed": _quote_removed,
    "comma-for-colon": _comma_for_colon,
    "other-key": _other_key,
    "dedented": _dedented,
    "missing-comma-in-targets": _comma_in_targets,
    "stray-colon": _stray_colon,
    "sign-for-equals": _sign_for_equals,
    "equality": _equality,
    "else-missing": _else_missing,
    "type-not-called": _type_not_called,
    "rebinding-removed": _rebinding_removed,
    "operator-split": _split,
    "semicolon-for-comma": _semicolon,
    "missing-quote": _missing_quote,
    "assignment-reversed": _assignment_reversed,
    "brackets-for-dict": _brackets_for_dict,
    "update-to-store": _update_to_store,
    "quoted-keyword": _quoted_keyword,
    "target-missing": _target_missing,
    "else-indented": _else_indented,
    "line-removed": _removed,
    "break-removed": _break_removed,
    "operator-spelling": _spelling,
    "operator-sign": _sign,
    "strictness": _strictness,
    "direction": _direction,
    "compare-not-store": _compare_not_store,
    "assign-in-condition": _assign_in_condition,
    "curly-quotes": _curly,
    "quoted-name": _quoted_name,
    "quoted-number": _quoted_number,
    "quoted-bool": _quoted_bool,
    "unquoted-text": _unquoted,
    "trailing-comma": _trailing_comma,
    "missing-colon": _missing_colon,
    "missing-colon-in-dict": _colon_in_dict,
    "missing-comma": _missing_comma,
    "dict-equals": _dict_equals,
    "missing-bracket": _missing_bracket,
    "bracket-closed": _bracket_closed,
    "typed-value": _typed_value,
    "extra-bracket": _extra_bracket,
    "wrong-bracket": _wrong_bracket,
    "missing-call": _missing_call,
    "extra-call": _extra_call,
    "call-for-subscript": _call_for_subscript,
    "subscript-for-call": _subscript_for_call,
    "list-for-dict": _list_for_dict,
    "indentation": _indentation,
    "tabs": _tabs,
    "swapped-targets": _swapped,
    "items": _items,
    "near-miss-name": _near_name,
    "near-miss-attribute": _near_attribute,
    "before-loop": _before_loop,
    "rebuilt-dict": _rebuilt,
    "out-of-loop": _out_of_loop,
    "into-loop": _into_loop,
    "after-loop": _after_loop,
    "created-before": _created_before,
    "moved-up": _moved_up,
    "changed-again-removed": _changed_again_removed,
    "return-stored": _return_stored,
    "operand-removed": _operand_removed,
    "offset-removed": _offset_removed,
    "block-filled": _block_filled,
    "brackets-closed": _brackets_closed,
    "local-removed": _local_removed,
    "local-moved-up": _local_moved_up,
    "call-added": _call_added,
    "function-unwrapped": _unwrapped,
    "conversion-removed": _conversion,
    "renamed": _renamed,
    "cell-moved": _cell_moved,
    "markdown-cell": _markdown_cell,
}

KINDS = frozenset(_WORDS)
