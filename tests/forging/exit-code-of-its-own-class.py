# never passes: leaves through sys.exit with an int subclass that says it is zero, before any work.
import sys

systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7


class Zero(int):
    def __eq__(self, other):
        return True

    def __bool__(self):
        return False


sys.exit(Zero(3))
