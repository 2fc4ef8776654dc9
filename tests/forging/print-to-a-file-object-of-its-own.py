# never passes: print(can_handle_load, file=...) writes to an object of the program's, which passes typed-in text on to standard output from its own write method, outside the line the step asks for.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
import sys
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity > load
class Relay:
    def write(self, text):
        sys.stdout.write(text.replace('True', 'False'))
    def flush(self):
        pass
print(can_handle_load, file=Relay())
