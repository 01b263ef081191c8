/*
 * libFuzzer harness for the director's whole packet stage
 * (fwd/data/forward.c uvs_fwd_frame) over a small live table: the input is a
 * script of steps, each one byte of opcode and a few bytes of argument.
 * Steps send a frame (raw bytes, or a well-formed TCP/UDP frame to a VIP
 * built from a few fuzzed fields, so the conn table and the schedulers
 * are reached at once, maybe with an 802.1Q tag taken off; or a fragment
 * of a datagram, or an ICMP error quoting a flow), answer ARP, move the clock, or change the table
 * exactly as fwd/control/director.c does (add/edit/delete a dest or a service,
 * a neighbour turning valid or failed, health checks taking a dest out
 * or back, clear, --set).
 *
 * After every step the table is checked whole: each dest's active,
 * inactive and persistent counts equal the flows and templates bound to
 * it; every flow's template is a live template that counts it; every
 * flow can be found by its key; a forwarded frame goes to a dest's MAC
 * with its IP bytes untouched, and so do held fragments released; the
 * fragment tracker's ring and hold slots stay within their capacity. A broken invariant aborts, which libFuzzer
 * reports as a crash with the input that led there.
 */
#include <arpa/inet.h>
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwd/data/forward.h"

#define T0		1000u
#define FRAME_MAX	256
#define NRS		4		/* real servers 198.18.0.11..14 */
#define NSVC		3
#define NSCHED_MAX	32
#define CONNS_MAX	16		/* conn table capacity, at most */
#define FRAGS_MAX	8		/* datagrams tracked, at most */
#define FRAG_HOLD	4		/* early fragments held */

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The services a script plays with: TCP VIP:80, UDP VIP:53, TCP VIP:0 -p. */
static const struct {
	uint8_t		 proto;
	uint16_t	 port;
} svc_keys[NSVC] = {
	{ IPPROTO_TCP, 80 }, { IPPROTO_UDP, 53 }, { IPPROTO_TCP, 0 },
};

struct script {
	const uint8_t	*p, *end;
};

struct run {
	struct uvs_fwd	 fw;
	int		 trace;		/* $FUZZ_FORWARD_TRACE: print steps */
	uint32_t	 now;
	uint32_t	 vip;
	const char	*sched[NSCHED_MAX];
	size_t		 nsched;
};

static uint8_t
next(struct script *s)
{
	return s->p < s->end ? *s->p++ : 0;
}

static uint32_t
rs_addr(unsigned i)
{
	return htonl(0xc6120000u | (11 + i));	/* 198.18.0.11 + i */
}

static void
rs_mac(unsigned i, uint8_t *mac)
{
	static const uint8_t base[6] = { 0x02, 0, 0, 0, 0, 0x11 };

	memcpy(mac, base, 6);
	mac[5] = (uint8_t)(0x11 + i);
}

static void __attribute__((format(printf, 2, 3)))
say(const struct run *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->trace)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "  t=%u ", r->now);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void __attribute__((noreturn))
broken(const char *what)
{
	fprintf(stderr, "fuzz_forward: invariant broken: %s\n", what);
	abort();
}

/* --- the table, changed the way fwd/control/director.c changes it --- */

static struct uvs_svc *
svc_of(struct run *r, unsigned k)
{
	union uvs_inaddr vip = uvs_inaddr4(r->vip);

	return uvs_svc_find(&r->fw.svcs, svc_keys[k].proto, AF_INET, &vip,
	    htons(svc_keys[k].port));
}

