/*
 * The example configurations the Debian package ships in
 * /usr/share/doc/uvs/examples (packaging/examples) must be files uvsd
 * takes as they are: the rules file reads as `uvsd --rules` reads it and
 * the keepalived.conf as `uvsd --keepalived-conf` does, and each whole
 * batch passes the same check uvsd runs before applying one, on the
 * empty table a fresh start has. Run from the top of the tree, as
 * tests/run.sh does.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fwd/control/batch.h"
#include "fwd/health/keepalived.h"
#include "fwd/lang/ctlmsg.h"
#include "fwd/lang/rules.h"

#define EX_RULES	"packaging/examples/rules"
#define EX_KEEPALIVED	"packaging/examples/keepalived.conf"
#define EX_VRRP		"packaging/examples/keepalived-vrrp.conf"
#define EX_MAX		32

/* Runs uvsd's batch check on r against an empty table. */
static int
check_on_empty(const struct uvs_rules *r, char *err, size_t errlen)
{
	static char buf[EX_MAX][UVS_RULES_LINE_MAX];
	struct uvs_ctl_msg m[EX_MAX];
	struct uvs_svc_table t;
	unsigned i, at = 0;
	int rc;

	assert_true(r->n <= EX_MAX);
	for (i = 0; i < r->n; i++) {
		snprintf(buf[i], sizeof(buf[i]), "%s", r->req[i]);
		assert_int_equal(uvs_ctl_parse(buf[i], &m[i]), 0);
	}
	uvs_svc_table_init(&t);
	rc = uvs_batch_check(&t, m, r->n, &at, err, errlen);
	uvs_svc_table_free(&t);
	return rc;
}

static void
rules_example_loads(void **state)
{
	struct uvs_rules r = { 0 };
	char err[256] = "";
	FILE *f;

	(void)state;
	assert_non_null(f = fopen(EX_RULES, "r"));
	assert_int_equal(uvs_rules_read(f, &r, err, sizeof(err)), 0);
	fclose(f);
	/* three services, two real servers each */
	assert_int_equal(r.n, 9);
	assert_int_equal(check_on_empty(&r, err, sizeof(err)), 0);
	uvs_rules_free(&r);
}

/* Control: the same file with one dest twice is refused by the check. */
static void
rules_example_doubled_is_refused(void **state)
{
	struct uvs_rules r = { 0 };
	char err[256] = "";
	FILE *f;

	(void)state;
	assert_non_null(f = fopen(EX_RULES, "r"));
	assert_int_equal(uvs_rules_read(f, &r, err, sizeof(err)), 0);
	fclose(f);
	assert_int_equal(uvs_rules_add(&r, r.req[1], 10, r.cmd[1]), 0);
	assert_int_not_equal(check_on_empty(&r, err, sizeof(err)), 0);
	assert_true(strlen(err) > 0);
	uvs_rules_free(&r);
}

static void
keepalived_example_loads(void **state)
{
	struct uvs_keepalived_info info = { 0 };
	struct uvs_rules r = { 0 };
	char err[256] = "";

	(void)state;
	assert_int_equal(uvs_keepalived_read_file(EX_KEEPALIVED, &r, &info,
	    err, sizeof(err), NULL, NULL), 0);
	assert_int_equal(info.services, 1);
	assert_int_equal(info.servers, 2);
	assert_int_equal(info.checks, 2);
	assert_int_equal(r.n, 3);
	assert_int_equal(check_on_empty(&r, err, sizeof(err)), 0);
	uvs_rules_free(&r);
}

/* keepalived's half of an HA pair: nothing in it is uvsd's table */
static void
vrrp_example_holds_no_table(void **state)
{
	struct uvs_keepalived_info info = { 0 };
	struct uvs_rules r = { 0 };
	char err[256] = "";

	(void)state;
	assert_int_equal(uvs_keepalived_read_file(EX_VRRP, &r, &info,
	    err, sizeof(err), NULL, NULL), 0);
	assert_int_equal(info.services, 0);
	assert_int_equal(r.n, 0);
	uvs_rules_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rules_example_loads),
		cmocka_unit_test(rules_example_doubled_is_refused),
		cmocka_unit_test(keepalived_example_loads),
		cmocka_unit_test(vrrp_example_holds_no_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
