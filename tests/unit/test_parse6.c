/*
 * Unit tests for the IPv6 half of the parser (fwd/data/parse6.c) and for
 * the Neighbor Advertisements arp/ndp.c builds. Frames are built byte by
 * byte: Ethernet + IPv6 + any chain of extension headers + TCP, UDP or
 * ICMPv6, with ICMPv6 checksums computed here over an explicit
 * pseudo-header buffer (not with the code under test). Each malformed
 * case damages one thing and names the one drop reason it must give.
 * Every frame is parsed from a heap copy of exactly its length, so ASan
 * catches a read past its end. A seeded fuzz loop over v6 frames ends
 * the file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/ethernet.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <cmocka.h>

#include "arp/ndp.h"
#include "fwd/data/parse.h"

#define CPORT		40000
#define VPORT		80
#define IP6_OFF		ETH_HLEN
#define FRAME_BUF	1600
#define FUZZ_ROUNDS	200000
#define FUZZ_SEED	0x6eed0f0f1e66ull

static const uint8_t dir_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t cli_mac[6] = { 0x02, 0, 0, 0, 0, 0x42 };
/* 2001:db8::7 the client, 2001:db8::10 the VIP */
static const uint8_t cli_ip[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 7 };
static const uint8_t vip_ip[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 };

/* A frame under construction: where the last next-header byte is. */
struct b6 {
	uint8_t		*f;
	size_t		 off;
	size_t		 nh_at;
};

static void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Ethernet + IPv6 header from src to dst, hop limit hl. */
static void
b6_start(struct b6 *b, uint8_t *f, const uint8_t *src, const uint8_t *dst,
    uint8_t hl)
{
	memset(f, 0, FRAME_BUF);
	memcpy(f, dir_mac, 6);
	memcpy(f + 6, cli_mac, 6);
	wr16(f + 12, ETHERTYPE_IPV6);
	f[IP6_OFF] = 0x60;
	f[IP6_OFF + 7] = hl;
	memcpy(f + IP6_OFF + 8, src, 16);
	memcpy(f + IP6_OFF + 24, dst, 16);
	b->f = f;
	b->off = IP6_OFF + 40;
	b->nh_at = IP6_OFF + 6;
}

/* An extension header of type t, len bytes (a multiple of 8), PadN'd. */
static uint8_t *
b6_ext(struct b6 *b, uint8_t t, size_t len)
{
	uint8_t *h = b->f + b->off;

	b->f[b->nh_at] = t;
	b->nh_at = b->off;
	if (t != IPPROTO_FRAGMENT) {
		h[1] = (uint8_t)(len / 8 - 1);
		if (t != IPPROTO_ROUTING && len > 2) {
			h[2] = 1;	/* PadN over the rest */
			h[3] = (uint8_t)(len - 4);
		}
	}
	b->off += len;
	return h;
}

/* The upper-layer header's place, of type t and len bytes. */
static uint8_t *
b6_l4(struct b6 *b, uint8_t t, size_t len)
{
	uint8_t *h = b->f + b->off;

	b->f[b->nh_at] = t;
	b->off += len;
	wr16(b->f + IP6_OFF + 4, (uint16_t)(b->off - IP6_OFF - 40));
	return h;
}

static void
put_tcp(uint8_t *t, uint8_t flags)
{
	wr16(t, CPORT);
	wr16(t + 2, VPORT);
	t[12] = 5 << 4;
	t[13] = flags;
}

/*
 * The ICMPv6 checksum written the long way: a pseudo-header buffer
 * (src, dst, 32-bit length, three zeros, next header 58) and the
 * message, summed in 32-bit words.
 */
