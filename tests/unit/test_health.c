/*
 * The health engine's state machine (fwd/health/health.c), driven with made-up
 * results and a made-up clock, its director replaced by ops that write
 * down what they are asked: rise and fall counts, inhibit and remove,
 * the weight an edit gets while a server is down, the retry wait, and
 * keepalived's quorum with hysteresis and a sorry server.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fwd/health/health.h"

static char calls[4096];	/* what the director was asked, in order */
static char logged[4096];

static void
note(const char *fmt, ...)
{
	va_list ap;
	size_t n = strlen(calls);

	va_start(ap, fmt);
	vsnprintf(calls + n, sizeof(calls) - n, fmt, ap);
	va_end(ap);
}

static const char *
rip(const struct uvs_health_key *k)
{
	static char a[INET6_ADDRSTRLEN];

	return inet_ntop(k->af, &k->rip, a, sizeof(a));
}

static int
fake_weight(void *arg, const struct uvs_health_key *k, int w)
{
	(void)arg;
	note("weight %s %d;", rip(k), w);
	return 0;
}

static int
fake_out(void *arg, const struct uvs_health_key *k, int out, int flush)
{
	(void)arg;
	note("%s %s%s;", out ? "out" : "in", rip(k), flush ? " flush" : "");
	return 0;
}

static int
fake_add(void *arg, const struct uvs_health_key *k, int w, int out)
{
	(void)arg;
	note("add %s %d%s;", rip(k), w, out ? " out" : "");
	return 0;
}

static int
fake_del(void *arg, const struct uvs_health_key *k)
{
	(void)arg;
	note("del %s;", rip(k));
	return 0;
}

static void
fake_log(void *arg, const char *line)
{
	(void)arg;
	strncat(logged, line, sizeof(logged) - strlen(logged) - 2);
	strcat(logged, "\n");
}

static const struct uvs_health_ops ops = {
	.set_weight = fake_weight, .set_out = fake_out, .add_dest = fake_add,
	.del_dest = fake_del, .log = fake_log,
};

#define VIP	"198.18.0.10"

static struct uvs_health_key
key(int i)
{
	struct uvs_health_key k = { .proto = 6, .af = AF_INET,
	    .vport = htons(80), .rport = htons(80) };
	char a[32];

	inet_pton(AF_INET, VIP, &k.vip);
	snprintf(a, sizeof(a), "198.18.0.%d", 10 + i);
	inet_pton(AF_INET, a, &k.rip);
	return k;
}

static struct uvs_check_conf
tcp_check(unsigned rise, unsigned fall, int on_fail)
{
	struct uvs_check_conf c = { .type = UVS_CHECK_TCP, .rise = rise,
	    .fall = fall, .on_fail = on_fail, .interval_ms = 1000 };

	uvs_check_finish(&c);
	return c;
}

/* An engine with one TCP service (health conf v, or none). */
static struct uvs_health *
engine(const struct uvs_vs_health *v)
{
	struct uvs_health *h = uvs_health_new(&ops, NULL, NULL);
	struct uvs_health_key k = key(0);

	assert_non_null(h);
	assert_int_equal(uvs_health_svc_set(h, 6, k.af, &k.vip, k.vport, v), 0);
	calls[0] = logged[0] = '\0';
	return h;
}

static void
result(struct uvs_health *h, int i, int ok, uint64_t now)
{
	struct uvs_health_key k = key(i);

	assert_int_equal(uvs_health_result(h, &k, ok, ok ? "fine" :
	    "connect: Connection refused", now), 0);
}

/* The "check" list line of server i. */
static const char *
line_of(struct uvs_health *h, int i)
{
	static char buf[2048];
	struct uvs_health_key k = key(i);
	FILE *f;

	buf[0] = '\0';
	assert_non_null(f = fmemopen(buf, sizeof(buf), "w"));
	uvs_health_list_dest(h, &k, 0, f);
	fclose(f);
	return buf;
}

