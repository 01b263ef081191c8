/*
 * Unit tests for the real servers' MAC table (fwd/control/rsmac.c): one
 * entry per address with a reference count; deletions (which shift probe
 * chains back) keep every other address findable; a silent address is
 * asked again with a doubling wait and reported unanswered once; an
 * answer stops that and is reported when it ends a logged wait. IPv6
 * addresses live in the same table: one beside the IPv4 address with the
 * same first word is another entry, and thousands of them whose folds
 * collide still come and go correctly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
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
	c->last = e->addr.ip;
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

/* 2001:db8::i, or with ip6[3] (the fold's input) made to collide. */
static union uvs_inaddr
addr6(unsigned i, int collide)
{
	union uvs_inaddr a = { .all = { htonl(0x20010db8), 0, 0, 0 } };

	a.ip6[2] = htonl(i);
	/* fold = w0 ^ w1 ^ w2 ^ w3: the same for every i when w3 = w2 */
	a.ip6[3] = collide ? htonl(i) : htonl(i * 7 + 1);
	return a;
}

static void
test_v6_beside_v4(void **state)
{
	const uint8_t mac[6] = { 2, 0, 0, 0, 0, 6 };
	union uvs_inaddr a, v4 = uvs_inaddr4(htonl(0x20010db8));
	struct uvs_rsmac_entry *e;
	struct uvs_rsmac t;
	int created;
	unsigned i;

	(void)state;
	uvs_rsmac_init(&t);
	/* many v6 addresses with one fold, and as many without */
	for (i = 1; i <= N; i++) {
		a = addr6(i, i % 2);
		assert_non_null(uvs_rsmac_ref_af(&t, AF_INET6, &a, 0,
		    &created));
		assert_true(created);
	}
	/* the v4 address 32.1.13.184 is the v6 ones' first word: its own */
	assert_null(uvs_rsmac_find(&t, v4.ip));
	assert_non_null(e = uvs_rsmac_ref(&t, v4.ip, 0, &created));
	assert_true(created);
	assert_int_equal(e->af, AF_INET);
	assert_int_equal(t.count, N + 1);
	for (i = 1; i <= N; i += 3) {
		a = addr6(i, i % 2);
		uvs_rsmac_unref_af(&t, AF_INET6, &a);
	}
	for (i = 1; i <= N; i++) {
		a = addr6(i, i % 2);
		e = uvs_rsmac_find_af(&t, AF_INET6, &a);
		assert_int_equal(!!e, (i - 1) % 3 != 0);
		if (e)
			assert_memory_equal(e->addr.b, a.b, 16);
	}
	assert_non_null(uvs_rsmac_find(&t, v4.ip));
	/* the news goes to the v6 entry only */
	a = addr6(2, 0);
	assert_int_equal(uvs_rsmac_news_af(&t, AF_INET6, &a, mac, 1), 0);
	assert_true(uvs_rsmac_find_af(&t, AF_INET6, &a)->resolved);
	assert_false(uvs_rsmac_find(&t, v4.ip)->resolved);
	/* no address, no family: no entry */
	a = (union uvs_inaddr){ .all = { 0 } };
	assert_null(uvs_rsmac_ref_af(&t, AF_INET6, &a, 0, &created));
	a = addr6(5, 0);
	assert_null(uvs_rsmac_ref_af(&t, AF_UNIX, &a, 0, &created));
	assert_null(uvs_rsmac_find_af(&t, AF_INET, &a));
	uvs_rsmac_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refs_and_deletes),
		cmocka_unit_test(test_silent_backs_off_and_logs_once),
		cmocka_unit_test(test_answer_ends_the_wait),
		cmocka_unit_test(test_v6_beside_v4),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