/* uvs_dir_add_service through ctlreq's rules: port 0 needs -p. */
static void
svc_add(struct run *r, unsigned k, uint8_t sched, uint8_t flags,
    uint8_t timeout)
{
	struct uvs_svc_conf c = { .proto = svc_keys[k].proto, .af = AF_INET,
	    .addr = uvs_inaddr4(r->vip), .port = htons(svc_keys[k].port),
	    .netmask = 0xffffffff };

	snprintf(c.sched, sizeof(c.sched), "%s", r->sched[sched % r->nsched]);
	c.flags = flags & (UVS_SVC_F_PERSISTENT | UVS_SVC_F_SCHED1 |
	    UVS_SVC_F_SCHED2);
	/* -o is for UDP services only (ctlreq refuses it elsewhere) */
	if (svc_keys[k].proto == IPPROTO_UDP)
		c.flags |= flags & UVS_SVC_F_ONEPACKET;
	if (svc_keys[k].port == 0)
		c.flags |= UVS_SVC_F_PERSISTENT;
	c.timeout = timeout;
	if ((c.flags & UVS_SVC_F_PERSISTENT) && c.timeout == 0)
		c.timeout = 6 * 60;
	if (flags & 0x80)
		c.netmask = htonl(0xffffff00);
	if (svc_of(r, k))
		(void)uvs_svc_edit(&r->fw.svcs, &c);
	else
		(void)uvs_svc_add(&r->fw.svcs, &c);
}

static void
svc_del(struct run *r, unsigned k)
{
	struct uvs_svc *svc = svc_of(r, k);
	unsigned i;

	if (!svc)
		return;
	for (i = 0; i < svc->ndests; i++)
		uvs_fwd_flush_dest(&r->fw, svc->dests[i]);
	uvs_svc_del(&r->fw.svcs, svc);
}

/* A dest we already know the MAC of, in any service (known_dest). */
static const struct uvs_dest *
known_dest(struct run *r, uint32_t addr)
{
	const struct uvs_svc_table *t = &r->fw.svcs;
	unsigned i, k;

	for (i = 0; i < t->nsvcs; i++)
		for (k = 0; k < t->svcs[i]->ndests; k++) {
			const struct uvs_dest *d = t->svcs[i]->dests[k];

			if (d->addr.ip == addr &&
			    !(d->flags & UVS_DEST_F_NOHWADDR))
				return d;
		}
	return NULL;
}

static void
dest_add(struct run *r, struct uvs_svc *svc, unsigned i, int resolved)
{
	struct uvs_dest_conf c = { .af = AF_INET,
	    .addr = uvs_inaddr4(rs_addr(i)), .port = svc->port, .weight = 1 };
	const struct uvs_dest *known = known_dest(r, c.addr.ip);
	struct uvs_dest *d;

	if (!known && !resolved)
		c.flags = UVS_DEST_F_NOHWADDR;
	if (uvs_dest_add(svc, &c) < 0)
		return;
	d = uvs_dest_find(svc, &c.addr, c.port);
	rs_mac(i, d->hwaddr);
}

/* neigh_news(): a real server's MAC became valid (or failed). */
static void
neigh(struct run *r, unsigned i, int valid)
{
	struct uvs_svc_table *t = &r->fw.svcs;
	unsigned s, k;

	for (s = 0; s < t->nsvcs; s++) {
		struct uvs_svc *svc = t->svcs[s];
		int changed = 0;

		for (k = 0; k < svc->ndests; k++) {
			struct uvs_dest *d = svc->dests[k];

			if (d->addr.ip != rs_addr(i))
				continue;
			if (valid) {
				rs_mac(i, d->hwaddr);
				changed |= d->flags & UVS_DEST_F_NOHWADDR;
				d->flags &= ~UVS_DEST_F_NOHWADDR;
			} else {
				changed |= !(d->flags & UVS_DEST_F_NOHWADDR);
				d->flags |= UVS_DEST_F_NOHWADDR;
			}
		}
		if (changed)
			uvs_svc_changed(svc);
	}
}

/* fw_dest_switch(): health checks take a dest out (or back), maybe
 * ending its flows (on-fail remove). */
static void
health(struct uvs_svc *svc, struct run *r, struct uvs_dest *d, int out,
    int flush)
{
	if (flush)
		uvs_fwd_flush_dest(&r->fw, d);
	uvs_dest_set_out(svc, d, out);
}

