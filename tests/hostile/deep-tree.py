# expect: status=error score=0 code=timeout
# Digs a folder tree as deep as it can until its time runs out, for the cleanup to remove.
import os

while True:
    try:
        os.mkdir("d")
        os.chdir("d")
    except OSError:
        pass
