/*
 * Unit tests for the address family in the service table (sched/svc.c,
 * svcindex.c, vipheld.c): a v6 service is found by its whole address
 * and family, never by a v4 one sharing its first word or its fold; a
 * dest of the other family is refused as IPVS refuses it for DR; held
 * addresses keep v4 and v6 apart; and the persistence key cuts a v6
 * client by a prefix length.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "sched/sched.h"

static union uvs_inaddr
a6(const char *s)
{
	union uvs_inaddr a = { .all = { 0 } };

	assert_int_equal(inet_pton(AF_INET6, s, &a.in6), 1);
	return a;
}

static union uvs_inaddr
a4(const char *s)
{
	union uvs_inaddr a = { .all = { 0 } };

	assert_int_equal(inet_pton(AF_INET, s, &a.in), 1);
	return a;
}

static int
add_svc(struct uvs_svc_table *t, int af, union uvs_inaddr addr,
    uint16_t port)
{
	struct uvs_svc_conf c = { .proto = IPPROTO_TCP, .af = (uint16_t)af,
	    .addr = addr, .port = htons(port), .sched = "rr" };

	c.netmask = af == AF_INET6 ? 128 : 0xffffffff;
	return uvs_svc_add(t, &c);
}

/* v6 VIPs whose words cancel in a xor, and a v4 VIP equal to one's
   first word, are all different services and different VIPs. */
static void
test_v6_keys_whole(void **state)
{
	struct uvs_svc_table t;
	union uvs_inaddr x = a6("2001:db8:0:1::"), y = a6("2001:db8::1");
	union uvs_inaddr z = a6("2001:db8::10"), v4 = { .all = { 0 } };
	unsigned i;

	(void)state;
	v4.ip = z.ip6[0];	/* 32.1.13.184: 2001:db8::'s first word */
	uvs_svc_table_init(&t);
	/* the schedulers' fold cannot tell x from y; the table must */
	assert_int_equal(uvs_inaddr_fold(AF_INET6, &x),
	    uvs_inaddr_fold(AF_INET6, &y));
	assert_int_equal(add_svc(&t, AF_INET6, x, 80), 0);
	assert_int_equal(add_svc(&t, AF_INET6, y, 80), 0);
	assert_int_equal(add_svc(&t, AF_INET6, z, 80), 0);
	assert_int_equal(add_svc(&t, AF_INET, v4, 80), 0);
	assert_int_equal(add_svc(&t, AF_INET6, z, 80), -EEXIST);
	assert_int_equal(t.nsvcs, 4);
	for (i = 0; i < t.nsvcs; i++) {
		const struct uvs_svc *s = t.svcs[i];

		assert_ptr_equal(uvs_svc_find(&t, IPPROTO_TCP, s->af,
		    &s->addr, s->port), s);
		assert_true(uvs_svc_is_vip(&t, s->af, &s->addr));
	}
	/* the v4 address with z's first word is not z, and back */
	assert_int_equal(uvs_svc_find(&t, IPPROTO_TCP, AF_INET, &v4,
	    htons(80))->af, AF_INET);
	assert_null(uvs_svc_find(&t, IPPROTO_TCP, AF_INET, &z, htons(80)));
	assert_null(uvs_svc_find(&t, IPPROTO_TCP, AF_INET6, &v4, htons(80)));
	assert_false(uvs_svc_is_vip(&t, AF_INET6, &v4));
	assert_false(uvs_svc_is_vip(&t, AF_INET6, &(union uvs_inaddr){
	    .b = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x11 } }));
	uvs_svc_del(&t, uvs_svc_find(&t, IPPROTO_TCP, AF_INET6, &z,
	    htons(80)));
	assert_false(uvs_svc_is_vip(&t, AF_INET6, &z));
	assert_true(uvs_svc_is_vip(&t, AF_INET, &v4));
	uvs_svc_table_free(&t);
}

/* IPVS refuses a DR dest of the other family; a family it does not
   know is refused for a service. */