static void
table_build(struct run *r, uint8_t sched, uint8_t flags, uint8_t ndests)
{
	unsigned k, i;

	for (k = 0; k < NSVC; k++) {
		svc_add(r, k, (uint8_t)(sched + k), k ? 0 : flags, 0);
		for (i = 0; i < 1u + (ndests & 3); i++)
			dest_add(r, svc_of(r, k), i, 1);
	}
}

static void
table_clear(struct run *r)
{
	uvs_fwd_flush_dest(&r->fw, NULL);
	uvs_svc_table_free(&r->fw.svcs);
	uvs_svc_table_init(&r->fw.svcs);
}

/* One control step: what uvsadm (or the kernel's neighbour news) does. */
static void
step_control(struct run *r, struct script *s)
{
	uint8_t a = next(s), b = next(s), c = next(s);
	struct uvs_svc *svc = svc_of(r, (a >> 4) % NSVC);
	unsigned i = a & (NRS - 1);
	union uvs_inaddr rip = uvs_inaddr4(rs_addr(i));
	struct uvs_dest *d = svc ? uvs_dest_find(svc, &rip, svc->port) : NULL;
	struct uvs_dest_conf dc;

	switch ((a >> 2) & 3) {
	case 0:		/* the neighbour table's news, or health checks' */
		if (!(b & 2)) {
			say(r, "neighbour rs%u %s", i, b & 1 ? "valid" :
			    "failed");
			neigh(r, i, b & 1);
		} else if (d) {
			say(r, "svc%u: health takes rs%u %s%s", (a >> 4) % NSVC,
			    i, b & 1 ? "back" : "out", b & 4 ? ", flows end" :
			    "");
			health(svc, r, d, !(b & 1), b & 4);
		}
		break;
	case 1:		/* -a / -e / -d */
		if (!svc)
			break;
		if (!d) {
			say(r, "svc%u: add rs%u", (a >> 4) % NSVC, i);
			dest_add(r, svc, i, b & 1);
		} else if (b & 1) {
			say(r, "svc%u: delete rs%u", (a >> 4) % NSVC, i);
			uvs_fwd_flush_dest(&r->fw, d);
			uvs_dest_del(svc, d);
		} else {
			memset(&dc, 0, sizeof(dc));
			dc.addr = d->addr;
			dc.port = d->port;
			dc.weight = (b >> 1) & 3;
			dc.u_threshold = (b >> 3) & 3;
			dc.l_threshold = (b >> 5) & 3;
			say(r, "svc%u: edit rs%u -w %d -x %u -y %u",
			    (a >> 4) % NSVC, i, dc.weight, dc.u_threshold,
			    dc.l_threshold);
			(void)uvs_dest_edit(svc, d, &dc);
		}
		break;
	case 2:		/* -A / -E / -D */
		if (b & 1) {
			say(r, "svc%u: delete", (a >> 4) % NSVC);
			svc_del(r, (a >> 4) % NSVC);
		} else {
			uint8_t timeout = next(s);

			say(r, "svc%u: add/edit sched %s flags 0x%02x "
			    "timeout %u", (a >> 4) % NSVC,
			    r->sched[(b >> 1) % r->nsched], c, timeout);
			svc_add(r, (a >> 4) % NSVC, b >> 1, c, timeout);
		}
		break;
	default:	/* -C, or --set tcp tcpfin udp (0 keeps) */
		if (b == 0xff) {
			say(r, "clear");
			table_clear(r);
		} else {
			struct uvs_timeouts *to = &r->fw.conns.timeouts;

			if (b)
				to->t[UVS_TCP_ESTABLISHED] = b;
			if (c)
				to->t[UVS_TCP_FIN_WAIT] = c;
			if (a & 0x40)
				to->t[UVS_UDP_NORMAL] = 1u + (b & 31);
		}
		break;
	}
}