static void
fall_and_rise_inhibit(void **state)
{
	struct uvs_health *h = engine(NULL);
	struct uvs_check_conf c = tcp_check(2, 3, UVS_ONFAIL_INHIBIT);
	struct uvs_health_key k = key(1);
	struct uvs_health_counters n;

	(void)state;
	assert_int_equal(uvs_health_dest_set(h, &k, 3, &c), 0);
	uvs_health_settle(h);
	assert_string_equal(calls, "");		/* added as it is: UP */
	result(h, 1, 1, 500);			/* seen alive: retries now */
	result(h, 1, 0, 1000);
	result(h, 1, 0, 2000);
	assert_string_equal(calls, "");		/* 2 of 3 failures */
	assert_int_equal(uvs_health_weight_now(h, &k, 3), 3);
	result(h, 1, 0, 3000);
	assert_string_equal(calls, "weight 198.18.0.11 0;");
	assert_non_null(strstr(logged, "check: rs 198.18.0.11:80 of TCP "
	    "198.18.0.10:80 DOWN after 3 failures (connect: Connection "
	    "refused); weight 0 (inhibit)"));
	assert_non_null(strstr(line_of(h, 1), " weight=3 state=INHIBITED "));
	assert_int_equal(uvs_health_weight_now(h, &k, 3), 0);
	n = uvs_health_counters(h);
	assert_int_equal(n.checks_failed, 3);
	assert_int_equal(n.dests_down, 1);
	/* its service's only server: keepalived's quorum 1 is lost too */
	assert_int_equal(n.state_changes, 2);
	assert_non_null(strstr(logged, "lost quorum: up weight 0 < 1"));
	/* a success, then a failure: the rise streak starts over */
	result(h, 1, 1, 4000);
	result(h, 1, 0, 5000);
	result(h, 1, 1, 6000);
	assert_string_equal(calls, "weight 198.18.0.11 0;");
	result(h, 1, 1, 7000);
	assert_string_equal(calls, "weight 198.18.0.11 0;weight 198.18.0.11 3;");
	assert_non_null(strstr(logged, "UP after 2 successes (fine); weight 3 "
	    "again"));
	n = uvs_health_counters(h);
	assert_int_equal(n.checks_ok, 4);
	assert_int_equal(n.dests_down, 0);
	assert_int_equal(n.state_changes, 4);
	uvs_health_free(h);
}

/*
 * keepalived gives a checker no retries before its first success: a
 * server that was never seen alive goes down at the first failure, not
 * after fall of them (it would otherwise serve, dead, for the whole
 * retry time at start). Once seen alive, fall counts again; a new
 * check on it starts over.
 */
static void
first_failure_before_first_success(void **state)
{
	struct uvs_health *h = engine(NULL);
	struct uvs_check_conf c = tcp_check(1, 4, UVS_ONFAIL_REMOVE);
	struct uvs_health_key k = key(1);

	(void)state;
	uvs_health_dest_set(h, &k, 1, &c);
	uvs_health_settle(h);
	result(h, 1, 0, 1000);
	assert_string_equal(calls, "out 198.18.0.11 flush;");
	assert_non_null(strstr(logged, "DOWN after 1 failure (connect: "
	    "Connection refused)"));
	/* back up: now it has been seen alive, 4 failures take it down */
	result(h, 1, 1, 2000);
	calls[0] = '\0';
	result(h, 1, 0, 3000);
	result(h, 1, 0, 4000);
	result(h, 1, 0, 5000);
	assert_string_equal(calls, "");
	result(h, 1, 0, 6000);
	assert_string_equal(calls, "out 198.18.0.11 flush;");
	/* a changed check is a new checker: no retries until it succeeds */
	result(h, 1, 1, 7000);
	c.interval_ms = 2000;
	uvs_health_dest_set(h, &k, 1, &c);
	calls[0] = '\0';
	result(h, 1, 0, 8000);
	assert_string_equal(calls, "out 198.18.0.11 flush;");
	uvs_health_free(h);
}

/* alpha: a new check starts DOWN; its server serves after a success. */
static void
alpha_starts_down(void **state)
{
	struct uvs_health *h = engine(NULL);
	struct uvs_check_conf c = tcp_check(1, 3, UVS_ONFAIL_REMOVE);
	struct uvs_health_key k = key(1);

	(void)state;
	c.alpha = 1;
	uvs_health_dest_set(h, &k, 2, &c);
	uvs_health_settle(h);
	assert_string_equal(calls, "out 198.18.0.11 flush;");
	assert_non_null(strstr(line_of(h, 1), " state=DOWN "));
	result(h, 1, 1, 1000);
	assert_string_equal(calls, "out 198.18.0.11 flush;in 198.18.0.11;");
	/* the same check again (a reload): the state stays UP */
	uvs_health_dest_set(h, &k, 2, &c);
	uvs_health_settle(h);
	assert_string_equal(calls, "out 198.18.0.11 flush;in 198.18.0.11;");
	uvs_health_free(h);
}

/* Waits (bounded, 3 s) until path holds want. */
static int
file_has(const char *path, const char *want)
{
	char buf[256];
	int i;

	for (i = 0; i < 300; i++) {
		FILE *f = fopen(path, "r");
		size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

		if (f)
			fclose(f);
		buf[n] = '\0';
		if (strstr(buf, want))
			return 1;
		usleep(10000);
	}
	return 0;
}

