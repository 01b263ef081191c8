/*
 * The one apply (fwd/control/batch.c). Checked on a copy, refusals that
 * depend on the state (a duplicate, a dest of a service deleted earlier
 * in the same batch, an unknown scheduler) are found with the index of
 * the request and the live table is never touched. Applied to a live
 * table, the same function reaches the flows through its ops, learns
 * MACs from "neigh" and lets health checks switch dests ("dest-out");
 * a copy keeps the order, MACs and flags that make replays agree.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fwd/control/batch.h"

#define SVC80	"proto=tcp vip=198.18.0.10 vport=80"

/* The live table: TCP VIP:80 wlc with one dest of weight 5. */
static void
live_table(struct uvs_svc_table *t)
{
	struct uvs_svc_conf sc = { .proto = 6, .af = AF_INET, .sched = "wlc",
	    .netmask = 0xffffffff };
	struct uvs_dest_conf dc = { .af = AF_INET, .weight = 5 };

	uvs_svc_table_init(t);
	inet_pton(AF_INET, "198.18.0.10", &sc.addr);
	sc.port = htons(80);
	assert_int_equal(uvs_svc_add(t, &sc), 0);
	inet_pton(AF_INET, "198.18.0.11", &dc.addr);
	dc.port = htons(80);
	assert_int_equal(uvs_dest_add(t->svcs[0], &dc), 0);
}

/* Parses lines into msgs (lines are split in place, so copied first). */
static int
check(const struct uvs_svc_table *t, const char *const *lines, unsigned n,
    unsigned *at, char *err, size_t errlen)
{
	char buf[16][256];
	struct uvs_ctl_msg m[16];
	unsigned i;

	assert_true(n <= 16);
	for (i = 0; i < n; i++) {
		snprintf(buf[i], sizeof(buf[i]), "%s", lines[i]);
		assert_int_equal(uvs_ctl_parse(buf[i], &m[i]), 0);
	}
	return uvs_batch_check(t, m, n, at, err, errlen);
}

static void
live_table_unchanged(const struct uvs_svc_table *t)
{
	assert_int_equal(t->nsvcs, 1);
	assert_int_equal(t->svcs[0]->ndests, 1);
	assert_int_equal(t->svcs[0]->dests[0]->weight, 5);
	assert_string_equal(t->svcs[0]->sched->name, "wlc");
}

static void
good_batch_passes(void **state)
{
	const char *const lines[] = {
		"edit-service " SVC80 " sched=rr",
		"edit-dest " SVC80 " rip=198.18.0.11 rport=80 weight=1",
		"add-dest " SVC80 " rip=198.18.0.12 rport=80",
		"add-service proto=udp vip=198.18.0.10 vport=53 sched=sh",
		"del-dest " SVC80 " rip=198.18.0.11 rport=80",
		"set-timeout tcp=0 tcpfin=0 udp=60",
		"zero " SVC80,
		"zero",
		"clear",
		"add-service " SVC80 " sched=mh",
	};
	struct uvs_svc_table t;
	char err[256] = "";
	unsigned at = 99;

	(void)state;
	live_table(&t);
	assert_int_equal(check(&t, lines, 10, &at, err, sizeof(err)), 0);
	live_table_unchanged(&t);
	uvs_svc_table_free(&t);
}

