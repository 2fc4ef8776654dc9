# expect: status=failed score=0
# Registers an exit handler that would print the expected result, and computes nothing.
import atexit

atexit.register(print, {'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False})
