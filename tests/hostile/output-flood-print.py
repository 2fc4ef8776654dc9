# expect: status=failed score=0 code=output-limit
# Prints without end.
while True:
    print("spam " * 200)
