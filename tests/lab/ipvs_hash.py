#!/usr/bin/env python3
"""IPVS's sh and mh picks, modelled apart from uvs for the lab's tests.

Written from the kernel's net/netfilter/ipvs/ip_vs_sh.c and ip_vs_mh.c
(not from sched/): given a service's dest list in IPVS's order (newest
first, as list_add_rcu in __ip_vs_update_dest leaves it), it prints the
dest IPVS would pick for each client address read from stdin, or "-"
when it would pick none.

  ipvs_hash.py sh|mh [--fallback] DEST... < clients

DEST is ADDR:PORT/WEIGHT[/LAST_WEIGHT]. A dest IPVS no longer has (one
keepalived deleted) is simply left out. WEIGHT 0 makes it unavailable
(is_unavailable()); mh builds its table from LAST_WEIGHT, which IPVS
keeps at the latest non-zero weight (default: WEIGHT). --fallback is
sh-fallback or mh-fallback. Ports of clients are not hashed (no
sh-port or mh-port). Output: "CLIENT DESTADDR" or "CLIENT -" a line.
"""
import socket
import struct
import sys

MASK32 = 0xFFFFFFFF
MASK64 = 0xFFFFFFFFFFFFFFFF

# ip_vs_sh.c
SH_TAB_BITS = 8
SH_TAB_SIZE = 1 << SH_TAB_BITS
GOLDEN_RATIO_32 = 0x61C88647  # include/linux/hash.h

# ip_vs_mh.c, CONFIG_IP_VS_MH_TAB_INDEX 12
MH_TAB_SIZE = 4093
MH_TAB_BITS = 12 // 2
MH_HASH1 = 2654435761  # generate_hash_secret(): both key words
MH_HASH2 = 2654446892


class Dest:
    def __init__(self, spec):
        addr, _, rest = spec.partition(":")
        port, *w = rest.split("/")
        self.name = addr
        self.addr = struct.unpack("!I", socket.inet_aton(addr))[0]
        self.port = int(port)
        self.weight = int(w[0]) if w else 1
        self.last_weight = int(w[1]) if len(w) > 1 else self.weight

    def unavailable(self):
        return self.weight <= 0


def hash_32(val, bits):
    return ((val * GOLDEN_RATIO_32) & MASK32) >> (32 - bits)


def sh_hashkey(addr, port, offset):
    return (offset + hash_32((port + addr) & MASK32, SH_TAB_BITS)) & \
        (SH_TAB_SIZE - 1)


def sh_table(dests):
    """ip_vs_sh_reassign(): `weight' buckets in a row each, list order."""
    if not dests:
        return [None] * SH_TAB_SIZE
    table, p, count = [], 0, 0
    for _ in range(SH_TAB_SIZE):
        d = dests[p]
        table.append(d)
        count += 1
        if count >= d.weight:
            p = (p + 1) % len(dests)
            count = 0
    return table


def sh_pick(table, addr, fallback):
    ihash = sh_hashkey(addr, 0, 0)
    d = table[ihash]
    if d is None or not d.unavailable():
        return d
    if not fallback:
        return None
    for offset in range(SH_TAB_SIZE):
        roffset = (offset + ihash) % SH_TAB_SIZE
        d = table[sh_hashkey(addr, 0, roffset)]
        if d is None:
            return None
        if not d.unavailable():
            return d
    return None


def rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & MASK64


def sipround(v):
    v[0] = (v[0] + v[1]) & MASK64
    v[1] = rotl(v[1], 13) ^ v[0]
    v[0] = rotl(v[0], 32)
    v[2] = (v[2] + v[3]) & MASK64
    v[3] = rotl(v[3], 16) ^ v[2]
    v[0] = (v[0] + v[3]) & MASK64
    v[3] = rotl(v[3], 21) ^ v[0]
    v[2] = (v[2] + v[1]) & MASK64
    v[1] = rotl(v[1], 17) ^ v[2]
    v[2] = rotl(v[2], 32)


def hsiphash_u32(value, key):
    """hsiphash(&value, 4, key) on a 64-bit kernel: SipHash-1-3, cut."""
    k0 = k1 = key
    v = [0x736F6D6570736575 ^ k0, 0x646F72616E646F6D ^ k1,
         0x6C7967656E657261 ^ k0, 0x7465646279746573 ^ k1]
    b = (4 << 56) | (value & MASK32)  # 4 little-endian bytes, length on top
    v[3] ^= b
    sipround(v)
    v[0] ^= b
    v[2] ^= 0xFF
    for _ in range(3):
        sipround(v)
    return (v[0] ^ v[1] ^ v[2] ^ v[3]) & MASK32


def mh_hashkey(addr, port, key, offset):
    return hsiphash_u32((offset + port + addr) & MASK32, key)


def gcd(a, b):
    while b:
        a, b = b, a % b
    return a


def mh_table(dests):
    """ip_vs_mh_gcd_weight, _shift_weight, _permutate and _populate."""
    g = 0
    for d in dests:
        if d.last_weight > 0:
            g = gcd(d.last_weight, g) if g > 0 else d.last_weight
    if g < 1:
        return [None] * MH_TAB_SIZE
    mw = max(d.last_weight for d in dests) // g
    shift = max(mw.bit_length() - MH_TAB_BITS, 0)
    setup = []
    for d in dests:
        offset = mh_hashkey(d.addr, d.port, MH_HASH1, 0) % MH_TAB_SIZE
        skip = mh_hashkey(d.addr, d.port, MH_HASH2, 0) % \
            (MH_TAB_SIZE - 1) + 1
        turns = (d.last_weight // g) >> shift
        if turns == 0:
            turns = 1 if d.last_weight != 0 else 0
        setup.append([offset, skip, turns])
    table = [None] * MH_TAB_SIZE
    n = i = count = 0
    while n < MH_TAB_SIZE:
        perm, skip, turns = setup[i]
        if turns < 1:
            i = (i + 1) % len(dests)
            continue
        while table[perm] is not None:
            perm += skip
            if perm >= MH_TAB_SIZE:
                perm -= MH_TAB_SIZE
        setup[i][0] = perm
        table[perm] = dests[i]
        n += 1
        count += 1
        if count >= turns:
            count = 0
            i = (i + 1) % len(dests)
    return table


def mh_pick(table, addr, fallback):
    ihash = mh_hashkey(addr, 0, MH_HASH1, 0) % MH_TAB_SIZE
    d = table[ihash]
    if d is None or not d.unavailable():
        return d
    if not fallback:
        return None
    for offset in range(MH_TAB_SIZE):
        roffset = (offset + ihash) % MH_TAB_SIZE
        d = table[mh_hashkey(addr, 0, MH_HASH1, roffset) % MH_TAB_SIZE]
        if d is None:
            return None
        if not d.unavailable():
            return d
    return None


def main():
    args = sys.argv[1:]
    if not args or args[0] not in ("sh", "mh"):
        sys.exit("usage: ipvs_hash.py sh|mh [--fallback] DEST... < clients")
    sched = args.pop(0)
    fallback = "--fallback" in args
    dests = [Dest(a) for a in args if a != "--fallback"]
    table = sh_table(dests) if sched == "sh" else mh_table(dests)
    pick = sh_pick if sched == "sh" else mh_pick
    for line in sys.stdin:
        client = line.strip()
        if not client:
            continue
        addr = struct.unpack("!I", socket.inet_aton(client))[0]
        d = pick(table, addr, fallback)
        print(client, d.name if d else "-")


if __name__ == "__main__":
    main()
