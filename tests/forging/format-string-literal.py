# flagged: a literal format string that reaches into the print capture's function.
import sys

systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
print("{0.write.__globals__}".format(sys.stdout))
