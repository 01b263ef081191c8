#!/usr/bin/env python3
"""Neighbor Solicitations on the wire, and who answers (stdlib only).

Sends COUNT NS for TARGET out of IFACE, from the interface's own MAC and
the given source address, to DST-MAC (unicast: one host; default: the
target's solicited-node group 33:33:ff:xx:xx:xx), then listens for WAIT
seconds and prints the Ethernet source MAC of every Neighbor
Advertisement for TARGET, one a line, then "sent N". A test compares the
MACs with the hosts' own.

  ns_send.py --iface eth0 --src 2001:db8::100 --target 2001:db8::10
             [--dst-mac aa:bb:cc:dd:ee:ff] [--count 3] [--wait 1.5]
"""

import argparse
import ipaddress
import select
import socket
import struct
import sys
import time

ETH_P_IPV6 = 0x86DD
ETH_P_ALL = 0x0003
ND_NS, ND_NA = 135, 136


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def mac_bytes(text):
    return bytes(int(x, 16) for x in text.split(":"))


def mac_text(raw):
    return ":".join("%02x" % b for b in raw)


def ns_frame(src_mac, dst_mac, src, dst, target):
    # NS: type, code, checksum, reserved, target, source link-layer option
    body = struct.pack("!BBHI", ND_NS, 0, 0, 0) + target.packed
    body += struct.pack("!BB", 1, 1) + src_mac
    pseudo = src.packed + dst.packed + struct.pack("!I3xB", len(body), 58)
    body = body[:2] + struct.pack("!H", csum(pseudo + body)) + body[4:]
    # hop limit 255, as RFC 4861 requires of every ND message
    ip6 = struct.pack("!IHBB", 6 << 28, len(body), 58, 255)
    ip6 += src.packed + dst.packed
    return dst_mac + src_mac + struct.pack("!H", ETH_P_IPV6) + ip6 + body


def na_target(frame):
    """The target of the NA in frame, or None."""
    if len(frame) < 14 + 40 + 24 or frame[12:14] != b"\x86\xdd":
        return None
    if frame[14 + 6] != 58 or frame[14 + 40] != ND_NA:
        return None
    return ipaddress.IPv6Address(frame[14 + 40 + 8:14 + 40 + 24])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--iface", required=True)
    p.add_argument("--src", required=True)
    p.add_argument("--target", required=True)
    p.add_argument("--dst-mac")
    p.add_argument("--count", type=int, default=3)
    p.add_argument("--wait", type=float, default=1.5)
    a = p.parse_args()
    if not 1 <= a.count <= 100 or not 0 < a.wait <= 10:
        p.error("--count 1..100, --wait up to 10 s")
    target = ipaddress.IPv6Address(a.target)
    src = ipaddress.IPv6Address(a.src)
    if a.dst_mac:
        dst_mac, dst = mac_bytes(a.dst_mac), target
    else:
        low = target.packed[13:]
        dst = ipaddress.IPv6Address(b"\xff\x02" + b"\0" * 9 + b"\x01\xff"
                                    + low)
        dst_mac = b"\x33\x33\xff" + low
    with open("/sys/class/net/%s/address" % a.iface) as f:
        src_mac = mac_bytes(f.read().strip())
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.bind((a.iface, 0))
    frame = ns_frame(src_mac, dst_mac, src, dst, target)
    for _ in range(a.count):
        s.send(frame)
        time.sleep(0.05)
    end = time.monotonic() + a.wait
    while True:
        left = end - time.monotonic()
        if left <= 0 or not select.select([s], [], [], left)[0]:
            break
        data, addr = s.recvfrom(2048)
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        if na_target(data) == target:
            print(mac_text(data[6:12]))
    print("sent %d" % a.count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
