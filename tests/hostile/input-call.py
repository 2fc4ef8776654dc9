# expect: status=failed score=0 code=input-call
# Waits for someone to type the load.
load = int(input("load? "))
