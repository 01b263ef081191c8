#!/usr/bin/env python3
"""Writes the seed corpora in tests/fuzz/corpus/: real frames (as
tests/lab/badframes.c and the unit tests build them), scripts for the
forward stage, uvsadm command lines from tests/e2e/uvsadm_args.sh and the
README, rules files as `uvsadm -S` and /etc/sysconfig/ipvsadm hold them,
control-socket requests, keepalived.conf virtual_server blocks and
requests to uvsd --metrics. Run it again after changing a harness's
input format; it only rewrites the files it names."""

import os
import socket
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")

DIR_MAC = bytes.fromhex("020000000001")
CLI_MAC = bytes.fromhex("020000000042")
VIP = "198.18.0.10"
CLIENT = "198.18.0.100"


def put(name, fname, data):
    d = os.path.join(CORPUS, name)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, fname), "wb") as f:
        f.write(data)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(src, dst, proto, payload, ihl=5, frag=0, opts=b"", tot=None,
        good_csum=True, version=4):
    tot = 4 * ihl + len(payload) if tot is None else tot
    h = struct.pack("!BBHHHBBH4s4s", version << 4 | ihl, 0, tot, 0x1234,
                    frag, 64, proto, 0, socket.inet_aton(src),
                    socket.inet_aton(dst)) + opts
    c = csum(h[:4 * ihl]) if good_csum else 0xDEAD
    return h[:10] + struct.pack("!H", c) + h[12:] + payload


def tcp(sport, dport, flags, doff=5, opts=b"", data=b""):
    return struct.pack("!HHIIBBHHH", sport, dport, 1000, 0, doff << 4,
                       flags, 65535, 0, 0) + opts + data


def udp(sport, dport, data=b"", ulen=None):
    ulen = 8 + len(data) if ulen is None else ulen
    return struct.pack("!HHHH", sport, dport, ulen, 0) + data


def eth(payload, etype=0x0800, dst=DIR_MAC):
    return dst + CLI_MAC + struct.pack("!H", etype) + payload


def arp(op, spa, tpa, sha=CLI_MAC):
    return struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + sha + \
        socket.inet_aton(spa) + bytes(6) + socket.inet_aton(tpa)


def icmp_error(typ, code, quoted, rest=b"\0\0\x04\xb0", good_csum=True):
    """An ICMP error quoting `quoted` (an IP header and 8 bytes)."""
    m = struct.pack("!BBH", typ, code, 0) + rest + quoted
    c = csum(m) if good_csum else 0xBEEF
    return m[:2] + struct.pack("!H", c) + m[4:]


def reply_quote(proto, vport=80, cport=40000):
    """The real server's reply VIP:vport -> CLIENT:cport, as a router
    quotes it (header and the first 8 bytes)."""
    l4 = struct.pack("!HHI", vport, cport, 1000)
    return ip4(VIP, CLIENT, proto, l4, tot=1500)


VIP6 = "2001:db8::10"
CLIENT6 = "2001:db8::100"


def ip6(src, dst, nh, payload, hlim=64, plen=None):
    plen = len(payload) if plen is None else plen
    return struct.pack("!IHBB", 6 << 28, plen, nh, hlim) + \
        socket.inet_pton(socket.AF_INET6, src) + \
        socket.inet_pton(socket.AF_INET6, dst) + payload