/*
 * quorum_up and quorum_down run on each change of quorum (not on the
 * first verdict that it is held); omega runs quorum_down when the
 * engine stops while the service holds quorum.
 */
static void
quorum_scripts_run(void **state)
{
	struct uvs_vs_health v = { .quorum = 1 };
	struct uvs_check_conf c = tcp_check(1, 1, UVS_ONFAIL_REMOVE);
	struct uvs_health_key k = key(1);
	struct uvs_health *h;
	char path[] = "/tmp/uvs-quorum.XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	snprintf(v.quorum_up, sizeof(v.quorum_up), "echo up >> %s", path);
	snprintf(v.quorum_down, sizeof(v.quorum_down), "echo down >> %s", path);
	v.omega = 1;
	h = engine(&v);
	uvs_health_dest_set(h, &k, 1, &c);
	uvs_health_settle(h);
	result(h, 1, 1, 500);		/* held from the start: no script */
	result(h, 1, 0, 1000);
	assert_true(file_has(path, "down\n"));
	assert_non_null(strstr(logged, "quorum_down: running 'echo down"));
	result(h, 1, 1, 2000);
	assert_true(file_has(path, "down\nup\n"));
	uvs_health_free(h);		/* omega */
	assert_true(file_has(path, "down\nup\ndown\n"));
	unlink(path);
}

static void
remove_takes_out_and_flushes(void **state)
{
	struct uvs_health *h = engine(NULL);
	struct uvs_check_conf c = tcp_check(1, 1, UVS_ONFAIL_REMOVE);
	struct uvs_health_key k = key(2);

	(void)state;
	uvs_health_dest_set(h, &k, 1, &c);
	uvs_health_settle(h);
	result(h, 2, 0, 1000);
	assert_string_equal(calls, "out 198.18.0.12 flush;");
	assert_non_null(strstr(logged, "out of scheduling (remove)"));
	assert_non_null(strstr(line_of(h, 2), " state=DOWN "));
	/* removed, not inhibited: an edit keeps its weight */
	assert_int_equal(uvs_health_weight_now(h, &k, 4), 4);
	result(h, 2, 1, 2000);
	assert_string_equal(calls, "out 198.18.0.12 flush;in 198.18.0.12;");
	uvs_health_free(h);
}

static void
edit_while_inhibited(void **state)
{
	struct uvs_health *h = engine(NULL);
	struct uvs_check_conf c = tcp_check(1, 1, UVS_ONFAIL_INHIBIT);
	struct uvs_health_key k = key(1);

	(void)state;
	uvs_health_dest_set(h, &k, 2, &c);
	result(h, 1, 0, 1000);
	/* uvsadm -e -w 5 while down: the director gets 0, the record 5 */
	assert_int_equal(uvs_health_weight_now(h, &k, 5), 0);
	uvs_health_dest_set(h, &k, 5, NULL);
	uvs_health_settle(h);
	assert_string_equal(calls, "weight 198.18.0.11 0;");
	result(h, 1, 1, 2000);
	assert_string_equal(calls, "weight 198.18.0.11 0;weight 198.18.0.11 5;");
	/* --check none: unchecked servers are up and listed no more */
	uvs_health_dest_set(h, &k, 5, &(struct uvs_check_conf){ 0 });
	uvs_health_settle(h);
	assert_string_equal(line_of(h, 1), "");
	uvs_health_free(h);
}

static void
retry_wait_and_timeout(void **state)
{
	struct uvs_health *h = engine(NULL);
	struct uvs_check_conf c = tcp_check(1, 3, UVS_ONFAIL_INHIBIT);
	struct uvs_health_key k = key(1);

	(void)state;
	c.retry_ms = 200;
	uvs_health_dest_set(h, &k, 1, &c);
	uvs_health_settle(h);
	/* a new check is due at once */
	assert_int_equal(uvs_health_timeout(h, 5000, 100), 0);
	result(h, 1, 1, 1000);
	assert_int_equal(uvs_health_timeout(h, 5000, 1000), 1000);
	result(h, 1, 0, 2000);		/* failing while up: the retry wait */
	assert_int_equal(uvs_health_timeout(h, 5000, 2000), 200);
	assert_int_equal(uvs_health_timeout(h, 50, 2000), 50);
	result(h, 1, 0, 2200);
	result(h, 1, 0, 2400);		/* down: back to the interval */
	assert_int_equal(uvs_health_timeout(h, 5000, 2400), 1000);
	uvs_health_free(h);
}

/*
 * keepalived's quorum 4, hysteresis 1, sorry server: held while the up
 * weight is >= 3, lost below, regained at >= 5.
 */
