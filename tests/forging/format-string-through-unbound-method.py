# flagged: str.format read from the class and passed to map, with a field built at run time.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
field = "{0.__tra" + "ceback__.tb_frame.f_back.f_back.f_locals}"
try:
    1 / 0
except ZeroDivisionError as error:
    print(list(map(str.format, [field], [error]))[0][:200])
print(can_handle_load)
