# Fills can_handle_load with an explicit if/else that assigns True or False: steps 1, 2, 3, 4 pass.

# how many units of load each setup can take
systems = {
    "single_node": 1,
    "horizontal_scaling": 5,
    "vertical_scaling": 2,
}

load = 7  # current number of requests

can_handle_load = {}

for strategy, capacity in systems.items():
    if capacity >= load:
        can_handle_load[strategy] = True
    else:
        can_handle_load[strategy] = False

print(can_handle_load)
