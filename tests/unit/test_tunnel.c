/*
 * Tunnel mode's encapsulation (fwd/data/tunnel.c), checked byte by byte
 * against what IPVS's ip_vs_tunnel_xmit builds: outer IPv4 fields, GUE
 * and GRE headers and their optional checksums, ECN, DF; a partial
 * checksum completed; a TCP GSO frame cut into segments whose headers
 * and checksums are each right and whose payloads add up to the frame's;
 * the MTU verdicts and the ICMP frag-needed answer. Round trips through
 * the real server's parser (arp/rs/tundecap.c) give the inner packet
 * back. Every checksum checker is shown to fail on a corrupted byte.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arp/rs/tundecap.h"
#include "fwd/data/tunnel.h"

#define ETH	14

static const uint8_t rs_mac[6] = { 2, 0, 0, 0, 0, 0x21 };
static const uint8_t dir_mac[6] = { 2, 0, 0, 0, 0, 0x12 };
static const uint8_t cl_mac[6] = { 2, 0, 0, 0, 0, 0x01 };

static uint32_t
ip(const char *s)
{
	uint32_t a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* An IPv4 header is right when its words sum to 0xffff. */
static int
ip_csum_ok(const uint8_t *iph)
{
	return uvs_tun_csum(iph, (size_t)(iph[0] & 15) * 4, 0) == 0xffff;
}

/* A TCP or UDP checksum over pseudo-header and segment. */
static int
l4_csum_ok(const uint8_t *iph, const uint8_t *l4, size_t len)
{
	uint32_t sum = 0;

	sum += get16(iph + 12) + get16(iph + 14) + get16(iph + 16) +
	    get16(iph + 18) + iph[9] + (uint32_t)len;
	return uvs_tun_csum(l4, len, sum) == 0xffff;
}

/*
 * A client frame to VIP:80: Ethernet, IPv4 (TOS tos, DF df, TTL 61),
 * TCP with 12 option bytes (doff 8, 32-byte header), payload bytes
 * counting up. Returns its length.
 */
static size_t
client_frame(uint8_t *f, size_t payload, uint8_t tos, int df,
    uint8_t flags)
{
	uint8_t *iph = f + ETH, *tcp = iph + 20;
	size_t i;

	memset(f, 0, ETH + 20 + 32 + payload);
	memcpy(f, dir_mac, 6);
	memcpy(f + 6, cl_mac, 6);
	put16(f + 12, 0x0800);
	iph[0] = 0x45;
	iph[1] = tos;
	put16(iph + 2, (uint16_t)(20 + 32 + payload));
	put16(iph + 4, 0x1234);
	put16(iph + 6, df ? 0x4000 : 0);
	iph[8] = 61;
	iph[9] = IPPROTO_TCP;
	memcpy(iph + 12, &(uint32_t){ ip("198.18.0.100") }, 4);
	memcpy(iph + 16, &(uint32_t){ ip("198.18.100.10") }, 4);
	put16(iph + 10, (uint16_t)~uvs_tun_csum(iph, 20, 0));
	put16(tcp, 40000);
	put16(tcp + 2, 80);
	tcp[4] = 0x10;			/* seq 0x10000000 */
	tcp[12] = 8 << 4;
	tcp[13] = flags;
	put16(tcp + 14, 65535);
	for (i = 0; i < 12; i++)
		tcp[20 + i] = 1;	/* NOPs */
	for (i = 0; i < payload; i++)
		tcp[32 + i] = (uint8_t)(i * 7 + 3);
	put16(tcp + 16, 0);
	put16(tcp + 16, (uint16_t)~uvs_tun_csum(tcp, 32 + payload,
	    get16(iph + 12) + get16(iph + 14) + get16(iph + 16) +
	    get16(iph + 18) + IPPROTO_TCP + (uint32_t)(32 + payload)));
	return ETH + 20 + 32 + payload;
}

