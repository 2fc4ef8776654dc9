# expect: status=passed score=4 code=not-permitted
# Does the exercise, then connects to a pathname Unix socket (as it would to D-Bus or
# Docker's socket, which no network namespace covers) and writes to it.
import socket

systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
print(can_handle_load)

client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
client.connect("__UNIX_SOCKET__")
client.sendall(b"__MARK__")
