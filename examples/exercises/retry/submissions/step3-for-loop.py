# Fails step 3: a for loop instead of the while loop the step asks for.
max_attempts = 4


def wait_time(attempt):
    return 2**attempt


waits = []
for attempt in range(max_attempts):
    waits.append(wait_time(attempt))
print(f"Gave up after {max_attempts} attempts, waiting {sum(waits)} seconds in all")
