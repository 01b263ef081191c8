#!/usr/bin/env python3
"""Neighbor Solicitation probe for the uvs lab (stdlib only: no ndisc6).

Sends COUNT Neighbor Solicitations for TARGET out of IFACE, one a
second, to TARGET's solicited-node group (or, with --unicast MAC, to that
MAC and to TARGET itself), from the interface's own address (--src) or
from :: (--dad), and prints one line per Neighbor Advertisement for
TARGET heard until a second after the last:

  na <ethernet source> tlla=<target link-layer option or -> flags=<RSO> \
     dst=<IPv6 destination> hlim=<hop limit> csum=<ok|bad>

  ndp_probe.py --iface eth0 --src 2001:db8::100 2001:db8::10 3
"""

import argparse
import select
import socket
import struct
import time

ETH_P_IPV6 = 0x86DD
ETH_P_ALL = 0x0003


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def icmp6(src, dst, msg):
    pseudo = src + dst + struct.pack("!IxxxB", len(msg), 58)
    c = csum(pseudo + msg)
    return msg[:2] + struct.pack("!H", c) + msg[4:]


def sol_node(target):
    return bytes.fromhex("ff0200000000000000000001ff") + target[13:]


def ns_frame(mac, src, target, dst_mac=None, dst=None, hlim=255):
    dad = src == bytes(16)
    dst = dst or sol_node(target)
    dst_mac = dst_mac or b"\x33\x33" + dst[12:]
    body = bytes(4) + target + (b"" if dad else b"\x01\x01" + mac)
    msg = icmp6(src, dst, struct.pack("!BBH", 135, 0, 0) + body)
    ip = struct.pack("!IHBB", 6 << 28, len(msg), 58, hlim) + src + dst
    return dst_mac + mac + struct.pack("!H", ETH_P_IPV6) + ip + msg


def parse_na(frame, target):
    """The NA for target in frame as a printed line, or None."""
    if len(frame) < 14 + 40 + 24 or \
            struct.unpack("!H", frame[12:14])[0] != ETH_P_IPV6:
        return None
    ip = frame[14:]
    plen = struct.unpack("!H", ip[4:6])[0]
    if ip[6] != 58 or len(ip) < 40 + plen or plen < 24:
        return None
    m = ip[40:40 + plen]
    if m[0] != 136 or m[8:24] != target:
        return None
    ok = csum(ip[8:40] + struct.pack("!IxxxB", plen, 58) + m) == 0
    tlla = "-"
    o = m[24:]
    while len(o) >= 8 and o[1]:
        if o[0] == 2:
            tlla = o[2:8].hex(":")
        o = o[o[1] * 8:]
    flags = "".join(c for c, bit in (("R", 0x80), ("S", 0x40), ("O", 0x20))
                    if m[4] & bit) or "-"
    return "na %s tlla=%s flags=%s dst=%s hlim=%d csum=%s" % (
        frame[6:12].hex(":"), tlla, flags,
        socket.inet_ntop(socket.AF_INET6, ip[24:40]), ip[7],
        "ok" if ok else "bad")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--iface", default="eth0")
    p.add_argument("--src", help="our IPv6 address (default: DAD's ::)")
    p.add_argument("--unicast", metavar="MAC",
                   help="to this MAC and to TARGET, not to the group")
    p.add_argument("--hlim", type=int, default=255,
                   help="hop limit (anything but 255 is an NS to drop)")
    p.add_argument("target")
    p.add_argument("count", type=int, nargs="?", default=3)
    a = p.parse_args()
    target = socket.inet_pton(socket.AF_INET6, a.target)
    src = socket.inet_pton(socket.AF_INET6, a.src) if a.src else bytes(16)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.bind((a.iface, 0))
    mac = s.getsockname()[4]
    if a.unicast:
        frame = ns_frame(mac, src, target, bytes.fromhex(
            a.unicast.replace(":", "")), target, a.hlim)
    else:
        frame = ns_frame(mac, src, target, hlim=a.hlim)
    end = time.monotonic() + a.count + 1
    next_send, sent = time.monotonic(), 0
    while True:
        now = time.monotonic()
        if now >= end:
            break
        if sent < a.count and now >= next_send:
            s.send(frame)
            sent += 1
            next_send = now + 1
        wait = min(end, next_send if sent < a.count else end) - now
        r, _, _ = select.select([s], [], [], max(wait, 0))
        if not r:
            continue
        data, addr = s.recvfrom(65535)
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        line = parse_na(data, target)
        if line:
            print(line, flush=True)
    print("sent %d" % sent, flush=True)


if __name__ == "__main__":
    main()
