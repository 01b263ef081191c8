/*
 * Unit tests for fwd/data/csum.c: a TCP or UDP frame whose checksum
 * field holds only its pseudo-header sum (what CHECKSUM_PARTIAL leaves,
 * and what an AF_XDP socket on veth receives) is recognised and finished
 * to the checksum a plain RFC 1071 loop computes; frames that are not
 * partial, fragments and short frames are left alone; a vnet header that
 * points outside the frame writes nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <endian.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "fwd/data/csum.h"

#define ETH	14
#define IPH	20

/* The reference: 16-bit words, one at a time, folded, inverted. */
static uint16_t
ref_sum(const uint8_t *p, size_t len, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static uint32_t
pseudo(const uint8_t *ip, size_t l4len)
{
	return (uint32_t)ref_sum(ip + 12, 8, 0) + ip[9] + (uint32_t)l4len;
}

/* An IPv4 frame of proto with payload bytes from seed; returns its length. */
static size_t
build(uint8_t *f, uint8_t proto, size_t payload, unsigned seed)
{
	size_t l4h = proto == IPPROTO_TCP ? 20 : 8, l4len = l4h + payload, i;
	uint8_t *ip = f + ETH;

	memset(f, 0, ETH + IPH + l4len);
	f[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = (uint8_t)((IPH + l4len) >> 8);
	ip[3] = (uint8_t)(IPH + l4len);
	ip[6] = 0x40;		/* DF */
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, "\xc6\x12\x00\x64\xc6\x12\x00\x0a", 8);
	srand(seed);
	for (i = 0; i < l4len; i++)
		ip[IPH + i] = (uint8_t)rand();
	if (proto == IPPROTO_UDP) {
		ip[IPH + 4] = (uint8_t)(l4len >> 8);
		ip[IPH + 5] = (uint8_t)l4len;
	}
	return ETH + IPH + l4len;
}

static size_t
csum_at(uint8_t proto)
{
	return ETH + IPH + (proto == IPPROTO_TCP ? 16 : 6);
}

/* The complete checksum the frame should carry. */
static uint16_t
full(uint8_t *f, size_t len, uint8_t proto)
{
	size_t at = csum_at(proto);
	uint16_t c;

	f[at] = f[at + 1] = 0;
	c = (uint16_t)~ref_sum(f + ETH + IPH, len - ETH - IPH,
	    pseudo(f + ETH, len - ETH - IPH));
	return c ? c : 0xffff;
}

/* What CHECKSUM_PARTIAL leaves in the field. */
static void
make_partial(uint8_t *f, size_t len, uint8_t proto)
{
	size_t at = csum_at(proto);
	uint16_t p = ref_sum(NULL, 0, pseudo(f + ETH, len - ETH - IPH));

	f[at] = (uint8_t)(p >> 8);
	f[at + 1] = (uint8_t)p;
}

static void
partial_is_finished(uint8_t proto)
{
	uint8_t f[ETH + IPH + 20 + 1500];
	struct virtio_net_hdr vh;
	size_t payload, len, at = csum_at(proto);
	uint16_t want;

	/* every payload length up to a full MTU, odd ones too */
	for (payload = 0; payload <= 1460; payload++) {
		len = build(f, proto, payload, (unsigned)payload);
		want = full(f, len, proto);
		make_partial(f, len, proto);
		memset(&vh, 0xaa, sizeof(vh));
		assert_int_equal(uvs_csum_partial(f, len, &vh), 1);
		assert_int_equal(vh.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
		assert_int_equal(vh.gso_type, VIRTIO_NET_HDR_GSO_NONE);
		assert_int_equal(le16toh(vh.csum_start), ETH + IPH);
		assert_int_equal(le16toh(vh.csum_start) +
		    le16toh(vh.csum_offset), at);
		assert_int_equal(uvs_csum_finish(f, len, &vh), 0);
		assert_int_equal(f[at] << 8 | f[at + 1], want);
	}
}

static void
tcp_partial_is_finished(void **state)
{
	(void)state;
	partial_is_finished(IPPROTO_TCP);
}

static void
udp_partial_is_finished(void **state)
{
	(void)state;
	partial_is_finished(IPPROTO_UDP);
}

/* A frame whose checksum is complete is not taken for partial. */
static void
complete_is_left_alone(void **state)
{
	uint8_t f[ETH + IPH + 20 + 600];
	struct virtio_net_hdr vh = { 0 };
	size_t len, at = csum_at(IPPROTO_TCP);
	unsigned seed, hits = 0;
	uint16_t c;

	(void)state;
	for (seed = 0; seed < 2000; seed++) {
		len = build(f, IPPROTO_TCP, 100 + seed % 500, seed);
		c = full(f, len, IPPROTO_TCP);
		f[at] = (uint8_t)(c >> 8);
		f[at + 1] = (uint8_t)c;
		hits += (unsigned)uvs_csum_partial(f, len, &vh);
	}
	/* a complete sum equal to the pseudo-header sum: 1 in 65536 */
	assert_true(hits <= 1);
}

static void
not_partial_candidates(void **state)
{
	uint8_t f[ETH + IPH + 20 + 100], g[sizeof(f)];
	struct virtio_net_hdr vh = { 0 };
	size_t len = build(f, IPPROTO_TCP, 100, 3);

	(void)state;
	make_partial(f, len, IPPROTO_TCP);
	assert_int_equal(uvs_csum_partial(f, len, &vh), 1);
	memset(&vh, 0, sizeof(vh));
	memcpy(g, f, len);
	g[ETH + 6] |= 0x20;			/* more fragments */
	assert_int_equal(uvs_csum_partial(g, len, &vh), 0);
	memcpy(g, f, len);
	g[ETH + 7] = 1;				/* a later fragment */
	g[ETH + 6] = 0;
	assert_int_equal(uvs_csum_partial(g, len, &vh), 0);
	memcpy(g, f, len);
	g[12] = 0x86;				/* not IPv4 */
	assert_int_equal(uvs_csum_partial(g, len, &vh), 0);
	memcpy(g, f, len);
	g[ETH] = 0x44;				/* IHL 4 */
	assert_int_equal(uvs_csum_partial(g, len, &vh), 0);
	memcpy(g, f, len);
	g[ETH + 9] = IPPROTO_ICMP;
	assert_int_equal(uvs_csum_partial(g, len, &vh), 0);
	/* the IP length says more than the frame holds */
	assert_int_equal(uvs_csum_partial(f, len - 1, &vh), 0);
	assert_int_equal(uvs_csum_partial(f, ETH + IPH - 1, &vh), 0);
	assert_int_equal(uvs_csum_partial(f, 0, &vh), 0);
	/* TCP too short for its header */
	memcpy(g, f, len);
	g[ETH + 2] = 0;
	g[ETH + 3] = IPH + 10;
	assert_int_equal(uvs_csum_partial(g, len, &vh), 0);
	assert_int_equal(vh.flags, 0);		/* never touched */
}

static void
finish_outside_frame(void **state)
{
	uint8_t f[64] = { 0 }, g[64] = { 0 };
	struct virtio_net_hdr vh = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
	    .csum_start = htole16(40), .csum_offset = htole16(23) };

	(void)state;
	assert_int_equal(uvs_csum_finish(f, sizeof(f), &vh), -EINVAL);
	vh.csum_start = htole16(65);
	vh.csum_offset = 0;
	assert_int_equal(uvs_csum_finish(f, sizeof(f), &vh), -EINVAL);
	assert_memory_equal(f, g, sizeof(f));
	/* no NEEDS_CSUM: nothing to do */
	vh.flags = 0;
	assert_int_equal(uvs_csum_finish(f, sizeof(f), &vh), 0);
	assert_memory_equal(f, g, sizeof(f));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tcp_partial_is_finished),
		cmocka_unit_test(udp_partial_is_finished),
		cmocka_unit_test(complete_is_left_alone),
		cmocka_unit_test(not_partial_candidates),
		cmocka_unit_test(finish_outside_frame),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