static uint16_t
ref_icmp6_csum(const uint8_t *ip, const uint8_t *msg, size_t len)
{
	uint8_t buf[40 + FRAME_BUF];
	uint64_t sum = 0;
	size_t i, n = 40 + len;

	memcpy(buf, ip + 8, 32);
	buf[32] = (uint8_t)(len >> 24);
	buf[33] = (uint8_t)(len >> 16);
	buf[34] = (uint8_t)(len >> 8);
	buf[35] = (uint8_t)len;
	buf[36] = buf[37] = buf[38] = 0;
	buf[39] = IPPROTO_ICMPV6;
	memcpy(buf + 40, msg, len);
	buf[n] = 0;
	for (i = 0; i < n; i += 2)
		sum += (uint64_t)(buf[i] << 8 | (i + 1 < n ? buf[i + 1] : 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Fills the checksum of the ICMPv6 message at m, to the frame's end. */
static void
icmp6_fix(struct b6 *b, uint8_t *m)
{
	size_t len = (size_t)(b->f + b->off - m);

	wr16(m + 2, 0);
	wr16(m + 2, ref_icmp6_csum(b->f + IP6_OFF, m, len));
}

static enum uvs_drop
parse(const uint8_t *f, size_t len, struct uvs_pkt *pkt)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum uvs_drop d;

	assert_non_null(copy);
	memcpy(copy, f, len);
	memset(pkt, 0xa5, sizeof(*pkt));
	d = uvs_parse_frame(copy, len, pkt);
	free(copy);
	return d;
}

static enum uvs_drop
parse_b(const struct b6 *b, struct uvs_pkt *pkt)
{
	return parse(b->f, b->off, pkt);
}

/* A TCP SYN client -> VIP after the given chain of extension headers. */
static void
tcp6(struct b6 *b, uint8_t *f, const uint8_t *chain, unsigned n)
{
	unsigned i;

	b6_start(b, f, cli_ip, vip_ip, 64);
	for (i = 0; i < n; i++)
		b6_ext(b, chain[i], 8);
	put_tcp(b6_l4(b, IPPROTO_TCP, 20), TH_SYN);
}

static void
test_tcp6(void **state)
{
	uint8_t f[FRAME_BUF];
	struct b6 b;
	struct uvs_pkt pkt;

	(void)state;
	tcp6(&b, f, NULL, 0);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_NONE);
	assert_int_equal(pkt.kind, UVS_PKT_IP);
	assert_int_equal(pkt.af, AF_INET6);
	assert_int_equal(pkt.flow.proto, IPPROTO_TCP);
	assert_memory_equal(pkt.flow.caddr.b, cli_ip, 16);
	assert_memory_equal(pkt.flow.vaddr.b, vip_ip, 16);
	assert_int_equal(pkt.flow.cport, htons(CPORT));
	assert_int_equal(pkt.flow.vport, htons(VPORT));
	assert_int_equal(pkt.tcp_flags, TH_SYN);
	assert_int_equal(pkt.ip_len, 60);
	assert_int_equal(pkt.frag, 0);
	assert_int_equal(pkt.l3_off, ETH_HLEN);
}

static void
test_udp6_tagged(void **state)
{
	uint8_t f[FRAME_BUF], g[FRAME_BUF];
	struct b6 b;
	struct uvs_pkt pkt;
	uint8_t *u;

	(void)state;
	b6_start(&b, f, cli_ip, vip_ip, 64);
	u = b6_l4(&b, IPPROTO_UDP, 8 + 4);
	wr16(u, CPORT);
	wr16(u + 2, 53);
	wr16(u + 4, 12);
	/* the same frame with an 802.1Q tag in it */
	memcpy(g, f, 12);
	wr16(g + 12, UVS_ETH_P_8021Q);
	wr16(g + 14, 100);
	memcpy(g + 16, f + 12, b.off - 12);
	assert_int_equal(parse(g, b.off + 4, &pkt), UVS_DROP_NONE);
	assert_int_equal(pkt.kind, UVS_PKT_IP);
	assert_int_equal(pkt.flow.proto, IPPROTO_UDP);
	assert_int_equal(pkt.flow.vport, htons(53));
	assert_int_equal(pkt.l3_off, ETH_HLEN + 4);
	assert_int_equal(pkt.vlan_tci, 100);
	/* a UDP length past the packet */
	wr16(u + 4, 13);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_UDP_LEN);
}