static struct uvs_dest
dest(uint8_t type, uint8_t flags, uint32_t mtu)
{
	struct uvs_dest d = { 0 };

	d.addr = uvs_inaddr4(ip("198.19.0.2"));
	d.tun_src = uvs_inaddr4(ip("198.19.0.1"));
	d.fwd = UVS_FWD_TUNNEL;
	d.tun_type = type;
	d.tun_flags = flags;
	d.tun_port = htons(6080);
	d.mtu = mtu;
	d.oif = 5;
	memcpy(d.hwaddr, rs_mac, 6);
	memcpy(d.srcmac, dir_mac, 6);
	return d;
}

/* head + body as one packet, Ethernet header included. */
static size_t
joined(const struct uvs_tun_pkt *p, uint8_t *out)
{
	memcpy(out, p->head, p->head_len);
	memcpy(out + p->head_len, p->body, p->body_len);
	return p->head_len + p->body_len;
}

static void
checkers_fail_on_corruption(void **state)
{
	uint8_t f[256];
	size_t len = client_frame(f, 40, 0, 1, 0x18);

	(void)state;
	assert_true(ip_csum_ok(f + ETH));
	assert_true(l4_csum_ok(f + ETH, f + ETH + 20, len - ETH - 20));
	f[ETH + 8]++;				/* TTL */
	assert_false(ip_csum_ok(f + ETH));
	f[len - 1] ^= 0x40;			/* a payload byte */
	assert_false(l4_csum_ok(f + ETH, f + ETH + 20, len - ETH - 20));
}

static void
ipip_outer_header(void **state)
{
	static const struct virtio_net_hdr vh;
	uint8_t f[256], head[UVS_TUN_HEAD_MAX], pkt[512];
	struct uvs_dest d = dest(UVS_TUN_IPIP, 0, 1500);
	size_t len = client_frame(f, 100, 0x28, 1, 0x18);
	struct uvs_tun_pkt p;
	uint8_t *o = pkt + ETH;

	(void)state;
	assert_int_equal(uvs_tun_overhead(&d), 20);
	assert_int_equal(uvs_tun_npkts(&vh, f, len), 1);
	uvs_tun_build(&d, &vh, f, len, 0, 77, head, &p);
	assert_int_equal(p.head_len, ETH + 20);
	assert_ptr_equal(p.body, f + ETH);	/* not copied */
	assert_int_equal(p.body_len, len - ETH);
	joined(&p, pkt);
	assert_memory_equal(pkt, rs_mac, 6);
	assert_memory_equal(pkt + 6, dir_mac, 6);
	assert_int_equal(get16(pkt + 12), 0x0800);
	assert_int_equal(o[0], 0x45);
	assert_int_equal(o[1], 0x28);		/* TOS copied */
	assert_int_equal(get16(o + 2), 20 + len - ETH);
	assert_int_equal(get16(o + 4), 77);
	assert_int_equal(get16(o + 6), 0x4000);	/* DF copied */
	assert_int_equal(o[8], 61);		/* the inner TTL */
	assert_int_equal(o[9], IPPROTO_IPIP);
	assert_memory_equal(o + 12, &d.tun_src, 4);
	assert_memory_equal(o + 16, &d.addr, 4);
	assert_true(ip_csum_ok(o));
	assert_memory_equal(o + 20, f + ETH, len - ETH);
}

static void
ecn_encapsulated(void **state)
{
	static const struct virtio_net_hdr vh;
	uint8_t f[256], head[UVS_TUN_HEAD_MAX];
	struct uvs_dest d = dest(UVS_TUN_IPIP, 0, 1500);
	struct uvs_tun_pkt p;
	size_t len;

	(void)state;
	len = client_frame(f, 10, 0x03 | 0x20, 0, 0x18);	/* CE */
	uvs_tun_build(&d, &vh, f, len, 0, 1, head, &p);
	assert_int_equal(head[ETH + 1], 0x22);	/* ECT(0) outside */
	assert_int_equal(get16(head + ETH + 6), 0);	/* no DF inside */
	len = client_frame(f, 10, 0x01, 0, 0x18);		/* ECT(1) */
	uvs_tun_build(&d, &vh, f, len, 0, 1, head, &p);
	assert_int_equal(head[ETH + 1], 0x01);
}

