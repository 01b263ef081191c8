#!/usr/bin/env python3
"""A slow control-socket client: sends one request line, then reads the
reply CHUNK bytes at a time with a pause between reads, and writes what
it read to stdout. Bounded by a whole-run deadline.

  slow_reader.py SOCKET REQUEST CHUNK PAUSE_S DEADLINE_S
"""
import socket
import sys
import time

path, req, chunk = sys.argv[1], sys.argv[2], int(sys.argv[3])
pause, deadline = float(sys.argv[4]), time.time() + float(sys.argv[5])
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
# a small receive buffer, so uvsd meets a full socket early
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(path)
s.sendall(req.encode() + b"\n")
s.settimeout(10)
out = sys.stdout.buffer
while time.time() < deadline:
    b = s.recv(chunk)
    if not b:
        break
    out.write(b)
    time.sleep(pause)
out.flush()
