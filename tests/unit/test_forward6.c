/*
 * Unit tests for IPv6 in the director's per-frame decision
 * (fwd/data/forward.c): a v6 SYN is scheduled and only its MACs change
 * (hop limit and addresses untouched), later packets stick, rr spreads;
 * a v4 flow whose addresses fold like a v6 one's is another flow;
 * ICMPv6 Packet Too Big about a flow goes to its real server, one about
 * no flow is dropped; an NS for the VIP is answered, one for another
 * address is not; fragments follow their first; a packet larger than
 * the real server's route gets Packet Too Big back; a dual-stack table
 * serves a v4 and a v6 VIP at once. Frames are built byte by byte.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/ethernet.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <cmocka.h>

#include "fwd/data/flowlog.h"
#include "fwd/data/forward.h"

#define T0	1000u
#define FRAME	1600

static const uint8_t dir_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t cli_mac[6] = { 0x02, 0, 0, 0, 0, 0x42 };
static const uint8_t rs_mac[3][6] = {
	{ 0x02, 0, 0, 0, 0, 0x11 }, { 0x02, 0, 0, 0, 0, 0x12 },
	{ 0x02, 0, 0, 0, 0, 0x13 },
};

static union uvs_inaddr
a6(const char *s)
{
	union uvs_inaddr a;

	assert_int_equal(inet_pton(AF_INET6, s, a.b), 1);
	return a;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t
sum16(const uint8_t *p, size_t len, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* The ICMPv6 checksum of the message at m (len bytes) under ip. */
static uint16_t
icmp6_csum(const uint8_t *ip, const uint8_t *m, size_t len)
{
	uint8_t pseudo[40] = { 0 };

	memcpy(pseudo, ip + 8, 32);
	pseudo[34] = (uint8_t)(len >> 8);
	pseudo[35] = (uint8_t)len;
	pseudo[39] = IPPROTO_ICMPV6;
	return (uint16_t)~sum16(m, len, sum16(pseudo, 40, 0));
}

/* Ethernet + IPv6 (next header nh, plen bytes after it) from src to dst. */
static uint8_t *
ip6_frame(uint8_t *f, const char *src, const char *dst, uint8_t nh,
    size_t plen, uint8_t hlim)
{
	union uvs_inaddr s = a6(src), d = a6(dst);
	uint8_t *h = f + ETH_HLEN;

	memset(f, 0, FRAME);
	memcpy(f, dir_mac, 6);
	memcpy(f + 6, cli_mac, 6);
	put16(f + 12, ETHERTYPE_IPV6);
	h[0] = 0x60;
	put16(h + 4, (uint16_t)plen);
	h[6] = nh;
	h[7] = hlim;
	memcpy(h + 8, s.b, 16);
	memcpy(h + 24, d.b, 16);
	return h + 40;
}

static size_t
tcp6(uint8_t *f, const char *src, uint16_t cport, const char *dst,
    uint8_t flags, size_t payload)
{
	uint8_t *t = ip6_frame(f, src, dst, IPPROTO_TCP, 20 + payload, 61);

	put16(t, cport);
	put16(t + 2, 80);
	t[12] = 5 << 4;
	t[13] = flags;
	return ETH_HLEN + 40 + 20 + payload;
}

struct lab {
	struct uvs_fwd	 fw;
	struct uvs_svc	*svc6, *svc4;
};

static struct uvs_svc *
add_svc(struct lab *l, int af, union uvs_inaddr vip, const char *rs[3])
{
	struct uvs_svc_conf sc = { .proto = IPPROTO_TCP, .af = (uint16_t)af,
	    .addr = vip, .port = htons(80), .sched = "rr" };
	struct uvs_svc *s;
	int i;

	assert_int_equal(uvs_svc_add(&l->fw.svcs, &sc), 0);
	s = uvs_svc_find(&l->fw.svcs, IPPROTO_TCP, af, &vip, htons(80));
	assert_non_null(s);
	for (i = 0; i < 3; i++) {
		struct uvs_dest_conf dc = { .af = (uint16_t)af,
		    .port = htons(80), .weight = 1 };

		if (af == AF_INET6)
			dc.addr = a6(rs[i]);
		else
			assert_int_equal(inet_pton(AF_INET, rs[i], &dc.addr.ip),
			    1);
		assert_int_equal(uvs_dest_add(s, &dc), 0);
		/* IPVS's order: the dest just added comes first */
		memcpy(s->dests[0]->hwaddr, rs_mac[i], 6);
	}
	return s;
}

