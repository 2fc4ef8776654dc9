# flagged while it runs: a typing forward reference is text that typing evaluates when asked; the program asks through an attribute of the reference under a name it defines.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
import typing
class Names:
    __forward_arg__ = None
hint = typing.List['sys']
can_handle_load = {'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False}
print(can_handle_load, hint.__args__)
