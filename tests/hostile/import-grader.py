# expect: status=failed score=0
# Imports the grader to patch its comparisons, and patches the harness it runs in.
import sys

sys.path.insert(0, "__GRADER_PARENT__")
try:
    import grader.sandbox.values

    grader.sandbox.values.same = lambda left, right: True
except ImportError:
    pass
import __main__

try:
    __main__._encode = lambda value, *rest: {"type": "int", "value": 7}
except Exception:
    pass
