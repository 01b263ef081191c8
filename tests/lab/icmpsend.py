#!/usr/bin/env python3
"""Send one ICMP message to an address, quoting a packet (uvs test lab).

Acts as a router would: --type/--code ICMP (default 3/4, fragmentation
needed, with next-hop --mtu) to --dst, quoting an IPv4 header
--qsrc -> --qdst (protocol --qproto, DF set) and 8 bytes of its TCP/UDP
header, ports --qsport -> --qdport. Sent through a raw socket, so the
kernel adds the outer IP header from this host's address.

  icmpsend.py --dst 198.18.0.10 --qsrc 198.18.0.10 --qsport 80 \
      --qdst 198.19.0.100 --qdport 40000 --mtu 1000
"""

import argparse
import socket
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dst", required=True)
    p.add_argument("--type", type=int, default=3)
    p.add_argument("--code", type=int, default=4)
    p.add_argument("--mtu", type=int, default=1000)
    p.add_argument("--qsrc", required=True)
    p.add_argument("--qdst", required=True)
    p.add_argument("--qsport", type=int, required=True)
    p.add_argument("--qdport", type=int, required=True)
    p.add_argument("--qproto", type=int, default=socket.IPPROTO_TCP)
    p.add_argument("--qseq", type=int, default=0)
    a = p.parse_args()
    q = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 1500, 1, 0x4000, 64,
                    a.qproto, 0, socket.inet_aton(a.qsrc),
                    socket.inet_aton(a.qdst))
    q = q[:10] + struct.pack("!H", csum(q)) + q[12:]
    q += struct.pack("!HHI", a.qsport, a.qdport, a.qseq & 0xffffffff)
    rest = struct.pack("!HH", 0, a.mtu) if a.type == 3 else b"\0" * 4
    msg = struct.pack("!BBH", a.type, a.code, 0) + rest + q
    msg = msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.sendto(msg, (a.dst, 0))
    print("sent icmp %d/%d to %s quoting %s:%d -> %s:%d" % (
        a.type, a.code, a.dst, a.qsrc, a.qsport, a.qdst, a.qdport))
    return 0


if __name__ == "__main__":
    sys.exit(main())
