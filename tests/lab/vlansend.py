#!/usr/bin/env python3
"""Send 802.1Q-tagged frames from a lab host (uvs test lab, stdlib only).

This kernel has no VLAN devices, so a host on a VLAN is played by a packet
socket writing tagged frames on eth0: either an ARP request for --vip
(arp), or --count UDP datagrams to --vip:--port from --src, source ports
--sport and up (udp), to the MAC --dmac. --tci is the whole tag control
field (priority << 13 | VLAN ID).

  vlansend.py --iface eth0 --tci 0x6064 --src 198.18.100.100 \
      --vip 198.18.0.10 --dmac 02:..:01 udp --count 6
"""

import argparse
import socket
import struct
import sys


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def csum(d):
    if len(d) % 2:
        d += b"\0"
    s = sum(struct.unpack("!%dH" % (len(d) // 2), d))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def tagged(dst, src, tci, etype, payload):
    return dst + src + struct.pack("!HHH", 0x8100, tci, etype) + payload


def arp_request(a, me):
    body = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, me,
                       socket.inet_aton(a.src), b"\0" * 6,
                       socket.inet_aton(a.vip))
    return tagged(b"\xff" * 6, me, a.tci, 0x0806, body)


def udp_datagram(a, me, sport, n):
    data = b"vlan%d" % n
    udp = struct.pack("!HHHH", sport, a.port, 8 + len(data), 0) + data
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), n + 1, 0, 64,
                     17, 0, socket.inet_aton(a.src), socket.inet_aton(a.vip))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return tagged(mac(a.dmac), me, a.tci, 0x0800, ip + udp)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--iface", default="eth0")
    p.add_argument("--tci", type=lambda x: int(x, 0), required=True)
    p.add_argument("--src", required=True)
    p.add_argument("--vip", required=True)
    p.add_argument("--dmac", default="ff:ff:ff:ff:ff:ff")
    p.add_argument("--port", type=int, default=9000)
    p.add_argument("--sport", type=int, default=50000)
    p.add_argument("what", choices=("arp", "udp"))
    p.add_argument("--count", type=int, default=1)
    a = p.parse_args()
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    me = s.getsockname()[4]
    for n in range(max(1, min(a.count, 1000))):
        if a.what == "arp":
            s.send(arp_request(a, me))
        else:
            s.send(udp_datagram(a, me, a.sport + n, n))
    print("sent %d tagged %s frames" % (a.count, a.what))
    return 0


if __name__ == "__main__":
    sys.exit(main())
