# never passes: the loop writes wrong answers; an object of the program's, collected only when its last reference goes as the harness reads the names, writes the right ones from __del__.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity < load
print(can_handle_load)
class Late:
    def __del__(self):
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
keeper = [Late()]
keeper.append(keeper)