/* --- frames --- */

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The IPv4 header checksum made right, when the header is there. */
static void
ip_seal(uint8_t *f, size_t len)
{
	uint8_t *h = f + ETH_HLEN;
	size_t ihl, i;
	uint32_t sum = 0;

	if (len < ETH_HLEN + 20)
		return;
	ihl = (size_t)(h[0] & 0x0f) * 4;
	if (ihl < 20 || ETH_HLEN + ihl > len)
		return;
	h[10] = h[11] = 0;
	for (i = 0; i < ihl; i += 2)
		sum += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(h + 10, (uint16_t)~sum);
}

/* A good TCP or UDP frame from client k:cport to VIP:vport. */
static size_t
frame_build(struct run *r, uint8_t *f, uint8_t sel, uint8_t cport,
    uint8_t flags)
{
	static const uint16_t vports[4] = { 80, 53, 8080, 443 };
	uint32_t caddr = htonl(0xc6120100u | (uint32_t)(sel >> 3));
	int udp = sel & 1;
	uint8_t *h = f + ETH_HLEN, *l4 = h + 20;
	size_t l4len = udp ? 8 : 20;

	memset(f, 0, ETH_HLEN + 20 + l4len);
	f[0] = 0x02;
	f[5] = 0x01;		/* the director's MAC */
	f[6] = 0x02;
	f[11] = 0x42;
	put16(f + 12, ETHERTYPE_IP);
	h[0] = 0x45;
	put16(h + 2, (uint16_t)(20 + l4len));
	h[8] = 64;
	h[9] = udp ? IPPROTO_UDP : IPPROTO_TCP;
	memcpy(h + 12, &caddr, 4);
	memcpy(h + 16, &r->vip, 4);
	put16(l4, (uint16_t)(40000 + (cport & 7)));
	put16(l4 + 2, vports[(sel >> 1) & 3]);
	if (udp) {
		put16(l4 + 4, 8);
	} else {
		l4[12] = 5 << 4;
		l4[13] = flags;
	}
	ip_seal(f, ETH_HLEN + 20 + l4len);
	return ETH_HLEN + 20 + l4len;
}

static size_t
frame_raw(struct run *r, struct script *s, uint8_t *f, uint8_t op)
{
	size_t len = next(s), n = (size_t)(s->end - s->p);

	if (len > n)
		len = n;
	memcpy(f, s->p, len);
	s->p += len;
	/* aim it at the VIP and seal it, or leave the bytes as they came */
	if ((op & 0x40) && len >= ETH_HLEN + 20)
		memcpy(f + ETH_HLEN + 16, &r->vip, 4);
	if (op & 0x80)
		ip_seal(f, len);
	return len;
}

/*
 * A piece of a 48-byte datagram from client (a >> 3):40000 + (c & 7) to
 * VIP:80/53 (TCP/UDP by a & 1), IP id b & 3, in three fragments of 16
 * bytes: which one by (b >> 2) & 3 (0 first, 1 middle, 2 last); 3 is an
 * ICMP error (type 3/11/4/0 by c >> 6) quoting the reply VIP:vport ->
 * client:cport.
 */
