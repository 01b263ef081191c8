/*
 * Unit tests for IPv6 flows in the connection table (sched/conn.c): the
 * entry stays 32 bytes, a v6 flow and a v4 flow whose addresses fold to
 * the same 32 bits never match each other, nor two v6 flows of equal
 * folds; templates (-p) take v6 keys; removal keeps the chains right;
 * a table of 1 M v6 flows fills, answers every lookup and expires.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "sched/conn.h"

#define T0		100000u
#define TO_UDP		300	/* IPVS's UDP timeout */
#define MILLION		(1u << 20)

struct env {
	struct uvs_svc		 svc;
	struct uvs_dest		 d;
	struct uvs_conn_table	 t;
};

static void
env_init(struct env *e, uint32_t capacity)
{
	memset(e, 0, sizeof(*e));
	e->svc.proto = IPPROTO_UDP;
	e->svc.af = AF_INET6;
	e->d.weight = 1;
	e->d.svc = &e->svc;
	assert_int_equal(uvs_conn_init(&e->t, capacity, T0, 0x5eed), 0);
}

static union uvs_inaddr
a6(const char *s)
{
	union uvs_inaddr a;

	assert_int_equal(inet_pton(AF_INET6, s, a.b), 1);
	return a;
}

static struct uvs_flow
flow6(uint8_t proto, union uvs_inaddr c, union uvs_inaddr v, uint16_t cport)
{
	struct uvs_flow f;

	memset(&f, 0, sizeof(f));
	f.proto = proto;
	f.af = AF_INET6;
	f.caddr = c;
	f.vaddr = v;
	f.cport = htons(cport);
	f.vport = htons(53);
	return f;
}

/* The v4 flow whose addresses are the folds of f's. */
static struct uvs_flow
folded4(const struct uvs_flow *f)
{
	struct uvs_flow g = *f;

	g.af = AF_INET;
	g.caddr = uvs_inaddr4(uvs_inaddr_fold(AF_INET6, &f->caddr));
	g.vaddr = uvs_inaddr4(uvs_inaddr_fold(AF_INET6, &f->vaddr));
	return g;
}

static void
test_entry_size(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct uvs_conn), 32);
	assert_int_equal(sizeof(struct uvs_conn_addr6), 32);
}

static void
test_v6_and_v4_of_equal_folds(void **state)
{
	struct env e;
	struct uvs_flow f6 = flow6(IPPROTO_UDP, a6("2001:db8::100"),
	    a6("2001:db8::10"), 40000);
	struct uvs_flow f4 = folded4(&f6);
	struct uvs_conn *c6, *c4;
	union uvs_inaddr ca, va;

	(void)state;
	env_init(&e, 64);
	/* one way round: the v6 flow first, the v4 one is not it */
	c6 = uvs_conn_insert(&e.t, &f6, &e.d, T0);
	assert_non_null(c6);
	assert_true(c6->flags & UVS_CONN_F_V6);
	assert_null(uvs_conn_lookup(&e.t, &f4));
	c4 = uvs_conn_insert(&e.t, &f4, &e.d, T0);
	assert_non_null(c4);
	assert_ptr_not_equal(c4, c6);
	/* same folds, ports, protocol, so the same hot-line key... */
	assert_int_equal(c4->caddr, c6->caddr);
	assert_int_equal(c4->vaddr, c6->vaddr);
	/* ...and still each finds its own */
	assert_ptr_equal(uvs_conn_lookup(&e.t, &f6), c6);
	assert_ptr_equal(uvs_conn_lookup(&e.t, &f4), c4);
	assert_int_equal(uvs_conn_addrs(&e.t, c6, &ca, &va), AF_INET6);
	assert_true(uvs_inaddr_eq(&ca, &f6.caddr));
	assert_true(uvs_inaddr_eq(&va, &f6.vaddr));
	assert_int_equal(uvs_conn_addrs(&e.t, c4, &ca, &va), AF_INET);
	assert_true(uvs_inaddr_eq(&ca, &f4.caddr));
	/* removing one leaves the other */
	uvs_conn_remove(&e.t, c6);
	assert_null(uvs_conn_lookup(&e.t, &f6));
	assert_ptr_equal(uvs_conn_lookup(&e.t, &f4), c4);
	uvs_conn_free(&e.t);
}

