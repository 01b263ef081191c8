/*
 * Unit tests for the service table's hash index (sched/svcindex.c):
 * at 1 000 VIPs (2 000 services) every service and VIP is found and
 * nothing else is; deleting services (which refills the index in place)
 * keeps the rest findable; a VIP stays a VIP while any service uses it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "sched/sched.h"
#include "tests/unit/inaddr4.h"

#define NVIPS	1000
#define VIP0	0xc6136464u	/* 198.19.100.100, the first VIP */

static uint32_t
vip(unsigned i)
{
	return htonl(VIP0 + i);
}

static void
add(struct uvs_svc_table *t, uint8_t proto, uint32_t addr, uint16_t port)
{
	struct uvs_svc_conf c = { .proto = proto, .af = AF_INET,
	    .addr = uvs_inaddr4(addr), .port = htons(port), .sched = "rr" };

	assert_int_equal(uvs_svc_add(t, &c), 0);
}

/* 1 000 VIPs, each with TCP :80 and UDP :53. */
static void
fill(struct uvs_svc_table *t)
{
	unsigned i;

	uvs_svc_table_init(t);
	for (i = 0; i < NVIPS; i++) {
		add(t, IPPROTO_TCP, vip(i), 80);
		add(t, IPPROTO_UDP, vip(i), 53);
	}
}

static void
test_finds_all_and_only_them(void **state)
{
	struct uvs_svc_table t;
	struct uvs_svc *s;
	unsigned i;

	(void)state;
	fill(&t);
	assert_int_equal(t.nsvcs, 2 * NVIPS);
	for (i = 0; i < NVIPS; i++) {
		s = svc_find4(&t, IPPROTO_TCP, vip(i), htons(80));
		assert_non_null(s);
		assert_int_equal(s->addr.ip, vip(i));
		assert_int_equal(s->proto, IPPROTO_TCP);
		assert_non_null(svc_find4(&t, IPPROTO_UDP, vip(i),
		    htons(53)));
		assert_null(svc_find4(&t, IPPROTO_UDP, vip(i), htons(80)));
		assert_null(svc_find4(&t, IPPROTO_TCP, vip(i), htons(53)));
		assert_true(svc_is_vip4(&t, vip(i)));
	}
	/* negative controls: the address after the last, and before */
	assert_false(svc_is_vip4(&t, vip(NVIPS)));
	assert_false(svc_is_vip4(&t, htonl(VIP0 - 1)));
	assert_null(svc_find4(&t, IPPROTO_TCP, vip(NVIPS), htons(80)));
	/* a duplicate is refused through the index */
	{
		struct uvs_svc_conf c = { .proto = IPPROTO_TCP,
		    .af = AF_INET, .addr = uvs_inaddr4(vip(7)),
		    .port = htons(80), .sched = "rr" };

		assert_int_equal(uvs_svc_add(&t, &c), -EEXIST);
	}
	uvs_svc_table_free(&t);
}

static void
test_delete_keeps_the_rest(void **state)
{
	struct uvs_svc_table t;
	unsigned i;

	(void)state;
	fill(&t);
	/* every even VIP loses its TCP service, every 4th both */
	for (i = 0; i < NVIPS; i += 2) {
		uvs_svc_del(&t, svc_find4(&t, IPPROTO_TCP, vip(i),
		    htons(80)));
		if (i % 4 == 0)
			uvs_svc_del(&t, svc_find4(&t, IPPROTO_UDP, vip(i),
			    htons(53)));
	}
	for (i = 0; i < NVIPS; i++) {
		int tcp = i % 2 != 0, udp = i % 4 != 0;

		assert_int_equal(!!svc_find4(&t, IPPROTO_TCP, vip(i),
		    htons(80)), tcp);
		assert_int_equal(!!svc_find4(&t, IPPROTO_UDP, vip(i),
		    htons(53)), udp);
		/* a VIP while any of its services is left */
		assert_int_equal(svc_is_vip4(&t, vip(i)), tcp || udp);
	}
	uvs_svc_table_free(&t);
}

static void
test_empty_table(void **state)
{
	struct uvs_svc_table t;

	(void)state;
	uvs_svc_table_init(&t);
	assert_null(svc_find4(&t, IPPROTO_TCP, vip(0), htons(80)));
	assert_false(svc_is_vip4(&t, vip(0)));
	add(&t, IPPROTO_TCP, vip(0), 0);	/* port 0: a key like any */
	assert_non_null(svc_find4(&t, IPPROTO_TCP, vip(0), 0));
	uvs_svc_del(&t, svc_find4(&t, IPPROTO_TCP, vip(0), 0));
	assert_false(svc_is_vip4(&t, vip(0)));
	uvs_svc_table_free(&t);
	assert_null(svc_find4(&t, IPPROTO_TCP, vip(0), 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finds_all_and_only_them),
		cmocka_unit_test(test_delete_keeps_the_rest),
		cmocka_unit_test(test_empty_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
