#!/usr/bin/env python3
"""Opens N UDP flows to VIP:PORT through the director, fast: raw frames
on a packet socket, source addresses counted up from 198.19.0.0 with 16
source ports each (every frame a new flow), bounded by N and a deadline.
The sources are off every host's subnet, so nothing answers them.

  flood_flows.py IFACE DIR_MAC VIP PORT N DEADLINE_S
"""
import socket
import struct
import sys
import time

ifname, dmac, vip, port, n = sys.argv[1:6]
port, n = int(port), int(n)
deadline = time.time() + float(sys.argv[6])
dst = bytes.fromhex(dmac.replace(":", ""))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifname, 0))
src = s.getsockname()[4][:6]
eth = dst + src + b"\x08\x00"
vaddr = socket.inet_aton(vip)
base = struct.unpack("!I", socket.inet_aton("198.19.0.0"))[0]


def csum(h):
    t = sum(struct.unpack("!10H", h))
    t = (t & 0xffff) + (t >> 16)
    t = (t & 0xffff) + (t >> 16)
    return ~t & 0xffff


sent = 0
for i in range(n):
    if i % 10000 == 0 and time.time() > deadline:
        break
    saddr = struct.pack("!I", base + i // 16)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + 8 + 4, i & 0xffff, 0,
                     64, 17, 0, saddr, vaddr)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    udp = struct.pack("!HHHH", 20000 + i % 16, port, 8 + 4, 0)
    while True:
        try:
            s.send(eth + ip + udp + b"flow")
            break
        except BlockingIOError:
            time.sleep(0.001)
        except OSError:
            time.sleep(0.001)
    sent += 1
print(sent)