/* hop-by-hop, destination options and a spent routing header are walked */
static void
test_ext_chain(void **state)
{
	static const uint8_t chain[] = { IPPROTO_HOPOPTS, IPPROTO_DSTOPTS,
	    IPPROTO_ROUTING, IPPROTO_DSTOPTS };
	uint8_t f[FRAME_BUF];
	struct b6 b;
	struct uvs_pkt pkt;

	(void)state;
	tcp6(&b, f, chain, 4);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_NONE);
	assert_int_equal(pkt.flow.proto, IPPROTO_TCP);
	assert_int_equal(pkt.flow.cport, htons(CPORT));
	assert_int_equal(pkt.tcp_flags, TH_SYN);
	assert_int_equal(pkt.ip_len, 40 + 32 + 20);
}

static void
test_ext_chain_bound(void **state)
{
	uint8_t chain[UVS_PARSE6_MAX_EXT + 1];
	uint8_t f[FRAME_BUF];
	struct b6 b;
	struct uvs_pkt pkt;

	(void)state;
	memset(chain, IPPROTO_DSTOPTS, sizeof(chain));
	tcp6(&b, f, chain, UVS_PARSE6_MAX_EXT);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_NONE);
	tcp6(&b, f, chain, UVS_PARSE6_MAX_EXT + 1);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_IP6_CHAIN);
}

static void
test_ext_bad(void **state)
{
	static const uint8_t hbh2[] = { IPPROTO_DSTOPTS, IPPROTO_HOPOPTS };
	static const uint8_t dst[] = { IPPROTO_DSTOPTS };
	static const uint8_t rt[] = { IPPROTO_ROUTING };
	uint8_t f[FRAME_BUF];
	struct b6 b;
	struct uvs_pkt pkt;

	(void)state;
	/* hop-by-hop anywhere but first */
	tcp6(&b, f, hbh2, 2);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_IP6_EXT);
	/* an option running past its header */
	tcp6(&b, f, dst, 1);
	f[IP6_OFF + 40 + 3] = 5;
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_IP6_EXT);
	/* a header length past the packet */
	tcp6(&b, f, dst, 1);
	f[IP6_OFF + 40 + 1] = 9;
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_IP6_EXT);
	/* a header cut short: the packet ends inside it */
	tcp6(&b, f, dst, 1);
	wr16(f + IP6_OFF + 4, 4);
	assert_int_equal(parse(f, IP6_OFF + 44, &pkt), UVS_DROP_IP6_EXT);
	/* routing header with segments left */
	tcp6(&b, f, rt, 1);
	f[IP6_OFF + 40 + 3] = 1;
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_IP6_ROUTING);
	/* no next header, ESP: nothing to forward by ports */
	tcp6(&b, f, NULL, 0);
	f[IP6_OFF + 6] = IPPROTO_NONE;
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_IP_PROTO);
	f[IP6_OFF + 6] = IPPROTO_ESP;
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_IP_PROTO);
}

static void
test_ip6_bad(void **state)
{
	uint8_t f[FRAME_BUF];
	struct b6 b;
	struct uvs_pkt pkt;

	(void)state;
	tcp6(&b, f, NULL, 0);
	assert_int_equal(parse(f, IP6_OFF + 39, &pkt), UVS_DROP_IP6_BAD);
	f[IP6_OFF] = 0x40;
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_IP6_BAD);
	tcp6(&b, f, NULL, 0);
	wr16(f + IP6_OFF + 4, 21);	/* one byte past the frame */
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_IP6_BAD);
	wr16(f + IP6_OFF + 4, 0);	/* a jumbogram */
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_IP6_BAD);
	/* Ethernet padding after a short packet is not part of it */
	tcp6(&b, f, NULL, 0);
	assert_int_equal(parse(f, b.off + 6, &pkt), UVS_DROP_NONE);
	assert_int_equal(pkt.ip_len, 60);
	/* TCP cut short and with an impossible data offset */
	tcp6(&b, f, NULL, 0);
	wr16(f + IP6_OFF + 4, 19);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_L4_SHORT);
	tcp6(&b, f, NULL, 0);
	f[IP6_OFF + 40 + 12] = 6 << 4;
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_TCP_DOFF);
}

