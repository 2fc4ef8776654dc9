# Builds can_handle_load with a dict comprehension instead of the for loop the exercise asks for: steps 1, 2, 4 pass; step 3 fails.

systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7

# one line is nicer than a loop :)
can_handle_load = {strategy: capacity >= load for strategy, capacity in systems.items()}

print(can_handle_load)
