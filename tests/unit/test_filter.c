/*
 * Unit tests for the capture filter (fwd/data/filter.c), run through
 * libpcap's own classic BPF interpreter (bpf_filter), which executes the
 * kernel's instruction set. With v4 VIPs the program passes ARP requests
 * and IPv4 to the director's MAC; with v6 VIPs, IPv6 to that MAC and
 * Neighbor Solicitations to a solicited-node group; nothing else. It is
 * the same program whatever the VIPs; with no VIP it passes nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <cmocka.h>

#include "fwd/data/filter.h"

static const uint8_t dir_mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 };
static const uint8_t other_mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x31 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* A frame: dst MAC, ethertype, then zeros; an ARP opcode if ARP. */
static size_t
frame(uint8_t *f, size_t len, const uint8_t dst[6], uint16_t type,
    uint16_t arp_op)
{
	memset(f, 0, len);
	memcpy(f, dst, 6);
	memcpy(f + 6, other_mac, 6);
	f[12] = type >> 8;
	f[13] = type & 0xff;
	if (type == ETHERTYPE_ARP && len >= ETH_HLEN + 8) {
		f[ETH_HLEN + 6] = arp_op >> 8;
		f[ETH_HLEN + 7] = arp_op & 0xff;
	}
	return len;
}

/* The bytes the program keeps of f (0: dropped). */
static unsigned
run(const struct sock_fprog *p, const uint8_t *f, size_t len)
{
	return bpf_filter((const struct bpf_insn *)p->filter, f,
	    (unsigned)len, (unsigned)len);
}

static void
test_passes_what_uvsd_serves(void **state)
{
	struct sock_fprog p;
	uint8_t f[128];

	(void)state;
	assert_int_equal(uvs_filter_build(1, dir_mac, &p), 0);
	/* IPv4 to us, whatever the IP header says (uvsd judges it) */
	frame(f, 60, dir_mac, ETHERTYPE_IP, 0);
	assert_true(run(&p, f, 60) >= 60);
	/* a 64 KiB GSO frame is kept whole */
	{
		uint8_t *big = calloc(1, 65600);

		assert_non_null(big);
		frame(big, 65600, dir_mac, ETHERTYPE_IP, 0);
		assert_true(run(&p, big, 65600) >= 65600);
		free(big);
	}
	/* ARP requests, broadcast or to us */
	frame(f, 42, bcast, ETHERTYPE_ARP, ARPOP_REQUEST);
	assert_true(run(&p, f, 42) > 0);
	frame(f, 42, dir_mac, ETHERTYPE_ARP, ARPOP_REQUEST);
	assert_true(run(&p, f, 42) > 0);
	free(p.filter);
}

static void
test_drops_the_rest(void **state)
{
	struct sock_fprog p;
	uint8_t f[128];

	(void)state;
	assert_int_equal(uvs_filter_build(1, dir_mac, &p), 0);
	frame(f, 60, other_mac, ETHERTYPE_IP, 0);	/* another host's */
	assert_int_equal(run(&p, f, 60), 0);
	frame(f, 60, bcast, ETHERTYPE_IP, 0);		/* IPv4 broadcast */
	assert_int_equal(run(&p, f, 60), 0);
	frame(f, 60, dir_mac, ETHERTYPE_IPV6, 0);
	assert_int_equal(run(&p, f, 60), 0);
	frame(f, 42, bcast, ETHERTYPE_ARP, ARPOP_REPLY);
	assert_int_equal(run(&p, f, 42), 0);
	/* one byte differs in the MAC's last two: not us */
	memcpy(f, dir_mac, 6);
	f[5] ^= 1;
	assert_int_equal(run(&p, f, 60), 0);
	/* too short to hold an ethertype or an ARP opcode */
	frame(f, 12, dir_mac, ETHERTYPE_IP, 0);
	assert_int_equal(run(&p, f, 12), 0);
	frame(f, ETH_HLEN + 4, bcast, ETHERTYPE_ARP, 0);
	assert_int_equal(run(&p, f, ETH_HLEN + 4), 0);
	free(p.filter);
}

