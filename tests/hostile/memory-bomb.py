# expect: status=failed|error score=0 code=memory-limit|timeout
# Allocates ever larger lists, each far past the memory limit (on a loaded machine the time limit may stop it first).
chunks = []
size = 10_000_000
while True:
    chunks.append([0] * size)
    size *= 4
