"""The exercise "Why scaling requires different strategies", as a plug-in of the grader.

Its four steps are one module each (step1 ... step4); spec.py holds its names, how a run
is varied and the expected values read from reference/solution.py.
"""

from __future__ import annotations

from grader.exercise import Exercise
from grader.exercises.scaling import spec, step1, step2, step3, step4

EXERCISE = Exercise(
    title=spec.TITLE,
    steps=(step1.STEP, step2.STEP, step3.STEP, step4.STEP),
    reference=spec.reference_folder(),
    names=spec.NAMES,
    expect=spec.expected_from,
    variants=spec.variants,
    advice=spec.ADVICE,
)
