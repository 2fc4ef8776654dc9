# Correct: passes every step.
max_attempts = 4


def wait_time(attempt):
    return 2**attempt


waits = []
attempt = 0
while attempt < max_attempts:
    waits.append(wait_time(attempt))
    attempt += 1

print(f"Gave up after {max_attempts} attempts, waiting {sum(waits)} seconds in all")
