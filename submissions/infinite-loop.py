# Adds a while True loop to "simulate" users arriving but never breaks out of it, so the run is still going when its time runs out: no step passes.

systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7

# simulate users arriving one by one until we reach the load
users = 0
while True:
    users = users + 1
    if users == load:
        print("load reached:", users)

can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load

print(can_handle_load)
