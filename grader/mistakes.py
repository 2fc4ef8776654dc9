"""`python -m grader.mistakes`: write the mistake codes' table (kept for existing workflows)."""

import sys

from grader.exercise import builtin
from grader.feedback.mistakes import markdown

if __name__ == "__main__":
    sys.stdout.write(markdown(builtin().registry()))
