"""`python -m grader.mistakes`, kept for existing workflows: the same as `grader mistakes` (write the mistake codes' table)."""

import sys

from grader.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["mistakes", *sys.argv[1:]]))
