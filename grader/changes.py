"""`python -m grader.changes`, kept for existing workflows: the same as `grader changes` (list the submissions a pull request adds or changes)."""

import sys

from grader.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["changes", *sys.argv[1:]]))
