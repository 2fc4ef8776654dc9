"""`python -m grader.merge`, kept for existing workflows: the same as `grader merge` (merge the JSON reports of shards into one)."""

import sys

from grader.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["merge", *sys.argv[1:]]))