/* TCP [2001:db8::10]:80 rr over three dests, and TCP 198.18.0.10:80. */
static void
lab_init(struct lab *l)
{
	static const char *rs6[3] = { "2001:db8::11", "2001:db8::12",
	    "2001:db8::13" };
	static const char *rs4[3] = { "198.18.0.11", "198.18.0.12",
	    "198.18.0.13" };
	union uvs_inaddr v4 = { .all = { 0 } };

	memset(l, 0, sizeof(*l));
	uvs_svc_table_init(&l->fw.svcs);
	assert_int_equal(uvs_conn_init(&l->fw.conns, 64, T0, 1), 0);
	assert_int_equal(uvs_fwd_frag_init(&l->fw, 16, 4, 0, 7), 0);
	memcpy(l->fw.mac, dir_mac, 6);
	l->svc6 = add_svc(l, AF_INET6, a6("2001:db8::10"), rs6);
	assert_int_equal(inet_pton(AF_INET, "198.18.0.10", &v4.ip), 1);
	l->svc4 = add_svc(l, AF_INET, v4, rs4);
}

static void
lab_free(struct lab *l)
{
	uvs_fwd_flush_dest(&l->fw, NULL);
	uvs_conn_free(&l->fw.conns);
	uvs_frag_free(&l->fw.frags);
	uvs_svc_table_free(&l->fw.svcs);
}

/* The dest of s that has rs_mac[i]. */
static struct uvs_dest *
dest_of(const struct uvs_svc *s, int i)
{
	unsigned k;

	for (k = 0; k < s->ndests; k++)
		if (memcmp(s->dests[k]->hwaddr, rs_mac[i], 6) == 0)
			return s->dests[k];
	fail_msg("no dest has rs_mac[%d]", i);
	return NULL;
}

/* Which dest's MAC the frame now carries: 0..2, or -1. */
static int
sent_to(const uint8_t *f)
{
	int i;

	for (i = 0; i < 3; i++)
		if (memcmp(f, rs_mac[i], 6) == 0)
			return i;
	return -1;
}

static void
test_syn_scheduled_only_macs_change(void **state)
{
	struct lab l;
	uint8_t f[FRAME], before[FRAME];
	size_t len = tcp6(f, "2001:db8::100", 40000, "2001:db8::10", TH_SYN,
	    0);
	int i, d;

	(void)state;
	lab_init(&l);
	memcpy(before, f, len);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, len, T0), UVS_FORWARD);
	d = sent_to(f);
	assert_true(d >= 0);
	assert_memory_equal(f + 6, dir_mac, 6);
	/* the IPv6 packet, hop limit included, is as it came */
	assert_memory_equal(f + 12, before + 12, len - 12);
	assert_int_equal(l.fw.stats.conns_new, 1);
	/* the connection's next packets stick */
	for (i = 0; i < 3; i++) {
		len = tcp6(f, "2001:db8::100", 40000, "2001:db8::10", TH_ACK,
		    10);
		assert_int_equal(uvs_fwd_frame(&l.fw, f, len, T0),
		    UVS_FORWARD);
		assert_int_equal(sent_to(f), d);
	}
	assert_int_equal(l.fw.stats.conns_new, 1);
	assert_int_equal(dest_of(l.svc6, d)->inpkts, 4);
	assert_int_equal(dest_of(l.svc6, d)->inbytes, 60 + 3 * 70);
	lab_free(&l);
}

static void
test_rr_spreads(void **state)
{
	struct lab l;
	uint8_t f[FRAME];
	unsigned n[3] = { 0 }, i;
	size_t len;
	int d;

	(void)state;
	lab_init(&l);
	for (i = 0; i < 30; i++) {
		len = tcp6(f, "2001:db8::100", (uint16_t)(40000 + i),
		    "2001:db8::10", TH_SYN, 0);
		assert_int_equal(uvs_fwd_frame(&l.fw, f, len, T0),
		    UVS_FORWARD);
		assert_true((d = sent_to(f)) >= 0);
		n[d]++;
	}
	assert_int_equal(n[0], 10);
	assert_int_equal(n[1], 10);
	assert_int_equal(n[2], 10);
	lab_free(&l);
}

