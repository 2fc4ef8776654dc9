# expect: status=failed score=0
# Tries to rewrite the grader's code and the reference solution.
import os

targets = [
    "__GRADER__/sandbox/child.py",
    "__GRADER__/values.py",
    "__GRADER__/evil.py",
    "__REFERENCE__/solution.py",
]
for target in targets:
    try:
        with open(target, "a") as handle:
            handle.write("\nsame = lambda left, right: True  # __MARK__\n")
    except OSError:
        pass
    try:
        os.chmod(target, 0o777)
    except OSError:
        pass
