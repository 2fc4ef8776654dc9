# never passes: replaces standard output with an object of its own, so that nothing it prints is seen.
import sys


class Quiet:
    def write(self, text):
        return len(text)


sys.stdout = Quiet()
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {'single_node': True, 'horizontal_scaling': True, 'vertical_scaling': True}
print({'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False}, file=sys.__stdout__)
