# Prints a header, a line per strategy inside the loop and a summary besides print(can_handle_load): steps 1, 2, 3, 4 pass.

print("=== Scaling strategies ===")

systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
print("Systems:", systems)

load = 7
print(f"Current load: {load}")
print()

can_handle_load = {}
for strategy, capacity in systems.items():
    print(f"checking {strategy} (capacity {capacity})...")
    can_handle_load[strategy] = capacity >= load

print()
print("Can each strategy handle the load?")
print(can_handle_load)

ok = [name for name, result in can_handle_load.items() if result]
print("Strategies that are enough:", ok if ok else "none of them!")