static void
test_no_vip_passes_nothing(void **state)
{
	struct sock_fprog p;
	uint8_t f[64];

	(void)state;
	assert_int_equal(uvs_filter_build(0, dir_mac, &p), 0);
	frame(f, 60, dir_mac, ETHERTYPE_IP, 0);
	assert_int_equal(run(&p, f, 60), 0);
	frame(f, 42, bcast, ETHERTYPE_ARP, ARPOP_REQUEST);
	assert_int_equal(run(&p, f, 42), 0);
	free(p.filter);
}

/* The program does not depend on anything but the MAC: one for all. */
static void
test_fixed_size(void **state)
{
	struct sock_fprog a, b;

	(void)state;
	assert_int_equal(uvs_filter_build(1, dir_mac, &a), 0);
	assert_int_equal(uvs_filter_build(1, other_mac, &b), 0);
	assert_int_equal(a.len, b.len);
	assert_true(a.len <= 24);
	free(a.filter);
	free(b.filter);
}

/* An IPv6 frame to dst, next header nh, an ICMPv6 type after 40 bytes. */
static size_t
frame6(uint8_t *f, size_t len, const uint8_t dst[6], uint8_t nh,
    uint8_t icmp_type)
{
	frame(f, len, dst, ETHERTYPE_IPV6, 0);
	f[ETH_HLEN] = 0x60;
	f[ETH_HLEN + 6] = nh;
	f[ETH_HLEN + 40] = icmp_type;
	return len;
}

static void
test_v6(void **state)
{
	static const uint8_t solnode[6] = { 0x33, 0x33, 0xff, 0, 0, 0x10 };
	static const uint8_t allnodes[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	struct sock_fprog p;
	uint8_t f[128];

	(void)state;
	assert_int_equal(uvs_filter_build(UVS_FILTER_V6, dir_mac, &p), 0);
	/* IPv6 to us, whatever it carries; NS to a solicited-node group */
	frame6(f, 74, dir_mac, IPPROTO_TCP, 0);
	assert_true(run(&p, f, 74) >= 74);
	frame6(f, 86, solnode, IPPROTO_ICMPV6, 135);
	assert_true(run(&p, f, 86) >= 86);
	/* not: other ICMPv6 to the group, NS to all nodes, NS behind an
	   extension header, another host's IPv6, and no IPv4 or ARP */
	frame6(f, 86, solnode, IPPROTO_ICMPV6, 136);
	assert_int_equal(run(&p, f, 86), 0);
	frame6(f, 86, solnode, IPPROTO_HOPOPTS, 135);
	assert_int_equal(run(&p, f, 86), 0);
	frame6(f, 86, allnodes, IPPROTO_ICMPV6, 135);
	assert_int_equal(run(&p, f, 86), 0);
	frame6(f, 74, other_mac, IPPROTO_TCP, 0);
	assert_int_equal(run(&p, f, 74), 0);
	frame(f, 60, dir_mac, ETHERTYPE_IP, 0);
	assert_int_equal(run(&p, f, 60), 0);
	frame(f, 42, bcast, ETHERTYPE_ARP, ARPOP_REQUEST);
	assert_int_equal(run(&p, f, 42), 0);
	/* a group frame too short to hold the ICMPv6 type */
	frame6(f, 54, solnode, IPPROTO_ICMPV6, 0);
	assert_int_equal(run(&p, f, 54), 0);
	free(p.filter);

	/* dual stack: both, and still nothing else */
	assert_int_equal(uvs_filter_build(UVS_FILTER_V4 | UVS_FILTER_V6,
	    dir_mac, &p), 0);
	frame(f, 60, dir_mac, ETHERTYPE_IP, 0);
	assert_true(run(&p, f, 60) >= 60);
	frame(f, 42, bcast, ETHERTYPE_ARP, ARPOP_REQUEST);
	assert_true(run(&p, f, 42) > 0);
	frame6(f, 74, dir_mac, IPPROTO_UDP, 0);
	assert_true(run(&p, f, 74) >= 74);
	frame6(f, 86, solnode, IPPROTO_ICMPV6, 135);
	assert_true(run(&p, f, 86) >= 86);
	frame6(f, 74, other_mac, IPPROTO_UDP, 0);
	assert_int_equal(run(&p, f, 74), 0);
	free(p.filter);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passes_what_uvsd_serves),
		cmocka_unit_test(test_drops_the_rest),
		cmocka_unit_test(test_no_vip_passes_nothing),
		cmocka_unit_test(test_fixed_size),
		cmocka_unit_test(test_v6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
