# never passes: makes a second print capture from the first one's class and writes the right dictionary's text through it, with no print of the dictionary, which holds the wrong values.
import sys

systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = False
other = type(sys.stdout)()
other.write("{'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': True}\n")
