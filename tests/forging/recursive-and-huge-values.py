# never passes: a dictionary that holds itself, a number too large to write out, and a deep nest of lists, next to answers that compare nothing.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = 10 ** 5000
can_handle_load["self"] = can_handle_load
deep = []
for _ in range(20000):
    deep = [deep]
huge = "x" * 10_000_000
print(can_handle_load)