def ext6(nh, body_len=6):
    """A hop-by-hop or destination options header: PadN over its body."""
    return bytes([nh, (body_len + 2) // 8 - 1, 1, body_len - 2]) + \
        bytes(body_len - 2)


def icmp6(src, dst, typ, code, body, good_csum=True):
    m = struct.pack("!BBH", typ, code, 0) + body
    pseudo = socket.inet_pton(socket.AF_INET6, src) + \
        socket.inet_pton(socket.AF_INET6, dst) + \
        struct.pack("!IxxxB", len(m), 58)
    c = csum(pseudo + m) if good_csum else 0xBEEF
    return m[:2] + struct.pack("!H", c) + m[4:]


def sol_node(a):
    b = socket.inet_pton(socket.AF_INET6, a)
    return socket.inet_ntop(socket.AF_INET6, bytes.fromhex(
        "ff0200000000000000000001ff") + b[13:])


def ns6(src, dst, target, sll=CLI_MAC, hlim=255, good_csum=True):
    body = bytes(4) + socket.inet_pton(socket.AF_INET6, target)
    if sll:
        body += b"\x01\x01" + sll
    return ip6(src, dst, 58, icmp6(src, dst, 135, 0, body, good_csum),
               hlim=hlim)


def frames6():
    f = {}
    syn = tcp(40000, 80, SYN)
    f["v6_tcp_syn"] = eth(ip6(CLIENT6, VIP6, 6, syn), 0x86DD)
    f["v6_udp"] = eth(ip6(CLIENT6, VIP6, 17, udp(40000, 9000, b"ping")),
                      0x86DD)
    f["v6_hbh_dst_tcp"] = eth(ip6(CLIENT6, VIP6, 0, ext6(60) + ext6(6) +
                                  syn), 0x86DD)
    f["v6_routing_left"] = eth(ip6(CLIENT6, VIP6, 43, bytes(
        [6, 0, 0, 1]) + bytes(4) + syn), 0x86DD)
    f["v6_chain9"] = eth(ip6(CLIENT6, VIP6, 60, ext6(60) * 8 + ext6(6) +
                             syn), 0x86DD)
    f["v6_frag_first"] = eth(ip6(CLIENT6, VIP6, 44, bytes([17, 0, 0, 1]) +
                                 b"\xde\xad\xbe\xef" +
                                 udp(40000, 9000, b"a" * 1224, ulen=3008)),
                             0x86DD)
    f["v6_frag_later"] = eth(ip6(CLIENT6, VIP6, 44, bytes([17, 0, 0x04,
                                                            0xd0]) +
                                 b"\xde\xad\xbe\xef" + b"b" * 64), 0x86DD)
    quote = ip6(VIP6, CLIENT6, 6, struct.pack("!HHI", 80, 40000, 1000) +
                bytes(12), plen=1440)
    f["v6_icmp_ptb"] = eth(ip6("2001:db8:1::1", VIP6, 58, icmp6(
        "2001:db8:1::1", VIP6, 2, 0, struct.pack("!I", 1280) + quote)),
        0x86DD)
    f["v6_icmp_ptb_bad_csum"] = eth(ip6("2001:db8:1::1", VIP6, 58, icmp6(
        "2001:db8:1::1", VIP6, 2, 0, struct.pack("!I", 1280) + quote,
        good_csum=False)), 0x86DD)
    f["v6_ns_solicited"] = eth(ns6(CLIENT6, sol_node(VIP6), VIP6), 0x86DD,
                               dst=bytes.fromhex("3333ff000010"))
    f["v6_ns_unicast"] = eth(ns6(CLIENT6, VIP6, VIP6, sll=None), 0x86DD)
    f["v6_ns_dad"] = eth(ns6("::", sol_node(VIP6), VIP6, sll=None), 0x86DD,
                         dst=bytes.fromhex("3333ff000010"))
    f["v6_ns_hlim64"] = eth(ns6(CLIENT6, sol_node(VIP6), VIP6, hlim=64),
                            0x86DD, dst=bytes.fromhex("3333ff000010"))
    f["v6_ns_bad_csum"] = eth(ns6(CLIENT6, sol_node(VIP6), VIP6,
                                  good_csum=False), 0x86DD,
                              dst=bytes.fromhex("3333ff000010"))
    f["v6_jumbo"] = eth(ip6(CLIENT6, VIP6, 6, syn, plen=0), 0x86DD)
    return f


SYN, ACK, FIN, RST, PSH = 0x02, 0x10, 0x01, 0x04, 0x08
MSS_SACK_TS = bytes.fromhex("020405b40402080a0000000100000000")


def frames():
    f = {}
    f["tcp_syn"] = eth(ip4(CLIENT, VIP, 6, tcp(40000, 80, SYN)))
    f["tcp_syn_options"] = eth(ip4(CLIENT, VIP, 6, tcp(
        40001, 80, SYN, doff=9, opts=MSS_SACK_TS)))
    f["tcp_ack_data"] = eth(ip4(CLIENT, VIP, 6, tcp(
        40000, 80, ACK | PSH, data=b"GET / HTTP/1.1\r\nHost: vip\r\n\r\n")))
    f["tcp_fin"] = eth(ip4(CLIENT, VIP, 6, tcp(40000, 80, FIN | ACK)))
    f["tcp_rst"] = eth(ip4(CLIENT, VIP, 6, tcp(40000, 80, RST)))
    f["udp_dns"] = eth(ip4(CLIENT, VIP, 17, udp(5353, 53, b"\x12\x34" +
                                                   bytes(10))))
    f["udp_9000"] = eth(ip4(CLIENT, VIP, 17, udp(40000, 9000, b"ping")))
    f["arp_request_vip"] = eth(arp(1, CLIENT, VIP), 0x0806,
                               dst=b"\xff" * 6)
    f["arp_request_other"] = eth(arp(1, CLIENT, "198.18.0.2"), 0x0806,
                                 dst=b"\xff" * 6)
    f["arp_reply"] = eth(arp(2, CLIENT, VIP), 0x0806)
    f["arp_padded"] = eth(arp(1, CLIENT, VIP) + bytes(18), 0x0806,
                          dst=b"\xff" * 6)
    f["frag_mf"] = eth(ip4(CLIENT, VIP, 17, udp(40000, 53, b"x" * 16),
                           frag=0x2000))
    f["frag_off"] = eth(ip4(CLIENT, VIP, 17, b"y" * 24, frag=185))
    f["ip_options"] = eth(ip4(CLIENT, VIP, 17, udp(40000, 53, b"x"), ihl=6,
                              opts=b"\x01\x01\x01\x00"))
    f["ip_bad_csum"] = eth(ip4(CLIENT, VIP, 6, tcp(40000, 80, SYN),
                               good_csum=False))
    f["ip_version6"] = eth(ip4(CLIENT, VIP, 6, tcp(40000, 80, SYN),
                               version=6))
    f["ip_ihl4"] = eth(ip4(CLIENT, VIP, 6, tcp(40000, 80, SYN), ihl=4))
    f["ip_totlen_big"] = eth(ip4(CLIENT, VIP, 6, tcp(40000, 80, SYN),
                                 tot=1040))
    f["ip_totlen_small"] = eth(ip4(CLIENT, VIP, 6, tcp(40000, 80, SYN),
                                   tot=19))
    f["ip_proto_gre"] = eth(ip4(CLIENT, VIP, 47, bytes(8)))
    f["tcp_short"] = eth(ip4(CLIENT, VIP, 6, tcp(40000, 80, SYN)[:12]))
    f["tcp_doff4"] = eth(ip4(CLIENT, VIP, 6, tcp(40000, 80, SYN, doff=4)))
    f["tcp_doff15"] = eth(ip4(CLIENT, VIP, 6, tcp(40000, 80, SYN, doff=15)))
    f["udp_short"] = eth(ip4(CLIENT, VIP, 17, udp(40000, 53)[:4]))
    f["udp_len_small"] = eth(ip4(CLIENT, VIP, 17, udp(40000, 53, ulen=4)))
    f["udp_len_big"] = eth(ip4(CLIENT, VIP, 17, udp(40000, 53, ulen=108)))
    f["runt"] = DIR_MAC + CLI_MAC[:4]
    f["eth_only"] = eth(b"")
    f["ipv6"] = eth(bytes.fromhex("60000000000806ff") + bytes(32), 0x86DD)
    f["vlan"] = eth(b"\x00\x05\x08\x00" + ip4(CLIENT, VIP, 6,
                                              tcp(40000, 80, SYN)), 0x8100)
    f["tcp_syn_padded"] = eth(ip4(CLIENT, VIP, 6, tcp(40002, 80, SYN)) +
                              bytes(6))
    # IP options, fragments, ICMP errors and tags uvsd serves (or refuses)
    f["ip_options_rr"] = eth(ip4(CLIENT, VIP, 6, tcp(40003, 80, SYN), ihl=7,
                                 opts=bytes([7, 7, 4, 0, 0, 0, 0, 0])))
    f["ip_options_lsrr"] = eth(ip4(CLIENT, VIP, 6, tcp(40003, 80, SYN),
                                   ihl=6, opts=bytes([131, 3, 4, 0])))
    f["ip_options_cut"] = eth(ip4(CLIENT, VIP, 6, tcp(40003, 80, SYN),
                                  ihl=6, opts=bytes([1, 1, 148, 8])))
    f["frag_first_3000"] = eth(ip4(CLIENT, VIP, 17, udp(40000, 9000,
                               b"a" * 1472, ulen=3008), frag=0x2000))
    f["frag_middle"] = eth(ip4(CLIENT, VIP, 17, b"b" * 1480,
                               frag=0x2000 | 185))
    f["frag_last"] = eth(ip4(CLIENT, VIP, 17, b"c" * 48, frag=370))
    f["frag_tiny"] = eth(ip4(CLIENT, VIP, 17, udp(40000, 9000)[:4],
                             frag=0x2000))
    f["frag_past_64k"] = eth(ip4(CLIENT, VIP, 17, b"d" * 16, frag=0x1FFF))
    f["frag_tcp_offset8"] = eth(ip4(CLIENT, VIP, 6, b"e" * 16,
                                    frag=0x2000 | 1))
    f["icmp_frag_needed"] = eth(ip4("198.18.0.1", VIP, 1, icmp_error(
        3, 4, reply_quote(6))))
    f["icmp_time_exceeded_udp"] = eth(ip4("198.18.0.1", VIP, 1, icmp_error(
        11, 0, reply_quote(17, 9000), rest=bytes(4))))
    f["icmp_quench"] = eth(ip4("198.18.0.1", VIP, 1, icmp_error(
        4, 0, reply_quote(6), rest=bytes(4))))
    f["icmp_bad_csum"] = eth(ip4("198.18.0.1", VIP, 1, icmp_error(
        3, 4, reply_quote(6), good_csum=False)))
    f["icmp_quote_gre"] = eth(ip4("198.18.0.1", VIP, 1, icmp_error(
        3, 4, reply_quote(47))))
    f["icmp_echo"] = eth(ip4(CLIENT, VIP, 1, icmp_error(8, 0, b"ping" * 4,
                                                      rest=bytes(4))))
    f["vlan_arp"] = eth(b"\x60\x64\x08\x06" + arp(1, CLIENT, VIP), 0x8100,
                        dst=b"\xff" * 6)
    f["vlan_frag"] = eth(b"\x00\x64\x08\x00" + ip4(CLIENT, VIP, 17,
                                                   b"f" * 24, frag=3), 0x8100)
    f["qinq"] = eth(b"\x00\x64\x81\x00\x00\x05\x08\x00" + ip4(
        CLIENT, VIP, 6, tcp(40000, 80, SYN)), 0x88A8)
    return f


# --- forward: scripts for tests/fuzz/fuzz_forward.c ---
# header: sched index, svc flags, conn capacity - 1 (low 4 bits), dests - 1
# ops: (op >> 2) & 7: 0-3 frame (op & 3: 0 built, 0x80 with a tag taken
# off; 1 raw; 2 ARP, 0x80 tagged; 3 a fragment or an ICMP error),
# 4-5 clock, 6-7 control. Header flags 0x04: -o on the UDP service;
# 0x40: serve VLAN 100 and untagged. Capacity bit 0x10: no fragment table.
SCHEDS = ["rr", "wrr", "lc", "wlc", "sed", "nq", "twos", "sh", "dh", "mh",
          "fo", "ovf", "lblc", "lblcr"]


def built(client, cport, flags, udp_=False, vport_sel=0):
    return bytes([0x00, (client << 3) | (vport_sel << 1) | udp_, cport,
                  flags])


def raw(frame, aim=False, seal=False):
    return bytes([0x01 | (0x40 if aim else 0) | (0x80 if seal else 0),
                  len(frame)]) + frame


def arp_op(sel, tag=0):
    return bytes([0x02 | tag, sel])


def tagged(client, cport, flags, vlan100=True, udp_=False):
    return bytes([0x80 | (0x40 if vlan100 else 0),
                  (client << 3) | udp_, cport, flags])


def frag(client, ident, piece, cport=0, udp_=True, typ=0):
    """piece 0 first, 1 middle, 2 last of a 48-byte datagram; 3 an ICMP
    error (typ 0-3: unreachable, time exceeded, quench, echo) quoting
    the reply to client:40000+cport."""
    return bytes([0x03, (client << 3) | udp_, (piece << 2) | ident,
                  (typ << 6) | cport])


def tick(secs):
    return bytes([0x10, secs & 7])


def minutes(m):
    return bytes([0x90, m & 63])


def neigh(rs, valid, svc=0):
    return bytes([0x18, (svc << 4) | rs, valid, 0])


def health_op(rs, back, flush=False, svc=0):
    return bytes([0x18, (svc << 4) | rs, 0x02 | back | (0x04 if flush else 0),
                  0])


def dest_op(rs, b, svc=0):
    return bytes([0x18, (svc << 4) | 0x04 | rs, b, 0])


def svc_op(svc, b, flags=0, timeout=0):
    return bytes([0x18, (svc << 4) | 0x08, b, flags, timeout])


def set_op(tcp_, fin, udp_=False):
    return bytes([0x18, 0x0C | (0x40 if udp_ else 0), tcp_, fin])


def scripts():
    s = {}
    conv = b"".join(built(c, c, SYN) + built(c, c, ACK) +
                    built(c, c, ACK | PSH) + built(c, c, FIN | ACK)
                    for c in range(6))
    for i, name in enumerate(SCHEDS):
        s["conv_" + name] = bytes([i, 0, 15, 2]) + conv + tick(3) + \
            minutes(3)
    s["persist_rr"] = bytes([0, 0x01, 15, 2]) + b"".join(
        built(1, p, SYN) for p in range(5)) + tick(2) + built(2, 0, SYN)
    s["persist_port0"] = bytes([3, 0x01, 15, 2]) + b"".join(
        built(c, c, SYN, vport_sel=2) for c in range(4)) + minutes(7)
    s["persist_mask24"] = bytes([0, 0x81, 15, 3]) + b"".join(
        built(c, 1, SYN) for c in range(8))
    s["persist_neigh_fail"] = bytes([0, 0x01, 15, 1]) + \
        built(1, 1, SYN) + neigh(0, 0) + neigh(1, 0) + built(1, 2, SYN) + \
        dest_op(0, 1) + dest_op(1, 1) + built(1, 3, SYN) + minutes(10)
    s["persist_edit_off"] = bytes([0, 0x01, 15, 2]) + \
        built(1, 1, SYN) + built(1, 1, ACK) + svc_op(0, 0, 0, 0) + \
        minutes(7) + tick(7) + built(2, 1, SYN)
    s["udp_flows"] = bytes([0, 0, 7, 3]) + b"".join(
        built(c, c, 0, udp_=True, vport_sel=1) for c in range(6)) + \
        set_op(0, 0, udp_=True) + tick(5)
    s["frag_in_order"] = bytes([0, 0, 15, 2]) + b"".join(
        frag(1, i & 3, p) for i in range(3) for p in range(3))
    s["frag_reversed"] = bytes([0, 0, 15, 2]) + b"".join(
        frag(2, 1, p) for p in (2, 1, 0)) + b"".join(
        frag(3, 2, p, udp_=False) for p in (2, 1, 0))
    s["frag_no_first"] = bytes([0, 0, 15, 2]) + b"".join(
        frag(c, 3, 1) + frag(c, 3, 2) for c in range(6)) + minutes(1)
    s["frag_dest_deleted"] = bytes([0, 0, 15, 1]) + frag(1, 0, 0) + \
        dest_op(0, 1, svc=1) + dest_op(1, 1, svc=1) + frag(1, 0, 1) + \
        frag(1, 0, 2)
    s["frag_no_table"] = bytes([0, 0, 0x1F, 2]) + frag(1, 0, 1) + \
        frag(1, 0, 0) + frag(1, 0, 2)
    s["icmp_for_flow"] = bytes([0, 0, 15, 2]) + built(1, 1, SYN) + \
        frag(1, 0, 3, cport=1, udp_=False) + \
        frag(1, 0, 3, cport=2, udp_=False) + \
        frag(1, 0, 3, cport=1, udp_=False, typ=3)
    s["ops_udp"] = bytes([0, 0x04, 15, 2]) + b"".join(
        built(1, 1, 0, udp_=True, vport_sel=1) for _ in range(9)) + \
        frag(1, 1, 0) + frag(1, 1, 1) + frag(1, 1, 2)
    s["vlan_served"] = bytes([0, 0x40, 15, 2]) + tagged(1, 1, SYN) + \
        tagged(1, 1, ACK) + tagged(2, 2, SYN, vlan100=False) + \
        arp_op(1, tag=0xC0) + arp_op(1, tag=0x80) + built(3, 3, SYN)
    s["vlan_unserved"] = bytes([0, 0, 15, 2]) + tagged(1, 1, SYN) + \
        arp_op(1, tag=0xC0) + tagged(2, 2, SYN, vlan100=False)
    s["table_full"] = bytes([3, 0, 3, 2]) + b"".join(
        built(c, c, SYN) for c in range(12)) + built(1, 1, ACK)
    s["thresholds"] = bytes([1, 0, 15, 2]) + dest_op(0, 0x0A) + \
        dest_op(1, 0x2A) + b"".join(built(c, c, SYN) for c in range(8)) + \
        b"".join(built(c, c, RST) for c in range(8))
    s["quiescent"] = bytes([3, 0, 15, 2]) + dest_op(0, 0x00) + \
        dest_op(1, 0x00) + dest_op(2, 0x00) + built(1, 1, SYN)
    s["del_readd"] = bytes([0, 0, 15, 2]) + built(1, 1, SYN) + \
        dest_op(0, 1) + dest_op(0, 0) + neigh(0, 1) + built(2, 2, SYN) + \
        svc_op(0, 1) + built(3, 3, SYN) + svc_op(0, 4) + built(3, 3, SYN)
    s["sched_switch"] = bytes([9, 0x18, 15, 3]) + b"".join(
        built(c, c, SYN) for c in range(4)) + svc_op(0, 2 * 13) + \
        b"".join(built(c, c + 1, SYN) for c in range(4)) + svc_op(0, 2 * 7)
    s["health_out_persistent"] = bytes([0, 0x01, 15, 2]) + \
        built(1, 1, SYN) + built(1, 1, ACK) + health_op(0, 0) + \
        health_op(1, 0) + health_op(2, 0) + built(1, 2, SYN) + \
        health_op(0, 1) + built(1, 3, SYN) + health_op(1, 0, True) + \
        dest_op(2, 1) + minutes(10) + built(1, 4, SYN)
    s["clear"] = bytes([0, 0, 15, 2]) + built(1, 1, SYN) + \
        bytes([0x18, 0x0C, 0xFF, 0]) + built(1, 1, SYN)
    s["port_reuse"] = bytes([0, 0, 15, 2]) + built(1, 1, SYN) + \
        built(1, 1, FIN | ACK) + built(1, 1, SYN) + built(1, 1, RST) + \
        built(1, 1, SYN)
    s["arp"] = bytes([0, 0, 15, 0]) + arp_op(1) + arp_op(0) + arp_op(3)
    fr = frames()
    s["raw_frames"] = bytes([0, 0, 15, 2]) + b"".join(
        raw(fr[k]) for k in ("tcp_syn", "tcp_ack_data", "udp_dns",
                             "arp_request_vip", "frag_mf", "ip_options"))
    s["raw_sealed"] = bytes([5, 0, 15, 2]) + raw(fr["ip_bad_csum"],
                                                 aim=True, seal=True) + \
        raw(fr["tcp_syn_options"], seal=True)
    return s


# --- uvsadm command lines (argv words, one per line) ---
SVC = VIP + ":80"
ARGS = [
    ["-A", "-t", SVC, "-s", "rr"],
    ["-A", "-t", SVC, "-s", "wlc", "-p", "360", "-M", "255.255.255.0"],
    ["-A", "-t", VIP + ":0", "-s", "rr", "-p"],
    ["-A", "-u", VIP + ":53", "-s", "sh", "-b", "sh-fallback,sh-port"],
    ["-A", "-u", VIP + ":53", "-s", "rr", "-o"],
    ["-A", "-t", SVC, "-s", "mh", "-b", "mh-port"],
    ["-E", "-t", SVC, "-s", "wrr"],
    ["-D", "-t", SVC],
    ["-a", "-t", SVC, "-r", "198.18.0.11:80", "-g"],
    ["-a", "-t", SVC, "-r", "198.18.0.12", "-g", "-w", "2"],
    ["-a", "-t", SVC, "-r", "198.18.0.13:80", "-g", "-w", "0", "-x", "100",
     "-y", "50"],
    ["-e", "-t", SVC, "-r", "198.18.0.11:80", "-g", "-w", "5"],
    ["-d", "-t", SVC, "-r", "198.18.0.11:80"],
    ["--add-service", "--tcp-service", SVC, "--scheduler", "lblcr"],
    ["--add-server", "--tcp-service=" + SVC, "--real-server=198.18.0.11",
     "--gatewaying", "--weight=3"],
    ["-C"],
    ["-Z"],
    ["-Z", "-t", SVC],
    ["--set", "900", "120", "300"],
    ["-L", "-n"],
    ["-Ln"],
    ["-L", "-n", "--stats"],
    ["-L", "-n", "--rate", "--exact"],
    ["-L", "-n", "-c"],
    ["-L", "--timeout"],
    ["-L", "--json", "-n"],
    ["-l", "-n", "--thresholds", "--persistent-conn", "--nosort"],
    ["-S", "-n"],
    ["-R"],
    ["--counters"],
    ["-h"],
    ["-v"],
    ["-A", "-t", SVC, "-E"],
    ["-a", "-t", SVC, "-r", "198.18.0.11", "-m"],
    ["-a", "-t", SVC, "-r", "198.18.0.11", "-i"],
    ["-A", "--sctp-service", SVC],
    ["-A", "-f", "1", "-s", "rr"],
    ["-A", "-t", "[2001:db8::1]:80"],
    ["-A", "-t", SVC, "-p", "--pe", "sip"],
    ["--start-daemon", "master", "--mcast-interface", "eth0", "--syncid",
     "5"],
    ["--start-daemon", "backup", "--mcast-group", "224.0.0.81",
     "--mcast-port", "8848", "--mcast-ttl", "1", "--sync-maxlen", "1472"],
    ["-a", "-t", SVC, "-r", "198.18.0.11", "--tun-type", "gue",
     "--tun-port", "6080", "--tun-nocsum"],
    ["-A", "-t", "198.18.0.10:http", "-s", "rr"],
    ["-A", "-t", "localhost:https", "-s", "rr"],
    ["-A", "-t", SVC, "-s"],
    ["-L", "--bogus"],
    ["-nL"],
    ["-A", "-t", SVC, "-p", "0"],
    ["-A", "-t", SVC, "--", "-s", "rr"],
    ["-Lnc", "--stats"],
    # health checks (fwd/health/checkconf.h)
    ["-a", "-t", SVC, "-r", "198.18.0.11:80", "-g", "-w", "2", "--check",
     "http", "--check-path", "/health", "--check-status", "200",
     "--check-expect", "it's \"ok\"", "--check-interval", "0.5",
     "--check-timeout", "0.25", "--fall", "2", "--rise", "3"],
    ["-a", "-t", SVC, "-r", "198.18.0.12", "--check", "http",
     "--check-digest", "9b3a0c85a887a256d6939da88aabd8cd", "--check-port",
     "8080", "--on-fail", "remove"],
    ["-a", "-t", SVC, "-r", "198.18.0.13", "--check", "tcp",
     "--check-retry", "2", "--on-fail", "inhibit"],
    ["-a", "-t", SVC, "-r", "198.18.0.13", "--check", "cmd", "--check-cmd",
     "/usr/bin/dig @198.18.0.13 example.org +time=1 | grep -q 'ANSWER: 1'"],
    ["-e", "-t", SVC, "-r", "198.18.0.13", "--check", "none"],
    ["-A", "-t", SVC, "-s", "wrr", "--sorry-server", "198.18.0.99:80",
     "--quorum", "4", "--hysteresis", "1"],
    ["-E", "-t", SVC, "-s", "rr", "--sorry-server", "198.18.0.99"],
    ["-L", "-n", "--checks"],
    ["-a", "-t", SVC, "-r", "198.18.0.11", "--fall", "2"],
    ["-a", "-t", SVC, "-r", "198.18.0.11", "--check", "tcp",
     "--check-path", "/"],
]


# --- rules files ---
RULES = {
    "save_n": """-A -t 198.18.0.10:80 -s wlc
-a -t 198.18.0.10:80 -r 198.18.0.11:80 -g -w 1
-a -t 198.18.0.10:80 -r 198.18.0.12:80 -g -w 2
-A -u 198.18.0.10:53 -s rr -o
-a -u 198.18.0.10:53 -r 198.18.0.11:53 -g -w 1
""",
    "save_persistent": """-A -t 198.18.0.10:0 -s rr -p 300 -M 255.255.255.0
-a -t 198.18.0.10:0 -r 198.18.0.11:0 -g -w 1
-A -t 198.18.0.10:443 -s sh -b sh-fallback,sh-port
-a -t 198.18.0.10:443 -r 198.18.0.12:443 -g -w 1 -x 200 -y 100
""",
    "sysconfig_ipvsadm": """# Generated by ipvsadm-save
ipvsadm -A -t 192.168.10.10:80 -s rr
ipvsadm -a -t 192.168.10.10:80 -r 192.168.10.11:80 -g -w 1
ipvsadm -a -t 192.168.10.10:80 -r 192.168.10.12:80 -g -w 1

/sbin/ipvsadm -A -t 192.168.10.10:443 -s wlc -p 360
/sbin/ipvsadm -a -t 192.168.10.10:443 -r 192.168.10.11 -g
""",
    "long_options": """--add-service --tcp-service 198.18.0.10:80 --scheduler lblc
--add-server --tcp-service 198.18.0.10:80 --real-server 198.18.0.11 --gatewaying --weight 4
--set 900 120 300
--zero
--clear
""",
    "crlf_tabs": "-A\t-t 198.18.0.10:80\t-s rr\r\n  -a -t 198.18.0.10:80 -r 198.18.0.11 -g\r\n",
    "edit_delete": """-A -t 198.18.0.10:80 -s rr
-E -t 198.18.0.10:80 -s wrr
-a -t 198.18.0.10:80 -r 198.18.0.11 -g
-e -t 198.18.0.10:80 -r 198.18.0.11 -g -w 0
-d -t 198.18.0.10:80 -r 198.18.0.11
-D -t 198.18.0.10:80
""",
    "bad_line": """-A -t 198.18.0.10:80 -s rr
-L -n
""",
    "bad_refused": """-A -t 198.18.0.10:80 -s rr
-A -t 198.18.0.10:80 -s rr
-a -t 198.18.0.10:81 -r 198.18.0.11 -g
""",
    "names": """-A -t 198.18.0.10:http -s nq
-a -t 198.18.0.10:http -r localhost -g
""",
    "comments_only": "# nothing\n\n   \n#-A -t 1.2.3.4:80\n# it's\n",
    "checks": """-A -t 198.18.0.10:80 -s wrr --sorry-server 198.18.0.99:80 --quorum 4 --hysteresis 1
-a -t 198.18.0.10:80 -r 198.18.0.11:80 -g -w 2 --check http --check-path /health --check-expect 'it'\\''s "ok"' --check-interval 0.5 --fall 2
-a -t 198.18.0.10:80 -r 198.18.0.12 --check cmd --check-cmd "dig @198.18.0.12 example.org | grep -q 'status: NOERROR'"
-a -t 198.18.0.10:80 -r 198.18.0.13 --check tcp --on-fail remove
""",
    "unterminated_quote": "-a -t 198.18.0.10:80 -r 198.18.0.11 --check cmd --check-cmd 'true\n",
    "no_newline": "-A -t 198.18.0.10:80 -s rr",
}


# --- control-socket requests ---
K80 = "proto=tcp vip=198.18.0.10 vport=80"
CTL = {
    "add_service": "add-service %s sched=rr\n" % K80,
    "add_service_full": "add-service proto=tcp vip=198.18.0.10 vport=0 "
                        "sched=wlc flags=1 timeout=360 "
                        "netmask=255.255.255.0\n",
    "edit_service": "edit-service %s sched=mh flags=16\n" % K80,
    "del_service": "del-service %s\n" % K80,
    "add_dest": "add-dest %s rip=198.18.0.14 rport=80 weight=2 uthr=10 "
                "lthr=5\n" % K80,
    "edit_dest": "edit-dest %s rip=198.18.0.11 rport=80 weight=0\n" % K80,
    "del_dest": "del-dest %s rip=198.18.0.11 rport=80\n" % K80,
    "list": "list\n",
    "counters": "counters\n",
    "conns": "conns\n",
    "timeout": "timeout\n",
    "set_timeout": "set-timeout tcp=900 tcpfin=120 udp=300\n",
    "zero": "zero\n",
    "zero_svc": "zero proto=udp vip=198.18.0.10 vport=53\n",
    "clear": "clear\n",
    "batch2": "batch n=2\nadd-service proto=tcp vip=198.18.0.10 vport=81 "
              "sched=rr\nadd-dest proto=tcp vip=198.18.0.10 vport=81 "
              "rip=198.18.0.11 rport=81 weight=1\n",
    "batch_refused": "batch n=3\nclear\nadd-service %s sched=nosuch\n"
                     "del-service %s\n" % (K80, K80),
    "batch_list": "batch n=1\nlist\n",
    "batch_short": "batch n=5\nclear\nzero\n",
    "batch_huge": "batch n=99999999\nclear\n",
    "no_newline": "list",
    "unknown_verb": "frobnicate a=b\n",
    "key_no_eq": "add-service proto=tcp vip\n",
    "empty_key": "add-service =tcp\n",
    "many_keys": "zero " + " ".join("k%d=%d" % (i, i) for i in range(30)) +
                 "\n",
    "nul": "list\0junk\n",
    "crlf": "counters\r\n",
    "bad_numbers": "add-dest %s rip=198.18.0.11 rport=-1 weight=99999999999"
                   "999999999\n" % K80,
    "bad_addr": "add-service proto=sctp vip=198.18.0 vport=80 sched=rr\n",
    "add_dest_check": "add-dest %s rip=198.18.0.12 rport=80 weight=1 "
                      "check=http check_path=/health%%3Fx=1 check_status=200 "
                      "check_expect=it%%27s%%20ok check_interval=500 "
                      "check_rise=2 check_fall=3 check_on_fail=remove\n" % K80,
    "add_dest_check_cmd": "add-dest %s rip=198.18.0.13 rport=80 check=cmd "
                          "check_cmd=true%%20%%7C%%7C%%20false\n" % K80,
    "edit_service_sorry": "edit-service %s sched=rr sorry=198.18.0.99 "
                          "quorum=3 hysteresis=1\n" % K80,
    "bad_escape": "add-dest %s rip=198.18.0.12 rport=80 check=http "
                  "check_path=%%zz\n" % K80,
}


# --- keepalived.conf (fwd/health/keepalived.c) ---
KEEPALIVED = {
    "dr_tcp_check": """global_defs {
    router_id LVS_DIRECTOR
}

virtual_server 198.18.0.10 80 {
    delay_loop 6
    lb_algo wlc
    lb_kind DR
    persistence_timeout 300
    protocol TCP

    real_server 198.18.0.11 80 {
        weight 1
        TCP_CHECK {
            connect_timeout 3
            connect_port 80
            retry 3
            delay_before_retry 3
        }
    }
    real_server 198.18.0.12 80 {
        weight 2
        TCP_CHECK {
            connect_timeout 3
        }
    }
}
""",
    "http_get_sorry": """virtual_server 198.18.0.10 80 {
    delay_loop 10
    lb_algo rr
    lb_kind DR
    protocol TCP
    quorum 2
    hysteresis 1
    quorum_up "/usr/local/bin/vip-up.sh"
    quorum_down "/usr/local/bin/vip-down.sh"
    sorry_server 198.18.0.99 80
    inhibit_on_failure

    real_server 198.18.0.11 80 {
        weight 1
        inhibit_on_failure
        HTTP_GET {
            url {
              path /health
              status_code 200
            }
            url {
              path /index.html
              digest 9b3a0c85a887a256d6939da88aabd8cd
            }
            connect_timeout 3
            nb_get_retry 3
            delay_before_retry 2
        }
    }
    real_server 198.18.0.12 80 {
        weight 1
        HTTP_GET {
            url {
              path /health
              status_code 200
            }
            connect_timeout 3
        }
    }
}
""",
    "misc_check_udp": """virtual_server 198.18.0.10 53 {
    delay_loop 5
    lb_algo sh
    lb_kind DR
    protocol UDP
    ops

    real_server 198.18.0.11 53 {
        weight 1
        MISC_CHECK {
            misc_path "/usr/bin/dig @198.18.0.11 example.org +time=1"
            misc_timeout 3
            misc_dynamic
        }
    }
}
""",
    "fwmark_group_mh": """virtual_server_group web {
    198.18.0.10 80
    198.18.0.20 80
}

virtual_server group web {
    delay_loop 6
    lb_algo mh
    mh-port
    mh-fallback
    lb_kind DR
    persistence_timeout 600
    persistence_granularity 255.255.255.0
    protocol TCP
    alpha
    omega

    real_server 198.18.0.11 80 {
        weight 100
        uthreshold 5000
        lthreshold 1000
        TCP_CHECK {
            connect_timeout 2
        }
    }
}

virtual_server fwmark 1 {
    lb_algo rr
    lb_kind DR
    real_server 198.18.0.13 0 {
        weight 1
    }
}
""",
    "vrrp_and_include": """! Configuration File for keepalived
include /etc/keepalived/conf.d/*.conf

vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass s3cret
    }
    virtual_ipaddress {
        198.18.0.10/24 dev eth0
    }
}

virtual_server 198.18.0.10 443 {
    delay_loop 3
    lb_algo lblcr
    lb_kind DR
    protocol TCP
    real_server 198.18.0.11 443 {
        weight 1
        SSL_GET {
            url {
              path /
              status_code 200
            }
        }
    }
}
""",
}

# What scrapers, browsers and hostile clients send to uvsd --metrics.
METRICS = {
    "prometheus": b"GET /metrics HTTP/1.1\r\nHost: 198.18.0.2:9100\r\n"
    b"User-Agent: Prometheus/2.42.0\r\nAccept: application/openmetrics-"
    b"text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1\r\n"
    b"Accept-Encoding: gzip\r\nX-Prometheus-Scrape-Timeout-Seconds: 10"
    b"\r\n\r\n",
    "head_lf": b"HEAD /metrics HTTP/1.0\n\n",
    "query": b"GET /metrics?x=1 HTTP/1.1\r\n\r\n",
    "post": b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
    "partial": b"GET /metr",
    "tls": b"\x16\x03\x01\x02\x01\xfc\x03\n",
}


def main():
    for k, v in frames().items():
        put("parse", k, v)
    for k, v in frames6().items():
        put("parse", k, v)
        if k.startswith("v6_ns"):
            put("ndp", k, v)
    for k, v in scripts().items():
        put("forward", k, v)
    for i, words in enumerate(ARGS):
        put("ipvsargs", "args%02d" % i, "\n".join(words))
    put("ipvsargs", "nul_separated", "\0".join(["-a", "-t", SVC, "-r",
                                                 "198.18.0.11", "-g"]))
    for k, v in RULES.items():
        put("rules", k, v)
    for k, v in CTL.items():
        put("ctl", k, v)
    for k, v in KEEPALIVED.items():
        put("keepalived", k + ".conf", v)
    for k, v in METRICS.items():
        put("metrics", k, v)


if __name__ == "__main__":
    main()
