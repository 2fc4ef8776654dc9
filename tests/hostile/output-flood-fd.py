# expect: status=error score=0 code=output-limit
# Writes without end straight to file descriptor 1, behind Python's back.
import os

while True:
    os.write(1, b"x" * 65536)
