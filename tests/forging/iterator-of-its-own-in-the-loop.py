# never passes: the loop iterates an iterator of the program's that yields typed-in pairs, not systems.items(), and the answers come from the pairs.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
class Pairs:
    def __iter__(self):
        return iter([('single_node', 8), ('horizontal_scaling', 8), ('vertical_scaling', 0)])
can_handle_load = {}
for strategy, capacity in Pairs():
    can_handle_load[strategy] = capacity >= load
print(can_handle_load)
