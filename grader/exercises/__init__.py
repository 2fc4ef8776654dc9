"""The exercises that ship with the grader, one package each (see grader.exercise)."""
