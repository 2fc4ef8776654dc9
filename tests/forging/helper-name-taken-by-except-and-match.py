# flagged: an exception's name, a mapping pattern's rest and a capture pattern bind helpers' names.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
try:
    raise ValueError
except ValueError as __grader_dict__:
    pass
match {"a": 1}:
    case {**__grader_comprehension__}:
        pass
match 1:
    case __grader_ior__:
        pass
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
print(can_handle_load)