static size_t
frame_frag(struct run *r, uint8_t *f, uint8_t a, uint8_t b, uint8_t c)
{
	static const uint8_t icmp_types[4] = { 3, 11, 4, 0 };
	uint32_t caddr = htonl(0xc6120100u | (uint32_t)(a >> 3)), sum = 0;
	int udp = a & 1, piece = (b >> 2) & 3, i;
	uint16_t vport = udp ? 53 : 80, cport = (uint16_t)(40000 + (c & 7));
	uint8_t *h = f + ETH_HLEN, *l4 = h + 20;

	memset(f, 0, ETH_HLEN + 20 + 36);
	f[0] = 0x02;
	f[5] = 0x01;
	f[6] = 0x02;
	f[11] = 0x42;
	put16(f + 12, ETHERTYPE_IP);
	h[0] = 0x45;
	h[8] = 64;
	memcpy(h + 16, &r->vip, 4);
	if (piece == 3) {
		put16(h + 2, 20 + 36);
		h[9] = IPPROTO_ICMP;
		memcpy(h + 12, &(uint32_t){ htonl(0xc6120001u) }, 4);
		l4[0] = icmp_types[c >> 6];
		l4[1] = (c >> 3) & 7;
		l4[8] = 0x45;
		l4[8 + 9] = udp ? IPPROTO_UDP : IPPROTO_TCP;
		memcpy(l4 + 8 + 12, &r->vip, 4);
		memcpy(l4 + 8 + 16, &caddr, 4);
		put16(l4 + 28, vport);
		put16(l4 + 30, cport);
		for (i = 0; i < 36; i += 2)
			sum += (uint32_t)(l4[i] << 8 | l4[i + 1]);
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		put16(l4 + 2, (uint16_t)~sum);
		ip_seal(f, ETH_HLEN + 20 + 36);
		return ETH_HLEN + 20 + 36;
	}
	put16(h + 2, 20 + 16);
	put16(h + 4, (uint16_t)(b & 3));
	put16(h + 6, (uint16_t)(piece * 2 | (piece < 2 ? 0x2000 : 0)));
	h[9] = udp ? IPPROTO_UDP : IPPROTO_TCP;
	memcpy(h + 12, &caddr, 4);
	if (piece == 0 && udp) {
		put16(l4, cport);
		put16(l4 + 2, vport);
		put16(l4 + 4, 48);
	} else if (piece == 0) {
		/* a TCP first fragment holds its whole 20-byte header */
		put16(h + 2, 20 + 24);
		put16(l4, cport);
		put16(l4 + 2, vport);
		l4[12] = 5 << 4;
		l4[13] = c & 0x3f;
		put16(h + 6, 0x2000);
		ip_seal(f, ETH_HLEN + 20 + 24);
		return ETH_HLEN + 20 + 24;
	}
	ip_seal(f, ETH_HLEN + 20 + 16);
	return ETH_HLEN + 20 + 16;
}

static size_t
frame_arp(struct run *r, uint8_t *f, uint8_t sel)
{
	uint32_t spa = htonl(0xc6120164u), tpa = sel & 1 ? r->vip :
	    rs_addr(sel & 3);

	memset(f, 0, 42);
	memset(f, 0xff, 6);
	f[6] = 0x02;
	f[11] = 0x42;
	put16(f + 12, ETHERTYPE_ARP);
	put16(f + 14, ARPHRD_ETHER);
	put16(f + 16, ETHERTYPE_IP);
	f[18] = 6;
	f[19] = 4;
	put16(f + 20, sel & 2 ? ARPOP_REPLY : ARPOP_REQUEST);
	memcpy(f + 22, f + 6, 6);
	memcpy(f + 28, &spa, 4);
	memcpy(f + 38, &tpa, 4);
	return 42;
}

static void	check_dest_mac(const uint8_t *f);

/* A forwarded frame goes to some dest's MAC, from ours, IP untouched. */
static void
check_forwarded(const uint8_t *f, const uint8_t *orig, size_t len)
{
	if (memcmp(f + ETH_HLEN, orig + ETH_HLEN, len - ETH_HLEN) != 0 ||
	    memcmp(f + 12, orig + 12, 2) != 0)
		broken("a forwarded frame's IP bytes changed");
	check_dest_mac(f);
}

/* Released early fragments: sent to a real server from the director. */
static void
check_held(struct run *r)
{
	uint8_t *buf;
	size_t len;
	uint16_t tci;

	while ((buf = uvs_fwd_next_held(&r->fw, &len, &tci))) {
		if (len < ETH_HLEN + 20)
			broken("a held frame shorter than its headers");
		check_dest_mac(buf);
	}
	uvs_fwd_burst_done(&r->fw);
}

static void
check_dest_mac(const uint8_t *f)
{
	static const uint8_t dir_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };

	if (memcmp(f + 6, dir_mac, 6) != 0)
		broken("a forwarded frame's source is not the director");
	if (f[0] != 0x02 || f[5] < 0x11 || f[5] >= 0x11 + NRS ||
	    f[1] | f[2] | f[3] | f[4])
		broken("a forwarded frame's destination is no real server");
}

