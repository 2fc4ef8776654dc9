"""Words the learner reads in more than one message, written once.

A phrase that names something on the learner's screen (a menu item) is the same in
every message that uses it, and the check that a report says a fact once finds it by
this name.
"""

from __future__ import annotations

# Jupyter's menu item that runs a notebook as the grader does: a fresh kernel, every
# cell from the top.
RUN_ALL = "Restart & Run All"
