# expect: status=failed score=0 code=recursion
# A function that calls itself without end.
def deeper(depth):
    return deeper(depth + 1)


deeper(0)
