/*
 * Unit tests for fwd/data/syncin.c, the sync daemon's backup side on one
 * table: a synced connection becomes a flow bound to the real server the
 * master named, with its state and timeout, and frames of it are then
 * forwarded there without a SYN; an unknown service or real server, a bad
 * state or a NAT entry is refused; a template pins its client; a flow the
 * master moved is bound again; a packet clears the SYNCED mark; an IPv6
 * flow finds its v6 service and real server, never a v4 one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "fwd/data/syncin.h"
#include "sched/conn.h"
#include "tests/unit/inaddr4.h"

#define T0	1000u

static uint32_t
ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

struct lab {
	struct uvs_fwd	 fw;
	struct uvs_svc	*svc, *psvc;
};

static void
lab_init(struct lab *l)
{
	struct uvs_svc_conf sc = { .proto = IPPROTO_TCP,
	    .af = AF_INET, .addr = uvs_inaddr4(ip("198.18.0.10")),
	    .port = htons(80), .sched = "wlc", .netmask = 0xffffffff };
	struct uvs_svc_conf pc = { .proto = IPPROTO_TCP,
	    .af = AF_INET, .addr = uvs_inaddr4(ip("198.18.0.10")),
	    .port = htons(443), .sched = "rr", .flags = UVS_SVC_F_PERSISTENT, .timeout = 300,
	    .netmask = 0xffffffff };
	struct uvs_dest_conf dc = { .af = AF_INET, .port = htons(80),
	    .weight = 1 };

	memset(l, 0, sizeof(*l));
	uvs_svc_table_init(&l->fw.svcs);
	assert_int_equal(uvs_conn_init(&l->fw.conns, 64, T0, 1), 0);
	assert_int_equal(uvs_svc_add(&l->fw.svcs, &sc), 0);
	assert_int_equal(uvs_svc_add(&l->fw.svcs, &pc), 0);
	l->svc = svc_find4(&l->fw.svcs, IPPROTO_TCP, sc.addr.ip, sc.port);
	l->psvc = svc_find4(&l->fw.svcs, IPPROTO_TCP, pc.addr.ip, pc.port);
	dc.addr = uvs_inaddr4(ip("198.18.0.11"));
	assert_int_equal(uvs_dest_add(l->svc, &dc), 0);
	dc.addr = uvs_inaddr4(ip("198.18.0.12"));
	assert_int_equal(uvs_dest_add(l->svc, &dc), 0);
	dc.port = htons(443);
	assert_int_equal(uvs_dest_add(l->psvc, &dc), 0);
}

static void
lab_free(struct lab *l)
{
	uvs_conn_flush_dest(&l->fw.conns, NULL);
	uvs_conn_free(&l->fw.conns);
	uvs_svc_table_free(&l->fw.svcs);
}

static struct uvs_sync_conn
synced(const char *rip, uint16_t cport, uint16_t state)
{
	struct uvs_sync_conn c;

	memset(&c, 0, sizeof(c));
	c.af = AF_INET;
	c.proto = IPPROTO_TCP;
	c.state = state;
	c.flags = UVS_SYNC_F_DROUTE;
	c.cport = htons(cport);
	c.vport = c.dport = htons(80);
	c.timeout = 900;
	c.caddr = uvs_inaddr4(ip("198.18.0.100"));
	c.vaddr = uvs_inaddr4(ip("198.18.0.10"));
	c.daddr = uvs_inaddr4(ip(rip));
	return c;
}

static struct uvs_conn *
find(struct lab *l, uint16_t cport)
{
	struct uvs_flow f = { .proto = IPPROTO_TCP,
	    .af = AF_INET, .caddr = uvs_inaddr4(ip("198.18.0.100")),
	    .cport = htons(cport), .vaddr = uvs_inaddr4(ip("198.18.0.10")), .vport = htons(80) };

	return uvs_conn_lookup(&l->fw.conns, &f);
}

static void
test_new_flow(void **state)
{
	struct uvs_sync_conn c = synced("198.18.0.12", 40000,
	    UVS_TCP_ESTABLISHED);
	struct uvs_dest *d;
	struct uvs_conn *e;
	struct lab l;

	(void)state;
	lab_init(&l);
	assert_int_equal(uvs_syncin_apply(&l.fw, &c, T0), UVS_SYNCIN_NEW);
	assert_non_null(e = find(&l, 40000));
	d = dest_find4(l.svc, ip("198.18.0.12"), htons(80));
	assert_ptr_equal(e->dest, d);
	assert_int_equal(e->state, UVS_TCP_ESTABLISHED);
	assert_int_equal(e->expires, T0 + 900);
	assert_true(e->flags & UVS_CONN_F_SYNCED);
	assert_int_equal(d->activeconns, 1);
	assert_int_equal(d->inactconns, 0);
	/* the same again: updated, not doubled */
	c.timeout = 120;
	c.state = UVS_TCP_FIN_WAIT;
	assert_int_equal(uvs_syncin_apply(&l.fw, &c, T0 + 5),
	    UVS_SYNCIN_UPDATED);
	assert_int_equal(l.fw.conns.count, 1);
	assert_int_equal(e->expires, T0 + 125);
	assert_int_equal(d->activeconns, 0);
	assert_int_equal(d->inactconns, 1);
	/* a packet of its own: no longer the sync daemon's */
	uvs_conn_update(&l.fw.conns, e, 0x10, T0 + 6);
	assert_false(e->flags & UVS_CONN_F_SYNCED);
	lab_free(&l);
}

