# expect: status=error score=0 code=timeout
# Sleeps far longer than any time limit.
import time

time.sleep(100_000)
