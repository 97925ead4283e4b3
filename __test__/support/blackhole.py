# A loopback TCP listener that never answers a connection attempt: its accept
# queue (backlog 0) is filled by one connection of its own and never drained,
# so the kernel drops every further SYN, as a firewall that drops packets does.
# Prints the port, then waits to be killed.
import socket
import time

listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(0)
port = listener.getsockname()[1]
filler = socket.create_connection(("127.0.0.1", port))
print(port, flush=True)
while True:
    time.sleep(3600)
