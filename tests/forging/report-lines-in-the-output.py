# never passes: prints what a report of four passed steps would show, escape sequences to move the cursor over the real report included, and computes nothing.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    pass
print(can_handle_load)
print("\x1b[2J\x1b[H  \u2713 Step 3: Determine which strategies can handle the load\r\n  Progress: 4 / 4 steps. Well done!\n\x1b[8m")