/* A fragment of a UDP datagram: offset bytes in, more or last. */
static uint8_t *
frag6(struct b6 *b, uint8_t *f, uint16_t offset, int more, size_t len)
{
	uint8_t *fh, *u;

	b6_start(b, f, cli_ip, vip_ip, 64);
	fh = b6_ext(b, IPPROTO_FRAGMENT, 8);
	wr16(fh + 2, (uint16_t)(offset | (more ? 1 : 0)));
	memcpy(fh + 4, "\xde\xad\xbe\xef", 4);
	u = b6_l4(b, IPPROTO_UDP, len);
	if (offset == 0) {
		wr16(u, CPORT);
		wr16(u + 2, 53);
		wr16(u + 4, (uint16_t)(more ? 3000 : len));
	}
	return fh;
}

static void
test_fragments(void **state)
{
	uint8_t f[FRAME_BUF];
	struct b6 b;
	struct uvs_pkt pkt;
	uint8_t *fh;

	(void)state;
	frag6(&b, f, 0, 1, 1232);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_NONE);
	assert_int_equal(pkt.kind, UVS_PKT_IP);
	assert_int_equal(pkt.frag, 1);
	assert_int_equal(pkt.frag_more, 1);
	assert_int_equal(pkt.frag_off, 0);
	assert_int_equal(pkt.frag_len, 1232);
	assert_int_equal(pkt.ip6_id, htonl(0xdeadbeef));
	assert_int_equal(pkt.flow.cport, htons(CPORT));
	/* a later one: the id is its key, no ports */
	frag6(&b, f, 1232, 0, 100);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_NONE);
	assert_int_equal(pkt.kind, UVS_PKT_FRAG);
	assert_int_equal(pkt.frag_off, 1232);
	assert_int_equal(pkt.frag_len, 100);
	assert_int_equal(pkt.ip6_id, htonl(0xdeadbeef));
	assert_memory_equal(pkt.flow.vaddr.b, vip_ip, 16);
	/* an atomic fragment (RFC 6946) is a whole packet */
	frag6(&b, f, 0, 0, 20);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_NONE);
	assert_int_equal(pkt.kind, UVS_PKT_IP);
	assert_int_equal(pkt.frag, 0);
	/* a non-last piece whose length is no multiple of 8 */
	frag6(&b, f, 0, 1, 1233);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_IP_FRAG);
	/* reaching past 64 KiB */
	frag6(&b, f, 65528, 0, 16);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_IP_FRAG);
	/* a tiny first fragment: the UDP header is not whole */
	frag6(&b, f, 0, 1, 0);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_IP_FRAG);
	/* two fragment headers */
	b6_start(&b, f, cli_ip, vip_ip, 64);
	fh = b6_ext(&b, IPPROTO_FRAGMENT, 8);
	wr16(fh + 2, 1);
	b6_ext(&b, IPPROTO_FRAGMENT, 8);
	b6_l4(&b, IPPROTO_UDP, 16);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_IP6_EXT);
	/* a later fragment of ICMPv6 is not forwarded */
	frag6(&b, f, 16, 0, 16);
	f[IP6_OFF + 40] = IPPROTO_ICMPV6;
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_IP_PROTO);
}

/*
 * An ICMPv6 error of type t from a router to the VIP, quoting the real
 * server's reply VIP:80 -> client:40000 (quote_l4 bytes of its TCP).
 */
static uint8_t *
icmp6_err(struct b6 *b, uint8_t *f, uint8_t t, size_t quote_l4)
{
	static const uint8_t router[16] = { 0x20, 0x01, 0x0d, 0xb8, 1,
	    [15] = 1 };
	uint8_t *m, *q;

	b6_start(b, f, router, vip_ip, 64);
	m = b6_l4(b, IPPROTO_ICMPV6, 8 + 40 + quote_l4);
	m[0] = t;
	if (t == ICMP6_PACKET_TOO_BIG)
		wr16(m + 6, 1280);
	q = m + 8;
	q[0] = 0x60;
	wr16(q + 4, 20);
	q[6] = IPPROTO_TCP;
	q[7] = 64;
	memcpy(q + 8, vip_ip, 16);
	memcpy(q + 24, cli_ip, 16);
	wr16(q + 40, VPORT);
	if (quote_l4 >= 4)
		wr16(q + 42, CPORT);
	icmp6_fix(b, m);
	return m;
}

