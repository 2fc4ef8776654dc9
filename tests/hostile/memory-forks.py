# expect: status=error score=0 code=timeout
# Forks ten processes that each fill 100 MB and wait, each within the limit of one
# process, ten times it together; then waits too (no value of its own, whatever stalls).
import os
import time


def fill() -> None:
    block = bytearray(100_000_000)
    for index in range(0, len(block), 4096):
        block[index] = 1
    time.sleep(60)


def fork_and_wait() -> None:
    for _ in range(10):
        try:
            if os.fork() == 0:
                fill()
                os._exit(0)
        except OSError:
            pass
    time.sleep(60)


fork_and_wait()
