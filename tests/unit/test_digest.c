/*
 * The check digest (fwd/health/digest.c, OpenSSL's MD5) against RFC
 * 1321's test suite, fed whole and in odd pieces, as an HTTP check feeds
 * a body read by read; and used before it is started.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "fwd/health/digest.h"

static void
rfc1321_suite(void **state)
{
	static const struct {
		const char	*in, *md5;
	} v[] = {
		{ "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ "a", "0cc175b9c0f1b6a831c399e269772661" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
		{ "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		    "d174ab98d277d9f5a5611c2c9f419d9f" },
		{ "1234567890123456789012345678901234567890123456789012345678901234"
		    "5678901234567890", "57edf4a22be3c955ac49da2e2107b67a" },
	};
	struct uvs_digest m = { 0 };
	char hex[UVS_DIGEST_HEX];
	size_t i, k, step;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (step = 1; step <= 70; step += 23) {
			size_t len = strlen(v[i].in);

			assert_int_equal(uvs_digest_start(&m), 0);
			for (k = 0; k < len; k += step)
				uvs_digest_update(&m, v[i].in + k,
				    len - k < step ? len - k : step);
			assert_int_equal(uvs_digest_hex(&m, hex), 0);
			assert_string_equal(hex, v[i].md5);
			uvs_digest_free(&m);
		}
}

static void
not_started(void **state)
{
	struct uvs_digest m = { 0 };
	char hex[UVS_DIGEST_HEX];

	(void)state;
	uvs_digest_update(&m, "x", 1);
	assert_int_equal(uvs_digest_hex(&m, hex), -EINVAL);
	assert_string_equal(hex, "");
	uvs_digest_free(&m);
	uvs_digest_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc1321_suite),
		cmocka_unit_test(not_started),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
