"""Mistake codes: every short, stable name a failed step or submission can carry.

A code names one mistake the same way in every report (StepResult.code, Result.code,
the JSON "mistakes" list, the CSV gradebook), so that course staff can count mistakes
over a batch and look them up here. Codes never change meaning; a new mistake gets a
new code. The table in docs/mistakes.md is written from this registry:

    python -m grader.mistakes > docs/mistakes.md
"""

from __future__ import annotations

import re
import sys

# What a code looks like: lower-case words joined by "-", optionally under a "stepN." or
# an error-family prefix ("step3.strict-greater", "name-error.lowercase-bool").
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*$")

# code -> one line that says what the learner did, for course staff.
MISTAKES: dict[str, str] = {
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
    "grader-error": "A check of the grader broke on this submission (a bug to report).",
    # -- the program as a whole (grader.explain) -------------------------------------
    "import-error": "The program imports a module that is not in Python's standard library.",
    "name-error.ipython": "A line only Jupyter understands (get_ipython()) is in a script.",
    "syntax-error": "Python could not read the code: a syntax or indentation error.",
    "timeout": "The program was still running when its time ran out (an endless loop).",
    "output-limit": "The program printed far more than the steps ask for, and was stopped.",
    "unreadable-values": "The program's values were too large to read back within its memory.",
    "resource-limit": "The program was killed for using too much time, memory or output.",
    "memory-limit": "The program ran out of the memory it may use.",
    "recursion": "A function called itself without end (RecursionError).",
    "crash": "The program crashed the Python interpreter (a fatal signal).",
    "abrupt-exit": "The program ended abruptly (os._exit, a signal) before its variables were read.",
    "exit-called": "The program called exit() or sys.exit() before it finished.",
    "garbled-answer": "The program wrote into the grader's private channel, so nothing counts.",
    "input-call": "The program calls input(), which has nobody to answer while grading.",
    "name-error": "A name is used before it is created, or is misspelled (NameError).",
    "name-error.lowercase-bool": "true/false/none written in lower case instead of True/False/None.",
    "type-error.compare-str": "A number is compared with a string, such as '7' in quotes.",
    "type-error.compare": "Two values of types that cannot be compared are compared.",
    "unpacking-error": "The loop unpacks two variables from items that are not pairs.",
    "attribute-error": "A method or attribute name is misspelled (such as .item() for .items()).",
    "key-error": "A dictionary is read with a key it does not have (KeyError).",
    "zero-division": "A number is divided by zero.",
    "runtime-error": "Any other error that stopped the program.",
    # -- step 1: systems -------------------------------------------------------------
    "step1.missing": "There is no variable named systems.",
    "step1.name": "The dictionary exists under another name than systems.",
    "step1.not-top-level": "systems is only created inside a function.",
    "step1.not-dict": "systems is not a plain dict written with curly braces.",
    "step1.near-miss-key": "A key of systems is misspelled (case, spaces, underscores).",
    "step1.missing-key": "A key of systems is missing.",
    "step1.extra-key": "systems has a key the step does not ask for.",
    "step1.bool-value": "A capacity in systems is True/False instead of a number.",
    "step1.float-value": "A capacity in systems is a float (5.0) instead of a whole number.",
    "step1.string-value": "A capacity in systems is a string ('5') instead of a number.",
    "step1.wrong-value": "A capacity in systems has the wrong number.",
    # -- step 2: load ----------------------------------------------------------------
    "step2.missing": "There is no variable named load.",
    "step2.name": "The load exists under another name than load.",
    "step2.not-top-level": "load is only created inside a function.",
    "step2.bool-value": "load is True/False instead of the number 7.",
    "step2.float-value": "load is 7.0, a float, instead of the whole number 7.",
    "step2.string-value": "load is the string '7' instead of the number 7.",
    "step2.wrong-value": "load has another value than 7.",
    # -- step 3: the loop ------------------------------------------------------------
    "step3.needs-step1": "Step 3 was not judged: systems (step 1) is not right yet.",
    "step3.needs-step2": "Step 3 was not judged: load (step 2) is not right yet.",
    "step3.missing": "There is no variable named can_handle_load.",
    "step3.not-top-level": "can_handle_load is only created inside a function.",
    "step3.no-loop": "There is no for loop over systems.items().",
    "step3.not-items": "The loop iterates over systems (its keys) instead of systems.items().",
    "step3.loop-names": "The loop variables are not named strategy and capacity.",
    "step3.comprehension": "can_handle_load is built with a comprehension, not a for loop.",
    "step3.hardcoded": "can_handle_load is written by hand and does not follow load.",
    "step3.fails-other-load": "The program breaks when load has another value.",
    "step3.not-dict": "can_handle_load is not a dict.",
    "step3.wrong-keys": "can_handle_load does not have one key per strategy.",
    "step3.reset-in-loop": "can_handle_load = {} is inside the loop, so only the last strategy is kept.",
    "step3.not-bool": "The values of can_handle_load are not True/False.",
    "step3.strict-greater": "The comparison uses > instead of >=.",
    "step3.wrong-values": "The values of can_handle_load are wrong for some load.",
    # -- step 4: print ---------------------------------------------------------------
    "step4.needs-step1": "The printed dictionary is wrong because step 1 is not right yet.",
    "step4.needs-step2": "The printed dictionary is wrong because step 2 is not right yet.",
    "step4.needs-step3": "Nothing right to print: can_handle_load (step 3) is missing or wrong.",
    "step4.no-print": "can_handle_load is never printed.",
    "step4.print-in-loop": "print(can_handle_load) is inside the loop, so it prints every round.",
    "step4.print-before-loop": "print(can_handle_load) runs before the loop fills it.",
    "step4.print-systems": "systems is printed instead of can_handle_load.",
    "step4.print-string": "The text 'can_handle_load' is printed, in quotes, not the variable.",
    "step4.print-format": "The dictionary is printed with other text on its line.",
    "step4.print-literal": "A dictionary written by hand is printed instead of the variable.",
    "step4.display-only": "The notebook displays can_handle_load as a cell's last line; no print.",
}


def explain_code(code: str) -> str:
    """Return the one-line explanation of a mistake code, or '' for an unknown one."""
    return MISTAKES.get(code, "")


def markdown() -> str:
    """Write the registry as the Markdown table of docs/mistakes.md."""
    lines = [
        "# Mistake codes",
        "",
        "Every failed step, and every submission that could not run, carries one of these",
        "codes in the JSON report (`code`, `mistakes`) and the CSV gradebook. Codes are",
        "stable: a code keeps its meaning, and a new mistake gets a new code.",
        "",
        "This file is generated from `grader/mistakes.py`: "
        "`python -m grader.mistakes > docs/mistakes.md`.",
        "",
        "| code | what the learner did |",
        "| --- | --- |",
    ]
    lines.extend(f"| `{code}` | {text} |" for code, text in MISTAKES.items())
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown())
