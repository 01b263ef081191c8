#!/usr/bin/env python3
"""One HTTP/1.0 GET from a fixed local port, for the uvs lab's port-reuse
test: prints the body. The server closes first and this client closes
only after it has read that close, so the client never holds the port in
TIME_WAIT (curl may close first and then it does), and its FIN leaves the
director's flow in FIN_WAIT. Usage: http_get.py HOST LOCAL_PORT"""
import socket
import sys


def main():
    host, lport = sys.argv[1], int(sys.argv[2])
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(5)
    s.bind(("", lport))
    s.connect((host, 80))
    s.sendall(b"GET / HTTP/1.0\r\nHost: lab\r\n\r\n")
    data = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    s.close()
    print(data.split(b"\r\n\r\n", 1)[-1].decode().strip())


main()