static void
test_icmp6_errors(void **state)
{
	static const uint8_t types[] = { ICMP6_DST_UNREACH,
	    ICMP6_PACKET_TOO_BIG, ICMP6_TIME_EXCEEDED, ICMP6_PARAM_PROB };
	uint8_t f[FRAME_BUF];
	struct b6 b;
	struct uvs_pkt pkt;
	uint8_t *m;
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(types); i++) {
		icmp6_err(&b, f, types[i], 20);
		assert_int_equal(parse_b(&b, &pkt), UVS_DROP_NONE);
		assert_int_equal(pkt.kind, UVS_PKT_ICMP_ERR);
		assert_int_equal(pkt.icmp_type, types[i]);
		assert_int_equal(pkt.flow.proto, IPPROTO_TCP);
		/* the flow's key, seen from the client */
		assert_memory_equal(pkt.flow.caddr.b, cli_ip, 16);
		assert_memory_equal(pkt.flow.vaddr.b, vip_ip, 16);
		assert_int_equal(pkt.flow.cport, htons(CPORT));
		assert_int_equal(pkt.flow.vport, htons(VPORT));
	}
	/* a bad checksum */
	m = icmp6_err(&b, f, ICMP6_PACKET_TOO_BIG, 20);
	m[2] ^= 1;
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_ICMP_CSUM);
	/* a quote too short for the ports */
	icmp6_err(&b, f, ICMP6_PACKET_TOO_BIG, 2);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_ICMP_QUOTE);
	/* a quote that is not IPv6 */
	m = icmp6_err(&b, f, ICMP6_PACKET_TOO_BIG, 20);
	m[8] = 0x45;
	icmp6_fix(&b, m);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_ICMP_QUOTE);
	/* a quote of ICMPv6 */
	m = icmp6_err(&b, f, ICMP6_PACKET_TOO_BIG, 20);
	m[8 + 6] = IPPROTO_ICMPV6;
	icmp6_fix(&b, m);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_ICMP_QUOTE);
	/* echo request, and a Neighbor Advertisement: not ours to forward */
	m = icmp6_err(&b, f, ICMP6_ECHO_REQUEST, 20);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_ICMP_TYPE);
	m = icmp6_err(&b, f, ND_NEIGHBOR_ADVERT, 20);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_ICMP_TYPE);
	(void)m;
}

/*
 * A Neighbor Solicitation for target from src to dst, with a source
 * link-layer address option when sll.
 */
static uint8_t *
ns6(struct b6 *b, uint8_t *f, const uint8_t *src, const uint8_t *dst,
    const uint8_t *target, int sll)
{
	uint8_t *m;

	b6_start(b, f, src, dst, 255);
	m = b6_l4(b, IPPROTO_ICMPV6, 24 + (sll ? 8 : 0));
	m[0] = ND_NEIGHBOR_SOLICIT;
	memcpy(m + 8, target, 16);
	if (sll) {
		m[24] = 1;
		m[25] = 1;
		memcpy(m + 26, cli_mac, 6);
	}
	icmp6_fix(b, m);
	return m;
}

static void
sol_node(uint8_t g[16], const uint8_t *a)
{
	static const uint8_t p[13] = { 0xff, 0x02, [11] = 1, [12] = 0xff };

	memcpy(g, p, 13);
	memcpy(g + 13, a + 13, 3);
}

static void
test_ns(void **state)
{
	static const uint8_t any[16];
	uint8_t f[FRAME_BUF], g[16];
	struct b6 b;
	struct uvs_pkt pkt;

	(void)state;
	sol_node(g, vip_ip);
	ns6(&b, f, cli_ip, g, vip_ip, 1);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_NONE);
	assert_int_equal(pkt.kind, UVS_PKT_NS);
	assert_int_equal(pkt.af, AF_INET6);
	assert_memory_equal(pkt.ns_target.b, vip_ip, 16);
	assert_memory_equal(pkt.flow.caddr.b, cli_ip, 16);
	assert_int_equal(pkt.ns_has_sll, 1);
	assert_memory_equal(pkt.ns_sll, cli_mac, 6);
	/* unicast, no option (NUD) */
	ns6(&b, f, cli_ip, vip_ip, vip_ip, 0);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_NONE);
	assert_int_equal(pkt.ns_has_sll, 0);
	/* DAD: from ::, to the solicited-node group, no option */
	ns6(&b, f, any, g, vip_ip, 0);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_NONE);
	assert_int_equal(pkt.kind, UVS_PKT_NS);
}

