# expect: status=failed score=0 code=timeout
# Creates empty files until its time runs out, for the cleanup to remove.
number = 0
while True:
    try:
        open(f"f{number}", "w").close()
    except OSError:
        pass
    number += 1