static void
refusals_name_the_request(void **state)
{
	static const struct {
		const char	*lines[3];
		unsigned	 n, at;
		int		 rc;
		const char	*err;
	} cases[] = {
		{ { "add-dest " SVC80 " rip=198.18.0.12 rport=80",
		    "add-service " SVC80 " sched=rr" }, 2, 1, -EEXIST,
		    "Service already exists" },
		{ { "del-service " SVC80,
		    "add-dest " SVC80 " rip=198.18.0.12 rport=80" }, 2, 1,
		    -ESRCH, "Service not defined" },
		{ { "add-dest " SVC80 " rip=198.18.0.11 rport=80" }, 1, 0,
		    -EEXIST, "Destination already exists" },
		{ { "del-dest " SVC80 " rip=198.18.0.11 rport=80",
		    "edit-dest " SVC80 " rip=198.18.0.11 rport=80 weight=2" },
		    2, 1, -ENOENT, "No such destination" },
		{ { "clear", "zero " SVC80 }, 2, 1, -ESRCH, "No such service" },
		{ { "add-service proto=tcp vip=198.18.0.10 vport=81 "
		    "sched=nosuch" }, 1, 0, -ENOENT, "Scheduler not found" },
		{ { "edit-service proto=tcp vip=198.18.0.10 vport=82 "
		    "sched=rr" }, 1, 0, -ESRCH, "No such service" },
		{ { "clear", "add-service " SVC80 }, 2, 1, -EINVAL,
		    "malformed add-service request" },
		{ { "list" }, 1, 0, -EINVAL, "'list' cannot be part of a batch" },
		{ { "set-timeout tcp=1" }, 1, 0, -EINVAL,
		    "malformed set-timeout request" },
		{ { "add-service proto=tcp vip=198.18.0.10 vport=0 sched=rr" },
		    1, 0, -EINVAL, "malformed add-service request" },
	};
	struct uvs_svc_table t;
	char err[256];
	unsigned at;
	size_t i;
	int rc;

	(void)state;
	live_table(&t);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		at = 99;
		rc = check(&t, cases[i].lines, cases[i].n, &at, err,
		    sizeof(err));
		if (rc != cases[i].rc || at != cases[i].at ||
		    strcmp(err, cases[i].err) != 0)
			fail_msg("case %zu: rc %d at %u err '%s'", i, rc, at,
			    err);
		live_table_unchanged(&t);
	}
	uvs_svc_table_free(&t);
}

/* Parses and applies lines to t with ops; the result of apply. */
static int
apply(struct uvs_svc_table *t, const char *const *lines, unsigned n,
    const struct uvs_batch_ops *ops, unsigned *at)
{
	char buf[16][256], err[256];
	struct uvs_ctl_msg m[16];
	unsigned i;

	assert_true(n <= 16);
	for (i = 0; i < n; i++) {
		snprintf(buf[i], sizeof(buf[i]), "%s", lines[i]);
		assert_int_equal(uvs_ctl_parse(buf[i], &m[i]), 0);
	}
	return uvs_batch_apply(t, m, n, ops, at, err, sizeof(err));
}

struct calls {
	unsigned	 flushed, flushed_all, timeouts;
	uint32_t	 last_flushed;
	uint32_t	 t[3];
};

static void
on_flush(void *arg, const struct uvs_dest *x)
{
	struct calls *c = arg;

	c->flushed++;
	c->last_flushed = x->addr.ip;
}

static void
on_flush_all(void *arg)
{
	((struct calls *)arg)->flushed_all++;
}

static void
on_timeouts(void *arg, const uint32_t t[3])
{
	struct calls *c = arg;

	c->timeouts++;
	memcpy(c->t, t, sizeof(c->t));
}

static uint32_t
ip(const char *s)
{
	uint32_t a;

	inet_pton(AF_INET, s, &a);
	return a;
}

/* A live table's hooks are called where flows must end. */
static void
live_hooks_see_flows_end(void **state)
{
	const char *const lines[] = {
		"add-dest " SVC80 " rip=198.18.0.12 rport=80",
		"dest-out " SVC80 " rip=198.18.0.12 rport=80 out=1 flush=1",
		"dest-out " SVC80 " rip=198.18.0.12 rport=80 out=0",
		"del-dest " SVC80 " rip=198.18.0.11 rport=80",
		"set-timeout tcp=10 tcpfin=0 udp=30",
		"clear",
	};
	struct calls c = { 0 };
	const struct uvs_batch_ops ops = { .arg = &c, .dest_flush = on_flush,
	    .flush_all = on_flush_all, .timeouts = on_timeouts };
	struct uvs_svc_table t;
	unsigned at;

	(void)state;
	live_table(&t);
	assert_int_equal(apply(&t, lines, 3, &ops, &at), 0);
	assert_int_equal(c.flushed, 1);	/* out with flush; back without */
	assert_int_equal(c.last_flushed, ip("198.18.0.12"));
	assert_int_equal(t.svcs[0]->ndests, 2);
	assert_false(t.svcs[0]->dests[0]->flags & UVS_DEST_F_OUT);
	assert_int_equal(apply(&t, lines + 3, 3, &ops, &at), 0);
	assert_int_equal(c.flushed, 2);
	assert_int_equal(c.last_flushed, ip("198.18.0.11"));
	assert_int_equal(c.timeouts, 1);
	assert_int_equal(c.t[0], 10);
	assert_int_equal(c.t[1], 0);
	assert_int_equal(c.t[2], 30);
	assert_int_equal(c.flushed_all, 1);
	assert_int_equal(t.nsvcs, 0);
	uvs_svc_table_free(&t);
}

