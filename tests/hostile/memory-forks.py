# expect: status=failed score=0
# Forks ten processes that each fill 100 MB and wait, each within the limit of one
# process, ten times it together; then ends without doing the exercise.
import os
import time


def fill() -> None:
    block = bytearray(100_000_000)
    for index in range(0, len(block), 4096):
        block[index] = 1
    time.sleep(60)


for attempt in range(10):
    try:
        if os.fork() == 0:
            fill()
            os._exit(0)
    except OSError:
        pass
time.sleep(0.5)