static void
quorum_hysteresis_sorry(void **state)
{
	struct uvs_vs_health v = { .quorum = 4, .hysteresis = 1 };
	struct uvs_check_conf c = tcp_check(1, 1, UVS_ONFAIL_REMOVE);
	struct uvs_health *h;
	struct uvs_health_key k;
	int i;

	(void)state;
	inet_pton(AF_INET, "198.18.0.14", &v.sorry);
	h = engine(&v);
	for (i = 1; i <= 3; i++) {
		k = key(i);
		uvs_health_dest_set(h, &k, 2, &c);
	}
	uvs_health_settle(h);
	/* up weight 6 >= 5: quorum; the sorry server waits, out */
	assert_string_equal(calls, "add 198.18.0.14 1 out;");
	calls[0] = '\0';
	result(h, 1, 0, 1000);		/* 4 >= 3: held */
	assert_string_equal(calls, "out 198.18.0.11 flush;");
	calls[0] = '\0';
	result(h, 2, 0, 1000);		/* 2 < 3: lost */
	assert_string_equal(calls, "in 198.18.0.14;out 198.18.0.12 flush;"
	    "out 198.18.0.13;");
	assert_non_null(strstr(logged, "check: TCP 198.18.0.10:80 lost quorum: "
	    "up weight 2 < 3 (quorum 4 - hysteresis 1); sorry server in"));
	calls[0] = '\0';
	result(h, 1, 1, 2000);		/* 4 < 5: still lost */
	assert_string_equal(calls, "");
	result(h, 2, 1, 2000);		/* 6 >= 5: regained */
	assert_string_equal(calls, "out 198.18.0.14;in 198.18.0.11;"
	    "in 198.18.0.12;in 198.18.0.13;");
	assert_non_null(strstr(logged, "gained quorum: up weight 6 >= 5"));
	assert_int_equal(uvs_health_counters(h).state_changes, 6);
	/* the sorry server goes when the service forgets it */
	calls[0] = '\0';
	v.sorry = 0;
	uvs_health_svc_set(h, 6, k.af, &k.vip, k.vport, &v);
	uvs_health_settle(h);
	assert_string_equal(calls, "del 198.18.0.14;");
	uvs_health_free(h);
}

/*
 * What monitoring reads (uvs_health_dest_info, uvs_health_svc_info, and
 * the list line's transitions= and result=): each UP->DOWN and
 * DOWN->UP counts once, a result that changes nothing counts none.
 */
static void
info_counts_transitions(void **state)
{
	struct uvs_vs_health v = { .quorum = 1 };
	struct uvs_check_conf c = tcp_check(1, 2, UVS_ONFAIL_INHIBIT);
	struct uvs_health_dest_info di;
	struct uvs_health_svc_info si;
	struct uvs_health_key k = key(1), k2 = key(2), sorry;
	struct uvs_health *h;

	(void)state;
	inet_pton(AF_INET, "198.18.0.14", &v.sorry);
	h = engine(&v);
	assert_int_equal(uvs_health_dest_set(h, &k, 1, &c), 0);
	assert_int_equal(uvs_health_dest_set(h, &k2, 1, NULL), 0);
	uvs_health_settle(h);
	assert_int_equal(uvs_health_dest_info(h, &k, 0, &di), 0);
	assert_string_equal(di.state, "UP");
	assert_int_equal(di.result, UVS_HEALTH_RESULT_NONE);
	assert_non_null(strstr(line_of(h, 1), " transitions=0 result=none "));
	/* a server without a check has nothing to report */
	assert_int_equal(uvs_health_dest_info(h, &k2, 0, &di), -ENOENT);
	result(h, 1, 1, 500);			/* seen alive: fall counts */
	result(h, 1, 0, 1000);			/* 1 of 2: no change */
	assert_int_equal(uvs_health_dest_info(h, &k, 0, &di), 0);
	assert_int_equal(di.transitions, 0);
	assert_int_equal(di.result, UVS_HEALTH_RESULT_FAILED);
	result(h, 1, 0, 2000);			/* DOWN */
	result(h, 1, 0, 3000);			/* still DOWN */
	assert_int_equal(uvs_health_dest_info(h, &k, 0, &di), 0);
	assert_string_equal(di.state, "INHIBITED");
	assert_int_equal(di.down, 1);
	assert_int_equal(di.transitions, 1);
	assert_int_equal(di.failed, 3);
	result(h, 1, 1, 4000);			/* UP again (rise 1) */
	assert_int_equal(uvs_health_dest_info(h, &k, 0, &di), 0);
	assert_string_equal(di.state, "UP");
	assert_int_equal(di.transitions, 2);
	assert_int_equal(di.ok, 2);
	assert_int_equal(di.result, UVS_HEALTH_RESULT_OK);
	assert_non_null(strstr(line_of(h, 1), " ok=2 failed=3 transitions=2 "
	    "result=ok last=fine"));
	/* the sorry server reports itself, standing by while out */
	sorry = key(4);
	assert_int_equal(uvs_health_dest_info(h, &sorry, 1, &di), 0);
	assert_int_equal(di.sorry, 1);
	assert_string_equal(di.state, "STANDBY");
	assert_int_equal(uvs_health_svc_info(h, 6, k.af, &k.vip, k.vport, &si), 0);
	assert_int_equal(si.quorum_up, 1);
	assert_int_equal(si.has_sorry, 1);
	assert_int_equal(si.sorry_serving, 0);
	assert_int_equal(si.up_weight, 2);
	assert_int_equal(uvs_health_svc_info(h, 6, k.af, &k.vip, htons(81), &si),
	    -ENOENT);
	assert_int_equal(uvs_health_dest_info(NULL, &k, 0, &di), -ENOENT);
	uvs_health_free(h);
}

