# expect: status=failed score=0
# Creates hundreds of small files in folders it then locks, for the cleanup to remove.
import os

for folder in range(10):
    os.makedirs(f"many/{folder}", exist_ok=True)
    for number in range(20):
        with open(f"many/{folder}/{number}", "w") as handle:
            handle.write("x")
    os.chmod(f"many/{folder}", 0)