static void
test_ns_bad(void **state)
{
	static const uint8_t any[16];
	uint8_t f[FRAME_BUF], g[16], mc[16];
	struct b6 b;
	struct uvs_pkt pkt;
	uint8_t *m;

	(void)state;
	sol_node(g, vip_ip);
	/* hop limit below 255: forwarded by a router, not on-link */
	ns6(&b, f, cli_ip, g, vip_ip, 1);
	f[IP6_OFF + 7] = 254;
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_NDP_BAD);
	/* code not 0 */
	m = ns6(&b, f, cli_ip, g, vip_ip, 1);
	m[1] = 1;
	icmp6_fix(&b, m);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_NDP_BAD);
	/* bad checksum */
	m = ns6(&b, f, cli_ip, g, vip_ip, 1);
	m[3] ^= 0x10;
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_NDP_BAD);
	/* a multicast target */
	memcpy(mc, g, 16);
	ns6(&b, f, cli_ip, g, mc, 1);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_NDP_BAD);
	/* shorter than 24 bytes */
	m = ns6(&b, f, cli_ip, g, vip_ip, 0);
	b.off -= 4;
	wr16(f + IP6_OFF + 4, 20);
	icmp6_fix(&b, m);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_NDP_BAD);
	/* an option of length 0 */
	m = ns6(&b, f, cli_ip, g, vip_ip, 1);
	m[25] = 0;
	icmp6_fix(&b, m);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_NDP_BAD);
	/* an option longer than the message */
	m = ns6(&b, f, cli_ip, g, vip_ip, 1);
	m[25] = 2;
	icmp6_fix(&b, m);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_NDP_BAD);
	/* DAD with a source link-layer option */
	ns6(&b, f, any, g, vip_ip, 1);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_NDP_BAD);
	/* DAD not to the solicited-node group */
	ns6(&b, f, any, vip_ip, vip_ip, 0);
	assert_int_equal(parse_b(&b, &pkt), UVS_DROP_NDP_BAD);
}

/* Every field of an NA, and its checksum by the independent sum. */
static void
check_na(const uint8_t *na, const uint8_t *dst_mac, const uint8_t *dst_ip,
    uint8_t flags)
{
	const uint8_t *ip = na + ETH_HLEN, *m = ip + 40;

	assert_memory_equal(na, dst_mac, 6);
	assert_memory_equal(na + 6, dir_mac, 6);
	assert_int_equal(na[12] << 8 | na[13], ETHERTYPE_IPV6);
	assert_int_equal(ip[0], 0x60);
	assert_int_equal(ip[1] | ip[2] | ip[3], 0);
	assert_int_equal(ip[4] << 8 | ip[5], 32);
	assert_int_equal(ip[6], IPPROTO_ICMPV6);
	assert_int_equal(ip[7], 255);
	assert_memory_equal(ip + 8, vip_ip, 16);
	assert_memory_equal(ip + 24, dst_ip, 16);
	assert_int_equal(m[0], ND_NEIGHBOR_ADVERT);
	assert_int_equal(m[1], 0);
	assert_int_equal(m[4], flags);
	assert_int_equal(m[5] | m[6] | m[7], 0);
	assert_memory_equal(m + 8, vip_ip, 16);
	assert_int_equal(m[24], 2);	/* target link-layer address */
	assert_int_equal(m[25], 1);
	assert_memory_equal(m + 26, dir_mac, 6);
	/* summed with its checksum in place, the message sums to zero */
	assert_int_equal(ref_icmp6_csum(ip, m, 32), 0);
}