/* Without a sorry server a lost quorum changes nothing (keepalived). */
static void
quorum_without_sorry(void **state)
{
	struct uvs_vs_health v = { .quorum = 3 };
	struct uvs_check_conf c = tcp_check(1, 1, UVS_ONFAIL_INHIBIT);
	struct uvs_health *h = engine(&v);
	struct uvs_health_key k1 = key(1), k2 = key(2);

	(void)state;
	uvs_health_dest_set(h, &k1, 2, &c);
	uvs_health_dest_set(h, &k2, 2, NULL);	/* unchecked: always up */
	uvs_health_settle(h);
	result(h, 1, 0, 1000);
	assert_string_equal(calls, "weight 198.18.0.11 0;");
	assert_non_null(strstr(logged, "lost quorum: up weight 2 < 3 (quorum 3 "
	    "- hysteresis 0) (no sorry server: the live servers serve on)"));
	uvs_health_free(h);
}

/* A service that starts short brings its sorry server in at once. */
static void
starts_without_quorum(void **state)
{
	struct uvs_vs_health v = { .quorum = 1 };
	struct uvs_health *h;
	struct uvs_health_key k = key(4);

	(void)state;
	inet_pton(AF_INET, "198.18.0.14", &v.sorry);
	h = engine(&v);
	uvs_health_settle(h);
	assert_string_equal(calls, "add 198.18.0.14 1;");
	assert_non_null(strstr(logged, "starts without quorum"));
	/* the user deleted the sorry dest by hand: it comes back */
	calls[0] = '\0';
	uvs_health_dest_del(h, &k);
	uvs_health_settle(h);
	assert_string_equal(calls, "add 198.18.0.14 1;");
	/* edits of the sorry dest are not real servers' */
	uvs_health_dest_set(h, &k, 7, NULL);
	uvs_health_settle(h);
	assert_string_equal(calls, "add 198.18.0.14 1;");
	uvs_health_svc_del(h, 6, k.af, &k.vip, k.vport);
	uvs_health_settle(h);
	assert_string_equal(calls, "add 198.18.0.14 1;");
	uvs_health_free(h);
}

static void
null_engine_does_nothing(void **state)
{
	struct uvs_health_key k = key(1);

	(void)state;
	assert_int_equal(uvs_health_dest_set(NULL, &k, 1, NULL), 0);
	assert_int_equal(uvs_health_weight_now(NULL, &k, 7), 7);
	assert_int_equal(uvs_health_timeout(NULL, 1000, 5), 1000);
	assert_int_equal(uvs_health_pollfds(NULL, NULL, 0), 0);
	uvs_health_run(NULL, NULL, 0, 0);
	uvs_health_clear(NULL);
	assert_int_equal(uvs_health_counters(NULL).checks_ok, 0);
}

/* ---- at scale: 10 000 servers over 1 000 services ---- */

#define SCALE_SVCS	1000
#define SCALE_PER_SVC	10
#define SCALE_DESTS	(SCALE_SVCS * SCALE_PER_SVC)
#define SCALE_STRIDE	7919	/* a prime: i * it % SCALE_DESTS scatters */

/* What the director was asked, per server (by its number). */
struct tally {
	unsigned	 weight[SCALE_DESTS], out[SCALE_DESTS];
	unsigned	 nweight, nout, nadd, ndel;
	unsigned	 sorry_out;	/* set_out on a sorry server */
};

