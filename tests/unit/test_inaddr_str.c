/*
 * Addresses as text (sched/inaddr_str.c): v4 and v6 with and without a
 * port, the v6 one bracketed as ipvsadm writes it, a v4-mapped address,
 * an unknown family and buffers too small.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sched/inaddr_str.h"

static union uvs_inaddr
v6(const char *s)
{
	union uvs_inaddr a = { 0 };

	assert_int_equal(inet_pton(AF_INET6, s, &a.in6), 1);
	return a;
}

static void
v4_plain_and_port(void **state)
{
	union uvs_inaddr a = uvs_inaddr4(htonl(0xc612000a));	/* 198.18.0.10 */
	char b[UVS_INADDR_PORT_STRLEN];

	(void)state;
	assert_string_equal(uvs_inaddr_str(AF_INET, &a, b, sizeof(b)),
	    "198.18.0.10");
	assert_string_equal(uvs_inaddr_port_str(AF_INET, &a, 80, b,
	    sizeof(b)), "198.18.0.10:80");
}

static void
v6_bracketed_with_port(void **state)
{
	union uvs_inaddr a = v6("2001:db8::10");
	char b[UVS_INADDR_PORT_STRLEN];

	(void)state;
	assert_string_equal(uvs_inaddr_str(AF_INET6, &a, b, sizeof(b)),
	    "2001:db8::10");
	assert_string_equal(uvs_inaddr_port_str(AF_INET6, &a, 80, b,
	    sizeof(b)), "[2001:db8::10]:80");
	a = v6("::ffff:198.18.0.10");
	assert_string_equal(uvs_inaddr_port_str(AF_INET6, &a, 443, b,
	    sizeof(b)), "[::ffff:198.18.0.10]:443");
}

/* The longest v6 text and the highest port fit the declared room. */
static void
longest_fits(void **state)
{
	union uvs_inaddr a = v6("2001:db8:1234:5678:9abc:def0:1234:5678");
	char b[UVS_INADDR_PORT_STRLEN];

	(void)state;
	uvs_inaddr_port_str(AF_INET6, &a, 65535, b, sizeof(b));
	assert_string_equal(b, "[2001:db8:1234:5678:9abc:def0:1234:5678]:65535");
	assert_true(strlen(b) < sizeof(b));
	assert_int_equal(b[0], '[');
	assert_non_null(strstr(b, "]:65535"));
}

static void
bad_family_and_small_buffers(void **state)
{
	union uvs_inaddr a = v6("2001:db8::10");
	char b[8];

	(void)state;
	assert_string_equal(uvs_inaddr_str(AF_UNIX, &a, b, sizeof(b)), "?");
	/* "2001:db8::10" does not fit 8 bytes: no cut address */
	assert_string_equal(uvs_inaddr_str(AF_INET6, &a, b, sizeof(b)), "?");
	assert_string_equal(uvs_inaddr_port_str(AF_INET6, &a, 80, b,
	    sizeof(b)), "?");
	b[0] = 'x';
	uvs_inaddr_str(AF_INET6, &a, b, 0);
	assert_int_equal(b[0], 'x');		/* size 0: untouched */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(v4_plain_and_port),
		cmocka_unit_test(v6_bracketed_with_port),
		cmocka_unit_test(longest_fits),
		cmocka_unit_test(bad_family_and_small_buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