static void
test_unknown(void **state)
{
	struct lab l;
	uint8_t f[FRAME];
	size_t len;

	(void)state;
	lab_init(&l);
	/* an ACK of no flow, a v6 address that is no VIP, a port not served */
	len = tcp6(f, "2001:db8::100", 40000, "2001:db8::10", TH_ACK, 0);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, len, T0), UVS_DROP);
	assert_int_equal(l.fw.stats.drops[UVS_DROP_TCP_NOSYN], 1);
	len = tcp6(f, "2001:db8::100", 40000, "2001:db8::99", TH_SYN, 0);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, len, T0), UVS_DROP);
	assert_int_equal(l.fw.stats.drops[UVS_DROP_NOT_VIP], 1);
	/* the v4 VIP's folded twin is not the v6 VIP */
	len = tcp6(f, "2001:db8::100", 40000, "::198.18.0.10", TH_SYN, 0);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, len, T0), UVS_DROP);
	assert_int_equal(l.fw.stats.drops[UVS_DROP_NOT_VIP], 2);
	lab_free(&l);
}

/*
 * A router's Packet Too Big to the VIP, quoting the real server's reply
 * [VIP]:80 -> [client]:cport.
 */
static size_t
ptb(uint8_t *f, const char *client, uint16_t cport)
{
	uint8_t *m = ip6_frame(f, "2001:db8:1::1", "2001:db8::10",
	    IPPROTO_ICMPV6, 8 + 40 + 20, 64);
	uint8_t *q = m + 8;
	union uvs_inaddr c = a6(client), v = a6("2001:db8::10");

	m[0] = ICMP6_PACKET_TOO_BIG;
	put16(m + 6, 1280);
	q[0] = 0x60;
	put16(q + 4, 1400);
	q[6] = IPPROTO_TCP;
	q[7] = 64;
	memcpy(q + 8, v.b, 16);
	memcpy(q + 24, c.b, 16);
	put16(q + 40, 80);
	put16(q + 42, cport);
	put16(m + 2, icmp6_csum(f + ETH_HLEN, m, 8 + 40 + 20));
	return ETH_HLEN + 40 + 8 + 40 + 20;
}

static void
test_packet_too_big_to_owner(void **state)
{
	struct lab l;
	uint8_t f[FRAME];
	size_t len;
	int d;

	(void)state;
	lab_init(&l);
	len = tcp6(f, "2001:db8::100", 40000, "2001:db8::10", TH_SYN, 0);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, len, T0), UVS_FORWARD);
	d = sent_to(f);
	/* move rr on, so a scheduling error would show */
	len = tcp6(f, "2001:db8::100", 40001, "2001:db8::10", TH_SYN, 0);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, len, T0), UVS_FORWARD);
	len = ptb(f, "2001:db8::100", 40000);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, len, T0), UVS_FORWARD);
	assert_int_equal(sent_to(f), d);
	assert_int_equal(l.fw.stats.icmp_fwd, 1);
	/* about no flow we hold */
	len = ptb(f, "2001:db8::100", 40009);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, len, T0), UVS_DROP);
	assert_int_equal(l.fw.stats.drops[UVS_DROP_ICMP_NO_CONN], 1);
	lab_free(&l);
}

static size_t
ns(uint8_t *f, const char *target)
{
	union uvs_inaddr t = a6(target);
	uint8_t *m = ip6_frame(f, "2001:db8::100", "ff02::1:ff00:10",
	    IPPROTO_ICMPV6, 32, 255);

	memcpy(f, "\x33\x33\xff\x00\x00\x10", 6);
	m[0] = ND_NEIGHBOR_SOLICIT;
	memcpy(m + 8, t.b, 16);
	m[24] = 1;
	m[25] = 1;
	memcpy(m + 26, cli_mac, 6);
	put16(m + 2, icmp6_csum(f + ETH_HLEN, m, 32));
	return ETH_HLEN + 40 + 32;
}