/* Server i: service i / 10 (VIP 198.19.100.1 + that), rip 198.18.x.y. */
static struct uvs_health_key
scale_key(unsigned i)
{
	return (struct uvs_health_key){ .proto = 6, .af = AF_INET,
	    .vport = htons(80), .rport = htons(80),
	    .vip = uvs_inaddr4(htonl(0xc6136401u + i / SCALE_PER_SVC)),
	    .rip = uvs_inaddr4(htonl(0xc6120001u + i)) };	/* 198.18.0.1 */
}

static unsigned
scale_index(const struct uvs_health_key *k)
{
	return ntohl(k->rip.ip) - 0xc6120001u;
}

static int
tally_weight(void *arg, const struct uvs_health_key *k, int w)
{
	struct tally *t = arg;

	(void)w;
	t->weight[scale_index(k)]++;
	t->nweight++;
	return 0;
}

static int
tally_out(void *arg, const struct uvs_health_key *k, int out, int flush)
{
	struct tally *t = arg;

	(void)out;
	(void)flush;
	if (scale_index(k) >= SCALE_DESTS) {
		t->sorry_out++;
		return 0;
	}
	t->out[scale_index(k)]++;
	t->nout++;
	return 0;
}

static int
tally_add(void *arg, const struct uvs_health_key *k, int w, int out)
{
	(void)k;
	(void)w;
	(void)out;
	((struct tally *)arg)->nadd++;
	return 0;
}

static int
tally_del(void *arg, const struct uvs_health_key *k)
{
	(void)k;
	((struct tally *)arg)->ndel++;
	return 0;
}

static int
scale_weight(unsigned i)
{
	return 1 + (int)(i % SCALE_PER_SVC);
}

/* Every server is found (or not, when gone[i]) and every sum is right. */
static void
scale_verify(struct uvs_health *h, const unsigned char *gone,
    const unsigned char *down)
{
	uint64_t want[SCALE_SVCS] = { 0 };
	struct uvs_health_dest_info di;
	struct uvs_health_svc_info si;
	struct uvs_health_key k;
	unsigned i, ndown = 0;

	for (i = 0; i < SCALE_DESTS; i++) {
		k = scale_key(i);
		if (gone[i]) {
			assert_int_equal(uvs_health_dest_info(h, &k, 0, &di),
			    -ENOENT);
			continue;
		}
		assert_int_equal(uvs_health_dest_info(h, &k, 0, &di), 0);
		assert_int_equal(di.down, down[i]);
		assert_int_equal(uvs_health_weight_now(h, &k, 9),
		    down[i] ? 0 : 9);
		ndown += down[i];
		if (!down[i])
			want[i / SCALE_PER_SVC] += (uint64_t)scale_weight(i);
	}
	for (i = 0; i < SCALE_SVCS; i++) {
		k = scale_key(i * SCALE_PER_SVC);
		assert_int_equal(uvs_health_svc_info(h, 6, k.af, &k.vip, k.vport,
		    &si), 0);
		assert_int_equal(si.up_weight, want[i]);
		assert_int_equal(si.quorum_up, want[i] > 0);
	}
	assert_int_equal(uvs_health_counters(h).dests_down, ndown);
}

static void
scale_add(struct uvs_health *h, unsigned i)
{
	struct uvs_check_conf c = tcp_check(1, 1, UVS_ONFAIL_INHIBIT);
	struct uvs_health_key k = scale_key(i);

	assert_int_equal(uvs_health_dest_set(h, &k, scale_weight(i), &c), 0);
}

/* Every service: sorry server 198.19.0.1, this quorum. */
static void
scale_quorum(struct uvs_health *h, uint32_t quorum)
{
	struct uvs_vs_health v = { .sorry = htonl(0xc6130001u),
	    .quorum = quorum };
	struct uvs_health_key k;
	unsigned i;

	for (i = 0; i < SCALE_SVCS; i++) {
		k = scale_key(i * SCALE_PER_SVC);
		assert_int_equal(uvs_health_svc_set(h, 6, k.af, &k.vip, k.vport, &v),
		    0);
	}
}

/*
 * 10 000 checked servers: added, half deleted in a scattered order, added
 * again, failed and healed; each is found throughout, the sums follow,
 * and settle asks the director for each change once and only once.
 */
