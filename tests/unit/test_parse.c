/*
 * Unit tests for the frame parser (fwd/data/parse.c). Frames are built byte by
 * byte: a valid Ethernet + IPv4 + TCP/UDP (or ARP) frame with a correct
 * IP header checksum, then one field is damaged and the checksum fixed
 * again, so each case proves exactly one drop reason. Every frame is
 * copied into a heap block of exactly its length before it is parsed, so
 * valgrind or ASan catch any read past its end. A seeded fuzz loop ends
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
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <cmocka.h>

#include "fwd/data/parse.h"

#define CADDR		0xcb007107u	/* 203.0.113.7, the client */
#define VADDR		0xc612000au	/* 198.18.0.10, the VIP */
#define CPORT		40000
#define VPORT		80
#define IP_OFF		ETH_HLEN	/* IPv4 header in a frame */
#define L4_OFF		(ETH_HLEN + 20)	/* TCP/UDP header when ihl = 5 */
#define FRAME_BUF	256		/* room for every small test frame */
#define ETH_MIN_FRAME	60		/* 802.3 minimum without the FCS */
#define ARP_FRAME_LEN	(ETH_HLEN + 28)
#define FUZZ_ROUNDS	200000
#define FUZZ_MAX_LEN	200
#define FUZZ_SEED	0x5eed0f0f1e55ull

static const uint8_t dir_mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t cli_mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x42 };

static void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

static void
eth_put(uint8_t *f, uint16_t type)
{
	memcpy(f, dir_mac, ETH_ALEN);
	memcpy(f + ETH_ALEN, cli_mac, ETH_ALEN);
	wr16(f + 12, type);
}

