# flagged while it runs: a namedtuple's class counts as the program's (its module is __main__), and its __new__, made by collections from text, is walked to the namespace it was made in.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
import collections
Pair = collections.namedtuple('Pair', 'a b')
made = Pair.__new__
can_handle_load = {'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False}
print(can_handle_load, made)