static void
ten_thousand_servers(void **state)
{
	static struct tally t;
	static unsigned char gone[SCALE_DESTS], down[SCALE_DESTS];
	struct uvs_health_ops o = { .arg = &t, .set_weight = tally_weight,
	    .set_out = tally_out, .add_dest = tally_add,
	    .del_dest = tally_del };
	struct uvs_health *h = uvs_health_new(&o, NULL, NULL);
	struct uvs_health_svc_info si;
	struct uvs_health_key k;
	unsigned i, j;

	(void)state;
	memset(&t, 0, sizeof(t));
	assert_non_null(h);
	for (i = 0; i < SCALE_DESTS; i++)
		scale_add(h, i);
	uvs_health_settle(h);
	/* added as the director added them: nothing to change */
	assert_int_equal(t.nweight + t.nout + t.nadd + t.ndel, 0);
	scale_verify(h, gone, down);

	for (j = 0; j < SCALE_DESTS / 2; j++) {
		i = j * SCALE_STRIDE % SCALE_DESTS;
		k = scale_key(i);
		uvs_health_dest_del(h, &k);
		gone[i] = 1;
	}
	uvs_health_dest_del(h, &k);	/* again: nothing there */
	uvs_health_settle(h);
	assert_int_equal(t.nweight + t.nout, 0);
	scale_verify(h, gone, down);

	for (i = 0; i < SCALE_DESTS; i++)
		if (gone[i]) {
			scale_add(h, i);
			gone[i] = 0;
		}
	uvs_health_settle(h);
	scale_verify(h, gone, down);

	/* every third fails once (fall 1): weight 0, asked once each */
	for (i = 0; i < SCALE_DESTS; i += 3) {
		k = scale_key(i);
		assert_int_equal(uvs_health_result(h, &k, 0, "refused", 1), 0);
		down[i] = 1;
	}
	uvs_health_settle(h);
	for (i = 0; i < SCALE_DESTS; i++)
		assert_int_equal(t.weight[i], down[i]);
	assert_int_equal(t.nweight, (SCALE_DESTS + 2) / 3);
	assert_int_equal(t.nout + t.nadd + t.ndel, 0);
	scale_verify(h, gone, down);

	/* healed without a settle each: one settle applies them all once */
	for (i = 0; i < SCALE_DESTS; i += 3) {
		k = scale_key(i);
		assert_int_equal(uvs_health_dest_set(h, &k, scale_weight(i),
		    NULL), 0);
		assert_int_equal(uvs_health_result(h, &k, 1, "fine", 2), 0);
		down[i] = 0;
	}
	for (i = 0; i < SCALE_DESTS; i++)
		assert_int_equal(t.weight[i], i % 3 == 0 ? 2 : 0);
	scale_verify(h, gone, down);

	/*
	 * A batch: every service gets a sorry server and a quorum its servers
	 * cannot reach, then one settle. Each sorry server is added serving,
	 * each live server stood by, once; a second settle asks nothing.
	 */
	scale_quorum(h, 1000);
	uvs_health_settle(h);
	uvs_health_settle(h);
	assert_int_equal(t.nadd, SCALE_SVCS);
	assert_int_equal(t.nout, SCALE_DESTS);
	for (i = 0; i < SCALE_DESTS; i++)
		assert_int_equal(t.out[i], 1);
	scale_quorum(h, 1);
	uvs_health_settle(h);
	assert_int_equal(t.sorry_out, SCALE_SVCS);
	assert_int_equal(t.nout, 2 * SCALE_DESTS);
	assert_int_equal(t.nadd + t.ndel + t.nweight, SCALE_SVCS +
	    2 * ((SCALE_DESTS + 2) / 3));

	/* a whole service goes: its servers with it, the others stay */
	k = scale_key(0);
	uvs_health_svc_del(h, 6, k.af, &k.vip, k.vport);
	assert_int_equal(uvs_health_svc_info(h, 6, k.af, &k.vip, k.vport, &si),
	    -ENOENT);
	for (i = 0; i < SCALE_PER_SVC; i++) {
		struct uvs_health_dest_info di;

		k = scale_key(i);
		assert_int_equal(uvs_health_dest_info(h, &k, 0, &di), -ENOENT);
	}
	k = scale_key(SCALE_DESTS - 1);
	assert_int_equal(uvs_health_weight_now(h, &k, 4), 4);
	j = t.nweight + t.nout + t.nadd + t.ndel + t.sorry_out;
	uvs_health_settle(h);
	/* the director dropped the service itself: nothing more to ask */
	assert_int_equal(t.nweight + t.nout + t.nadd + t.ndel + t.sorry_out, j);
	uvs_health_free(h);
}

/* Server i of the v6 service [2001:db8::10]:80: [2001:db8::1i]:80. */
static struct uvs_health_key
key6(int i)
{
	struct uvs_health_key k = { .proto = 6, .af = AF_INET6,
	    .vport = htons(80), .rport = htons(80) };
	char a[32];

	inet_pton(AF_INET6, "2001:db8::10", &k.vip);
	snprintf(a, sizeof(a), "2001:db8::%x", 0x10 + i);
	inet_pton(AF_INET6, a, &k.rip);
	return k;
}

