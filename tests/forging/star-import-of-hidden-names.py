# never passes: a star import brings only the allowed names, so typing's get_type_hints is not there.
from typing import *

systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
hints = get_type_hints(print)
can_handle_load = {'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False}
print(can_handle_load)