static void
gue_without_and_with_checksum(void **state)
{
	static const struct virtio_net_hdr vh;
	uint8_t f[256], head[UVS_TUN_HEAD_MAX], pkt[512];
	struct uvs_dest d = dest(UVS_TUN_GUE, 0, 1500);
	size_t len = client_frame(f, 101, 0, 1, 0x18), n, ilen;
	struct uvs_tun_pkt p;
	uint8_t *o = pkt + ETH, *udp = o + 20;
	long off;

	(void)state;
	assert_int_equal(uvs_tun_overhead(&d), 32);
	uvs_tun_build(&d, &vh, f, len, 0, 9, head, &p);
	n = joined(&p, pkt);
	assert_int_equal(o[9], IPPROTO_UDP);
	assert_int_equal(get16(o + 2), n - ETH);
	assert_in_range(get16(udp), 32768, 60999);
	assert_int_equal(get16(udp + 2), 6080);
	assert_int_equal(get16(udp + 4), 8 + 4 + len - ETH);
	assert_int_equal(get16(udp + 6), 0);	/* --tun-nocsum */
	assert_int_equal(udp[8], 0);		/* GUE version 0, no options */
	assert_int_equal(udp[9], IPPROTO_IPIP);
	assert_int_equal(get16(udp + 10), 0);
	off = uvs_decap_inner(UVS_DECAP_GUE, udp + 8, n - ETH - 28, &ilen);
	assert_int_equal(off, 4);
	assert_int_equal(ilen, len - ETH);
	assert_memory_equal(udp + 8 + off, f + ETH, ilen);

	d.tun_flags = UVS_TUN_F_CSUM;
	uvs_tun_build(&d, &vh, f, len, 0, 9, head, &p);
	n = joined(&p, pkt);
	assert_int_not_equal(get16(udp + 6), 0);
	assert_true(l4_csum_ok(o, udp, n - ETH - 20));
	/* remcsum: IPVS checksums such packets too (no option: the inner
	   checksum is already complete) */
	d.tun_flags = UVS_TUN_F_REMCSUM;
	uvs_tun_build(&d, &vh, f, len, 0, 9, head, &p);
	n = joined(&p, pkt);
	assert_true(l4_csum_ok(o, udp, n - ETH - 20));
	pkt[n - 1] ^= 1;
	assert_false(l4_csum_ok(o, udp, n - ETH - 20));
}

static void
gre_with_checksum(void **state)
{
	static const struct virtio_net_hdr vh;
	uint8_t f[256], head[UVS_TUN_HEAD_MAX], pkt[512];
	struct uvs_dest d = dest(UVS_TUN_GRE, UVS_TUN_F_CSUM, 1500);
	size_t len = client_frame(f, 33, 0, 1, 0x18), n, ilen;
	struct uvs_tun_pkt p;
	uint8_t *o = pkt + ETH, *gre = o + 20;
	long off;

	(void)state;
	assert_int_equal(uvs_tun_overhead(&d), 28);
	uvs_tun_build(&d, &vh, f, len, 0, 9, head, &p);
	n = joined(&p, pkt);
	assert_int_equal(o[9], IPPROTO_GRE);
	assert_int_equal(get16(gre), 0x8000);
	assert_int_equal(get16(gre + 2), 0x0800);
	assert_int_equal(uvs_tun_csum(gre, n - ETH - 20, 0), 0xffff);
	off = uvs_decap_inner(UVS_DECAP_GRE, o, n - ETH, &ilen);
	assert_int_equal(off, 28);
	assert_memory_equal(o + off, f + ETH, ilen);
	d.tun_flags = 0;
	assert_int_equal(uvs_tun_overhead(&d), 24);
	uvs_tun_build(&d, &vh, f, len, 0, 9, head, &p);
	assert_int_equal(get16(head + ETH + 20), 0);
}