/* A MAC learned once serves every later dest at that address. */
static void
neighbours_give_dests_their_mac(void **state)
{
	const char *const learn[] = {
		"neigh rip=198.18.0.11 valid=1 hw=02:00:00:00:00:11",
		"add-service proto=udp vip=198.18.0.10 vport=53 sched=rr",
		"add-dest proto=udp vip=198.18.0.10 vport=53 rip=198.18.0.11 "
		    "rport=53",
		"add-dest proto=udp vip=198.18.0.10 vport=53 rip=198.18.0.12 "
		    "rport=53",
	};
	const char *const lose[] = {
		"neigh rip=198.18.0.11 valid=0",
		"add-dest " SVC80 " rip=198.18.0.11 rport=81",
	};
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 0x11 };
	struct uvs_svc_table t;
	struct uvs_svc *u;
	unsigned at;

	(void)state;
	live_table(&t);
	assert_int_equal(apply(&t, learn, 4, NULL, &at), 0);
	assert_false(t.svcs[0]->dests[0]->flags & UVS_DEST_F_NOHWADDR);
	assert_memory_equal(t.svcs[0]->dests[0]->hwaddr, mac, 6);
	u = t.svcs[1];
	/* newest first: .12 (unknown) then .11 (known from the neighbour) */
	assert_int_equal(u->dests[1]->addr.ip, ip("198.18.0.11"));
	assert_false(u->dests[1]->flags & UVS_DEST_F_NOHWADDR);
	assert_memory_equal(u->dests[1]->hwaddr, mac, 6);
	assert_true(u->dests[0]->flags & UVS_DEST_F_NOHWADDR);
	assert_int_equal(apply(&t, lose, 2, NULL, &at), 0);
	assert_true(u->dests[1]->flags & UVS_DEST_F_NOHWADDR);
	assert_true(t.svcs[0]->dests[0]->flags & UVS_DEST_F_NOHWADDR);
	uvs_svc_table_free(&t);
}

/* The copy the transaction starts from: same order, MACs and flags. */
static void
a_copy_keeps_order_macs_and_flags(void **state)
{
	const char *const lines[] = {
		"add-dest " SVC80 " rip=198.18.0.12 rport=80 weight=3",
		"add-dest " SVC80 " rip=198.18.0.13 rport=80 out=1",
		"neigh rip=198.18.0.12 valid=1 hw=02:00:00:00:00:12",
	};
	struct uvs_svc_table t, c;
	unsigned at, k;

	(void)state;
	live_table(&t);
	assert_int_equal(apply(&t, lines, 3, NULL, &at), 0);
	uvs_svc_table_init(&c);
	assert_int_equal(uvs_batch_copy(&c, &t), 0);
	assert_int_equal(c.nsvcs, 1);
	assert_int_equal(c.svcs[0]->ndests, t.svcs[0]->ndests);
	for (k = 0; k < t.svcs[0]->ndests; k++) {
		const struct uvs_dest *a = t.svcs[0]->dests[k];
		const struct uvs_dest *b = c.svcs[0]->dests[k];

		assert_int_equal(a->addr.ip, b->addr.ip);
		assert_int_equal(a->weight, b->weight);
		assert_int_equal(a->flags, b->flags);
		assert_memory_equal(a->hwaddr, b->hwaddr, 6);
	}
	uvs_svc_table_free(&c);
	uvs_svc_table_free(&t);
}

/*
 * "egress" gives the route's link and next hop to the dests of its kind
 * at the address only; neighbour news with oif= then finds a tunnel by
 * its gateway, and not the DR dest at the same address. An edit between
 * -g and -i sends the dest to be routed again (oif 0), and a copy keeps
 * the egress and the tunnel settings.
 */
