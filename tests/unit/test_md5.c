/*
 * MD5 (fwd/md5.c) against RFC 1321's test suite, fed whole and in odd
 * pieces, as an HTTP check feeds a body read by read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "fwd/health/md5.h"

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
	struct uvs_md5 m;
	char hex[33];
	size_t i, k, step;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (step = 1; step <= 70; step += 23) {
			size_t len = strlen(v[i].in);

			uvs_md5_init(&m);
			for (k = 0; k < len; k += step)
				uvs_md5_update(&m, v[i].in + k,
				    len - k < step ? len - k : step);
			uvs_md5_hex(&m, hex);
			assert_string_equal(hex, v[i].md5);
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc1321_suite),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
