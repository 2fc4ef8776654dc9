# expect: status=error score=0 code=timeout
# Spins forever before it defines anything.
while True:
    pass
