"""Run the grader: ``python -m grader submission.py``."""

from grader.cli import main

raise SystemExit(main())
