# expect: status=any
# Forks ten processes that each fill 100 MB and wait: within the limit of each process,
# ten times it together.
import os
import time

for _ in range(10):
    try:
        if os.fork() == 0:
            block = bytearray(100_000_000)
            for index in range(0, len(block), 4096):
                block[index] = 1
            time.sleep(60)
            os._exit(0)
    except OSError:
        pass
time.sleep(60)
