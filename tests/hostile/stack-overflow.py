# expect: status=error score=0 code=crash
# Lifts the recursion limit and overflows the C stack, which kills the interpreter.
import json
import sys

sys.setrecursionlimit(1_000_000_000)
json.loads("[" * 200_000 + "]" * 200_000)
