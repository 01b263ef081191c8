#!/usr/bin/env python3
"""
Golden files for uvsadm's printers: what ipvsadm 1.31 prints for a table.

Each case is three files here: NAME.reply (uvsd's reply text, as fwd/control/ctl.c
writes it), NAME.args (one line: the printer and its flags) and NAME.out
(the bytes ipvsadm would print for that state). tests/unit/
test_uvsadm_golden.c feeds every .reply to fwd/uvsadm/uvsadm_list.c and compares
with the .out.

The .out files are NOT uvsadm's output. This script is a second, separate
implementation of ipvsadm's printers, written from ipvsadm.c (v1.31,
github:cezarsa/ipvsadm) and libipvs/libipvs.c: print_title,
print_service_entry, print_largenum, print_sched_flags, list_all,
list_service, print_conn/list_conn, list_timeout, addrport_to_anyname,
ipvs_cmp_services and ipvs_cmp_dests, one Python function each, with the
same C format strings run through Python's % operator (only C's length
modifier "ll" dropped, which % does not know). It parses the .reply
itself, so the expected bytes follow from the very text the C test feeds.

Usage: make_golden.py          write the cases below, then every NAME.out
       make_golden.py --check  write nothing; exit 1 if a file would change

A case may also be added by hand: drop NAME.reply and NAME.args here and
run the script; it writes NAME.out for every .reply it finds.

Name-resolving cases (no -n) take their names from the fixtures here,
services and hosts (/etc/services and /etc/hosts formats), never from this
host's resolver: the C test answers the printers' getservbyport() and
gethostbyaddr() from the same two files, so the bytes are the same on
every host and no case is skipped.
"""
import functools
import os
import re
import socket
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# ipvsadm.c "printing format flags"
FMT_NUMERIC = 0x0001
FMT_RULE = 0x0002
FMT_STATS = 0x0004
FMT_RATE = 0x0008
FMT_THRESHOLDS = 0x0010
FMT_PERSISTENTCONN = 0x0020
FMT_NOSORT = 0x0040
FMT_EXACT = 0x0080
FMT_TUN_INFO = 0x0100

# include/uapi/linux/ip_vs.h
IP_VS_SVC_F_PERSISTENT = 0x0001
IP_VS_SVC_F_HASHED = 0x0002
IP_VS_SVC_F_ONEPACKET = 0x0004
IP_VS_SVC_F_SCHED1 = 0x0008
IP_VS_SVC_F_SCHED2 = 0x0010
IP_VS_SVC_F_SCHED3 = 0x0020
IP_VS_SVC_F_SCHED_SH_FALLBACK = IP_VS_SVC_F_SCHED1
IP_VS_SVC_F_SCHED_SH_PORT = IP_VS_SVC_F_SCHED2
IP_VS_SVC_F_SCHED_MH_FALLBACK = IP_VS_SVC_F_SCHED1
IP_VS_SVC_F_SCHED_MH_PORT = IP_VS_SVC_F_SCHED2

IPPROTO_TCP = 6
IPPROTO_UDP = 17

INT_MAX = 2**31 - 1
U32_MAX = 2**32 - 1
U64_MAX = 2**64 - 1
MAX_TIMEOUT = 86400 * 31        # ipvsadm.c: 31 days


# ---------------------------------------------------------------- printf

class Printer:
    """printf() into a byte string."""

    def __init__(self):
        self.parts = []

    def printf(self, fmt, *args):
        # C's %llu is Python's %u: drop the length modifier, keep the rest
        self.parts.append(re.sub(r'll([du])', r'\1', fmt) % args)

    def text(self):
        return ''.join(self.parts).encode()


# ---------------------------------------------------------- reply parser

def u32_addr(dotted):
    """Dotted quad to the host-order number ntohl() gives."""
    return struct.unpack('!I', socket.inet_aton(dotted))[0]


def any_addr(text):
    """A v4 or v6 address's text to (af, its 4 or 16 bytes)."""
    af = socket.AF_INET6 if ':' in text else socket.AF_INET
    return af, socket.inet_pton(af, text)