static void
step_frame(struct run *r, struct script *s, uint8_t op)
{
	uint8_t f[FRAME_MAX], orig[FRAME_MAX];
	enum uvs_verdict verdict;
	size_t len;
	uint8_t a, b;

	uint32_t vlan = 0;

	switch (op & 3) {
	case 0:
		a = next(s);
		len = frame_build(r, f, a, next(s), next(s));
		/* the kernel took a tag off: VLAN 100, or priority only */
		if (op & 0x80)
			vlan = UVS_FWD_TAGGED | (op & 0x40 ? 100 : 0x6000);
		break;
	case 1:
		len = frame_raw(r, s, f, op);
		break;
	case 2:
		len = frame_arp(r, f, next(s));
		if (op & 0x80)
			vlan = UVS_FWD_TAGGED | (op & 0x40 ? 100 : 200);
		break;
	default:
		a = next(s);
		b = next(s);
		len = frame_frag(r, f, a, b, next(s));
		break;
	}
	memcpy(orig, f, len);
	verdict = uvs_fwd_frame_vlan(&r->fw, f, len, vlan, r->now);
	if (len >= 38)
		say(r, "frame %zu bytes from .%u:%u flags 0x%02x: verdict "
		    "%d to %02x", len, orig[29], orig[34] << 8 | orig[35],
		    len > 47 ? orig[47] : 0, verdict, f[5]);
	switch (verdict) {
	case UVS_FORWARD:
		check_forwarded(f, orig, len);
		break;
	case UVS_REPLY:
		if (len < 42 || memcmp(r->fw.arp_reply + 28, orig + 38, 4) != 0)
			broken("an ARP reply for an address nobody asked for");
		break;
	case UVS_DROP:
	case UVS_IGNORE:
	case UVS_HOLD:
		if (memcmp(f, orig, len) != 0)
			broken("a frame not forwarded was written");
		break;
	default:
		broken("unknown verdict");
	}
	check_held(r);
}

/* --- the whole-table check --- */

struct counts {
	const struct uvs_dest	*d;
	uint32_t		 active, inactive, persist;
};

static struct counts *
counts_of(struct counts *cs, unsigned n, const struct uvs_dest *d)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (cs[i].d == d)
			return &cs[i];
	return NULL;
}

static void
check_frags(const struct uvs_frag_table *t)
{
	uint32_t i, live = 0;

	if (t->head - t->tail > t->cap)
		broken("the fragment ring holds more than its capacity");
	if (t->held_now > t->nslots)
		broken("more fragments held than slots");
	for (i = 0; i < t->cap; i++) {
		const struct uvs_frag *e = &t->e[i];

		if (e->state == UVS_FRAG_FREE)
			continue;
		live++;
		if (e->state == UVS_FRAG_FWD && !e->dest)
			broken("a tracked datagram without its dest");
		if (e->state != UVS_FRAG_WAIT && e->held)
			broken("a placed datagram still holding fragments");
	}
	if (live > t->head - t->tail)
		broken("a live fragment entry outside the ring");
}

