#!/usr/bin/env python3
"""Send one IPv4 datagram as fragments, in any order (uvs test lab, stdlib).

Builds a UDP datagram (payload of --size bytes) or a TCP SYN (--tcp, with
--size bytes of payload, which a SYN may carry) from --src:--sport to
--dst:--dport, cuts it into fragments of --frag payload bytes (a multiple
of 8), and sends them through a raw socket (IP_HDRINCL) in --order:
"first" (in order), "last-first" (reversed: every later fragment comes
before the first one), or "first-last" (the first, then the rest
reversed). --repeat N sends N datagrams, each with its own IP id and
source port (sport + i). --expect-reply waits (2 s) for each answer: the
UDP echo of exactly the payload sent, or, for --tcp, the real server's
SYN-ACK (read from a raw TCP socket); it prints "replies N of M" and
fails unless all came.

  fragsend.py --src 198.18.0.100 --dst 198.18.0.10 --dport 9000 \
      --size 3000 --frag 1000 --order last-first
"""

import argparse
import random
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


def l4_segment(a, sport, rnd):
    src, dst = socket.inet_aton(a.src), socket.inet_aton(a.dst)
    body = bytes((i + rnd) & 0xff for i in range(a.size))
    if a.tcp:
        proto = socket.IPPROTO_TCP
        hdr = struct.pack("!HHIIBBHHH", sport, a.dport, rnd * 7919, 0,
                          5 << 4, 0x02, 65535, 0, 0)
    else:
        proto = socket.IPPROTO_UDP
        hdr = struct.pack("!HHHH", sport, a.dport, 8 + len(body), 0)
    seg = hdr + body
    pseudo = src + dst + struct.pack("!BBH", 0, proto, len(seg))
    c = csum(pseudo + seg)
    off = 16 if a.tcp else 6
    seg = seg[:off] + struct.pack("!H", c or 0xffff) + seg[off + 2:]
    return proto, seg


def fragments(a, proto, seg, ident):
    out = []
    src, dst = socket.inet_aton(a.src), socket.inet_aton(a.dst)
    for off in range(0, len(seg), a.frag):
        part = seg[off:off + a.frag]
        more = off + a.frag < len(seg)
        fo = (off // 8) | (0x2000 if more else 0)
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(part), ident,
                          fo, 64, proto, 0, src, dst)
        hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
        out.append(hdr + part)
    return out


def order(frags, how):
    if how == "last-first":
        return frags[::-1]
    if how == "first-last":
        return frags[:1] + frags[:0:-1]
    return frags


def open_listeners(a):
    if a.tcp:
        r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
        r.settimeout(0.2)
        return [r]
    out = []
    for i in range(a.repeat):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind((a.src, a.sport + i))
        u.settimeout(0.05)
        out.append(u)
    return out


def collect(a, socks, payloads, deadline):
    """Ports whose answer came, until every one did or time ran out."""
    import time
    got = set()
    while len(got) < a.repeat and time.monotonic() < deadline:
        if a.tcp:
            try:
                pkt = socks[0].recv(65535)
            except socket.timeout:
                continue
            ihl = (pkt[0] & 15) * 4
            sport, dport = struct.unpack("!HH", pkt[ihl:ihl + 4])
            flags = pkt[ihl + 13]
            if (socket.inet_ntoa(pkt[12:16]) == a.dst and sport == a.dport
                    and flags & 0x12 == 0x12):
                got.add(dport)
            continue
        for i, u in enumerate(socks):
            try:
                data = u.recv(65535)
            except socket.timeout:
                continue
            if data.partition(b" ")[2] == payloads[i]:
                got.add(a.sport + i)
    return got


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--src", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--sport", type=int, default=40000)
    p.add_argument("--dport", type=int, required=True)
    p.add_argument("--size", type=int, default=3000)
    p.add_argument("--frag", type=int, default=1000)
    p.add_argument("--order", default="first",
                   choices=("first", "last-first", "first-last"))
    p.add_argument("--tcp", action="store_true")
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--expect-reply", action="store_true")
    a = p.parse_args()
    a.repeat = max(1, min(a.repeat, 1000))
    if a.frag % 8 or a.frag <= 0:
        print("fragsend: --frag must be a positive multiple of 8",
              file=sys.stderr)
        return 2
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    socks = open_listeners(a) if a.expect_reply else []
    payloads = []
    sent = 0
    for i in range(a.repeat):
        ident = random.randrange(1, 65536)
        proto, seg = l4_segment(a, a.sport + i, i)
        payloads.append(seg[20:] if a.tcp else seg[8:])
        for f in order(fragments(a, proto, seg, ident), a.order):
            s.sendto(f, (a.dst, 0))
            sent += 1
    print("sent %d fragments" % sent)
    if not a.expect_reply:
        return 0
    import time
    got = collect(a, socks, payloads, time.monotonic() + 2.0)
    print("replies %d of %d" % (len(got), a.repeat))
    return 0 if len(got) == a.repeat else 1


if __name__ == "__main__":
    sys.exit(main())
