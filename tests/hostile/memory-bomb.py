# expect: status=failed score=0 code=memory-limit
# Allocates ever larger lists, each far past the memory limit.
chunks = []
size = 10_000_000
while True:
    chunks.append([0] * size)
    size *= 4
