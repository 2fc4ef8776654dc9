"""`python -m grader.merge`: merge the JSON reports of shards into one (kept for existing workflows)."""

from grader.frontends.merge import main

if __name__ == "__main__":
    raise SystemExit(main())