static void
egress_routes_dests_of_its_kind(void **state)
{
	const char *const lines[] = {
		"add-service proto=udp vip=198.18.0.10 vport=53 sched=rr",
		"add-dest proto=udp vip=198.18.0.10 vport=53 rip=198.18.0.11 "
		    "rport=53 fwd=tunnel tun_type=0",
		"egress rip=198.18.0.11 tun=1 oif=7 nh=198.18.0.1 "
		    "src=02:00:00:00:00:01 tsrc=198.18.0.2 mtu=1400",
		"egress rip=198.18.0.11 tun=0 oif=5 nh=198.18.0.11 "
		    "src=02:00:00:00:00:02 tsrc=0.0.0.0 mtu=1500",
		"neigh rip=198.18.0.1 oif=7 valid=1 hw=02:00:00:00:00:99",
	};
	const char *const bad[] = {
		"egress rip=198.18.0.11 tun=1 oif=7 nh=198.18.0.1 src=zz "
		    "tsrc=0.0.0.0 mtu=1",
		"egress rip=198.18.0.11 tun=2 oif=7 nh=198.18.0.1 "
		    "src=02:00:00:00:00:01 tsrc=0.0.0.0 mtu=1",
		"neigh rip=198.18.0.1 oif=x valid=0",
	};
	const char *const edit[] = {
		"edit-dest proto=udp vip=198.18.0.10 vport=53 rip=198.18.0.11 "
		    "rport=53",
	};
	static const uint8_t gw[6] = { 2, 0, 0, 0, 0, 0x99 };
	struct uvs_svc_table t, c;
	const struct uvs_dest *dr, *tun;
	char err[128];
	unsigned at, i;

	(void)state;
	live_table(&t);
	for (i = 0; i < 3; i++)
		assert_int_equal(check(&t, bad + i, 1, &at, err, sizeof(err)),
		    -EINVAL);
	assert_int_equal(apply(&t, lines, 5, NULL, &at), 0);
	dr = t.svcs[0]->dests[0];
	tun = t.svcs[1]->dests[0];
	assert_int_equal(tun->fwd, UVS_FWD_TUNNEL);
	assert_int_equal(tun->oif, 7);
	assert_int_equal(tun->nexthop.ip, ip("198.18.0.1"));
	assert_int_equal(tun->tun_src.ip, ip("198.18.0.2"));
	assert_int_equal(tun->mtu, 1400);
	assert_false(tun->flags & UVS_DEST_F_NOHWADDR);
	assert_memory_equal(tun->hwaddr, gw, 6);
	assert_int_equal(dr->oif, 5);
	assert_int_equal(dr->nexthop.ip, ip("198.18.0.11"));
	assert_true(dr->flags & UVS_DEST_F_NOHWADDR);	/* not the gateway */
	uvs_svc_table_init(&c);
	assert_int_equal(uvs_batch_copy(&c, &t), 0);
	assert_int_equal(c.svcs[1]->dests[0]->fwd, UVS_FWD_TUNNEL);
	assert_int_equal(c.svcs[1]->dests[0]->oif, 7);
	assert_int_equal(c.svcs[1]->dests[0]->nexthop.ip, ip("198.18.0.1"));
	assert_int_equal(c.svcs[1]->dests[0]->mtu, 1400);
	uvs_svc_table_free(&c);
	assert_int_equal(apply(&t, edit, 1, NULL, &at), 0);
	assert_int_equal(tun->fwd, 0);
	assert_int_equal(tun->oif, 0);		/* to be routed as DR */
	uvs_svc_table_free(&t);
}

/* Applied for real, a refusal leaves the requests before it applied. */
static void
apply_stops_at_the_refusal(void **state)
{
	const char *const lines[] = {
		"add-dest " SVC80 " rip=198.18.0.12 rport=80",
		"add-dest " SVC80 " rip=198.18.0.12 rport=80",
		"add-dest " SVC80 " rip=198.18.0.13 rport=80",
	};
	struct uvs_svc_table t;
	unsigned at = 99;

	(void)state;
	live_table(&t);
	assert_int_equal(apply(&t, lines, 3, NULL, &at), -EEXIST);
	assert_int_equal(at, 1);
	assert_int_equal(t.svcs[0]->ndests, 2);
	uvs_svc_table_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_batch_passes),
		cmocka_unit_test(refusals_name_the_request),
		cmocka_unit_test(live_hooks_see_flows_end),
		cmocka_unit_test(neighbours_give_dests_their_mac),
		cmocka_unit_test(a_copy_keeps_order_macs_and_flags),
		cmocka_unit_test(apply_stops_at_the_refusal),
		cmocka_unit_test(egress_routes_dests_of_its_kind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