/*
 * A v6 service beside the v4 one: its servers fall and come back by
 * their own results, the log brackets their addresses, a v4 server
 * whose bytes start like a v6 one's is another server, and a sorry
 * server (IPv4 only) is refused for the v6 service, as IPVS refuses a
 * v4 real server there.
 */
static void
v6_service(void **state)
{
	struct uvs_health *h = engine(NULL);
	struct uvs_check_conf c = tcp_check(1, 1, UVS_ONFAIL_REMOVE);
	struct uvs_health_key k = key6(1), k4 = key(1), s6 = key6(0);
	struct uvs_vs_health v = { .sorry = htonl(0xc6130001u),
	    .quorum = UVS_QUORUM_DEFAULT };
	struct uvs_health_svc_info si;
	FILE *f;
	char buf[512] = "";

	(void)state;
	assert_int_equal(uvs_health_svc_set(h, 6, AF_INET6, &s6.vip,
	    s6.vport, NULL), 0);
	assert_int_equal(uvs_health_dest_set(h, &k, 1, &c), 0);
	/* same first four bytes as the v6 server, other family */
	memcpy(&k4.rip, &k.rip, 4);
	k4.vip = k.vip;
	assert_int_equal(uvs_health_result(h, &k4, 0, "x", 1), -ENOENT);
	uvs_health_settle(h);
	calls[0] = logged[0] = '\0';
	assert_int_equal(uvs_health_result(h, &k, 0, "connect: Connection "
	    "refused", 1000), 0);
	assert_string_equal(calls, "out 2001:db8::11 flush;");
	assert_non_null(strstr(logged, "[2001:db8::11]:80"));
	assert_non_null(strstr(logged, "TCP [2001:db8::10]:80"));
	assert_non_null(f = fmemopen(buf, sizeof(buf), "w"));
	uvs_health_list_dest(h, &k, 1, f);
	fclose(f);
	assert_non_null(strstr(buf, "state=DOWN"));
	calls[0] = '\0';
	assert_int_equal(uvs_health_result(h, &k, 1, "fine", 2000), 0);
	assert_string_equal(calls, "in 2001:db8::11;");
	/* the longest v6 text is logged whole, not cut */
	inet_pton(AF_INET6, "2001:db8:1234:5678:9abc:def0:1234:5678", &k.rip);
	assert_int_equal(uvs_health_dest_set(h, &k, 1, &c), 0);
	uvs_health_settle(h);
	logged[0] = '\0';
	assert_int_equal(uvs_health_result(h, &k, 0, "connect: Connection "
	    "refused", 3000), 0);
	assert_non_null(strstr(logged, "rs [2001:db8:1234:5678:9abc:def0:1234:"
	    "5678]:80 of TCP [2001:db8::10]:80 DOWN"));
	/* the v4 service's record is untouched by all this */
	assert_int_equal(uvs_health_svc_info(h, 6, AF_INET, &k4.vip,
	    k4.vport, &si), -ENOENT);
	/* a v4 sorry server is not added to the v6 service */
	calls[0] = logged[0] = '\0';
	assert_int_equal(uvs_health_svc_set(h, 6, AF_INET6, &s6.vip,
	    s6.vport, &v), 0);
	uvs_health_settle(h);
	assert_null(strstr(calls, "add"));
	assert_non_null(strstr(logged, "sorry server of TCP [2001:db8::10]:80 "
	    "not added: it is IPv4"));
	uvs_health_svc_del(h, 6, AF_INET6, &s6.vip, s6.vport);
	assert_int_equal(uvs_health_svc_info(h, 6, AF_INET6, &s6.vip,
	    s6.vport, &si), -ENOENT);
	uvs_health_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fall_and_rise_inhibit),
		cmocka_unit_test(v6_service),
		cmocka_unit_test(first_failure_before_first_success),
		cmocka_unit_test(alpha_starts_down),
		cmocka_unit_test(quorum_scripts_run),
		cmocka_unit_test(remove_takes_out_and_flushes),
		cmocka_unit_test(edit_while_inhibited),
		cmocka_unit_test(retry_wait_and_timeout),
		cmocka_unit_test(quorum_hysteresis_sorry),
		cmocka_unit_test(quorum_without_sorry),
		cmocka_unit_test(starts_without_quorum),
		cmocka_unit_test(null_engine_does_nothing),
		cmocka_unit_test(info_counts_transitions),
		cmocka_unit_test(ten_thousand_servers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
