# Correct: another way to compute each wait, and a counter written differently.
max_attempts = 4


def wait_time(attempt):
    wait = 1
    for _ in range(attempt):
        wait = wait * 2
    return wait


waits = []
attempt = 0
while attempt != max_attempts and attempt < max_attempts:
    waits = waits + [wait_time(attempt)]
    attempt = attempt + 1
total = sum(waits)
print("Gave up after", max_attempts, "attempts, waiting", total, "seconds in all")