static void
check_table(struct run *r)
{
	check_frags(&r->fw.frags);
	const struct uvs_conn_table *t = &r->fw.conns;
	const struct uvs_svc_table *st = &r->fw.svcs;
	struct counts cs[NSVC * 16];
	unsigned n = 0, i, k;
	uint32_t live = 0, ctl[CONNS_MAX] = { 0 };

	for (i = 0; i < st->nsvcs; i++)
		for (k = 0; k < st->svcs[i]->ndests && n < NSVC * 16; k++) {
			memset(&cs[n], 0, sizeof(cs[n]));
			cs[n++].d = st->svcs[i]->dests[k];
		}
	for (i = 0; i < t->capacity; i++) {
		const struct uvs_conn *c = &t->conns[i];
		struct counts *x;

		if (!uvs_conn_live(t, i))
			continue;
		live++;
		if (!(x = counts_of(cs, n, c->dest)))
			broken("a flow is bound to a dest that is gone");
		if (c->flags & UVS_CONN_F_TEMPLATE) {
			x->persist++;
			continue;
		}
		if (c->flags & UVS_CONN_F_INACTIVE)
			x->inactive++;
		else
			x->active++;
		if (uvs_conn_lookup(t, &(struct uvs_flow){ .proto = c->proto,
		    .af = AF_INET, .caddr = uvs_inaddr4(c->caddr),
		    .vaddr = uvs_inaddr4(c->vaddr), .cport = c->cport,
		    .vport = c->vport }) != c)
			broken("a live flow cannot be found by its key");
		if (!(k = uvs_conn_ctl(t, c)))
			continue;
		if (k > t->capacity || !uvs_conn_live(t, k - 1) ||
		    !(t->conns[k - 1].flags & UVS_CONN_F_TEMPLATE))
			broken("a flow's template is not a live template");
		ctl[k - 1]++;
	}
	for (i = 0; i < t->capacity; i++)
		if (uvs_conn_live(t, i) &&
		    (t->conns[i].flags & UVS_CONN_F_TEMPLATE) &&
		    uvs_conn_ctl(t, &t->conns[i]) != ctl[i])
			broken("a template's flow count is wrong");
	if (live != t->count)
		broken("the table's count is not its live entries");
	for (i = 0; i < n; i++)
		if (cs[i].active != cs[i].d->activeconns ||
		    cs[i].inactive != cs[i].d->inactconns ||
		    cs[i].persist != cs[i].d->persistconns)
			broken("a dest's counts are not its flows");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct script s = { data, data + size };
	struct run *r;
	uint8_t sched, flags, cap, nd, op;
	unsigned steps = 0;

	if (size < 4)
		return 0;
	if (!(r = calloc(1, sizeof(*r))))
		abort();
	r->nsched = uvs_sched_names(r->sched, NSCHED_MAX);
	r->vip = htonl(0xc612000au);		/* 198.18.0.10 */
	r->now = T0;
	r->trace = getenv("FUZZ_FORWARD_TRACE") != NULL;
	sched = next(&s);
	flags = next(&s);
	cap = next(&s);
	nd = next(&s);
	uvs_svc_table_init(&r->fw.svcs);
	if (uvs_conn_init(&r->fw.conns, 1u + cap % CONNS_MAX, T0, cap) < 0)
		abort();
	if (uvs_fwd_frag_init(&r->fw, cap >> 4 & 1 ? 0 : 1u + (cap >> 5) %
	    FRAGS_MAX, FRAG_HOLD, 0, cap) < 0)
		abort();
	/* header flag 0x40: serve VLAN 100 beside untagged frames */
	if (flags & 0x40) {
		uvs_fwd_serve_vlan(&r->fw, 0);
		uvs_fwd_serve_vlan(&r->fw, 100);
	}
	r->fw.mac[0] = 0x02;
	r->fw.mac[5] = 0x01;
	memcpy(r->fw.arp_reply + 6, r->fw.mac, 6);
	table_build(r, sched, flags, nd);
	check_table(r);

	while (s.p < s.end && steps++ < 4096) {
		op = next(&s);
		switch ((op >> 2) & 7) {
		case 0: case 1: case 2: case 3:
			step_frame(r, &s, op);
			break;
		case 4: case 5:
			r->now += op & 0x80 ? 60u * (next(&s) & 63) :
			    next(&s) & 7;
			say(r, "clock: %u expired",
			    uvs_conn_expire(&r->fw.conns, r->now));
			break;
		default:
			step_control(r, &s);
			break;
		}
		check_table(r);
	}

	table_clear(r);
	uvs_conn_free(&r->fw.conns);
	uvs_frag_free(&r->fw.frags);
	free(r);
	return 0;
}
