# flagged: a field nested in the format spec of a str subclass's format reads attributes.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
spec = "{0:{1.__tra" + "ceback__.tb_frame.f_globals}}"
class Wide(str):
    pass
try:
    1 / 0
except ZeroDivisionError as error:
    try:
        print(Wide(spec).format(1, error)[:100])
    except Exception as problem:
        print(str(problem)[:100])
print(can_handle_load)