static void
partial_checksum_completed(void **state)
{
	uint8_t f[256];
	size_t len = client_frame(f, 50, 0, 1, 0x18);
	uint8_t *iph = f + ETH, *tcp = iph + 20;
	struct virtio_net_hdr vh = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
	    .csum_start = ETH + 20, .csum_offset = 16 };
	uint32_t ps;

	(void)state;
	/* what veth hands over: only the pseudo-header's sum in the field */
	ps = get16(iph + 12) + get16(iph + 14) + get16(iph + 16) +
	    get16(iph + 18) + IPPROTO_TCP + (uint32_t)(len - ETH - 20);
	put16(tcp + 16, uvs_tun_csum(NULL, 0, ps));
	assert_false(l4_csum_ok(iph, tcp, len - ETH - 20));
	uvs_tun_csum_finish(f, len, &vh);
	assert_true(l4_csum_ok(iph, tcp, len - ETH - 20));
	/* offsets past the packet are left alone */
	vh.csum_offset = 4000;
	f[len - 1] ^= 1;
	uvs_tun_csum_finish(f, len, &vh);
	assert_false(l4_csum_ok(iph, tcp, len - ETH - 20));
}

static void
gso_frame_segmented(void **state)
{
	static uint8_t f[ETH + 20 + 32 + 2500], out[2500];
	uint8_t head[UVS_TUN_HEAD_MAX], pkt[2048];
	struct uvs_dest d = dest(UVS_TUN_IPIP, 0, 1500);
	struct virtio_net_hdr vh = { .gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
	    .gso_size = 1000, .hdr_len = ETH + 52 };
	size_t len = client_frame(f, 2500, 0, 1, 0x80 | 0x18 | 0x01), got = 0;
	struct uvs_tun_pkt p;
	unsigned k;

	(void)state;
	put16(f + ETH + 2, 0);	/* a GSO frame's total length is not used */
	assert_int_equal(uvs_tun_npkts(&vh, f, len), 3);
	for (k = 0; k < 3; k++) {
		uint8_t *o = pkt + ETH, *iph = o + 20, *tcp = iph + 20;
		size_t seg = k < 2 ? 1000 : 500;
		uint32_t seq;

		uvs_tun_build(&d, &vh, f, len, k, (uint16_t)k, head, &p);
		joined(&p, pkt);
		assert_int_equal(p.body_len, seg);
		assert_int_equal(get16(o + 2), 20 + 52 + seg);
		assert_true(ip_csum_ok(o));
		assert_int_equal(get16(iph + 2), 52 + seg);
		assert_int_equal(get16(iph + 4), 0x1234 + k);
		assert_true(ip_csum_ok(iph));
		seq = (uint32_t)tcp[4] << 24 | (uint32_t)tcp[5] << 16 |
		    (uint32_t)tcp[6] << 8 | tcp[7];
		assert_int_equal(seq, 0x10000000u + k * 1000);
		/* CWR on the first only, FIN and PSH on the last only */
		assert_int_equal(!!(tcp[13] & 0x80), k == 0);
		assert_int_equal(!!(tcp[13] & 0x01), k == 2);
		assert_int_equal(!!(tcp[13] & 0x08), k == 2);
		assert_int_equal(tcp[13] & 0x10, 0x10);	/* ACK stays */
		assert_true(l4_csum_ok(iph, tcp, 32 + seg));
		memcpy(out + got, tcp + 32, seg);
		got += seg;
	}
	assert_int_equal(got, 2500);
	assert_memory_equal(out, f + ETH + 52, 2500);
}

