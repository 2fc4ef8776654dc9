"""`python -m grader.render`: render a saved JSON report in another format (kept for existing workflows)."""

from grader.frontends.render import main

if __name__ == "__main__":
    raise SystemExit(main())
