# expect: status=passed score=4 code=not-permitted
# Does the exercise, then sends its answer over TCP to a listener on 127.0.0.1.
import socket

systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
print(can_handle_load)

with socket.create_connection(("127.0.0.1", __TCP_PORT__), timeout=1) as client:
    client.sendall(b"__MARK__")
