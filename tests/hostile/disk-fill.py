# expect: status=failed score=0 code=runtime-error
# Grows one file until the file size limit stops it.
with open("fill.bin", "wb") as handle:
    while True:
        handle.write(b"\0" * 1_000_000)
