# Fails step 2: wait_time is a number, not a function; step 3 then cannot be judged.
max_attempts = 4
wait_time = 2
waits = []
attempt = 0
while attempt < max_attempts:
    waits.append(wait_time**attempt)
    attempt += 1
print(f"Gave up after {max_attempts} attempts, waiting {sum(waits)} seconds in all")
