# Adds a fourth strategy 'auto_scaling' to systems: steps 2, 4 pass; steps 1, 3 fail (step 3 as "fix step 1 first").

systems = {
    'single_node': 1,
    'horizontal_scaling': 5,
    'vertical_scaling': 2,
    'auto_scaling': 10,   # I think autoscaling should handle the most
}

load = 7

can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load

print(can_handle_load)
