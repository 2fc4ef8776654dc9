# never passes: raises the print capture's cap through an expression, then floods the output.
import sys

[sys.stdout][0].cap = 10**12
for number in range(300_000):
    print(number)