def words_of(packed):
    """ntohl() of each 32-bit word of an address."""
    return struct.unpack('!%dI' % (len(packed) // 4), packed)


def parse_reply(text):
    """uvsd's reply text into dicts; numbers as ints, absent figures 0."""
    table = {'version': None, 'size': None, 'svcs': [], 'conns': [],
             'timeout': None}
    for line in text.split('\n'):
        words = line.split()
        if not words or words == ['ok']:
            continue
        verb, kv = words[0], dict(w.split('=', 1) for w in words[1:])
        if verb == 'info':
            table['version'] = [int(x) for x in kv['version'].split('.')]
            table['size'] = int(kv['size'])
        elif verb == 'svc':
            table['svcs'].append(svc_from(kv))
        elif verb == 'dest':
            table['svcs'][-1]['dests'].append(dest_from(kv))
        elif verb == 'conn':
            table['conns'].append(kv)
        elif verb == 'timeout':
            table['timeout'] = (int(kv['tcp']), int(kv['tcpfin']),
                                int(kv['udp']))
        else:
            raise ValueError('unknown reply line: ' + line)
    return table


STATS_KEYS = ('conns', 'inpkts', 'outpkts', 'inbytes', 'outbytes',
              'cps', 'inpps', 'outpps', 'inbps', 'outbps')


def stats_from(kv):
    return {k: int(kv.get(k, 0)) for k in STATS_KEYS}


def svc_from(kv):
    af, addr = any_addr(kv['vip'])
    # a v6 service's netmask is a prefix length (ipvsadm's -M for v6)
    netmask = (int(kv['netmask']) if af == socket.AF_INET6
               else u32_addr(kv['netmask']))
    return {
        'fwmark': 0, 'af': af,
        'protocol': {'tcp': IPPROTO_TCP, 'udp': IPPROTO_UDP}[kv['proto']],
        'addr': addr, 'port': int(kv['vport']),
        'sched_name': kv['sched'], 'flags': int(kv['flags']),
        'timeout': int(kv['timeout']), 'netmask': netmask,
        'pe_name': '', 'stats64': stats_from(kv), 'dests': [],
    }


# fwd=route|local|masq as IP_VS_CONN_F_* forwarding methods
IP_VS_CONN_F_MASQ, IP_VS_CONN_F_LOCALNODE, IP_VS_CONN_F_DROUTE = 0, 1, 3


def dest_from(kv):
    af, addr = any_addr(kv['rip'])
    return {
        'af': af, 'addr': addr,
        'port': int(kv['rport']),
        'conn_flags': {'route': IP_VS_CONN_F_DROUTE,
                       'local': IP_VS_CONN_F_LOCALNODE,
                       'masq': IP_VS_CONN_F_MASQ}[kv['fwd']],
        'weight': int(kv['weight']), 'activeconns': int(kv['active']),
        'inactconns': int(kv['inactive']),
        'persistconns': int(kv.get('persist', 0)),
        'u_threshold': int(kv.get('uthr', 0)),
        'l_threshold': int(kv.get('lthr', 0)),
        'stats64': stats_from(kv),
    }


# ------------------------------------------------------- libipvs sorting

def c_int(x):
    """An unsigned difference stored in C's int (two's complement)."""
    x &= 0xffffffff
    return x - 2**32 if x >= 2**31 else x


def ipvs_cmp_services(s1, s2):
    r = s1['fwmark'] - s2['fwmark']
    if r != 0:
        return r
    r = s1['af'] - s2['af']
    if r != 0:
        return r
    r = s1['protocol'] - s2['protocol']
    if r != 0:
        return r
    r = cmp_addr(s1['addr'], s2['addr'])
    if r != 0:
        return r
    return s1['port'] - s2['port']          # ntohs(a) - ntohs(b)


def cmp_addr(a, b):
    """ntohl(a) - ntohl(b) in int, word by word for v6 until one differs."""
    r = 0
    for w1, w2 in zip(words_of(a), words_of(b)):
        r = c_int(w1 - w2)
        if r != 0:
            break
    return r


def ipvs_cmp_dests(d1, d2):
    r = cmp_addr(d1['addr'], d2['addr'])
    if r != 0:
        return r
    return d1['port'] - d2['port']


def qsort(entries, cmp):
    """
    qsort() with libipvs's comparator. The int difference wraps for
    addresses 2^31 or more apart, and three such addresses can make the
    order cyclic; then glibc's result depends on its algorithm, so a case
    must not have such a set. Checked: every pair agrees with the order.
    """
    out = sorted(entries, key=functools.cmp_to_key(cmp))
    for i in range(len(out)):
        for j in range(i + 1, len(out)):
            if cmp(out[i], out[j]) >= 0:
                raise ValueError('comparator is not a total order here: '
                                 'pick addresses less than 2^31 apart')
    return out


# ------------------------------------------------------ ipvsadm printers

def inet_ntoa(addr):
    return socket.inet_ntoa(struct.pack('!I', addr))


def fixture(name, name_first):
    """A services or hosts file here as {key: official name}; the key is
    the first word ("127.0.0.1"), or the second for services ("80/tcp")."""
    table = {}
    with open(os.path.join(HERE, name)) as f:
        for line in f:
            words = line.split('#', 1)[0].split()
            if len(words) >= 2:
                key, val = (words[1], words[0]) if name_first else words[:2]
                table.setdefault(key, val)
    return table


SERVICES = fixture('services', True)
HOSTS = fixture('hosts', False)


def addr_to_anyname(af, addr):
    # gethostbyaddr() as the fixture answers it: numbers when unnamed
    text = socket.inet_ntop(af, addr)
    return HOSTS.get(text, text)


def port_to_anyname(port, proto):
    name = {IPPROTO_TCP: 'tcp', IPPROTO_UDP: 'udp'}.get(proto)
    if name and '%u/%s' % (port, name) in SERVICES:
        return SERVICES['%u/%s' % (port, name)]
    return '%u' % port


def addrport_to_anyname(af, addr, port, proto, fmt):
    # a v6 address in brackets; snprintf(buf, 60, ...) cuts at 59 bytes
    o, c = ('[', ']') if af == socket.AF_INET6 else ('', '')
    if fmt & FMT_NUMERIC:
        s = '%s%s%s:%u' % (o, socket.inet_ntop(af, addr), c, port)
    else:
        s = '%s%s%s:%s' % (o, addr_to_anyname(af, addr), c,
                           port_to_anyname(port, proto))
    return s[:59]


def print_largenum(p, i, fmt):
    if fmt & FMT_EXACT:
        mytmp = '%u' % i
        n = len(mytmp)
        p.printf('%*llu', 9 if n <= 8 else n + 1, i)
        return
    if i < 100000000:
        p.printf('%9llu', i)
    elif i < 1000000000:
        p.printf('%8lluK', i // 1000)
    elif i < 100000000000:
        p.printf('%8lluM', i // 1000000)
    elif i < 100000000000000:
        p.printf('%8lluG', i // 1000000000)
    else:
        p.printf('%8lluT', i // 1000000000000)


def print_sched_flags(p, se):
    flags = ''
    if se['sched_name'] == 'sh':
        if se['flags'] & IP_VS_SVC_F_SCHED_SH_FALLBACK:
            flags += 'sh-fallback,'
        if se['flags'] & IP_VS_SVC_F_SCHED_SH_PORT:
            flags += 'sh-port,'
    elif se['sched_name'] == 'mh':
        if se['flags'] & IP_VS_SVC_F_SCHED_MH_FALLBACK:
            flags += 'mh-fallback,'
        if se['flags'] & IP_VS_SVC_F_SCHED_MH_PORT:
            flags += 'mh-port,'
    else:
        if se['flags'] & IP_VS_SVC_F_SCHED1:
            flags += 'flag-1,'
        if se['flags'] & IP_VS_SVC_F_SCHED2:
            flags += 'flag-2,'
        if se['flags'] & IP_VS_SVC_F_SCHED3:
            flags += 'flag-3,'
    if flags:
        p.printf('%s', flags[:-1])


def print_title(p, fmt):
    if fmt & FMT_STATS:
        p.printf('%-33s %8s %8s %8s %8s %8s\n'
                 '  -> RemoteAddress:Port\n',
                 'Prot LocalAddress:Port',
                 'Conns', 'InPkts', 'OutPkts', 'InBytes', 'OutBytes')
    elif fmt & FMT_RATE:
        p.printf('%-33s %8s %8s %8s %8s %8s\n'
                 '  -> RemoteAddress:Port\n',
                 'Prot LocalAddress:Port',
                 'CPS', 'InPPS', 'OutPPS', 'InBPS', 'OutBPS')
    elif fmt & FMT_THRESHOLDS:
        p.printf('%-33s %-10s %-10s %-10s %-10s\n'
                 '  -> RemoteAddress:Port\n',
                 'Prot LocalAddress:Port',
                 'Uthreshold', 'Lthreshold', 'ActiveConn', 'InActConn')
    elif fmt & FMT_PERSISTENTCONN:
        p.printf('%-33s %-9s %-11s %-10s %-10s\n'
                 '  -> RemoteAddress:Port\n',
                 'Prot LocalAddress:Port',
                 'Weight', 'PersistConn', 'ActiveConn', 'InActConn')
    elif fmt & FMT_TUN_INFO:
        p.printf('Prot LocalAddress:Port Scheduler Flags\n'
                 '  -> RemoteAddress:Port           Forward TunnelInfo    '
                 'Weight ActiveConn InActConn\n')
    elif not fmt & FMT_RULE:
        p.printf('Prot LocalAddress:Port Scheduler Flags\n'
                 '  -> RemoteAddress:Port           Forward Weight '
                 'ActiveConn InActConn\n')


def fwd_name(flags):
    return {IP_VS_CONN_F_MASQ: 'Masq', IP_VS_CONN_F_LOCALNODE: 'Local',
            IP_VS_CONN_F_DROUTE: 'Route'}[flags]


def fwd_switch(flags):
    return {IP_VS_CONN_F_MASQ: '-m', IP_VS_CONN_F_LOCALNODE: '-g',
            IP_VS_CONN_F_DROUTE: '-g'}[flags]


def option_from_protocol(proto):
    return {IPPROTO_TCP: '-t', IPPROTO_UDP: '-u'}[proto]


def protocol_name(proto):
    return {IPPROTO_TCP: 'TCP', IPPROTO_UDP: 'UDP'}[proto]


SCHED_ALL = IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED2 | IP_VS_SVC_F_SCHED3


def print_service_entry(p, se, fmt):
    v6 = se['af'] == socket.AF_INET6
    vname = addrport_to_anyname(se['af'], se['addr'], se['port'],
                                se['protocol'], fmt)
    if fmt & FMT_RULE:
        svc_name = '%s %s' % (option_from_protocol(se['protocol']), vname)
    else:
        svc_name = '%-4s %s' % (protocol_name(se['protocol']), vname)
        if not v6:
            svc_name = svc_name[:33]        # svc_name[33] = '\0' (AF_INET)

    st = se['stats64']
    if fmt & FMT_RULE:
        p.printf('-A %s -s %s', svc_name, se['sched_name'])
        if se['flags'] & IP_VS_SVC_F_PERSISTENT:
            p.printf(' -p %u', se['timeout'])
            if not v6 and se['netmask'] != 0xffffffff:
                p.printf(' -M %s', inet_ntoa(se['netmask']))
            if v6 and se['netmask'] != 128:
                p.printf(' -M %i', se['netmask'])
        if se['pe_name']:
            p.printf(' --pe %s', se['pe_name'])
        if se['flags'] & IP_VS_SVC_F_ONEPACKET:
            p.printf(' -o')
        if se['flags'] & SCHED_ALL:
            p.printf(' -b ')
            print_sched_flags(p, se)
    elif fmt & FMT_STATS:
        p.printf('%-33s', svc_name)
        for k in ('conns', 'inpkts', 'outpkts', 'inbytes', 'outbytes'):
            print_largenum(p, st[k], fmt)
    elif fmt & FMT_RATE:
        p.printf('%-33s', svc_name)
        for k in ('cps', 'inpps', 'outpps', 'inbps', 'outbps'):
            print_largenum(p, st[k], fmt)
    else:
        p.printf('%s %s', svc_name, se['sched_name'])
        if se['flags'] & SCHED_ALL:
            p.printf(' (')
            print_sched_flags(p, se)
            p.printf(')')
        if se['flags'] & IP_VS_SVC_F_PERSISTENT:
            p.printf(' persistent %u', se['timeout'])
            if not v6 and se['netmask'] != 0xffffffff:
                p.printf(' mask %s', inet_ntoa(se['netmask']))
            if v6 and se['netmask'] != 128:
                p.printf(' mask %i', se['netmask'])
            if se['pe_name']:
                p.printf(' pe %s', se['pe_name'])
        if se['flags'] & IP_VS_SVC_F_ONEPACKET:
            p.printf(' ops')
    p.printf('\n')

    dests = se['dests']
    if not fmt & FMT_NOSORT:
        dests = qsort(dests, ipvs_cmp_dests)
    for e in dests:
        dname = addrport_to_anyname(e['af'], e['addr'], e['port'],
                                    se['protocol'], fmt)
        if not fmt & FMT_RULE and not v6:
            dname = dname[:28]              # dname[28] = '\0' (AF_INET)
        st = e['stats64']
        if fmt & FMT_RULE:
            p.printf('-a %s -r %s %s -w %d\n', svc_name, dname,
                     fwd_switch(e['conn_flags']), e['weight'])
        elif fmt & FMT_STATS:
            p.printf('  -> %-28s', dname)
            for k in ('conns', 'inpkts', 'outpkts', 'inbytes', 'outbytes'):
                print_largenum(p, st[k], fmt)
            p.printf('\n')
        elif fmt & FMT_RATE:
            p.printf('  -> %-28s %8llu %8llu %8llu', dname,
                     st['cps'], st['inpps'], st['outpps'])
            print_largenum(p, st['inbps'], fmt)
            print_largenum(p, st['outbps'], fmt)
            p.printf('\n')
        elif fmt & FMT_THRESHOLDS:
            p.printf('  -> %-28s %-10u %-10u %-10u %-10u\n', dname,
                     e['u_threshold'], e['l_threshold'],
                     e['activeconns'], e['inactconns'])
        elif fmt & FMT_PERSISTENTCONN:
            p.printf('  -> %-28s %-9u %-11u %-10u %-10u\n', dname,
                     e['weight'], e['persistconns'],
                     e['activeconns'], e['inactconns'])
        elif fmt & FMT_TUN_INFO:
            # fwd_tun_info() is NULL unless tunnelling: "n/a" (NA)
            p.printf('  -> %-28s %-7s %-13s %-6d %-10u %-10u\n',
                     dname, fwd_name(e['conn_flags']), 'n/a',
                     e['weight'], e['activeconns'], e['inactconns'])
        else:
            p.printf('  -> %-28s %-7s %-6d %-10u %-10u\n',
                     dname, fwd_name(e['conn_flags']),
                     e['weight'], e['activeconns'], e['inactconns'])


def list_all(p, table, fmt):
    if not fmt & FMT_RULE:
        v = table['version']
        p.printf('IP Virtual Server version %d.%d.%d (size=%d)\n',
                 v[0], v[1], v[2], table['size'])
    svcs = table['svcs']
    if not fmt & FMT_NOSORT:
        svcs = qsort(svcs, ipvs_cmp_services)
    print_title(p, fmt)
    for se in svcs:
        print_service_entry(p, se, fmt)


def list_service(p, table, key, fmt):
    proto, af, addr, port = key
    found = [s for s in table['svcs']
             if (s['protocol'], s['af'], s['addr'], s['port']) ==
             (proto, af, addr, port)]
    assert len(found) == 1, 'the service of -t/-u is not in the reply'
    print_title(p, fmt)
    print_service_entry(p, found[0], fmt)


def print_conn(p, c, fmt):
    # /proc/net/ip_vs_conn gives "TCP"/"UDP" and the state name as is
    protocol = c['proto'].upper()
    proto = {'TCP': IPPROTO_TCP, 'UDP': IPPROTO_UDP}.get(protocol, 0)
    cname = addrport_to_anyname(*any_addr(c['cip']), int(c['cport']),
                                proto, fmt)
    vname = addrport_to_anyname(*any_addr(c['vip']), int(c['vport']),
                                proto, fmt)
    dname = addrport_to_anyname(*any_addr(c['rip']), int(c['rport']),
                                proto, fmt)
    expires = int(c['expires'])
    seconds = expires % 60
    minutes = expires // 60
    expire_str = '%02d:%02d' % (minutes, seconds)
    # no PE on these conns: the kernel row has 9 fields, not 11
    p.printf('%-3s %-6s %-11s %-18s %-18s %s\n',
             protocol, expire_str, c['state'], cname, vname, dname)


def list_conn(p, table, fmt):
    p.printf('IPVS connection entries\n')
    if fmt & FMT_PERSISTENTCONN:
        p.printf('pro expire %-11s %-18s %-18s %-18s %-16s %s\n',
                 'state', 'source', 'virtual', 'destination',
                 'pe name', 'pe_data')
    else:
        p.printf('pro expire %-11s %-18s %-18s %s\n',
                 'state', 'source', 'virtual', 'destination')
    for c in table['conns']:
        print_conn(p, c, fmt)


def list_timeout(p, table):
    p.printf('Timeout (tcp tcpfin udp): %d %d %d\n', *table['timeout'])


# ----------------------------------------------------------- .args files

FLAGS = {
    '-n': FMT_NUMERIC, '--stats': FMT_STATS, '--rate': FMT_RATE,
    '--exact': FMT_EXACT, '--thresholds': FMT_THRESHOLDS,
    '--persistent-conn': FMT_PERSISTENTCONN, '--nosort': FMT_NOSORT,
    '--tun-info': FMT_TUN_INFO,
}


def render(reply_text, args_line):
    """The bytes ipvsadm prints for this state and these arguments."""
    words = args_line.split()
    printer, fmt, key, i = words[0], 0, None, 1
    while i < len(words):
        w = words[i]
        if w in ('-t', '-u'):
            addr, port = words[i + 1].rsplit(':', 1)
            key = ({'-t': IPPROTO_TCP, '-u': IPPROTO_UDP}[w],
                   *any_addr(addr.strip('[]')), int(port))
            i += 2
            continue
        fmt |= FLAGS[w]
        i += 1
    table = parse_reply(reply_text)
    p = Printer()
    if printer == 'list' and key:
        list_service(p, table, key, fmt)
    elif printer == 'list':
        list_all(p, table, fmt)
    elif printer == 'save':             # CMD_SAVE: format |= FMT_RULE
        list_all(p, table, fmt | FMT_RULE)
    elif printer == 'conns':
        list_conn(p, table, fmt)
    elif printer == 'timeout':
        list_timeout(p, table)
    else:
        raise ValueError('unknown printer ' + printer)
    return p.text()


# ------------------------------------------------------- uvsd's replies
# The lines fwd/control/ctl.c writes (do_list, list_dest, list_stats, do_conns,
# do_timeout), in its key order. outpkts/outbytes are not sent by uvsd
# (DR sees no replies); a case may add them to fill those columns.

def info(size=4096, conns=0):
    return 'info version=1.2.1 size=%d conns=%d\n' % (size, conns)


def stats_text(conns=0, inpkts=0, inbytes=0, cps=0, inpps=0, inbps=0,
               outpkts=None, outbytes=None, outpps=0, outbps=0):
    s = ' conns=%d inpkts=%d' % (conns, inpkts)
    if outpkts is not None:
        s += ' outpkts=%d' % outpkts
    s += ' inbytes=%d' % inbytes
    if outbytes is not None:
        s += ' outbytes=%d' % outbytes
    return s + ' cps=%d inpps=%d outpps=%d inbps=%d outbps=%d' % (
        cps, inpps, outpps, inbps, outbps)


def svc(proto, vip, vport, sched='wlc', flags=IP_VS_SVC_F_HASHED,
        timeout=0, netmask='255.255.255.255', **st):
    return ('svc proto=%s vip=%s vport=%d sched=%s flags=%d timeout=%d '
            'netmask=%s%s\n' % (proto, vip, vport, sched, flags, timeout,
                                netmask, stats_text(**st)))


def dest(rip, rport, weight=1, active=0, inactive=0, persist=0, uthr=0,
         lthr=0, hw='none', **st):
    return ('dest rip=%s rport=%d fwd=route weight=%d active=%d '
            'inactive=%d persist=%d uthr=%d lthr=%d hw=%s%s\n' % (
                rip, rport, weight, active, inactive, persist, uthr, lthr,
                hw, stats_text(**st)))


def conn(proto, cip, cport, vip, vport, rip, rport, state, expires):
    return ('conn proto=%s cip=%s cport=%d vip=%s vport=%d rip=%s '
            'rport=%d state=%s expires=%d\n' % (proto, cip, cport, vip,
                                                vport, rip, rport, state,
                                                expires))


def timeout(tcp, tcpfin, udp):
    return 'timeout tcp=%d tcpfin=%d udp=%d\n' % (tcp, tcpfin, udp)


OK = 'ok\n'
HI = '255.255.255.255'          # the longest IPv4 address, 21 with :65535
PERSIST = IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_HASHED
F1, F2, F3 = IP_VS_SVC_F_SCHED1, IP_VS_SVC_F_SCHED2, IP_VS_SVC_F_SCHED3

# Services out of order on purpose: host-order sorting puts 198.18.0.10
# before 198.18.1.9 and port 80 before 443 before 8080, which byte-order
# (network order read as little-endian) would not.
TABLE = (info()
         + svc('udp', '198.18.0.10', 53, sched='rr')
         + dest('198.18.0.12', 53, inactive=12)
         + dest('198.18.0.11', 53, inactive=7, hw='02:00:00:00:00:0b')
         + svc('tcp', HI, 65535)
         + dest(HI, 65535, weight=65535, active=U32_MAX, inactive=U32_MAX)
         + dest('198.18.0.13', 65535, weight=0)
         + svc('tcp', '198.18.1.9', 80, sched='rr')
         + svc('tcp', '198.18.0.10', 8080, sched='wrr')
         + dest('198.18.0.11', 8080, weight=3)
         + svc('tcp', '198.18.0.10', 80)
         + dest('198.18.0.13', 80, weight=0, inactive=65535)
         + dest('198.18.0.11', 80, active=10, inactive=200)
         + dest('198.18.0.12', 80, weight=2, active=3, inactive=4)
         + svc('tcp', '198.18.0.10', 443, sched='lc')
         + dest('198.18.0.11', 443, weight=1, active=1234567890,
                inactive=9876543)
         + OK)

# Every service flag ipvsadm prints, in -L and -S forms.
FLAGS_TABLE = (info()
               + svc('tcp', '198.18.0.10', 80, flags=PERSIST, timeout=360)
               + dest('198.18.0.11', 80, weight=65535)
               + svc('tcp', '198.18.0.10', 81, sched='rr',
                     flags=F1 | F2 | F3)
               + svc('tcp', '198.18.0.10', 82, sched='sh', flags=F1 | F2)
               + svc('tcp', '198.18.0.10', 83, sched='sh', flags=F3)
               + svc('tcp', '198.18.0.10', 84, sched='mh',
                     flags=PERSIST | F1 | F2, timeout=MAX_TIMEOUT,
                     netmask='255.255.255.0')
               + svc('tcp', '198.18.0.10', 85, sched='mh', flags=F3)
               + svc('tcp', '198.18.0.10', 86, sched='wrr',
                     netmask='255.255.0.0')
               + svc('tcp', '198.18.0.10', 87, sched='lblcr', flags=F2)
               + svc('tcp', '198.18.0.10', 88, sched='twos', flags=PERSIST,
                     timeout=1, netmask='0.0.0.0')
               + svc('udp', '198.18.0.10', 0, sched='sh',
                     flags=PERSIST | IP_VS_SVC_F_ONEPACKET | F1,
                     timeout=300, netmask='255.255.255.0')
               + dest('198.18.0.12', 0, weight=0)
               + svc('udp', '198.18.0.10', 53, sched='rr',
                     flags=IP_VS_SVC_F_HASHED | IP_VS_SVC_F_ONEPACKET)
               + dest(HI, 53, weight=7)
               + OK)

# Names: 127.0.0.1 only (see the top). 40000 has no name in /etc/services.
NAMES_TABLE = (info()
               + svc('udp', '127.0.0.1', 53, sched='rr')
               + dest('127.0.0.1', 53)
               + svc('tcp', '127.0.0.1', 443, sched='rr', flags=PERSIST,
                     timeout=600)
               + dest('127.0.0.1', 443, weight=5)
               + svc('tcp', '127.0.0.1', 80)
               + dest('127.0.0.1', 80, active=2, inactive=3)
               + svc('tcp', '127.0.0.1', 40000, sched='sh', flags=F2)
               + dest('127.0.0.1', 40000, weight=0)
               + OK)

# Names only the fixtures know (vip.lab, rs1.lab, uvs-echo 9000/udp): a
# printer that asked this host's resolver instead would print numbers.
# 198.18.0.12 has no name there, so it prints as numbers.
FIXTURE_TABLE = (info()
                 + svc('udp', '198.18.0.10', 9000, sched='rr')
                 + dest('198.18.0.12', 9000)
                 + dest('198.18.0.11', 9000, weight=2)
                 + svc('tcp', '198.18.0.10', 80, sched='rr')
                 + dest('198.18.0.11', 80)
                 + OK)

# print_largenum's edges: the last plain number, then the first and last
# of K, M, G and T, and 2^64-1 (18446744T, still 8 digits).
STATS_TABLE = (info()
               + svc('tcp', HI, 65535, conns=99999999, inpkts=100000000,
                     outpkts=999999999, inbytes=1000000000,
                     outbytes=99999999999)
               + dest(HI, 65535, conns=100000000000, inpkts=99999999999999,
                      outpkts=100000000000000, inbytes=U64_MAX,
                      outbytes=10**17)
               + svc('tcp', '198.18.0.10', 80, conns=12, inpkts=345,
                     inbytes=123456789012)
               + dest('198.18.0.12', 80, conns=0, inpkts=0, inbytes=0)
               + dest('198.18.0.11', 80, conns=12, inpkts=345,
                      inbytes=123456789012)
               + svc('udp', '198.18.0.10', 53, sched='rr', conns=1,
                     inpkts=99999999, inbytes=100000000000000)
               + OK)

# --rate: service rows use print_largenum, dest rows "%8llu" for the
# first three, so a dest CPS of 10^8 or more widens its row.
RATE_TABLE = (info()
              + svc('tcp', HI, 65535, cps=99999999, inpps=100000000,
                    inbps=1000000000)
              + dest(HI, 65535, cps=100000000, inpps=99999999,
                     inbps=99999999999)
              + dest('198.18.0.11', 65535, cps=12345678901, inpps=U32_MAX,
                     inbps=100000000000000)
              + svc('udp', '198.18.0.10', 53, sched='rr', cps=1, inpps=20,
                    inbps=1300)
              + dest('198.18.0.12', 53, cps=1, inpps=20, inbps=1300)
              + OK)

THRESH_TABLE = (info()
                + svc('tcp', '198.18.0.10', 80, flags=PERSIST, timeout=360)
                + dest(HI, 80, weight=65535, active=7, inactive=8,
                       persist=INT_MAX, uthr=INT_MAX, lthr=INT_MAX)
                + dest('198.18.0.11', 80, weight=0, active=0, inactive=0,
                       persist=0, uthr=0, lthr=0)
                + dest('198.18.0.12', 80, weight=1, active=99, inactive=1,
                       persist=U32_MAX, uthr=100, lthr=75)
                + OK)

CONNS = (conn('tcp', '198.18.0.100', 40000, '198.18.0.10', 80,
              '198.18.0.11', 80, 'ESTABLISHED', 899)
         + conn('tcp', HI, 65535, HI, 65535, HI, 65535, 'SYN_RECV', 60)
         + conn('tcp', '198.18.0.101', 1024, '198.18.0.10', 80,
                '198.18.0.12', 80, 'FIN_WAIT', 0)
         + conn('udp', '198.18.0.102', 5353, '198.18.0.10', 53,
                '198.18.0.12', 53, 'UDP', 300)
         + conn('tcp', '198.18.0.100', 0, '198.18.0.10', 80,
                '198.18.0.11', 0, 'NONE', 359)
         + conn('tcp', '198.18.0.103', 2000, '198.18.0.10', 80,
                '198.18.0.11', 80, 'TIME_WAIT', 3599)
         + conn('tcp', '198.18.0.104', 2001, '198.18.0.10', 80,
                '198.18.0.11', 80, 'CLOSE_WAIT', 3600)
         + conn('tcp', '198.18.0.105', 2002, '198.18.0.10', 80,
                '198.18.0.11', 80, 'ESTABLISHED', MAX_TIMEOUT)
         + OK)

NAMES_CONNS = (conn('tcp', '127.0.0.1', 40000, '127.0.0.1', 80,
                    '127.0.0.1', 80, 'ESTABLISHED', 900)
               + conn('udp', '127.0.0.1', 40001, '127.0.0.1', 53,
                      '127.0.0.1', 53, 'UDP', 299)
               + conn('tcp', '127.0.0.1', 0, '127.0.0.1', 443,
                      '127.0.0.1', 0, 'NONE', 600)
               + OK)

# 10.0.0.1 - 192.168.0.1 wraps positive in libipvs's int, so ipvsadm
# lists 192.168.0.1 first; two of each keeps the order well defined.
WRAP_TABLE = (info(size=256)
              + svc('tcp', '10.0.0.1', 80, sched='rr')
              + dest('10.0.0.2', 80)
              + dest('192.168.0.2', 80)
              + svc('tcp', '192.168.0.1', 80, sched='rr')
              + OK)

# IPv6 beside IPv4: every v4 service lists first (libipvs compares the
# family first), v6 addresses sort word by word, bracketed names are
# never cut (ipvsadm cuts AF_INET names only), -M is a prefix length
# (128, the default, is not printed).
V6_LONG = '2001:db8:ffff:ffff:ffff:ffff:ffff:fffe'     # 47 with [..]:65535
V6_TABLE = (info()
            + svc('tcp', '2001:db8::10', 80, sched='rr', netmask='128',
                  conns=7, inpkts=70, inbytes=7000, cps=1, inpps=2,
                  inbps=300)
            + dest('2001:db8::12', 80, active=2, inactive=1)
            + dest('2001:db8::1:11', 80, weight=3)
            + dest('2001:db8::11', 80, inactive=4, conns=5, inpkts=50,
                   inbytes=5000)
            + svc('udp', '2001:db8::10', 53, sched='sh', netmask='128',
                  flags=IP_VS_SVC_F_HASHED | F1)
            + dest(V6_LONG, 53, weight=2)
            + svc('tcp', '198.18.0.10', 80)
            + dest('198.18.0.11', 80)
            + svc('tcp', '2001:db8::20', 0, sched='sh', flags=PERSIST,
                  timeout=300, netmask='64')
            + dest('2001:db8::21', 0, persist=3)
            + svc('tcp', V6_LONG, 65535, sched='lblc', flags=PERSIST,
                  timeout=60, netmask='128')
            + dest(V6_LONG, 65535, uthr=100, lthr=10)
            + OK)

V6_CONNS = (conn('tcp', '2001:db8::100', 40000, '2001:db8::10', 80,
                 '2001:db8::11', 80, 'ESTABLISHED', 899)
            + conn('udp', '2001:db8::101', 5353, '2001:db8::10', 53,
                   V6_LONG, 53, 'UDP', 299)
            + conn('tcp', '198.18.0.100', 40001, '198.18.0.10', 80,
                   '198.18.0.11', 80, 'SYN_RECV', 59)
            + OK)

CASES = {
    # name: (reply, args)
    'v6_list_numeric': (V6_TABLE, 'list -n'),
    'v6_list_nosort': (V6_TABLE, 'list -n --nosort'),
    'v6_list_names': (V6_TABLE, 'list'),
    'v6_list_one_service': (V6_TABLE, 'list -n -t [2001:db8::10]:80'),
    'v6_list_one_service_udp': (V6_TABLE, 'list -n -u [2001:db8::10]:53'),
    'v6_stats': (V6_TABLE, 'list -n --stats'),
    'v6_rate': (V6_TABLE, 'list -n --rate'),
    'v6_thresholds': (V6_TABLE, 'list -n --thresholds'),
    'v6_persistent_conn': (V6_TABLE, 'list -n --persistent-conn'),
    'v6_save_numeric': (V6_TABLE, 'save -n'),
    'v6_save_names': (V6_TABLE, 'save'),
    'v6_conns_numeric': (V6_CONNS, 'conns -n'),
    'v6_conns_names': (V6_CONNS, 'conns'),
    'list_numeric': (TABLE, 'list -n'),
    'list_nosort': (TABLE, 'list -n --nosort'),
    'list_empty': (info() + OK, 'list -n'),
    'list_sort_wrap': (WRAP_TABLE, 'list -n'),
    'list_one_service': (TABLE, 'list -n -t 198.18.0.10:80'),
    'list_one_service_nosort': (TABLE, 'list -n --nosort -t 198.18.0.10:80'),
    'list_one_service_udp': (TABLE, 'list -n -u 198.18.0.10:53'),
    'list_one_service_stats': (STATS_TABLE,
                               'list -n --stats -t 198.18.0.10:80'),
    'list_flags': (FLAGS_TABLE, 'list -n'),
    'list_names': (NAMES_TABLE, 'list'),
    'list_names_stats': (NAMES_TABLE, 'list --stats'),
    'list_names_one_service': (NAMES_TABLE, 'list -t 127.0.0.1:80'),
    'list_names_fixture': (FIXTURE_TABLE, 'list'),
    'save_names_fixture': (FIXTURE_TABLE, 'save'),
    'stats': (STATS_TABLE, 'list -n --stats'),
    'stats_exact': (STATS_TABLE, 'list -n --stats --exact'),
    # not exclusive in ipvsadm: print_title and print_service_entry test
    # FMT_STATS first, then FMT_RATE, then FMT_THRESHOLDS, ...
    'stats_and_rate': (RATE_TABLE, 'list -n --rate --stats'),
    'thresholds_and_persistent_conn': (THRESH_TABLE,
                                       'list -n --persistent-conn '
                                       '--thresholds'),
    'rate': (RATE_TABLE, 'list -n --rate'),
    'rate_exact': (RATE_TABLE, 'list -n --rate --exact'),
    'thresholds': (THRESH_TABLE, 'list -n --thresholds'),
    'persistent_conn': (THRESH_TABLE, 'list -n --persistent-conn'),
    'tun_info': (TABLE, 'list -n --tun-info'),
    'save_numeric': (TABLE, 'save -n'),
    'save_flags': (FLAGS_TABLE, 'save -n'),
    'save_names': (NAMES_TABLE, 'save'),
    'save_empty': (info() + OK, 'save -n'),
    'conns_numeric': (CONNS, 'conns -n'),
    'conns_persistent': (CONNS, 'conns -n --persistent-conn'),
    'conns_names': (NAMES_CONNS, 'conns'),
    'conns_empty': (OK, 'conns -n'),
    'timeout': (timeout(900, 120, 300) + OK, 'timeout'),
    'timeout_max': (timeout(MAX_TIMEOUT, MAX_TIMEOUT, 0) + OK, 'timeout'),
}


# ------------------------------------------------------------------ main

def update(path, data, check, stale):
    try:
        with open(path, 'rb') as f:
            if f.read() == data:
                return
    except FileNotFoundError:
        pass
    stale.append(os.path.basename(path))
    if not check:
        with open(path, 'wb') as f:
            f.write(data)


def main():
    check = sys.argv[1:] == ['--check']
    if sys.argv[1:] and not check:
        sys.exit('usage: make_golden.py [--check]')
    stale = []
    for name, (reply, args) in sorted(CASES.items()):
        base = os.path.join(HERE, name)
        update(base + '.reply', reply.encode(), check, stale)
        update(base + '.args', (args + '\n').encode(), check, stale)
    names = sorted(f[:-len('.reply')] for f in os.listdir(HERE)
                   if f.endswith('.reply'))
    for name in names:
        base = os.path.join(HERE, name)
        if check and name in CASES:
            reply, args = CASES[name]
        else:
            with open(base + '.reply') as f:
                reply = f.read()
            with open(base + '.args') as f:
                args = f.read().strip()
        update(base + '.out', render(reply, args), check, stale)
    if stale:
        print('%s: %s' % ('out of date' if check else 'wrote',
                          ' '.join(stale)))
    sys.exit(1 if check and stale else 0)


if __name__ == '__main__':
    main()