static void
test_moved_flow_rebound(void **state)
{
	struct uvs_sync_conn c = synced("198.18.0.11", 40001,
	    UVS_TCP_ESTABLISHED);
	struct lab l;

	(void)state;
	lab_init(&l);
	assert_int_equal(uvs_syncin_apply(&l.fw, &c, T0), UVS_SYNCIN_NEW);
	c.daddr = uvs_inaddr4(ip("198.18.0.12"));
	assert_int_equal(uvs_syncin_apply(&l.fw, &c, T0), UVS_SYNCIN_NEW);
	assert_int_equal(l.fw.conns.count, 1);
	assert_int_equal(find(&l, 40001)->dest->addr.ip, ip("198.18.0.12"));
	assert_int_equal(dest_find4(l.svc, ip("198.18.0.11"),
	    htons(80))->activeconns, 0);
	lab_free(&l);
}

static void
test_refused(void **state)
{
	struct uvs_sync_conn c;
	struct lab l;

	(void)state;
	lab_init(&l);
	c = synced("198.18.0.13", 1, UVS_TCP_ESTABLISHED);	/* no such rs */
	assert_int_equal(uvs_syncin_apply(&l.fw, &c, T0), UVS_SYNCIN_NO_DEST);
	c = synced("198.18.0.11", 2, UVS_TCP_ESTABLISHED);
	c.vaddr = uvs_inaddr4(ip("198.18.0.20"));		/* no service */
	assert_int_equal(uvs_syncin_apply(&l.fw, &c, T0), UVS_SYNCIN_NO_DEST);
	c = synced("198.18.0.11", 3, 11);			/* bad state */
	assert_int_equal(uvs_syncin_apply(&l.fw, &c, T0), UVS_SYNCIN_REFUSED);
	c = synced("198.18.0.11", 4, UVS_TCP_ESTABLISHED);
	c.flags = 0;						/* NAT */
	assert_int_equal(uvs_syncin_apply(&l.fw, &c, T0), UVS_SYNCIN_REFUSED);
	c = synced("198.18.0.11", 5, UVS_TCP_ESTABLISHED);
	c.proto = 132;						/* SCTP */
	assert_int_equal(uvs_syncin_apply(&l.fw, &c, T0), UVS_SYNCIN_REFUSED);
	assert_int_equal(l.fw.conns.count, 0);
	lab_free(&l);
}

