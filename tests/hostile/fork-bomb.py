# expect: status=error score=0 code=timeout
# Forks without end; the process count limit bounds it, the sweep ends it.
import os

while True:
    try:
        os.fork()
    except OSError:
        pass
