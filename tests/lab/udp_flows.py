#!/usr/bin/env python3
"""Opens N UDP flows to VIP:PORT, one datagram each from its own source
port, without waiting for replies (bounded: N datagrams, then exit).

  udp_flows.py VIP PORT N
"""
import socket
import sys

vip, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
socks = []
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b"flow", (vip, port))
    socks.append(s)
    # keep at most 500 open: each closed one frees its port for the
    # kernel to hand out again, and a reused port would be the same flow
    if len(socks) > 500:
        socks.pop(0).close()
