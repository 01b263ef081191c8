/*
 * Unit tests for uvsd -v's new-flow line (fwd/data/flowlog.c): the figures it
 * prints are those the scheduler compared, before the new flow was counted
 * on its dest; rr's position, sh's bucket, the MAC rewrite; and a short
 * buffer is cut, never overrun.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "fwd/data/flowlog.h"
#include "sched/hash.h"
#include "tests/unit/inaddr4.h"

#define VIP	"198.18.0.10"
#define T0	1000u

static const uint8_t dir_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };

struct lab {
	struct uvs_svc_table	 svcs;
	struct uvs_conn_table	 conns;
	struct uvs_svc		*svc;
	struct uvs_dest		*rs[3];	/* rs[i] is 198.18.0.1(i+1) */
};

static uint32_t
ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

/* TCP VIP:80 with sched over three dests of the given weights. */
static void
lab_init(struct lab *l, const char *sched, const int *weights)
{
	struct uvs_svc_conf sc = { .proto = IPPROTO_TCP, .af = AF_INET,
	    .addr = uvs_inaddr4(ip(VIP)), .port = htons(80),
	    .netmask = 0xffffffff };
	int i;

	memset(l, 0, sizeof(*l));
	snprintf(sc.sched, sizeof(sc.sched), "%s", sched);
	uvs_svc_table_init(&l->svcs);
	assert_int_equal(uvs_conn_init(&l->conns, 64, T0, 1), 0);
	assert_int_equal(uvs_svc_add(&l->svcs, &sc), 0);
	l->svc = svc_find4(&l->svcs, IPPROTO_TCP, ip(VIP), htons(80));
	for (i = 2; i >= 0; i--) {
		struct uvs_dest_conf dc = { .af = AF_INET, .port = htons(80),
		    .weight = weights[i] };
		char a[16];

		snprintf(a, sizeof(a), "198.18.0.1%d", i + 1);
		dc.addr = uvs_inaddr4(ip(a));
		assert_int_equal(uvs_dest_add(l->svc, &dc), 0);
		l->rs[i] = dest_find4(l->svc, dc.addr.ip, dc.port);
		memset(l->rs[i]->hwaddr, 0x10 + i, 6);
	}
}

static void
lab_free(struct lab *l)
{
	uvs_conn_flush_dest(&l->conns, NULL);
	uvs_conn_free(&l->conns);
	uvs_svc_table_free(&l->svcs);
}

/* Schedules one flow from the client as forward.c does; its log line. */
static const char *
new_flow(struct lab *l, uint16_t cport, char *buf, size_t len)
{
	struct uvs_flow f = { .proto = IPPROTO_TCP, .af = AF_INET,
	    .caddr = uvs_inaddr4(ip("198.18.0.100")),
	    .vaddr = uvs_inaddr4(ip(VIP)), .cport = htons(cport),
	    .vport = htons(80), .now = T0 };
	struct uvs_dest *d = l->svc->sched->schedule(l->svc, &f);
	struct uvs_conn *c;

	assert_non_null(d);
	c = uvs_conn_insert(&l->conns, &f, d, T0);
	assert_non_null(c);
	return uvs_flowlog_line(c, &f, dir_mac, buf, len);
}

static void
test_rr_names_position_and_macs(void **state)
{
	static const int w[3] = { 1, 1, 1 };
	struct lab l;
	char buf[512];

	(void)state;
	lab_init(&l, "rr", w);
	/* dests were added rs3, rs2, rs1: rs1 heads the list */
	assert_string_equal(new_flow(&l, 40000, buf, sizeof(buf)),
	    "new TCP 198.18.0.100:40000 -> 198.18.0.10:80: real server "
	    "198.18.0.11:80 (rr: next in list order, position 1 of 3), "
	    "dst MAC 02:00:00:00:00:01 -> 10:10:10:10:10:10");
	assert_non_null(strstr(new_flow(&l, 40001, buf, sizeof(buf)),
	    "real server 198.18.0.12:80 (rr: next in list order, position 2 "
	    "of 3)"));
	lab_free(&l);
}

/* The chosen dest's own new flow is not among the figures compared. */
static void
test_wlc_figures_are_before_the_pick(void **state)
{
	static const int w[3] = { 1, 1, 2 };
	struct lab l;
	char buf[512];

	(void)state;
	lab_init(&l, "wlc", w);
	l.rs[0]->activeconns = 1;		/* 256 */
	l.rs[1]->inactconns = 300;		/* 300 */
	l.rs[2]->activeconns = 1;		/* 256 / 2 = 128: the least */
	l.rs[2]->inactconns = 1;		/* 257 / 2 */
	uvs_svc_changed(l.svc);
	assert_non_null(strstr(new_flow(&l, 40000, buf, sizeof(buf)),
	    "real server 198.18.0.13:80 (wlc: least "
	    "(active*256+inactive)/weight: 198.18.0.11=256/1 "
	    "198.18.0.12=300/1 198.18.0.13=257/2)"));
	/* the flow is counted now, the line showed the count before it */
	assert_int_equal(l.rs[2]->inactconns, 2);
	lab_free(&l);
}

static void
test_sh_names_the_bucket(void **state)
{
	static const int w[3] = { 1, 1, 1 };
	struct lab l;
	char buf[512], want[64];

	(void)state;
	lab_init(&l, "sh", w);
	snprintf(want, sizeof(want), "-> bucket %u of 256",
	    uvs_hash_32(ntohl(ip("198.18.0.100")), 8));
	assert_non_null(strstr(new_flow(&l, 40000, buf, sizeof(buf)), want));
	lab_free(&l);
}

static void
test_short_buffer_is_cut(void **state)
{
	static const int w[3] = { 1, 1, 1 };
	struct lab l;
	char buf[24];

	(void)state;
	lab_init(&l, "wlc", w);
	memset(buf, 'x', sizeof(buf));
	new_flow(&l, 40000, buf, 20);
	assert_int_equal(strlen(buf), 19);
	assert_int_equal(buf[20], 'x');
	lab_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rr_names_position_and_macs),
		cmocka_unit_test(test_wlc_figures_are_before_the_pick),
		cmocka_unit_test(test_sh_names_the_bucket),
		cmocka_unit_test(test_short_buffer_is_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