static void
test_mixed_family_refused(void **state)
{
	struct uvs_svc_table t;
	struct uvs_dest_conf d6 = { .af = AF_INET6,
	    .addr = a6("2001:db8::11"), .port = htons(80), .weight = 1 };
	struct uvs_dest_conf d4 = { .af = AF_INET,
	    .addr = a4("198.18.0.11"), .port = htons(80), .weight = 1 };
	struct uvs_svc *s6, *s4;
	union uvs_inaddr v6 = a6("2001:db8::10"), v4 = a4("198.18.0.10");

	(void)state;
	uvs_svc_table_init(&t);
	assert_int_equal(add_svc(&t, AF_INET6, v6, 80), 0);
	assert_int_equal(add_svc(&t, AF_INET, v4, 80), 0);
	assert_int_equal(add_svc(&t, AF_UNIX, v4, 81), -EAFNOSUPPORT);
	s6 = uvs_svc_find(&t, IPPROTO_TCP, AF_INET6, &v6, htons(80));
	s4 = uvs_svc_find(&t, IPPROTO_TCP, AF_INET, &v4, htons(80));
	assert_non_null(s6);
	assert_non_null(s4);
	assert_int_equal(uvs_dest_add(s6, &d4), -EAFNOSUPPORT);
	assert_int_equal(uvs_dest_add(s4, &d6), -EAFNOSUPPORT);
	assert_int_equal(s6->ndests + s4->ndests, 0);
	d6.fwd = UVS_FWD_TUNNEL;	/* the outer packet is IPv4 */
	assert_int_equal(uvs_dest_add(s6, &d6), -EAFNOSUPPORT);
	d6.fwd = UVS_FWD_ROUTE;
	assert_int_equal(uvs_dest_add(s6, &d6), 0);	/* the control */
	assert_int_equal(uvs_dest_add(s4, &d4), 0);
	assert_non_null(uvs_dest_find(s6, &d6.addr, htons(80)));
	assert_null(uvs_dest_find(s6, &d4.addr, htons(80)));
	uvs_svc_table_free(&t);
}

/* v4 and v6 held addresses never answer for each other. */
static void
test_held_by_family(void **state)
{
	struct uvs_svc_table t;
	union uvs_inaddr v6 = a6("2001:db8::10"), v4 = { .all = { 0 } };

	(void)state;
	v4.ip = v6.ip6[0];
	uvs_svc_table_init(&t);
	uvs_svc_follow(&t, 1);
	assert_int_equal(uvs_svc_hold(&t, AF_INET6, &v6, 1), 0);
	assert_true(uvs_svc_is_held(&t, AF_INET6, &v6));
	assert_false(uvs_svc_is_held(&t, AF_INET, &v4));
	assert_true(uvs_svc_vip_silent(&t, AF_INET, &v4));
	assert_false(uvs_svc_vip_silent(&t, AF_INET6, &v6));
	assert_int_equal(uvs_svc_hold(&t, AF_INET, &v4, 1), 0);
	assert_int_equal(t.nheld, 2);
	assert_int_equal(uvs_svc_hold(&t, AF_INET6, &v6, 0), 0);
	assert_false(uvs_svc_is_held(&t, AF_INET6, &v6));
	assert_true(uvs_svc_is_held(&t, AF_INET, &v4));
	uvs_svc_table_free(&t);
}

/* ip_vs_sched_persist: v4 by the netmask, v6 by the prefix length. */
static void
test_persist_addr(void **state)
{
	struct uvs_svc s6 = { .af = AF_INET6, .netmask = 56 };
	struct uvs_svc s4 = { .af = AF_INET, .netmask = htonl(0xffffff00) };
	union uvs_inaddr c6 = a6("2001:db8:aaaa:bbcc:1:2:3:4");
	union uvs_inaddr c4 = a4("198.18.7.200"), m;

	(void)state;
	m = uvs_svc_persist_addr(&s6, &c6);
	assert_true(uvs_inaddr_eq(&m, &(union uvs_inaddr){
	    .all = { a6("2001:db8:aaaa:bb00::").all[0],
	    a6("2001:db8:aaaa:bb00::").all[1], 0, 0 } }));
	s6.netmask = 128;
	m = uvs_svc_persist_addr(&s6, &c6);
	assert_true(uvs_inaddr_eq(&m, &c6));
	s6.netmask = 0;
	m = uvs_svc_persist_addr(&s6, &c6);
	assert_true(uvs_inaddr_eq(&m, &(union uvs_inaddr){ .all = { 0 } }));
	s6.netmask = 61;	/* not on a byte: 0xcc & 0xf8 */
	m = uvs_svc_persist_addr(&s6, &c6);
	assert_int_equal(m.b[7], 0xc8);
	assert_int_equal(m.b[8], 0);
	m = uvs_svc_persist_addr(&s4, &c4);
	assert_true(uvs_inaddr_eq(&m, &(union uvs_inaddr){
	    .all = { a4("198.18.7.0").ip, 0, 0, 0 } }));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v6_keys_whole),
		cmocka_unit_test(test_mixed_family_refused),
		cmocka_unit_test(test_held_by_family),
		cmocka_unit_test(test_persist_addr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
