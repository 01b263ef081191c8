/*
 * Unit tests for the interface claim (fwd/control/ifclaim.c): a second
 * claim on the same interface index is refused with the holder's pid
 * named; another index is free; closing the claim frees it at once.
 * The names are abstract Unix sockets of this test's network namespace;
 * the indexes are far above any real interface's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fwd/control/ifclaim.h"

#define IFX	(4000000000u + (unsigned)getpid() % 1000000u)

static void
test_second_claim_refused(void **state)
{
	char err[256] = "", pid[32];
	int a, b;

	(void)state;
	a = uvs_ifclaim(IFX, "eth9", err, sizeof(err));
	assert_true(a >= 0);
	b = uvs_ifclaim(IFX, "eth9", err, sizeof(err));
	assert_int_equal(b, -EADDRINUSE);
	snprintf(pid, sizeof(pid), "(pid %d)", (int)getpid());
	assert_non_null(strstr(err, pid));
	assert_non_null(strstr(err, "eth9"));
	/* another interface is another claim */
	b = uvs_ifclaim(IFX + 1, "eth10", err, sizeof(err));
	assert_true(b >= 0);
	close(b);
	/* released with its descriptor */
	close(a);
	a = uvs_ifclaim(IFX, "eth9", err, sizeof(err));
	assert_true(a >= 0);
	close(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_second_claim_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
