/*
 * The real server's unwrapping (arp/rs/tundecap.c: uvs_decap_inner) fed
 * good and bad packets: ipip, GUE with and without options, GRE with key
 * and sequence; and what it must refuse (other protocols, GUE versions
 * or control messages, GRE routing or other payloads, cut packets, an
 * inner length past the end). Also the type names uvs-rs accepts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "arp/rs/tundecap.h"

/* A minimal inner IPv4 packet of len bytes at p. */
static void
inner(uint8_t *p, size_t len)
{
	memset(p, 0, len);
	p[0] = 0x45;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	p[9] = IPPROTO_TCP;
}

static void
outer(uint8_t *p, uint8_t proto)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	p[9] = proto;
}

static void
ipip(void **state)
{
	uint8_t b[128];
	size_t ilen;

	(void)state;
	outer(b, IPPROTO_IPIP);
	inner(b + 20, 60);
	assert_int_equal(uvs_decap_inner(UVS_DECAP_IPIP, b, 80, &ilen), 20);
	assert_int_equal(ilen, 60);
	/* trailing bytes (padding) are not part of the inner packet */
	assert_int_equal(uvs_decap_inner(UVS_DECAP_IPIP, b, 90, &ilen), 20);
	assert_int_equal(ilen, 60);
	/* cut short, wrong protocol, inner not IPv4, outer not IPv4 */
	assert_int_equal(uvs_decap_inner(UVS_DECAP_IPIP, b, 79, &ilen), -1);
	b[9] = IPPROTO_GRE;
	assert_int_equal(uvs_decap_inner(UVS_DECAP_IPIP, b, 80, &ilen), -1);
	b[9] = IPPROTO_IPIP;
	b[20] = 0x65;
	assert_int_equal(uvs_decap_inner(UVS_DECAP_IPIP, b, 80, &ilen), -1);
	b[20] = 0x45;
	b[0] = 0x65;
	assert_int_equal(uvs_decap_inner(UVS_DECAP_IPIP, b, 80, &ilen), -1);
	b[0] = 0x4f;	/* header length 60 > what is there */
	assert_int_equal(uvs_decap_inner(UVS_DECAP_IPIP, b, 50, &ilen), -1);
	assert_int_equal(uvs_decap_inner(UVS_DECAP_IPIP, b, 10, &ilen), -1);
}

static void
gue(void **state)
{
	uint8_t b[128];
	size_t ilen;

	(void)state;
	memset(b, 0, 4);
	b[1] = IPPROTO_IPIP;
	inner(b + 4, 40);
	assert_int_equal(uvs_decap_inner(UVS_DECAP_GUE, b, 44, &ilen), 4);
	assert_int_equal(ilen, 40);
	/* two words of options are skipped */
	b[0] = 2;
	memset(b + 4, 0xee, 8);
	inner(b + 12, 40);
	assert_int_equal(uvs_decap_inner(UVS_DECAP_GUE, b, 52, &ilen), 12);
	/* version 1, a control message, another protocol: not ours */
	b[0] = 0x42;
	assert_int_equal(uvs_decap_inner(UVS_DECAP_GUE, b, 52, &ilen), -1);
	b[0] = 0x22;
	assert_int_equal(uvs_decap_inner(UVS_DECAP_GUE, b, 52, &ilen), -1);
	b[0] = 2;
	b[1] = IPPROTO_IPV6;
	assert_int_equal(uvs_decap_inner(UVS_DECAP_GUE, b, 52, &ilen), -1);
	b[1] = IPPROTO_IPIP;
	assert_int_equal(uvs_decap_inner(UVS_DECAP_GUE, b, 3, &ilen), -1);
	assert_int_equal(uvs_decap_inner(UVS_DECAP_GUE, b, 51, &ilen), -1);
}

static void
gre(void **state)
{
	uint8_t b[128];
	size_t ilen;

	(void)state;
	outer(b, IPPROTO_GRE);
	b[20] = 0x30;		/* key and sequence present */
	b[21] = 0;
	b[22] = 0x08;
	b[23] = 0x00;
	inner(b + 32, 40);
	assert_int_equal(uvs_decap_inner(UVS_DECAP_GRE, b, 72, &ilen), 32);
	b[20] = 0xb0;		/* and a checksum */
	inner(b + 36, 36);
	assert_int_equal(uvs_decap_inner(UVS_DECAP_GRE, b, 72, &ilen), 36);
	b[20] = 0x40;		/* routing present: refused */
	assert_int_equal(uvs_decap_inner(UVS_DECAP_GRE, b, 72, &ilen), -1);
	b[20] = 0;
	b[21] = 1;		/* version 1 (PPTP) */
	assert_int_equal(uvs_decap_inner(UVS_DECAP_GRE, b, 72, &ilen), -1);
	b[21] = 0;
	b[22] = 0x86;		/* IPv6 inside */
	b[23] = 0xdd;
	assert_int_equal(uvs_decap_inner(UVS_DECAP_GRE, b, 72, &ilen), -1);
	assert_int_equal(uvs_decap_inner(UVS_DECAP_GRE, b, 22, &ilen), -1);
}

static void
type_names(void **state)
{
	(void)state;
	assert_int_equal(uvs_decap_type_parse("ipip"), UVS_DECAP_IPIP);
	assert_int_equal(uvs_decap_type_parse("gue"), UVS_DECAP_GUE);
	assert_int_equal(uvs_decap_type_parse("gre"), UVS_DECAP_GRE);
	assert_int_equal(uvs_decap_type_parse("GUE"), -1);
	assert_int_equal(uvs_decap_type_parse(""), -1);
	assert_string_equal(uvs_decap_type_name(UVS_DECAP_GUE), "gue");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipip),
		cmocka_unit_test(gue),
		cmocka_unit_test(gre),
		cmocka_unit_test(type_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
