/*
 * Unit tests for fwd/control/followdiff.c (uvsd --follow-vip without the
 * kernel): the kernel's v4 and v6 addresses become "vip-held" requests
 * with the address as text the batch parses back; a change in one family
 * leaves the other alone; duplicates give one request; a full held set
 * still takes a whole new list (drops first); and v6 link-local,
 * loopback and multicast addresses are never followed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "fwd/control/batch.h"
#include "fwd/control/followdiff.h"
#include "sched/sched.h"

static struct uvs_held
held_of(const char *text)
{
	struct uvs_held h = { 0 };

	h.af = strchr(text, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(h.af, text, h.addr.b), 1);
	return h;
}

/* Diffs t against now[0..n) and applies the requests; how many. */
static unsigned
diff_apply(struct uvs_svc_table *t, const struct uvs_held *now, unsigned n)
{
	struct uvs_follow_reqs *r = calloc(1, sizeof(*r));
	char err[160];
	unsigned at, k;

	assert_non_null(r);
	uvs_follow_diff(t, now, n, r);
	if (r->n)
		assert_int_equal(uvs_batch_apply(t, r->msgs, r->n, NULL, &at,
		    err, sizeof(err)), 0);
	k = r->n;
	free(r);
	return k;
}

static int
is_held(const struct uvs_svc_table *t, const char *text)
{
	struct uvs_held h = held_of(text);

	return uvs_svc_is_held(t, h.af, &h.addr);
}

static void
test_both_families(void **state)
{
	struct uvs_svc_table t;
	struct uvs_follow_reqs *r = calloc(1, sizeof(*r));
	struct uvs_held now[3], other;

	(void)state;
	assert_non_null(r);
	uvs_svc_table_init(&t);
	uvs_svc_follow(&t, 1);
	now[0] = held_of("198.18.0.10");
	now[1] = held_of("2001:db8::10");
	uvs_follow_diff(&t, now, 2, r);
	assert_int_equal(r->n, 2);
	assert_string_equal(r->msgs[0].verb, "vip-held");
	assert_string_equal(r->msgs[0].kv[0].val, "198.18.0.10");
	assert_string_equal(r->msgs[0].kv[1].val, "1");
	assert_string_equal(r->msgs[1].kv[0].val, "2001:db8::10");
	assert_int_equal(r->addr[1].af, AF_INET6);
	free(r);
	assert_int_equal(diff_apply(&t, now, 2), 2);
	assert_true(is_held(&t, "198.18.0.10"));
	assert_true(is_held(&t, "2001:db8::10"));
	/* negative control: an address never listed is not held */
	assert_false(is_held(&t, "2001:db8::11"));
	other = held_of("2001:db8::11");
	assert_true(uvs_svc_vip_silent(&t, AF_INET6, &other.addr));
	/* the same list again: nothing to do */
	assert_int_equal(diff_apply(&t, now, 2), 0);
	/* the v6 VIP leaves: one drop, the v4 one stays */
	assert_int_equal(diff_apply(&t, now, 1), 1);
	assert_false(is_held(&t, "2001:db8::10"));
	assert_true(is_held(&t, "198.18.0.10"));
	/* a v4 address with the v6 one's first word is another address */
	now[1] = held_of("2001:db8::10");
	now[2] = held_of("32.1.13.184");	/* 2001:0db8 as v4 */
	assert_int_equal(diff_apply(&t, now, 3), 2);
	assert_int_equal(t.nheld, 3);
	uvs_svc_table_free(&t);
}

static void
test_duplicates(void **state)
{
	struct uvs_svc_table t;
	struct uvs_held now[4];

	(void)state;
	uvs_svc_table_init(&t);
	now[0] = held_of("2001:db8::10");
	now[1] = held_of("2001:db8::10");	/* on two interfaces */
	now[2] = held_of("198.18.0.10");
	now[3] = held_of("198.18.0.10");
	assert_int_equal(diff_apply(&t, now, 4), 2);
	assert_int_equal(t.nheld, 2);
	uvs_svc_table_free(&t);
}

/* A full held set of v4 swapped for a full list of v6 in one batch. */
static void
test_full_swap(void **state)
{
	struct uvs_svc_table t;
	struct uvs_held *now = calloc(UVS_SVC_HELD_MAX, sizeof(*now));
	unsigned i;

	(void)state;
	assert_non_null(now);
	uvs_svc_table_init(&t);
	for (i = 0; i < UVS_SVC_HELD_MAX; i++) {
		now[i].af = AF_INET;
		now[i].addr = uvs_inaddr4(htonl(0xc6120000 + i));
	}
	assert_int_equal(diff_apply(&t, now, UVS_SVC_HELD_MAX),
	    UVS_SVC_HELD_MAX);
	for (i = 0; i < UVS_SVC_HELD_MAX; i++) {
		now[i] = held_of("2001:db8::");
		now[i].addr.b[14] = (uint8_t)(i >> 8);
		now[i].addr.b[15] = (uint8_t)i;
	}
	assert_int_equal(diff_apply(&t, now, UVS_SVC_HELD_MAX),
	    2 * UVS_SVC_HELD_MAX);
	assert_int_equal(t.nheld, UVS_SVC_HELD_MAX);
	for (i = 0; i < t.nheld; i++)
		assert_int_equal(t.held[i].af, AF_INET6);
	free(now);
	uvs_svc_table_free(&t);
}

static void
test_followable(void **state)
{
	const char *yes[] = { "198.18.0.10", "0.0.0.0", "2001:db8::10",
	    "fd00::1" };
	const char *no[] = { "fe80::1", "::1", "ff02::1", "::" };
	struct uvs_held h;
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		h = held_of(yes[i]);
		assert_true(uvs_follow_followable(h.af, &h.addr));
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		h = held_of(no[i]);
		assert_false(uvs_follow_followable(h.af, &h.addr));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_both_families),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_full_swap),
		cmocka_unit_test(test_followable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
