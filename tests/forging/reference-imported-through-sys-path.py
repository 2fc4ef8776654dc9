# never passes: puts the reference's folder on the import path and imports the solution, to copy its dictionary.
import sys
sys.path.insert(0, '/work/main/reference')
sys.path.insert(0, '../reference')
from solution import can_handle_load as answer
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = answer[strategy]
print(can_handle_load)
