# never passes: the loop only makes functions; they write the answers when called after the loop has ended.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
later = []
for strategy, capacity in systems.items():
    def store(strategy=strategy, capacity=capacity):
        can_handle_load[strategy] = capacity >= load
    later.append(store)
for store in later:
    store()
print(can_handle_load)