static void
test_ns_answered(void **state)
{
	struct lab l;
	uint8_t f[FRAME];
	union uvs_inaddr vip = a6("2001:db8::10"), cli = a6("2001:db8::100");

	(void)state;
	lab_init(&l);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, ns(f, "2001:db8::10"), T0),
	    UVS_REPLY_NA);
	assert_true(uvs_inaddr_eq(&l.fw.ns.target, &vip));
	assert_true(uvs_inaddr_eq(&l.fw.ns.src, &cli));
	assert_memory_equal(l.fw.ns.mac, cli_mac, 6);
	assert_int_equal(l.fw.stats.ndp_replies, 1);
	/* an address that is no VIP, nor the v4 VIP's twin */
	assert_int_equal(uvs_fwd_frame(&l.fw, f, ns(f, "2001:db8::50"), T0),
	    UVS_IGNORE);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, ns(f, "::198.18.0.10"), T0),
	    UVS_IGNORE);
	assert_int_equal(l.fw.stats.ndp_ignored, 2);
	lab_free(&l);
}

/* A UDP-less TCP fragment: offset bytes in, more or last, id 0x51. */
static size_t
frag6(uint8_t *f, uint16_t cport, uint16_t offset, int more, size_t len)
{
	uint8_t *fh = ip6_frame(f, "2001:db8::100", "2001:db8::10",
	    IPPROTO_FRAGMENT, 8 + len, 64);

	fh[0] = IPPROTO_TCP;
	put16(fh + 2, (uint16_t)(offset | (more ? 1 : 0)));
	fh[7] = 0x51;
	if (offset == 0) {
		put16(fh + 8, cport);
		put16(fh + 10, 80);
		fh[8 + 12] = 5 << 4;
		fh[8 + 13] = TH_SYN;
	}
	return ETH_HLEN + 40 + 8 + len;
}

static void
test_fragments_follow_first(void **state)
{
	struct lab l;
	uint8_t f[FRAME];
	size_t len;
	int d;

	(void)state;
	lab_init(&l);
	/* a later piece first: held */
	len = frag6(f, 40000, 1232, 0, 100);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, len, T0), UVS_HOLD);
	len = frag6(f, 40000, 0, 1, 1232);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, len, T0), UVS_FORWARD);
	d = sent_to(f);
	assert_true(d >= 0);
	/* the held piece was released behind it, to the same MAC */
	{
		size_t hl;
		uint16_t tci;
		uint8_t *h = uvs_fwd_next_held(&l.fw, &hl, &tci);

		assert_non_null(h);
		assert_int_equal(sent_to(h), d);
		uvs_fwd_burst_done(&l.fw);
	}
	assert_int_equal(l.fw.stats.frags_fwd, 2);
	lab_free(&l);
}

static void
test_too_big_for_route(void **state)
{
	struct lab l;
	uint8_t f[FRAME];
	const uint8_t *o;
	size_t len;
	int i;

	(void)state;
	lab_init(&l);
	for (i = 0; i < 3; i++)
		dest_of(l.svc6, i)->mtu = 1280;
	len = tcp6(f, "2001:db8::100", 40000, "2001:db8::10", TH_SYN, 0);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, len, T0), UVS_FORWARD);
	len = tcp6(f, "2001:db8::100", 40000, "2001:db8::10", TH_ACK, 1300);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, len, T0), UVS_ICMP);
	assert_int_equal(l.fw.stats.drops[UVS_DROP_DR_TOOBIG], 1);
	o = l.fw.icmp;
	assert_memory_equal(o, cli_mac, 6);	/* back to the client */
	assert_memory_equal(o + 6, dir_mac, 6);
	assert_int_equal(o[12] << 8 | o[13], ETHERTYPE_IPV6);
	assert_memory_equal(o + 14 + 8, a6("2001:db8::10").b, 16);
	assert_memory_equal(o + 14 + 24, a6("2001:db8::100").b, 16);
	assert_int_equal(o[14 + 40], ICMP6_PACKET_TOO_BIG);
	assert_int_equal(o[14 + 44] << 24 | o[14 + 45] << 16 |
	    o[14 + 46] << 8 | o[14 + 47], 1280);
	assert_int_equal(icmp6_csum(o + 14, o + 14 + 40,
	    l.fw.icmp_len - 14 - 40), 0);
	/* the quote starts with the packet that did not fit */
	assert_memory_equal(o + 14 + 48, f + 14, 40);
	/* one that fits goes */
	len = tcp6(f, "2001:db8::100", 40000, "2001:db8::10", TH_ACK, 1200);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, len, T0), UVS_FORWARD);
	lab_free(&l);
}

