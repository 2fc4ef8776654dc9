"""The harness: the code that runs in the child, around the learner's code.

Standard library only. The files are put together, in the order of
grader.sandbox.bundle.FILES, into the one program the child runs: a file
imports the names it uses from the others only for readers and linters, under
TYPE_CHECKING, which is false at run time.
"""
