"""`python -m grader.render`, kept for existing workflows: the same as `grader render` (render a saved JSON report in another format)."""

import sys

from grader.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["render", *sys.argv[1:]]))
