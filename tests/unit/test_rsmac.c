/*
 * Unit tests for the real servers' MAC table (fwd/control/rsmac.c): one
 * entry per address with a reference count; deletions (which shift probe
 * chains back) keep every other address findable; a silent address is
 * asked again with a doubling wait and reported unanswered once; an
 * answer stops that and is reported when it ends a logged wait.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "fwd/control/rsmac.h"

#define N	3000
#define ADDR0	0xc6120096u	/* 198.18.0.150 */

static uint32_t
addr(unsigned i)
{
	return htonl(ADDR0 + i);
}

struct calls {
	unsigned	asks, silent;
	uint32_t	last;
};

static void
count(void *arg, const struct uvs_rsmac_entry *e, enum uvs_rsmac_event ev)
{
	struct calls *c = arg;

	if (ev == UVS_RSMAC_ASK)
		c->asks++;
	else
		c->silent++;
	c->last = e->addr;
}

static void
test_refs_and_deletes(void **state)
{
	struct uvs_rsmac t;
	int created;
	unsigned i;

	(void)state;
	uvs_rsmac_init(&t);
	for (i = 0; i < N; i++) {
		assert_non_null(uvs_rsmac_ref(&t, addr(i), 0, &created));
		assert_true(created);
	}
	/* a second dest at every third address */
	for (i = 0; i < N; i += 3) {
		assert_non_null(uvs_rsmac_ref(&t, addr(i), 0, &created));
		assert_false(created);
	}
	assert_int_equal(t.count, N);
	/* one unref each: only the doubly used addresses stay */
	for (i = 0; i < N; i++)
		uvs_rsmac_unref(&t, addr(i));
	assert_int_equal(t.count, (N + 2) / 3);
	for (i = 0; i < N; i++)
		assert_int_equal(!!uvs_rsmac_find(&t, addr(i)), i % 3 == 0);
	assert_null(uvs_rsmac_find(&t, addr(N)));
	uvs_rsmac_unref(&t, addr(N));	/* unknown: nothing happens */
	assert_null(uvs_rsmac_ref(&t, 0, 0, &created));	/* 0 is no address */
	uvs_rsmac_free(&t);
}

static void
test_silent_backs_off_and_logs_once(void **state)
{
	struct uvs_rsmac t;
	struct calls c = { 0 };
	const struct uvs_rsmac_entry *e;
	int created;
	uint32_t now;

	(void)state;
	uvs_rsmac_init(&t);
	e = uvs_rsmac_ref(&t, addr(1), 100, &created);
	assert_int_equal(e->requests, 1);	/* the caller's own ask */
	for (now = 100; now < 100 + 60; now++)
		uvs_rsmac_due(&t, now, count, &c);
	/* asks at +1 +3 +7 +15 +31 +47: the wait doubles up to 16 s */
	assert_int_equal(c.asks, 6);
	assert_int_equal(e->requests, 7);
	assert_int_equal(c.silent, 1);
	assert_int_equal(c.last, addr(1));
	assert_false(e->resolved);
	uvs_rsmac_free(&t);
}

static void
test_answer_ends_the_wait(void **state)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	struct uvs_rsmac t;
	struct calls c = { 0 };
	struct uvs_rsmac_entry *e;
	int created;
	uint32_t now;

	(void)state;
	uvs_rsmac_init(&t);
	e = uvs_rsmac_ref(&t, addr(2), 0, &created);
	/* answered before the wait counted as silent: nothing to report */
	assert_int_equal(uvs_rsmac_news(&t, addr(2), mac, 1), 0);
	assert_true(e->resolved);
	assert_memory_equal(e->mac, mac, 6);
	for (now = 1; now <= 31; now++)
		uvs_rsmac_due(&t, now, count, &c);
	assert_int_equal(c.silent, 0);
	assert_int_equal(c.asks, 2);	/* a known MAC: at 16 and 31 */
	/* the kernel loses it: a new wait, logged once, then it answers */
	assert_int_equal(uvs_rsmac_news(&t, addr(2), NULL, 31), 0);
	assert_false(e->resolved);
	for (now = 32; now < 40; now++)
		uvs_rsmac_due(&t, now, count, &c);
	assert_int_equal(c.silent, 1);
	assert_int_equal(uvs_rsmac_news(&t, addr(2), mac, 40), 1);
	assert_int_equal(uvs_rsmac_news(&t, addr(2), mac, 41), 0);
	/* news of an address no dest uses changes nothing */
	assert_int_equal(uvs_rsmac_news(&t, addr(3), mac, 41), 0);
	assert_null(uvs_rsmac_find(&t, addr(3)));
	uvs_rsmac_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refs_and_deletes),
		cmocka_unit_test(test_silent_backs_off_and_logs_once),
		cmocka_unit_test(test_answer_ends_the_wait),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
