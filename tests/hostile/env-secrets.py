# expect: status=failed score=0
# Prints every environment variable it can see, looking for tokens.
import os

print(dict(os.environ))
for name, value in os.environ.items():
    print(name, value)