/* Recomputes the IPv4 header checksum (RFC 1071) over ihl words, at least 5. */
static void
ip_csum_fix(uint8_t *f)
{
	uint8_t *ip = f + IP_OFF;
	size_t hlen = (size_t)(ip[0] & 0x0f) * 4, i;
	uint32_t sum = 0;

	if (hlen < 20)
		hlen = 20;
	wr16(ip + 10, 0);
	for (i = 0; i < hlen; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	wr16(ip + 10, (uint16_t)~sum);
}

/*
 * Ethernet + IPv4 header of ihl words (options are NOPs) + l4len zero
 * bytes, checksum right. Returns the frame length.
 */
static size_t
ip_frame(uint8_t *f, uint8_t proto, unsigned ihl, size_t l4len)
{
	uint8_t *ip = f + IP_OFF;
	size_t hlen = ihl * 4;

	eth_put(f, ETHERTYPE_IP);
	memset(ip, 0, hlen + l4len);
	ip[0] = (uint8_t)(0x40 | ihl);
	wr16(ip + 2, (uint16_t)(hlen + l4len));
	wr16(ip + 4, 0x1234);
	ip[8] = 64;
	ip[9] = proto;
	wr32(ip + 12, CADDR);
	wr32(ip + 16, VADDR);
	memset(ip + 20, IPOPT_NOP, hlen - 20);
	ip_csum_fix(f);
	return ETH_HLEN + hlen + l4len;
}

/* A TCP segment with these flags and payload bytes after a 20-byte header. */
static size_t
tcp_frame(uint8_t *f, uint8_t flags, size_t payload)
{
	size_t len = ip_frame(f, IPPROTO_TCP, 5, 20 + payload);
	uint8_t *tcp = f + L4_OFF;

	wr16(tcp, CPORT);
	wr16(tcp + 2, VPORT);
	wr32(tcp + 4, 1000);
	tcp[12] = 5 << 4;
	tcp[13] = flags;
	wr16(tcp + 14, 65535);
	return len;
}

static size_t
udp_frame(uint8_t *f, size_t payload)
{
	size_t len = ip_frame(f, IPPROTO_UDP, 5, 8 + payload);
	uint8_t *udp = f + L4_OFF;

	wr16(udp, CPORT);
	wr16(udp + 2, VPORT);
	wr16(udp + 4, (uint16_t)(8 + payload));
	return len;
}

/* who-has VADDR tell CADDR, from cli_mac. */
static size_t
arp_frame(uint8_t *f, uint16_t op)
{
	uint8_t *a = f + ETH_HLEN;

	eth_put(f, ETHERTYPE_ARP);
	wr16(a, ARPHRD_ETHER);
	wr16(a + 2, ETHERTYPE_IP);
	a[4] = ETH_ALEN;
	a[5] = 4;
	wr16(a + 6, op);
	memcpy(a + 8, cli_mac, ETH_ALEN);
	wr32(a + 14, CADDR);
	memset(a + 18, 0, ETH_ALEN);
	wr32(a + 24, VADDR);
	return ARP_FRAME_LEN;
}

/* Parses a copy of f in a heap block of exactly len bytes. */
static enum uvs_drop
parse(const uint8_t *f, size_t len, struct uvs_pkt *pkt)
{
	uint8_t *copy = malloc(len);
	enum uvs_drop d;

	assert_true(copy != NULL || len == 0);
	if (len)
		memcpy(copy, f, len);
	d = uvs_parse_frame(copy, len, pkt);
	free(copy);
	return d;
}

static enum uvs_drop
parse_only(const uint8_t *f, size_t len)
{
	struct uvs_pkt pkt;

	memset(&pkt, 0, sizeof(pkt));
	return parse(f, len, &pkt);
}

static void
test_tcp_syn(void **state)
{
	uint8_t f[FRAME_BUF];
	struct uvs_pkt pkt;
	size_t len = tcp_frame(f, TH_SYN, 0);

	(void)state;
	memset(&pkt, 0xa5, sizeof(pkt));
	assert_int_equal(len, 54);
	assert_int_equal(parse(f, len, &pkt), UVS_DROP_NONE);
	assert_int_equal(pkt.kind, UVS_PKT_IP);
	assert_int_equal(pkt.flow.proto, IPPROTO_TCP);
	assert_int_equal(pkt.flow.caddr.ip, htonl(CADDR));
	assert_int_equal(pkt.flow.vaddr.ip, htonl(VADDR));
	assert_int_equal(pkt.flow.cport, htons(CPORT));
	assert_int_equal(pkt.flow.vport, htons(VPORT));
	assert_int_equal(pkt.tcp_flags, TH_SYN);
	assert_int_equal(pkt.ip_len, 40);
}

static void
test_tcp_flags_and_df(void **state)
{
	uint8_t f[FRAME_BUF];
	struct uvs_pkt pkt;
	size_t len = tcp_frame(f, TH_ACK | TH_PUSH, 100);

	(void)state;
	/* DF is not a fragment. */
	wr16(f + IP_OFF + 6, IP_DF);
	ip_csum_fix(f);
	assert_int_equal(parse(f, len, &pkt), UVS_DROP_NONE);
	assert_int_equal(pkt.tcp_flags, TH_ACK | TH_PUSH);
	assert_int_equal(pkt.ip_len, 140);
}

static void
test_udp(void **state)
{
	uint8_t f[FRAME_BUF];
	struct uvs_pkt pkt;
	size_t len = udp_frame(f, 32);

	(void)state;
	memset(&pkt, 0xa5, sizeof(pkt));
	assert_int_equal(parse(f, len, &pkt), UVS_DROP_NONE);
	assert_int_equal(pkt.kind, UVS_PKT_IP);
	assert_int_equal(pkt.flow.proto, IPPROTO_UDP);
	assert_int_equal(pkt.flow.caddr.ip, htonl(CADDR));
	assert_int_equal(pkt.flow.vaddr.ip, htonl(VADDR));
	assert_int_equal(pkt.flow.cport, htons(CPORT));
	assert_int_equal(pkt.flow.vport, htons(VPORT));
	assert_int_equal(pkt.tcp_flags, 0);
	assert_int_equal(pkt.ip_len, 20 + 8 + 32);
}

static void
test_arp_request(void **state)
{
	uint8_t f[FRAME_BUF];
	struct uvs_pkt pkt;
	size_t len = arp_frame(f, ARPOP_REQUEST);

	(void)state;
	memset(&pkt, 0xa5, sizeof(pkt));
	assert_int_equal(parse(f, len, &pkt), UVS_DROP_NONE);
	assert_int_equal(pkt.kind, UVS_PKT_ARP);
	assert_int_equal(pkt.arp_op, ARPOP_REQUEST);
	assert_memory_equal(pkt.arp_sha, cli_mac, ETH_ALEN);
	assert_int_equal(pkt.arp_spa, htonl(CADDR));
	assert_int_equal(pkt.arp_tpa, htonl(VADDR));

	/* Padded to the Ethernet minimum, and a reply, parse the same way. */
	memset(f + len, 0, ETH_MIN_FRAME - len);
	wr16(f + ETH_HLEN + 6, ARPOP_REPLY);
	assert_int_equal(parse(f, ETH_MIN_FRAME, &pkt), UVS_DROP_NONE);
	assert_int_equal(pkt.arp_op, ARPOP_REPLY);
}

static void
test_runt(void **state)
{
	uint8_t f[FRAME_BUF];
	size_t len;

	(void)state;
	tcp_frame(f, TH_SYN, 0);
	for (len = 0; len < ETH_HLEN; len++)
		assert_int_equal(parse_only(f, len), UVS_DROP_RUNT);
}

static void
test_ethertype(void **state)
{
	uint8_t f[FRAME_BUF];
	size_t len = tcp_frame(f, TH_SYN, 0);

	(void)state;
	/* IPv6 is parsed now (test_parse6.c): an IPv4 packet in it is bad */
	wr16(f + 12, ETHERTYPE_IPV6);
	assert_int_equal(parse_only(f, len), UVS_DROP_IP6_BAD);
	wr16(f + 12, ETHERTYPE_REVARP);
	assert_int_equal(parse_only(f, len), UVS_DROP_ETHERTYPE);
	assert_int_equal(parse_only(f, ETH_HLEN), UVS_DROP_ETHERTYPE);
	wr16(f + 12, ETHERTYPE_VLAN);
	assert_int_equal(parse_only(f, len), UVS_DROP_ETHERTYPE);
}

static void
test_arp_bad(void **state)
{
	uint8_t f[FRAME_BUF];
	size_t len;

	(void)state;
	/* Cut anywhere inside the 28 bytes of ARP. */
	for (len = ETH_HLEN; len < ARP_FRAME_LEN; len++) {
		arp_frame(f, ARPOP_REQUEST);
		assert_int_equal(parse_only(f, len), UVS_DROP_ARP_BAD);
	}

	len = arp_frame(f, ARPOP_REQUEST);
	wr16(f + ETH_HLEN, ARPHRD_IEEE802);
	assert_int_equal(parse_only(f, len), UVS_DROP_ARP_BAD);

	len = arp_frame(f, ARPOP_REQUEST);
	wr16(f + ETH_HLEN + 2, ETHERTYPE_IPV6);
	assert_int_equal(parse_only(f, len), UVS_DROP_ARP_BAD);

	len = arp_frame(f, ARPOP_REQUEST);
	f[ETH_HLEN + 4] = 8;
	assert_int_equal(parse_only(f, len), UVS_DROP_ARP_BAD);

	len = arp_frame(f, ARPOP_REQUEST);
	f[ETH_HLEN + 5] = 16;
	assert_int_equal(parse_only(f, len), UVS_DROP_ARP_BAD);
	f[ETH_HLEN + 5] = 6;
	assert_int_equal(parse_only(f, len), UVS_DROP_ARP_BAD);
}

static void
test_ip_short(void **state)
{
	uint8_t f[FRAME_BUF];
	size_t len;

	(void)state;
	tcp_frame(f, TH_SYN, 0);
	for (len = ETH_HLEN; len < ETH_HLEN + 20; len++)
		assert_int_equal(parse_only(f, len), UVS_DROP_IP_SHORT);
}

static void
test_ip_version(void **state)
{
	uint8_t f[FRAME_BUF];
	size_t len = tcp_frame(f, TH_SYN, 0);
	unsigned v;

	(void)state;
	for (v = 0; v < 16; v++) {
		if (v == 4)
			continue;
		f[IP_OFF] = (uint8_t)(v << 4 | 5);
		ip_csum_fix(f);
		assert_int_equal(parse_only(f, len), UVS_DROP_IP_VERSION);
	}
}

static void
test_ip_ihl(void **state)
{
	uint8_t f[FRAME_BUF];
	size_t len = tcp_frame(f, TH_SYN, 0);
	unsigned ihl;

	(void)state;
	for (ihl = 0; ihl < 5; ihl++) {
		f[IP_OFF] = (uint8_t)(0x40 | ihl);
		ip_csum_fix(f);
		assert_int_equal(parse_only(f, len), UVS_DROP_IP_IHL);
	}
}

static void
test_ip_len(void **state)
{
	uint8_t f[FRAME_BUF];
	size_t len = tcp_frame(f, TH_SYN, 0);
	uint16_t tot;

	(void)state;
	/* One byte more than the frame carries, and the largest. */
	wr16(f + IP_OFF + 2, (uint16_t)(len - ETH_HLEN + 1));
	ip_csum_fix(f);
	assert_int_equal(parse_only(f, len), UVS_DROP_IP_LEN);
	wr16(f + IP_OFF + 2, 65535);
	ip_csum_fix(f);
	assert_int_equal(parse_only(f, len), UVS_DROP_IP_LEN);

	/* Shorter than its own header. */
	for (tot = 0; tot < 20; tot++) {
		wr16(f + IP_OFF + 2, tot);
		ip_csum_fix(f);
		assert_int_equal(parse_only(f, len), UVS_DROP_IP_LEN);
	}

	/* Options: a 24-byte header claiming 20..23 bytes in all. */
	len = ip_frame(f, IPPROTO_TCP, 6, 20);
	wr16(f + IP_OFF + 2, 23);
	ip_csum_fix(f);
	assert_int_equal(parse_only(f, len), UVS_DROP_IP_LEN);
}

/*
 * IP options are served as IPVS serves them (ip_vs_in reads IHL): a SYN
 * with NOPs, a timestamp or a router alert parses with its ports found
 * past the options. Options that do not fit, and source routes (which
 * Linux refuses with accept_source_route=0), do not.
 */
static void
test_ip_options(void **state)
{
	uint8_t f[FRAME_BUF];
	struct uvs_pkt pkt;
	size_t len;
	uint8_t *tcp;

	(void)state;
	len = ip_frame(f, IPPROTO_TCP, 6, 20);
	tcp = f + ETH_HLEN + 24;
	wr16(tcp, CPORT);
	wr16(tcp + 2, VPORT);
	tcp[12] = 5 << 4;
	tcp[13] = TH_SYN;
	assert_int_equal(len, ETH_HLEN + 24 + 20);
	memset(&pkt, 0, sizeof(pkt));
	assert_int_equal(parse(f, len, &pkt), UVS_DROP_NONE);
	assert_int_equal(pkt.kind, UVS_PKT_IP);
	assert_int_equal(pkt.flow.cport, htons(CPORT));
	assert_int_equal(pkt.flow.vport, htons(VPORT));
	assert_int_equal(pkt.tcp_flags, TH_SYN);
	assert_int_equal(pkt.ip_len, 44);

	/* router alert (RFC 2113): type 148, length 4 */
	f[IP_OFF + 20] = 148;
	f[IP_OFF + 21] = 4;
	f[IP_OFF + 22] = f[IP_OFF + 23] = 0;
	ip_csum_fix(f);
	assert_int_equal(parse_only(f, len), UVS_DROP_NONE);

	/* the longest header: 40 bytes of NOPs, then UDP */
	len = ip_frame(f, IPPROTO_UDP, 15, 8);
	wr16(f + ETH_HLEN + 60 + 4, 8);
	assert_int_equal(parse_only(f, len), UVS_DROP_NONE);
	/* an EOL ends the list: what follows it is padding */
	f[IP_OFF + 20] = IPOPT_EOL;
	f[IP_OFF + 21] = 0xff;
	ip_csum_fix(f);
	assert_int_equal(parse_only(f, len), UVS_DROP_NONE);

	/* an option longer than the header */
	len = ip_frame(f, IPPROTO_UDP, 6, 8);
	wr16(f + ETH_HLEN + 24 + 4, 8);
	f[IP_OFF + 20] = 148;
	f[IP_OFF + 21] = 8;
	ip_csum_fix(f);
	assert_int_equal(parse_only(f, len), UVS_DROP_IP_OPTIONS);
	/* a length below 2 would never end */
	f[IP_OFF + 21] = 1;
	ip_csum_fix(f);
	assert_int_equal(parse_only(f, len), UVS_DROP_IP_OPTIONS);
	/* a type byte with no room for its length */
	f[IP_OFF + 20] = IPOPT_NOP;
	f[IP_OFF + 21] = IPOPT_NOP;
	f[IP_OFF + 22] = IPOPT_NOP;
	f[IP_OFF + 23] = 148;
	ip_csum_fix(f);
	assert_int_equal(parse_only(f, len), UVS_DROP_IP_OPTIONS);
	/* loose and strict source routes */
	f[IP_OFF + 20] = 131;
	f[IP_OFF + 21] = 3;
	f[IP_OFF + 22] = 4;
	f[IP_OFF + 23] = IPOPT_EOL;
	ip_csum_fix(f);
	assert_int_equal(parse_only(f, len), UVS_DROP_IP_OPTIONS);
	f[IP_OFF + 20] = 137;
	ip_csum_fix(f);
	assert_int_equal(parse_only(f, len), UVS_DROP_IP_OPTIONS);
}

static void
test_ip_csum(void **state)
{
	uint8_t f[FRAME_BUF];
	size_t len = tcp_frame(f, TH_SYN, 0);

	(void)state;
	f[IP_OFF + 11] ^= 0x01;
	assert_int_equal(parse_only(f, len), UVS_DROP_IP_CSUM);

	/* A field changed after the checksum was made. */
	len = tcp_frame(f, TH_SYN, 0);
	f[IP_OFF + 8]--;
	assert_int_equal(parse_only(f, len), UVS_DROP_IP_CSUM);

	len = udp_frame(f, 4);
	f[IP_OFF + 19] ^= 0x80;
	assert_int_equal(parse_only(f, len), UVS_DROP_IP_CSUM);
}

/* Sets the fragment field (flags and offset in 8-byte units). */
static void
set_frag(uint8_t *f, uint16_t v)
{
	wr16(f + IP_OFF + 6, v);
	ip_csum_fix(f);
}

/*
 * The first fragment carries the ports (a UDP length naming the whole
 * datagram is fine there); a later one is known by its IP id alone.
 */
static void
test_ip_frag(void **state)
{
	uint8_t f[FRAME_BUF];
	struct uvs_pkt pkt;
	size_t len;

	(void)state;
	/* first fragment of a 3000-byte UDP datagram */
	len = udp_frame(f, 96);
	wr16(f + L4_OFF + 4, 3000);
	set_frag(f, IP_MF);
	memset(&pkt, 0, sizeof(pkt));
	assert_int_equal(parse(f, len, &pkt), UVS_DROP_NONE);
	assert_int_equal(pkt.kind, UVS_PKT_IP);
	assert_true(pkt.frag);
	assert_true(pkt.frag_more);
	assert_int_equal(pkt.frag_off, 0);
	assert_int_equal(pkt.frag_len, 104);
	assert_int_equal(pkt.ip_id, htons(0x1234));
	assert_int_equal(pkt.flow.cport, htons(CPORT));
	/* a whole datagram still may not claim more than it has */
	set_frag(f, 0);
	assert_int_equal(parse_only(f, len), UVS_DROP_UDP_LEN);
	set_frag(f, IP_DF);
	assert_int_equal(parse_only(f, len), UVS_DROP_UDP_LEN);

	/* a middle and the last fragment: no ports, offset in bytes */
	set_frag(f, IP_MF | 185);
	memset(&pkt, 0xa5, sizeof(pkt));
	assert_int_equal(parse(f, len, &pkt), UVS_DROP_NONE);
	assert_int_equal(pkt.kind, UVS_PKT_FRAG);
	assert_true(pkt.frag_more);
	assert_int_equal(pkt.frag_off, 1480);
	assert_int_equal(pkt.flow.proto, IPPROTO_UDP);
	assert_int_equal(pkt.flow.caddr.ip, htonl(CADDR));
	assert_int_equal(pkt.flow.vaddr.ip, htonl(VADDR));
	set_frag(f, 370);
	assert_int_equal(parse(f, len, &pkt), UVS_DROP_NONE);
	assert_int_equal(pkt.kind, UVS_PKT_FRAG);
	assert_false(pkt.frag_more);
	assert_int_equal(pkt.frag_off, 2960);

	/* TCP: the first fragment must hold the whole header */
	len = tcp_frame(f, TH_SYN, 0);
	set_frag(f, IP_MF);
	assert_int_equal(parse_only(f, len), UVS_DROP_NONE);
	len = ip_frame(f, IPPROTO_TCP, 5, 16);
	set_frag(f, IP_MF);
	assert_int_equal(parse_only(f, len), UVS_DROP_IP_FRAG);
	/* ... and none may overlap its flags (RFC 1858) */
	set_frag(f, IP_MF | 1);
	assert_int_equal(parse_only(f, len), UVS_DROP_IP_FRAG);
	set_frag(f, IP_MF | 2);
	assert_int_equal(parse_only(f, len), UVS_DROP_NONE);
	/* a tiny UDP first fragment */
	len = ip_frame(f, IPPROTO_UDP, 5, 4);
	set_frag(f, IP_MF);
	assert_int_equal(parse_only(f, len), UVS_DROP_IP_FRAG);
	/* past the largest datagram (ping of death) */
	len = ip_frame(f, IPPROTO_UDP, 5, 16);
	set_frag(f, IP_OFFMASK);
	assert_int_equal(parse_only(f, len), UVS_DROP_IP_FRAG);
	set_frag(f, (65535 - 20 - 16) / 8);
	assert_int_equal(parse_only(f, len), UVS_DROP_NONE);
	/* a fragment with more to come but nothing in it */
	len = ip_frame(f, IPPROTO_UDP, 5, 0);
	set_frag(f, IP_MF | 10);
	assert_int_equal(parse_only(f, len), UVS_DROP_IP_FRAG);
	/* fragments of what uvsd does not serve */
	len = ip_frame(f, IPPROTO_GRE, 5, 24);
	set_frag(f, IP_MF | 3);
	assert_int_equal(parse_only(f, len), UVS_DROP_IP_PROTO);
	len = ip_frame(f, IPPROTO_ICMP, 5, 48);
	set_frag(f, IP_MF);
	assert_int_equal(parse_only(f, len), UVS_DROP_IP_FRAG);
}

static void
test_ip_proto(void **state)
{
	uint8_t f[FRAME_BUF];
	size_t len;

	(void)state;
	len = ip_frame(f, IPPROTO_GRE, 5, 24);
	assert_int_equal(parse_only(f, len), UVS_DROP_IP_PROTO);
	len = ip_frame(f, IPPROTO_SCTP, 5, 12);
	assert_int_equal(parse_only(f, len), UVS_DROP_IP_PROTO);
}

/* Sets the ICMP checksum of the message at l4 (len bytes). */
static void
icmp_csum_fix(uint8_t *ic, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	wr16(ic + 2, 0);
	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(ic[i] << 8 | ic[i + 1]);
	if (len & 1)
		sum += (uint32_t)ic[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	wr16(ic + 2, (uint16_t)~sum);
}

/*
 * A router's ICMP error to the VIP about the real server's reply: it
 * quotes VIP:VPORT -> client:CPORT (proto) and qlen bytes of it past
 * the quoted IP header. Returns the frame length.
 */
static size_t
icmp_error_frame(uint8_t *f, uint8_t type, uint8_t code, uint8_t proto,
    size_t qlen)
{
	size_t len = ip_frame(f, IPPROTO_ICMP, 5, 8 + 20 + qlen);
	uint8_t *ic = f + L4_OFF, *q = ic + 8;

	ic[0] = type;
	ic[1] = code;
	wr16(ic + 6, 1400);	/* next-hop MTU for frag-needed */
	q[0] = 0x45;
	wr16(q + 2, 1500);
	q[6] = 0x40;		/* DF: that is why it did not pass */
	q[8] = 64;
	q[9] = proto;
	wr32(q + 12, VADDR);
	wr32(q + 16, CADDR);
	if (qlen >= 4) {
		wr16(q + 20, VPORT);
		wr16(q + 22, CPORT);
	}
	icmp_csum_fix(ic, 8 + 20 + qlen);
	return len;
}

/* ip_vs_in_icmp's errors: the flow is the quoted packet's reverse. */
static void
test_icmp_error(void **state)
{
	static const uint8_t types[][2] = {
		{ ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED },
		{ ICMP_DEST_UNREACH, ICMP_PORT_UNREACH },
		{ ICMP_SOURCE_QUENCH, 0 },
		{ ICMP_TIME_EXCEEDED, ICMP_EXC_TTL },
	};
	uint8_t f[FRAME_BUF];
	struct uvs_pkt pkt;
	size_t len, i;

	(void)state;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		len = icmp_error_frame(f, types[i][0], types[i][1],
		    IPPROTO_TCP, 8);
		memset(&pkt, 0xa5, sizeof(pkt));
		assert_int_equal(parse(f, len, &pkt), UVS_DROP_NONE);
		assert_int_equal(pkt.kind, UVS_PKT_ICMP_ERR);
		assert_int_equal(pkt.icmp_type, types[i][0]);
		assert_int_equal(pkt.icmp_code, types[i][1]);
		assert_int_equal(pkt.flow.proto, IPPROTO_TCP);
		assert_int_equal(pkt.flow.caddr.ip, htonl(CADDR));
		assert_int_equal(pkt.flow.cport, htons(CPORT));
		assert_int_equal(pkt.flow.vaddr.ip, htonl(VADDR));
		assert_int_equal(pkt.flow.vport, htons(VPORT));
		assert_int_equal(pkt.ip_len, 20 + 8 + 20 + 8);
	}
	/* UDP, quoting only its ports */
	len = icmp_error_frame(f, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
	    IPPROTO_UDP, 4);
	assert_int_equal(parse(f, len, &pkt), UVS_DROP_NONE);
	assert_int_equal(pkt.flow.proto, IPPROTO_UDP);
	assert_int_equal(pkt.flow.vport, htons(VPORT));
}

static void
test_icmp_bad(void **state)
{
	uint8_t f[FRAME_BUF];
	size_t len;

	(void)state;
	/* echo, redirect: not errors IPVS forwards */
	len = icmp_error_frame(f, ICMP_ECHO, 0, IPPROTO_TCP, 8);
	assert_int_equal(parse_only(f, len), UVS_DROP_ICMP_TYPE);
	len = icmp_error_frame(f, ICMP_REDIRECT, 0, IPPROTO_TCP, 8);
	assert_int_equal(parse_only(f, len), UVS_DROP_ICMP_TYPE);
	/* a bare ICMP header */
	len = ip_frame(f, IPPROTO_ICMP, 5, 4);
	assert_int_equal(parse_only(f, len), UVS_DROP_L4_SHORT);
	/* quoting too little, or no IPv4, or no TCP/UDP, or a later
	   fragment (no ports in it) */
	len = icmp_error_frame(f, ICMP_DEST_UNREACH, 4, IPPROTO_TCP, 2);
	assert_int_equal(parse_only(f, len), UVS_DROP_ICMP_QUOTE);
	len = icmp_error_frame(f, ICMP_DEST_UNREACH, 4, IPPROTO_TCP, 8);
	f[L4_OFF + 8] = 0x65;
	icmp_csum_fix(f + L4_OFF, 36);
	assert_int_equal(parse_only(f, len), UVS_DROP_ICMP_QUOTE);
	f[L4_OFF + 8] = 0x4f;	/* a 60-byte quoted header, 28 there */
	icmp_csum_fix(f + L4_OFF, 36);
	assert_int_equal(parse_only(f, len), UVS_DROP_ICMP_QUOTE);
	len = icmp_error_frame(f, ICMP_DEST_UNREACH, 4, IPPROTO_GRE, 8);
	assert_int_equal(parse_only(f, len), UVS_DROP_ICMP_QUOTE);
	len = icmp_error_frame(f, ICMP_DEST_UNREACH, 4, IPPROTO_UDP, 8);
	wr16(f + L4_OFF + 8 + 6, 0x2000 | 185);
	icmp_csum_fix(f + L4_OFF, 36);
	assert_int_equal(parse_only(f, len), UVS_DROP_ICMP_QUOTE);
	/* a checksum that does not add up */
	len = icmp_error_frame(f, ICMP_DEST_UNREACH, 4, IPPROTO_TCP, 8);
	f[L4_OFF + 3] ^= 0x10;
	assert_int_equal(parse_only(f, len), UVS_DROP_ICMP_CSUM);
}

/* A tag the kernel left in the frame is read, and shifts the IP header. */
static void
test_vlan_inline(void **state)
{
	uint8_t f[FRAME_BUF], g[FRAME_BUF];
	struct uvs_pkt pkt;
	size_t len = udp_frame(f, 16);

	(void)state;
	memcpy(g, f, 12);
	wr16(g + 12, 0x8100);
	wr16(g + 14, 0x2000 | 100);	/* priority 1, VLAN 100 */
	memcpy(g + 16, f + 12, len - 12);
	memset(&pkt, 0xa5, sizeof(pkt));
	assert_int_equal(parse(g, len + 4, &pkt), UVS_DROP_NONE);
	assert_true(pkt.vlan_inline);
	assert_int_equal(pkt.vlan_tci, 0x2000 | 100);
	assert_int_equal(pkt.l3_off, 18);
	assert_int_equal(pkt.flow.vport, htons(VPORT));
	/* untagged: no tag reported, whatever pkt held */
	assert_int_equal(parse(f, len, &pkt), UVS_DROP_NONE);
	assert_false(pkt.vlan_inline);
	assert_int_equal(pkt.l3_off, 14);
	/* a tag and nothing after it; a second tag (QinQ) */
	assert_int_equal(parse_only(g, 16), UVS_DROP_RUNT);
	wr16(g + 16, 0x8100);
	assert_int_equal(parse_only(g, len + 4), UVS_DROP_ETHERTYPE);
}

static void
test_tcp_short(void **state)
{
	uint8_t f[FRAME_BUF];
	size_t len, l4;

	(void)state;
	for (l4 = 0; l4 < 20; l4++) {
		len = ip_frame(f, IPPROTO_TCP, 5, l4);
		assert_int_equal(parse_only(f, len), UVS_DROP_L4_SHORT);
	}
	/* The frame has the bytes, but tot_len says they are padding. */
	len = tcp_frame(f, TH_SYN, 0);
	wr16(f + IP_OFF + 2, 20 + 19);
	ip_csum_fix(f);
	assert_int_equal(parse_only(f, len), UVS_DROP_L4_SHORT);
}

static void
test_tcp_doff(void **state)
{
	uint8_t f[FRAME_BUF];
	size_t len = tcp_frame(f, TH_SYN, 0);
	unsigned doff;

	(void)state;
	for (doff = 0; doff < 5; doff++) {
		f[L4_OFF + 12] = (uint8_t)(doff << 4);
		assert_int_equal(parse_only(f, len), UVS_DROP_TCP_DOFF);
	}
	/* 20-byte segment: any options would run past it. */
	for (doff = 6; doff < 16; doff++) {
		f[L4_OFF + 12] = (uint8_t)(doff << 4);
		assert_int_equal(parse_only(f, len), UVS_DROP_TCP_DOFF);
	}
	/* 24 bytes of segment hold doff 6 exactly, not 7. */
	len = tcp_frame(f, TH_SYN, 4);
	f[L4_OFF + 12] = 6 << 4;
	assert_int_equal(parse_only(f, len), UVS_DROP_NONE);
	f[L4_OFF + 12] = 7 << 4;
	assert_int_equal(parse_only(f, len), UVS_DROP_TCP_DOFF);
}

static void
test_udp_short(void **state)
{
	uint8_t f[FRAME_BUF];
	size_t len, l4;

	(void)state;
	for (l4 = 0; l4 < 8; l4++) {
		len = ip_frame(f, IPPROTO_UDP, 5, l4);
		assert_int_equal(parse_only(f, len), UVS_DROP_L4_SHORT);
	}
}

static void
test_udp_len(void **state)
{
	uint8_t f[FRAME_BUF];
	struct uvs_pkt pkt;
	size_t len = udp_frame(f, 4);
	uint16_t ulen;

	(void)state;
	for (ulen = 0; ulen < 8; ulen++) {
		wr16(f + L4_OFF + 4, ulen);
		assert_int_equal(parse_only(f, len), UVS_DROP_UDP_LEN);
	}
	wr16(f + L4_OFF + 4, 13);
	assert_int_equal(parse_only(f, len), UVS_DROP_UDP_LEN);
	wr16(f + L4_OFF + 4, 65535);
	assert_int_equal(parse_only(f, len), UVS_DROP_UDP_LEN);
	wr16(f + L4_OFF + 4, 12);
	assert_int_equal(parse(f, len, &pkt), UVS_DROP_NONE);
	wr16(f + L4_OFF + 4, 8);
	assert_int_equal(parse(f, len, &pkt), UVS_DROP_NONE);
}

static void
test_eth_padding(void **state)
{
	uint8_t f[FRAME_BUF];
	struct uvs_pkt pkt;
	size_t len;

	(void)state;
	len = udp_frame(f, 0);
	assert_int_equal(len, 42);
	memset(f + len, 0, ETH_MIN_FRAME - len);
	assert_int_equal(parse(f, ETH_MIN_FRAME, &pkt), UVS_DROP_NONE);
	assert_int_equal(pkt.ip_len, 28);
	assert_int_equal(pkt.flow.proto, IPPROTO_UDP);

	len = tcp_frame(f, TH_SYN | TH_ACK, 0);
	memset(f + len, 0xff, ETH_MIN_FRAME - len);
	assert_int_equal(parse(f, ETH_MIN_FRAME, &pkt), UVS_DROP_NONE);
	assert_int_equal(pkt.ip_len, 40);
	assert_int_equal(pkt.tcp_flags, TH_SYN | TH_ACK);
}

static void
test_gso_frame(void **state)
{
	size_t payload = 65535 - 20 - 20;
	uint8_t *f = malloc(ETH_HLEN + 65535);
	struct uvs_pkt pkt;
	size_t len;

	(void)state;
	assert_non_null(f);
	len = tcp_frame(f, TH_ACK, payload);
	assert_int_equal(len, ETH_HLEN + 65535);
	assert_int_equal(parse(f, len, &pkt), UVS_DROP_NONE);
	assert_int_equal(pkt.ip_len, 65535);
	assert_int_equal(pkt.flow.vport, htons(VPORT));

	len = udp_frame(f, 65535 - 20 - 8);
	assert_int_equal(parse(f, len, &pkt), UVS_DROP_NONE);
	assert_int_equal(pkt.ip_len, 65535);
	free(f);
}

/* xorshift64*: small, seeded, the same sequence on every run. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/* Random bytes, often with an IPv4 or ARP ethertype to reach deeper. */
static size_t
fuzz_random(uint8_t *f, uint64_t *s)
{
	size_t len = rnd(s) % (FUZZ_MAX_LEN + 1), i;

	for (i = 0; i < len; i++)
		f[i] = (uint8_t)rnd(s);
	if (len >= ETH_HLEN && rnd(s) % 2)
		wr16(f + 12, rnd(s) % 2 ? ETHERTYPE_IP : ETHERTYPE_ARP);
	if (len > IP_OFF && rnd(s) % 2)
		f[IP_OFF] = (uint8_t)(0x40 | (rnd(s) % 16));
	return len;
}

/* A valid frame with a few bytes changed, maybe cut or padded. */
static size_t
fuzz_mutate(uint8_t *f, uint64_t *s)
{
	size_t len, n, i;

	switch (rnd(s) % 3) {
	case 0:
		len = tcp_frame(f, (uint8_t)rnd(s), rnd(s) % 64);
		break;
	case 1:
		len = udp_frame(f, rnd(s) % 64);
		break;
	default:
		len = arp_frame(f, ARPOP_REQUEST);
		break;
	}
	n = rnd(s) % 4;
	for (i = 0; i < n; i++)
		f[rnd(s) % len] = (uint8_t)rnd(s);
	if (rnd(s) % 2)
		ip_csum_fix(f);
	switch (rnd(s) % 3) {
	case 0:
		len = rnd(s) % (len + 1);
		break;
	case 1:
		n = rnd(s) % (FUZZ_MAX_LEN - len + 1);
		memset(f + len, 0, n);
		len += n;
		break;
	}
	return len;
}

static void
test_fuzz(void **state)
{
	uint8_t f[FRAME_BUF];
	struct uvs_pkt pkt;
	uint64_t seed = FUZZ_SEED;
	enum uvs_drop d;
	size_t len;
	unsigned i;

	(void)state;
	for (i = 0; i < FUZZ_ROUNDS; i++) {
		len = i % 2 ? fuzz_random(f, &seed) : fuzz_mutate(f, &seed);
		d = parse(f, len, &pkt);
		if ((unsigned)d >= UVS_DROP_MAX)
			fail_msg("round %u len %zu: reason %d", i, len, (int)d);
		if (d != UVS_DROP_NONE || pkt.kind != UVS_PKT_IP)
			continue;
		if ((size_t)pkt.ip_len + ETH_HLEN > len || (pkt.flow.proto !=
		    IPPROTO_TCP && pkt.flow.proto != IPPROTO_UDP))
			fail_msg("round %u len %zu: accepted ip_len %u proto %u",
			    i, len, pkt.ip_len, pkt.flow.proto);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_syn),
		cmocka_unit_test(test_tcp_flags_and_df),
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_arp_request),
		cmocka_unit_test(test_runt),
		cmocka_unit_test(test_ethertype),
		cmocka_unit_test(test_arp_bad),
		cmocka_unit_test(test_ip_short),
		cmocka_unit_test(test_ip_version),
		cmocka_unit_test(test_ip_ihl),
		cmocka_unit_test(test_ip_len),
		cmocka_unit_test(test_ip_options),
		cmocka_unit_test(test_ip_csum),
		cmocka_unit_test(test_ip_frag),
		cmocka_unit_test(test_ip_proto),
		cmocka_unit_test(test_icmp_error),
		cmocka_unit_test(test_icmp_bad),
		cmocka_unit_test(test_vlan_inline),
		cmocka_unit_test(test_tcp_short),
		cmocka_unit_test(test_tcp_doff),
		cmocka_unit_test(test_udp_short),
		cmocka_unit_test(test_udp_len),
		cmocka_unit_test(test_eth_padding),
		cmocka_unit_test(test_gso_frame),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
