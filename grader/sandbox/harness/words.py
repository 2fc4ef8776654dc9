"""The words of the child's answer that the harness writes and the grader reads.

grader/sandbox/wire.py holds the shapes and the Ended enum made of these words. Standard
library only: the child runs this file as part of the harness (grader/sandbox/bundle.py),
and the grader imports it.
"""

# How a run ended early, in RunData["ended"].
ENDED_SYS_EXIT = "sys.exit"
ENDED_INTERRUPTED = "interrupted"
ENDED_OUTPUT_LIMIT = "output-limit"
# The program's main code ended, but a thread that keeps Python from exiting did not.
ENDED_THREAD = "thread"

# The limit that stopped the program, in ErrorData["limit"].
LIMIT_TIMEOUT = "timeout"
LIMIT_OUTPUT = "output"

# The byte after the runs' data: the harness swept up after the learner's code.
SWEPT = b"S"
