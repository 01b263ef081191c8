/*
 * The batch checker (fwd/control/batch.c): a batch is replayed on a shadow of the
 * live table, so refusals that depend on the state (a duplicate, a dest
 * of a service deleted earlier in the same batch, an unknown scheduler)
 * are found with the index of the request, and the live table is never
 * touched.
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
	struct uvs_svc_conf sc = { .proto = 6, .sched = "wlc",
	    .netmask = 0xffffffff };
	struct uvs_dest_conf dc = { .weight = 5 };

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_batch_passes),
		cmocka_unit_test(refusals_name_the_request),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