static void
test_v6_of_equal_folds(void **state)
{
	struct env e;
	/* the same four words in another order: the same xor fold */
	struct uvs_flow f = flow6(IPPROTO_TCP, a6("2001:db8:1:2:3:4:5:6"),
	    a6("2001:db8::10"), 40000);
	struct uvs_flow g = flow6(IPPROTO_TCP, a6("3:4:5:6:2001:db8:1:2"),
	    a6("2001:db8::10"), 40000);
	struct uvs_conn *cf, *cg;

	(void)state;
	assert_int_equal(uvs_inaddr_fold(AF_INET6, &f.caddr),
	    uvs_inaddr_fold(AF_INET6, &g.caddr));
	env_init(&e, 64);
	cf = uvs_conn_insert(&e.t, &f, &e.d, T0);
	assert_non_null(cf);
	assert_null(uvs_conn_lookup(&e.t, &g));
	cg = uvs_conn_insert(&e.t, &g, &e.d, T0);
	assert_non_null(cg);
	assert_ptr_equal(uvs_conn_lookup(&e.t, &f), cf);
	assert_ptr_equal(uvs_conn_lookup(&e.t, &g), cg);
	/* the burst lookup agrees */
	{
		struct uvs_flow keys[2] = { f, g };
		struct uvs_conn *out[2];

		uvs_conn_lookup_burst(&e.t, keys, 2, out);
		assert_ptr_equal(out[0], cf);
		assert_ptr_equal(out[1], cg);
	}
	uvs_conn_free(&e.t);
}

static void
test_v6_template(void **state)
{
	struct env e;
	struct uvs_flow key = flow6(IPPROTO_TCP, a6("2001:db8::"),
	    a6("2001:db8::10"), 0);
	struct uvs_flow k4 = folded4(&key);
	struct uvs_flow f = flow6(IPPROTO_TCP, a6("2001:db8::100"),
	    a6("2001:db8::10"), 40000);
	struct uvs_conn *tpl, *c;

	(void)state;
	env_init(&e, 64);
	tpl = uvs_conn_template_insert(&e.t, &key, &e.d, T0, 360);
	assert_non_null(tpl);
	assert_true(tpl->flags & UVS_CONN_F_V6);
	assert_true(tpl->flags & UVS_CONN_F_TEMPLATE);
	assert_ptr_equal(uvs_conn_template_lookup(&e.t, &key), tpl);
	/* a flow of the same key is no template, nor a v4 template */
	assert_null(uvs_conn_lookup(&e.t, &key));
	assert_null(uvs_conn_template_lookup(&e.t, &k4));
	c = uvs_conn_insert(&e.t, &f, &e.d, T0);
	assert_non_null(c);
	uvs_conn_template_bind(&e.t, tpl, c, T0, 360);
	assert_int_equal(uvs_conn_ctl(&e.t, tpl), 1);
	uvs_conn_free(&e.t);
}

/* Flow i of the million: client 2001:db8:i::7, one VIP. */
static struct uvs_flow
nth(uint32_t i)
{
	union uvs_inaddr c = a6("2001:db8::7");

	c.ip6[1] = htonl(i);
	return flow6(IPPROTO_UDP, c, a6("2001:db8::10"), (uint16_t)(1024 +
	    i % 60000));
}

static void
test_million_v6(void **state)
{
	static struct env e;
	struct uvs_flow f;
	uint32_t i, found = 0;

	(void)state;
	env_init(&e, MILLION);
	for (i = 0; i < MILLION; i++) {
		f = nth(i);
		if (!uvs_conn_insert(&e.t, &f, &e.d, T0))
			fail_msg("insert %u of a million failed", i);
	}
	assert_int_equal(e.t.count, MILLION);
	/* full: one more UDP flow takes no established room (none is
	   quiet yet) */
	f = nth(MILLION);
	assert_null(uvs_conn_insert(&e.t, &f, &e.d, T0));
	for (i = 0; i < MILLION; i++) {
		f = nth(i);
		found += uvs_conn_lookup(&e.t, &f) != NULL;
	}
	assert_int_equal(found, MILLION);
	assert_int_equal(e.d.inactconns, MILLION);
	/* all present a second before their timeout, all gone at it */
	uvs_conn_expire(&e.t, T0 + TO_UDP - 1);
	assert_int_equal(e.t.count, MILLION);
	assert_int_equal(uvs_conn_expire(&e.t, T0 + TO_UDP), MILLION);
	assert_int_equal(e.t.count, 0);
	assert_int_equal(e.d.inactconns, 0);
	f = nth(7);
	assert_null(uvs_conn_lookup(&e.t, &f));
	uvs_conn_free(&e.t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_size),
		cmocka_unit_test(test_v6_and_v4_of_equal_folds),
		cmocka_unit_test(test_v6_of_equal_folds),
		cmocka_unit_test(test_v6_template),
		cmocka_unit_test(test_million_v6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