static void
mtu_verdicts(void **state)
{
	static uint8_t f[ETH + 20 + 32 + 4000];
	struct uvs_dest d = dest(UVS_TUN_IPIP, 0, 1500);
	struct virtio_net_hdr vh = { 0 };
	size_t len;
	uint16_t mtu;

	(void)state;
	len = client_frame(f, 1480 - 52, 0, 1, 0x18);		/* 1480 */
	assert_int_equal(uvs_tun_fit(&d, &vh, f, len, &mtu), UVS_TUN_FITS);
	assert_int_equal(mtu, 1480);
	len = client_frame(f, 1481 - 52, 0, 1, 0x18);
	assert_int_equal(uvs_tun_fit(&d, &vh, f, len, &mtu), UVS_TUN_TOOBIG);
	/* without DF it goes in fragments, unless not even they could */
	len = client_frame(f, 1481 - 52, 0, 0, 0x18);
	assert_int_equal(uvs_tun_fit(&d, &vh, f, len, &mtu), UVS_TUN_FITS);
	d.mtu = 20;
	assert_int_equal(uvs_tun_fit(&d, &vh, f, len, &mtu),
	    UVS_TUN_NEEDS_FRAG);
	d.mtu = 1500;
	d.tun_type = UVS_TUN_GUE;
	len = client_frame(f, 1468 - 52, 0, 1, 0x18);
	assert_int_equal(uvs_tun_fit(&d, &vh, f, len, &mtu), UVS_TUN_FITS);
	assert_int_equal(mtu, 1468);
	/* GSO: judged by its segments, not its size */
	d.tun_type = UVS_TUN_IPIP;
	len = client_frame(f, 4000, 0, 1, 0x18);
	vh = (struct virtio_net_hdr){ .gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
	    .gso_size = 1428 };
	assert_int_equal(uvs_tun_fit(&d, &vh, f, len, &mtu), UVS_TUN_FITS);
	vh.gso_size = 1448;
	assert_int_equal(uvs_tun_fit(&d, &vh, f, len, &mtu), UVS_TUN_TOOBIG);
	vh.gso_type = VIRTIO_NET_HDR_GSO_UDP;
	assert_int_equal(uvs_tun_fit(&d, &vh, f, len, &mtu),
	    UVS_TUN_BAD_GSO);
	/* Direct Routing: only a DF packet that is not GSO can be too big */
	d.fwd = UVS_FWD_ROUTE;
	d.mtu = 1400;
	vh = (struct virtio_net_hdr){ 0 };
	len = client_frame(f, 1400 - 52, 0, 1, 0x18);
	assert_int_equal(uvs_dr_fit(&d, &vh, f, len, &mtu), UVS_TUN_FITS);
	len = client_frame(f, 1401 - 52, 0, 1, 0x18);
	assert_int_equal(uvs_dr_fit(&d, &vh, f, len, &mtu), UVS_TUN_TOOBIG);
	assert_int_equal(mtu, 1400);
	len = client_frame(f, 1401 - 52, 0, 0, 0x18);
	assert_int_equal(uvs_dr_fit(&d, &vh, f, len, &mtu), UVS_TUN_FITS);
	vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	vh.gso_size = 1448;
	len = client_frame(f, 4000, 0, 1, 0x18);
	assert_int_equal(uvs_dr_fit(&d, &vh, f, len, &mtu), UVS_TUN_FITS);
	d.fwd = UVS_FWD_TUNNEL;
	d.mtu = 1500;
	/* no MTU known: nothing is refused */
	d.mtu = 0;
	vh = (struct virtio_net_hdr){ 0 };
	assert_int_equal(uvs_tun_fit(&d, &vh, f, len, &mtu), UVS_TUN_FITS);
}

static void
icmp_frag_needed(void **state)
{
	static uint8_t f[ETH + 20 + 32 + 1600];
	uint8_t out[UVS_TUN_ICMP_MAX];
	size_t len = client_frame(f, 1600, 0, 1, 0x18), n;
	uint8_t *o = out + ETH, *icmp = o + 20;

	(void)state;
	n = uvs_tun_frag_needed(out, f, len, 1480);
	assert_int_equal(n, 14 + 576);		/* quoted up to 576 bytes */
	assert_memory_equal(out, cl_mac, 6);
	assert_memory_equal(out + 6, dir_mac, 6);
	assert_true(ip_csum_ok(o));
	assert_int_equal(o[9], IPPROTO_ICMP);
	assert_memory_equal(o + 12, f + ETH + 16, 4);	/* from the VIP */
	assert_memory_equal(o + 16, f + ETH + 12, 4);	/* to the client */
	assert_int_equal(get16(o + 2), 576);
	assert_int_equal(icmp[0], 3);
	assert_int_equal(icmp[1], 4);
	assert_int_equal(get16(icmp + 6), 1480);
	assert_int_equal(uvs_tun_csum(icmp, 576 - 20, 0), 0xffff);
	assert_memory_equal(icmp + 8, f + ETH, 576 - 28);
	len = client_frame(f, 10, 0, 1, 0x18);
	assert_int_equal(uvs_tun_frag_needed(out, f, len, 1480),
	    ETH + 28 + len - ETH);
}