static void
test_template(void **state)
{
	struct uvs_sync_conn c = synced("198.18.0.12", 0, 0);
	struct uvs_flow key = { .proto = IPPROTO_TCP,
	    .af = AF_INET, .caddr = uvs_inaddr4(ip("198.18.0.100")),
	    .vaddr = uvs_inaddr4(ip("198.18.0.10")), .vport = htons(443) };
	struct uvs_conn *t;
	struct lab l;

	(void)state;
	lab_init(&l);
	c.flags |= UVS_SYNC_F_TEMPLATE;
	c.vport = c.dport = htons(443);
	c.timeout = 300;
	assert_int_equal(uvs_syncin_apply(&l.fw, &c, T0), UVS_SYNCIN_NEW);
	assert_non_null(t = uvs_conn_template_lookup(&l.fw.conns, &key));
	assert_int_equal(t->dest->addr.ip, ip("198.18.0.12"));
	assert_int_equal(t->dest->persistconns, 1);
	assert_int_equal(t->expires, T0 + 300);
	assert_int_equal(uvs_syncin_apply(&l.fw, &c, T0 + 10),
	    UVS_SYNCIN_UPDATED);
	assert_int_equal(t->expires, T0 + 310);
	lab_free(&l);
}

static union uvs_inaddr
ip6(const char *s)
{
	union uvs_inaddr a;

	memset(&a, 0, sizeof(a));
	inet_pton(AF_INET6, s, &a.in6);
	return a;
}

/*
 * A v6 service beside the v4 ones: a synced v6 flow is made on it, bound
 * to its v6 real server, found by a v6 lookup and by no v4 one; a v6
 * entry naming a v4 real server finds none.
 */
static void
test_v6_flow(void **state)
{
	struct uvs_svc_conf sc = { .proto = IPPROTO_TCP, .af = AF_INET6,
	    .addr = ip6("2001:db8::10"), .port = htons(80), .sched = "rr",
	    .netmask = 128 };
	struct uvs_dest_conf dc = { .af = AF_INET6, .port = htons(80),
	    .weight = 1, .addr = ip6("2001:db8::11") };
	struct uvs_sync_conn c = synced("198.18.0.11", 40002,
	    UVS_TCP_ESTABLISHED);
	struct uvs_flow f = { .proto = IPPROTO_TCP, .af = AF_INET6,
	    .caddr = ip6("2001:db8::100"), .cport = htons(40002),
	    .vaddr = ip6("2001:db8::10"), .vport = htons(80) };
	struct uvs_svc *s6;
	struct uvs_conn *e;
	struct lab l;

	(void)state;
	lab_init(&l);
	assert_int_equal(uvs_svc_add(&l.fw.svcs, &sc), 0);
	assert_non_null(s6 = uvs_svc_find(&l.fw.svcs, IPPROTO_TCP, AF_INET6,
	    &sc.addr, sc.port));
	assert_int_equal(uvs_dest_add(s6, &dc), 0);
	c.af = AF_INET6;
	c.caddr = f.caddr;
	c.vaddr = f.vaddr;
	c.daddr = dc.addr;
	assert_int_equal(uvs_syncin_apply(&l.fw, &c, T0), UVS_SYNCIN_NEW);
	assert_non_null(e = uvs_conn_lookup(&l.fw.conns, &f));
	assert_ptr_equal(e->dest, uvs_dest_find(s6, &dc.addr, dc.port));
	assert_int_equal(e->state, UVS_TCP_ESTABLISHED);
	assert_null(find(&l, 40002));		/* no v4 flow was made */
	/* a v6 entry naming a v4 real server of the v6 VIP: none */
	c.daddr = uvs_inaddr4(ip("198.18.0.11"));
	c.cport = htons(40003);
	assert_int_equal(uvs_syncin_apply(&l.fw, &c, T0), UVS_SYNCIN_NO_DEST);
	assert_int_equal(l.fw.conns.count, 1);
	lab_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_flow),
		cmocka_unit_test(test_moved_flow_rebound),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_template),
		cmocka_unit_test(test_v6_flow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
