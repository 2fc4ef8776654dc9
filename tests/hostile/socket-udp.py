# expect: status=passed score=4 code=not-permitted
# Does the exercise, then sends its answer in a UDP datagram to 127.0.0.1.
import socket

systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
can_handle_load = {}
for strategy, capacity in systems.items():
    can_handle_load[strategy] = capacity >= load
print(can_handle_load)

socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"__MARK__", ("127.0.0.1", __UDP_PORT__))
