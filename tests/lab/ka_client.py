#!/usr/bin/env python3
"""Keep-alive HTTP client for the uvs lab: one TCP connection to
HOST:80, a GET now, another after WAIT seconds, or as soon as the file
GO exists when one is named (WAIT then bounds the wait); prints
"before NAME" and "after NAME" (the answering real server) or the
error."""
import os
import socket
import sys
import time


def get(s):
    s.sendall(b"GET / HTTP/1.1\r\nHost: lab\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            raise ConnectionError("closed by peer")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v)
    while len(body) < length:
        body += s.recv(4096)
    return body.decode().strip()


def main():
    host, wait = sys.argv[1], float(sys.argv[2])
    go = sys.argv[3] if len(sys.argv) > 3 else None
    try:
        s = socket.create_connection((host, 80), timeout=5)
        print("before", get(s), flush=True)
        end = time.time() + wait
        while time.time() < end and not (go and os.path.exists(go)):
            time.sleep(0.1)
        print("after", get(s), flush=True)
    except OSError as e:
        print("error", e, flush=True)
        sys.exit(1)


main()
