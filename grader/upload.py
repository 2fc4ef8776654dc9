"""`python -m grader.upload`, kept for existing workflows: the same as `grader upload` (grade a Gradescope upload)."""

import sys

from grader.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["upload", *sys.argv[1:]]))
