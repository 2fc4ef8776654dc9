"""`python -m grader.changes`: list the submissions a pull request adds or changes (kept for existing workflows)."""

from grader.frontends.changes import main

if __name__ == "__main__":
    raise SystemExit(main())
