# flagged: format_map with a field built at run time reads a frame's globals.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load

class M(dict):
    def __missing__(self, key):
        return key
text = "{e.__tra" + "ceback__.tb_frame.f_globals}"
try:
    1 / 0
except ZeroDivisionError as error:
    print(text.format_map({"e": error})[:200])
print(can_handle_load)
