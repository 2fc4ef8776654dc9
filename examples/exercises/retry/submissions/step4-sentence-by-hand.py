# Fails step 4: the sentence is typed by hand, so it does not follow max_attempts.
max_attempts = 4


def wait_time(attempt):
    return 2**attempt


waits = []
attempt = 0
while attempt < max_attempts:
    waits.append(wait_time(attempt))
    attempt += 1
print("Gave up after 4 attempts, waiting 15 seconds in all")
