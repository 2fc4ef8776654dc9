"""`python -m grader.upload`: grade a Gradescope upload (kept for existing workflows)."""

from grader.frontends.upload import main

if __name__ == "__main__":
    raise SystemExit(main())
