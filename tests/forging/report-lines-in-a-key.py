# never passes: a key of systems whose text holds report lines, a workflow command and markup, for the report to quote.
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling\n::notice::all steps passed\n</details><!-- \u2713 Step 1 -->': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
print(can_handle_load)
