/*
 * Unit tests for the director's ICMPv6 Packet Too Big (fwd/data/icmp6.c):
 * every field, the checksum by an independent sum over an explicit
 * pseudo-header, the quote cut to the room given, the MTU never below
 * IPv6's 1280, and the fit test (GSO frames and no limit always fit).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <net/ethernet.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "fwd/data/icmp6.h"

#define OUT_MAX	(14 + 576)

static const uint8_t dir_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t cli_mac[6] = { 0x02, 0, 0, 0, 0, 0x42 };
static const uint8_t cli_ip[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 7 };
static const uint8_t vip_ip[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 };

/* A client -> VIP frame of plen payload bytes after the IPv6 header. */
static size_t
frame(uint8_t *f, size_t plen)
{
	memset(f, 0xab, 14 + 40 + plen);
	memcpy(f, dir_mac, 6);
	memcpy(f + 6, cli_mac, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	f[14] = 0x60;
	f[15] = f[16] = f[17] = 0;
	f[18] = (uint8_t)(plen >> 8);
	f[19] = (uint8_t)plen;
	f[20] = IPPROTO_TCP;
	f[21] = 64;
	memcpy(f + 22, cli_ip, 16);
	memcpy(f + 38, vip_ip, 16);
	return 14 + 40 + plen;
}

/* The one's complement sum, 32-bit words at a time, of pseudo + msg. */
static uint16_t
ref_sum(const uint8_t *ip, const uint8_t *m, size_t len)
{
	uint8_t buf[40 + OUT_MAX] = { 0 };
	uint64_t s = 0;
	size_t i, n = 40 + len + (len & 1);

	memcpy(buf, ip + 8, 32);
	buf[34] = (uint8_t)(len >> 8);
	buf[35] = (uint8_t)len;
	buf[39] = IPPROTO_ICMPV6;
	memcpy(buf + 40, m, len);
	for (i = 0; i < n; i += 4)
		s += (uint64_t)buf[i] << 24 | (uint64_t)buf[i + 1] << 16 |
		    (uint64_t)buf[i + 2] << 8 | buf[i + 3];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
test_too_big_fields(void **state)
{
	uint8_t f[1600], o[OUT_MAX];
	size_t len = frame(f, 1400), n;
	const uint8_t *ip = o + 14, *m = ip + 40;

	(void)state;
	n = uvs_icmp6_too_big(o, sizeof(o), f, len, 1300);
	assert_int_equal(n, OUT_MAX);		/* the quote was cut */
	assert_memory_equal(o, cli_mac, 6);
	assert_memory_equal(o + 6, dir_mac, 6);
	assert_int_equal(o[12] << 8 | o[13], 0x86dd);
	assert_int_equal(ip[0], 0x60);
	assert_int_equal(ip[4] << 8 | ip[5], n - 14 - 40);
	assert_int_equal(ip[6], IPPROTO_ICMPV6);
	assert_int_equal(ip[7], 64);
	assert_memory_equal(ip + 8, vip_ip, 16);
	assert_memory_equal(ip + 24, cli_ip, 16);
	assert_int_equal(m[0], ICMP6_PACKET_TOO_BIG);
	assert_int_equal(m[1], 0);
	assert_int_equal(m[4] << 24 | m[5] << 16 | m[6] << 8 | m[7], 1300);
	assert_memory_equal(m + 8, f + 14, n - 14 - 40 - 8);
	assert_int_equal(ref_sum(ip, m, n - 14 - 40), 0);
	/* a short packet is quoted whole; an MTU below 1280 says 1280 */
	len = frame(f, 21);
	n = uvs_icmp6_too_big(o, sizeof(o), f, len, 1000);
	assert_int_equal(n, 14 + 40 + 8 + 40 + 21);
	assert_int_equal(m[4] << 24 | m[5] << 16 | m[6] << 8 | m[7], 1280);
	assert_int_equal(ref_sum(ip, m, n - 14 - 40), 0);
}

static void
test_fits(void **state)
{
	uint8_t f[1600];
	size_t len = frame(f, 1240);	/* 1280 bytes of IPv6 packet */

	(void)state;
	assert_true(uvs_icmp6_fits(f, len, 1280, 0));
	assert_false(uvs_icmp6_fits(f, len, 1279, 0));
	assert_true(uvs_icmp6_fits(f, len, 1279, 1));	/* GSO */
	assert_true(uvs_icmp6_fits(f, len, 0, 0));	/* no limit */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_too_big_fields),
		cmocka_unit_test(test_fits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