/*
 * A packet without DF, too big once wrapped: fragments of the outer
 * packet, each an IPv4 header plus a slice, offsets in 8-byte units,
 * MF on all but the last, one IP id; put back together they are the
 * whole outer payload (GUE's header, then the inner packet).
 */
static void
outer_fragments(void **state)
{
	static const struct virtio_net_hdr vh;
	static uint8_t f[ETH + 20 + 32 + 3000], whole[4000];
	uint8_t head[UVS_TUN_HEAD_MAX], fh[UVS_TUN_HEAD_MAX], pkt[2048];
	struct uvs_dest d = dest(UVS_TUN_GUE, UVS_TUN_F_CSUM, 1500);
	size_t len = client_frame(f, 3000, 0, 0, 0x18), got = 0, inner;
	struct uvs_tun_pkt p, fp;
	unsigned j, nf;
	uint16_t mtu;

	(void)state;
	assert_int_equal(uvs_tun_fit(&d, &vh, f, len, &mtu), UVS_TUN_FITS);
	uvs_tun_build(&d, &vh, f, len, 0, 4242, head, &p);
	inner = p.head_len - ETH - 20 + p.body_len;	/* 12 + 3052 */
	nf = uvs_tun_nfrags(&d, &p);
	assert_int_equal(nf, 3);			/* 1480 + 1480 + 104 */
	for (j = 0; j < nf; j++) {
		uint8_t *o = pkt + ETH;
		size_t n;

		uvs_tun_fragment(&d, &p, j, fh, &fp);
		n = joined(&fp, pkt) - ETH;
		assert_true(n <= 1500);
		assert_int_equal(get16(o + 2), n);
		assert_true(ip_csum_ok(o));
		assert_int_equal(get16(o + 4), 4242);
		assert_int_equal((get16(o + 6) & 0x1fff) * 8, got);
		assert_int_equal(!!(get16(o + 6) & 0x2000), j < nf - 1);
		assert_int_equal(o[9], IPPROTO_UDP);
		memcpy(whole + got, o + 20, n - 20);
		got += n - 20;
	}
	assert_int_equal(got, inner);
	/* the pieces are the UDP+GUE packet, with its checksum still right */
	assert_true(l4_csum_ok(head + ETH, whole, got));
	assert_memory_equal(whole + 12, f + ETH, len - ETH);
	/* a packet that fits is one "fragment": itself */
	len = client_frame(f, 100, 0, 0, 0x18);
	uvs_tun_build(&d, &vh, f, len, 0, 1, head, &p);
	assert_int_equal(uvs_tun_nfrags(&d, &p), 1);
	uvs_tun_fragment(&d, &p, 0, fh, &fp);
	assert_int_equal(fp.head_len, p.head_len);
	assert_int_equal(fp.body_len, p.body_len);
	assert_int_equal(get16(fh + ETH + 6), 0);
	/* an MTU that is no multiple of 8 past the header: a packet that
	   fits whole is still sent whole */
	d.mtu = 1499;
	len = client_frame(f, 1499 - 32 - 52, 0, 0, 0x18);
	uvs_tun_build(&d, &vh, f, len, 0, 1, head, &p);
	assert_int_equal(uvs_tun_nfrags(&d, &p), 1);
	uvs_tun_fragment(&d, &p, 0, fh, &fp);
	assert_int_equal(fp.head_len + fp.body_len - ETH, 1499);
	assert_int_equal(get16(fh + ETH + 6), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(checkers_fail_on_corruption),
		cmocka_unit_test(ipip_outer_header),
		cmocka_unit_test(ecn_encapsulated),
		cmocka_unit_test(gue_without_and_with_checksum),
		cmocka_unit_test(gre_with_checksum),
		cmocka_unit_test(partial_checksum_completed),
		cmocka_unit_test(gso_frame_segmented),
		cmocka_unit_test(mtu_verdicts),
		cmocka_unit_test(icmp_frag_needed),
		cmocka_unit_test(outer_fragments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
