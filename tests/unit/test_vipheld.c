/*
 * Unit tests for sched/vipheld.c: the set of addresses the kernel holds
 * (uvsd --follow-vip) stays sorted and without duplicates, refuses to
 * grow past UVS_SVC_HELD_MAX, and says which VIPs are silent; and for
 * its batch words ("vip-follow", "vip-held"), which a table copy and a
 * -C keep.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "fwd/control/batch.h"
#include "sched/sched.h"
#include "tests/unit/inaddr4.h"

static void
test_hold_sorted_unique(void **state)
{
	struct uvs_svc_table t;
	const uint32_t in[] = { 50, 7, 300, 7, 1, 50, 9 };
	unsigned i;

	(void)state;
	uvs_svc_table_init(&t);
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		assert_int_equal(svc_hold4(&t, in[i], 1), 0);
	assert_int_equal(t.nheld, 5);
	for (i = 1; i < t.nheld; i++)
		assert_true(memcmp(t.held[i - 1].addr.b, t.held[i].addr.b,
		    16) < 0);
	assert_true(svc_is_held4(&t, 300));
	assert_false(svc_is_held4(&t, 8));
	assert_int_equal(svc_hold4(&t, 7, 0), 0);
	assert_int_equal(svc_hold4(&t, 7, 0), 0);	/* gone already */
	assert_false(svc_is_held4(&t, 7));
	assert_int_equal(t.nheld, 4);
	uvs_svc_table_free(&t);
}

static void
test_hold_cap(void **state)
{
	struct uvs_svc_table t;
	uint32_t a;

	(void)state;
	uvs_svc_table_init(&t);
	for (a = 0; a < UVS_SVC_HELD_MAX; a++)
		assert_int_equal(svc_hold4(&t, a * 3 + 1, 1), 0);
	assert_int_equal(svc_hold4(&t, 2, 1), -ENOSPC);
	assert_int_equal(svc_hold4(&t, 1, 1), 0);	/* there already */
	assert_int_equal(svc_hold4(&t, 1, 0), 0);
	assert_int_equal(svc_hold4(&t, 2, 1), 0);
	assert_true(svc_is_held4(&t, 2));
	assert_true(svc_is_held4(&t, 3 * (UVS_SVC_HELD_MAX - 1) + 1));
	uvs_svc_table_free(&t);
}

static void
test_silent(void **state)
{
	struct uvs_svc_table t;

	(void)state;
	uvs_svc_table_init(&t);
	assert_false(svc_vip_silent4(&t, 10));	/* follow off */
	uvs_svc_follow(&t, 1);
	assert_true(svc_vip_silent4(&t, 10));
	assert_int_equal(svc_hold4(&t, 10, 1), 0);
	assert_false(svc_vip_silent4(&t, 10));
	uvs_svc_table_free(&t);
}

/* Applies one request line to t; returns apply's result. */
static int
apply_line(struct uvs_svc_table *t, const char *text)
{
	char line[256], err[128];
	struct uvs_ctl_msg m;
	unsigned at;

	strcpy(line, text);
	assert_int_equal(uvs_ctl_parse(line, &m), 0);
	return uvs_batch_apply(t, &m, 1, NULL, &at, err, sizeof(err));
}

static void
test_batch_words(void **state)
{
	struct uvs_svc_table t, copy;
	struct in_addr vip;

	(void)state;
	inet_pton(AF_INET, "198.18.0.10", &vip);
	uvs_svc_table_init(&t);
	assert_int_equal(apply_line(&t, "vip-follow on=1"), 0);
	assert_int_equal(apply_line(&t, "vip-held addr=198.18.0.10 held=1"), 0);
	assert_int_equal(apply_line(&t, "add-service proto=tcp "
	    "vip=198.18.0.10 vport=80 sched=rr"), 0);
	assert_int_equal(apply_line(&t, "vip-held addr=nowhere held=1"),
	    -EINVAL);
	assert_int_equal(apply_line(&t, "vip-held addr=198.18.0.10 held=2"),
	    -EINVAL);
	assert_int_equal(apply_line(&t, "vip-follow on=yes"), -EINVAL);
	/* a copy (a transaction's shadow) says the same */
	uvs_svc_table_init(&copy);
	assert_int_equal(uvs_batch_copy(&copy, &t), 0);
	assert_true(copy.follow);
	assert_true(svc_is_held4(&copy, vip.s_addr));
	uvs_svc_table_free(&copy);
	/* -C drops the services, not what the kernel holds */
	assert_int_equal(apply_line(&t, "clear"), 0);
	assert_int_equal(t.nsvcs, 0);
	assert_true(t.follow);
	assert_true(svc_is_held4(&t, vip.s_addr));
	assert_int_equal(apply_line(&t, "vip-held addr=198.18.0.10 held=0"), 0);
	assert_true(svc_vip_silent4(&t, vip.s_addr));
	uvs_svc_table_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hold_sorted_unique),
		cmocka_unit_test(test_hold_cap),
		cmocka_unit_test(test_silent),
		cmocka_unit_test(test_batch_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
