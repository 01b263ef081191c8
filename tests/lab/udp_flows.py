#!/usr/bin/env python3
"""Opens N UDP flows to VIP:PORT (an IPv4 or IPv6 VIP), one datagram
each from its own source port, without waiting for replies (bounded: N
datagrams, then exit).

  udp_flows.py VIP PORT N
"""
import socket
import sys

vip, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
family = socket.AF_INET6 if ":" in vip else socket.AF_INET
# Source ports taken in order from 10000, below the kernel's ephemeral
# range: ports the kernel picks repeat once earlier sockets close (5000
# sends made some 4 600 flows), and every datagram must be a new flow.
src = 10000
sent = 0
while sent < n and src < 65536:
    s = socket.socket(family, socket.SOCK_DGRAM)
    try:
        s.bind(("", src))
    except OSError:
        s.close()
        src += 1
        continue
    src += 1
    s.sendto(b"flow", (vip, port))
    s.close()
    sent += 1
sys.exit(0 if sent == n else 1)