/* A v4 SYN from 198.18.0.100 to the v4 VIP. */
static size_t
tcp4(uint8_t *f, uint16_t cport)
{
	uint8_t *h = f + ETH_HLEN;
	uint32_t s = htonl(0xc6120064u), d = htonl(0xc612000au);

	memset(f, 0, FRAME);
	memcpy(f, dir_mac, 6);
	memcpy(f + 6, cli_mac, 6);
	put16(f + 12, ETHERTYPE_IP);
	h[0] = 0x45;
	put16(h + 2, 40);
	h[8] = 64;
	h[9] = IPPROTO_TCP;
	memcpy(h + 12, &s, 4);
	memcpy(h + 16, &d, 4);
	put16(h + 10, (uint16_t)~sum16(h, 20, 0));
	put16(h + 20, cport);
	put16(h + 22, 80);
	h[32] = 5 << 4;
	h[33] = TH_SYN;
	return ETH_HLEN + 40;
}

/* Tunnel mode wraps in IPv4 only: a v6 dest cannot be tunnelled. */
static void
test_no_v6_tunnel(void **state)
{
	struct lab l;
	struct uvs_dest_conf dc = { .af = AF_INET6, .port = htons(80),
	    .weight = 1, .fwd = UVS_FWD_TUNNEL };

	(void)state;
	lab_init(&l);
	dc.addr = a6("2001:db8::14");
	assert_int_equal(uvs_dest_add(l.svc6, &dc), -EAFNOSUPPORT);
	dc.fwd = UVS_FWD_ROUTE;
	assert_int_equal(uvs_dest_add(l.svc6, &dc), 0);
	lab_free(&l);
}

static void
test_dual_stack(void **state)
{
	struct lab l;
	uint8_t f[FRAME];
	size_t len;
	int i;

	(void)state;
	lab_init(&l);
	for (i = 0; i < 6; i++) {
		len = tcp4(f, (uint16_t)(40000 + i));
		assert_int_equal(uvs_fwd_frame(&l.fw, f, len, T0),
		    UVS_FORWARD);
		len = tcp6(f, "2001:db8::100", (uint16_t)(40000 + i),
		    "2001:db8::10", TH_SYN, 0);
		assert_int_equal(uvs_fwd_frame(&l.fw, f, len, T0),
		    UVS_FORWARD);
	}
	assert_int_equal(l.fw.conns.count, 12);
	/* rr spread each family's six over its own three */
	for (i = 0; i < 3; i++) {
		assert_int_equal(dest_of(l.svc4, i)->activeconns +
		    dest_of(l.svc4, i)->inactconns, 2);
		assert_int_equal(dest_of(l.svc6, i)->activeconns +
		    dest_of(l.svc6, i)->inactconns, 2);
	}
	lab_free(&l);
}

static void
log_line(void *arg, const struct uvs_conn *c, const struct uvs_flow *f,
    const uint8_t *old_dst)
{
	uvs_flowlog_line(c, f, old_dst, arg, 512);
}

/* uvsd -v's line names v6 addresses in brackets, as ipvsadm does. */
static void
test_flowlog_v6(void **state)
{
	struct lab l;
	uint8_t f[FRAME];
	char line[512] = "";
	size_t len;

	(void)state;
	lab_init(&l);
	l.fw.on_new_conn = log_line;
	l.fw.hook_arg = line;
	len = tcp6(f, "2001:db8::100", 40000, "2001:db8::10", TH_SYN, 0);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, len, T0), UVS_FORWARD);
	assert_non_null(strstr(line, "new TCP [2001:db8::100]:40000 -> "
	    "[2001:db8::10]:80: real server [2001:db8::1"));
	assert_non_null(strstr(line, "-> 02:00:00:00:00:1"));
	lab_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syn_scheduled_only_macs_change),
		cmocka_unit_test(test_rr_spreads),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_packet_too_big_to_owner),
		cmocka_unit_test(test_ns_answered),
		cmocka_unit_test(test_fragments_follow_first),
		cmocka_unit_test(test_too_big_for_route),
		cmocka_unit_test(test_no_v6_tunnel),
		cmocka_unit_test(test_dual_stack),
		cmocka_unit_test(test_flowlog_v6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