static void
test_na_answer(void **state)
{
	static const uint8_t all_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	static const uint8_t all_ip[16] = { 0xff, 0x02, [15] = 1 };
	union uvs_inaddr vip, cli, any, g;
	uint8_t na[UVS_NA_FRAME_LEN], want[16];

	(void)state;
	memcpy(vip.b, vip_ip, 16);
	memcpy(cli.b, cli_ip, 16);
	memset(&any, 0, sizeof(any));
	uvs_ndp_na_answer(na, dir_mac, &vip, &cli, cli_mac);
	check_na(na, cli_mac, cli_ip, UVS_NA_F_SOLICITED | UVS_NA_F_OVERRIDE);
	/* the checksum is not a constant: another asker, another sum */
	cli.b[15] = 8;
	uvs_ndp_na_answer(na, dir_mac, &vip, &cli, cli_mac);
	check_na(na, cli_mac, cli.b, UVS_NA_F_SOLICITED | UVS_NA_F_OVERRIDE);
	/* DAD's asker has no address: all nodes, not solicited */
	uvs_ndp_na_answer(na, dir_mac, &vip, &any, cli_mac);
	check_na(na, all_mac, all_ip, UVS_NA_F_OVERRIDE);
	uvs_ndp_na_unsolicited(na, dir_mac, &vip);
	check_na(na, all_mac, all_ip, UVS_NA_F_OVERRIDE);
	g = uvs_ndp_solicited_node(&vip);
	sol_node(want, vip_ip);
	assert_memory_equal(g.b, want, 16);
}

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * Mutations of good v6 frames (chains, fragments, errors, NS): whatever
 * the parser accepts must lie inside the frame it was given.
 */
static void
test_fuzz6(void **state)
{
	static const uint8_t chain[] = { IPPROTO_HOPOPTS, IPPROTO_DSTOPTS,
	    IPPROTO_ROUTING };
	uint8_t f[FRAME_BUF], g[16];
	uint64_t seed = FUZZ_SEED;
	struct b6 b;
	struct uvs_pkt pkt;
	enum uvs_drop d;
	unsigned i, k, n;

	(void)state;
	sol_node(g, vip_ip);
	for (i = 0; i < FUZZ_ROUNDS; i++) {
		switch (i % 4) {
		case 0:
			tcp6(&b, f, chain, (unsigned)(rnd(&seed) % 4));
			break;
		case 1:
			frag6(&b, f, (uint16_t)(rnd(&seed) % 4 * 8), 1, 64);
			break;
		case 2:
			icmp6_err(&b, f, ICMP6_PACKET_TOO_BIG, 20);
			break;
		default:
			ns6(&b, f, cli_ip, g, vip_ip, 1);
			break;
		}
		n = (unsigned)(rnd(&seed) % 4) + 1;
		for (k = 0; k < n; k++)
			f[ETH_HLEN + rnd(&seed) % (b.off - ETH_HLEN)] =
			    (uint8_t)rnd(&seed);
		if (rnd(&seed) % 4 == 0)
			b.off = ETH_HLEN + rnd(&seed) % (b.off - ETH_HLEN);
		d = parse_b(&b, &pkt);
		if ((unsigned)d >= UVS_DROP_MAX)
			fail_msg("round %u: reason %d", i, (int)d);
		if (d != UVS_DROP_NONE || pkt.kind == UVS_PKT_NS)
			continue;
		if (pkt.ip_len + ETH_HLEN > b.off ||
		    (pkt.flow.proto != IPPROTO_TCP &&
		    pkt.flow.proto != IPPROTO_UDP))
			fail_msg("round %u: accepted ip_len %u proto %u", i,
			    pkt.ip_len, pkt.flow.proto);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp6),
		cmocka_unit_test(test_udp6_tagged),
		cmocka_unit_test(test_ext_chain),
		cmocka_unit_test(test_ext_chain_bound),
		cmocka_unit_test(test_ext_bad),
		cmocka_unit_test(test_ip6_bad),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_icmp6_errors),
		cmocka_unit_test(test_ns),
		cmocka_unit_test(test_ns_bad),
		cmocka_unit_test(test_na_answer),
		cmocka_unit_test(test_fuzz6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
