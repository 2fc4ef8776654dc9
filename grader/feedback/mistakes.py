"""Mistake codes: every short, stable name a failed step or submission can carry.

A code names one mistake the same way in every report (StepResult.code, Result.code,
the JSON "mistakes" list, the CSV gradebook), so that course staff can count mistakes
over a batch and look them up. The engine's own codes (a file that cannot be read, an
error of the whole program) are declared here; each exercise declares its steps' codes
with its steps (grader.exercise.Step.mistakes), and the engine prefixes them with
``stepN.``. Codes never change meaning; a new mistake gets a new code. The table in
docs/mistakes.md is written from both, for the built-in exercise (``--exercise FOLDER``
writes another exercise's):

    grader mistakes -o docs/mistakes.md
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# What a code looks like: lower-case words joined by "-", optionally under a "stepN." or
# an error-family prefix ("step3.strict-greater", "name-error.lowercase-bool").
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*$")

# code -> one line that says what the learner did, for course staff.
ENGINE: dict[str, str] = {
    # -- the file could not be read as a program (grader.load) -----------------------
    "unreadable": "The file could not be read (missing, or no permission).",
    "not-a-file": "The submission is a symbolic link, a folder or a device, not a regular file.",
    "empty": "The script is empty.",
    "too-large": "The file is larger than any solution to the exercise could be.",
    "binary-file": "The file contains binary data, not text.",
    "not-utf8": "The file is not saved as UTF-8 text.",
    "bad-notebook": "The .ipynb file is not valid JSON, or not a notebook nbformat can read.",
    "not-python": "The notebook uses a kernel for another language than Python.",
    "no-code": "The notebook has no code in its code cells.",
    "not-run": "The grading machine could not start a sandboxed process for the file.",
    "cleanup-failed": "The program left something the grading machine could not clean up.",
    "grader-error": "A check of the grader broke on this submission (a bug to report).",
    # -- the program as a whole (grader.feedback.explain) -------------------------------------
    "import-error": "The program imports a module that is not in Python's standard library.",
    "name-error.ipython": "A name only Jupyter defines (get_ipython(), display()) is used in a script.",
    "syntax-error": "Python could not read the code: a syntax or indentation error.",
    "timeout": "The program was still running when its time ran out, so no step passes.",
    "output-limit": "The program printed far more than the steps ask for, and was stopped.",
    "unreadable-values": "The program's values were too large to read back within its memory.",
    "resource-limit": "The program was killed for using too much time, memory or output.",
    "memory-limit": "The program ran out of the memory it may use.",
    "recursion": "A function called itself without end (RecursionError).",
    "crash": "The program crashed the Python interpreter (a fatal signal).",
    "abrupt-exit": "The program ended abruptly (os._exit, a signal) before its variables were read.",
    "integrity": "The program uses what the exercise's allowlist does not (module, builtin, attribute).",
    "exit-called": "The program ends itself: exit(), quit(), sys.exit() or raise SystemExit.",
    "garbled-answer": "The program wrote into the grader's private channel, so nothing counts.",
    "input-call": "The program calls input(), which has nobody to answer while grading.",
    "not-permitted": "The program used the network, another process or the kernel, which grading forbids.",
    "name-error": "A name is used before it is created, or is misspelled (NameError).",
    "name-error.lowercase-bool": "true/false/none written in lower case instead of True/False/None.",
    "type-error.compare-str": "A number is compared with a string, such as '7' in quotes.",
    "type-error.compare": "Two values of types that cannot be compared are compared.",
    "unpacking-error": "The loop unpacks two variables from items that are not pairs.",
    "attribute-error": "A method or attribute name is misspelled (such as .item() for .items()).",
    "key-error": "A dictionary is read with a key it does not have (KeyError).",
    "zero-division": "A number is divided by zero.",
    "compare-not-store": "`==` (compare) on a line of its own where `=` (store) was meant.",
    "attribute-error.dict-append": "`.append()` called on a dictionary instead of storing under a key.",
    "attribute-error.not-dict": "A dictionary's method (`.items()`) called on a set, list or string.",
    "type-error.list-not-dict": "A list `[]` used where a dictionary `{}` was meant.",
    "type-error.not-called": "A method named without its call brackets, like `.items` for `.items()`.",
    "type-error.compare-key": "A loop's key (text) compared with a number instead of its value.",
    "type-error.swapped-targets": "A loop's two variables are in the wrong order: the key gets the value.",
    "type-error.not-callable": "A value that is not a function (a dictionary...) is called with `()`.",
    "type-error.not-iterable": "A for loop goes over a single value (a number...), not a collection.",
    "type-error.item-assignment": "An entry is stored (`x[k] = v`) into a value that holds none.",
    "type-error.operand": "Two values of kinds that do not go together are combined (`+`, `-`...).",
    "index-error": "A list is read at a place it does not have (IndexError).",
    "shadowed-builtin": "The program names a class, function or variable after a builtin (`dict`).",
    "deleted": "A name the steps ask for is deleted with `del` before the program ends.",
    "name-error.markdown-cell": "Code typed into a notebook's Markdown cell, which never runs.",
    "runtime-error": "Any other error that stopped the program.",
}


def markdown(
    registry: Mapping[str, str],
    exercise: str = "the built-in exercise",
    command: str = "grader mistakes -o docs/mistakes.md",
) -> str:
    """Write a registry (code -> explanation) as the Markdown table of docs/mistakes.md."""
    lines = [
        "# Mistake codes",
        "",
        "Every failed step, and every submission that could not run, carries one of these",
        "codes in the JSON report (`code`, `mistakes`) and the CSV gradebook. Codes are",
        "stable: a code keeps its meaning, and a new mistake gets a new code.",
        "",
        f"This file is generated from `grader/feedback/mistakes.py` and {exercise}'s steps: "
        f"`{command}`.",
        "",
        "| code | what the learner did |",
        "| --- | --- |",
    ]
    lines.extend(f"| `{code}` | {text} |" for code, text in registry.items())
    return "\n".join(lines) + "\n"
