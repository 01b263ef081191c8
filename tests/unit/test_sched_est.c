/*
 * The rate estimator against IPVS's arithmetic: a steady rate converges
 * to itself exactly, a step moves a quarter of the way per 2 s sample
 * (rounded as ip_vs_read_estimator rounds), and -Z restarts from zero.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "sched/est.h"

/* n estimation steps at a steady per-second rate from a counter base */
static void
run_steady(struct uvs_est *e, uint64_t base[3], unsigned steps,
    uint64_t cps, uint64_t pps, uint64_t bps)
{
	unsigned i;

	for (i = 0; i < steps; i++) {
		base[0] += cps * UVS_EST_INTERVAL_S;
		base[1] += pps * UVS_EST_INTERVAL_S;
		base[2] += bps * UVS_EST_INTERVAL_S;
		uvs_est_update(e, base[0], base[1], base[2]);
	}
}

static void
steady_rate_converges(void **state)
{
	struct uvs_est e = { 0 };
	uint64_t c[3] = { 0, 0, 0 };
	struct uvs_rate r;

	(void)state;
	run_steady(&e, c, 60, 100, 1000, 1500000);
	uvs_est_read(&e, &r);
	assert_int_equal(r.cps, 100);
	assert_int_equal(r.inpps, 1000);
	assert_int_equal(r.inbps, 1500000);
}

static void
step_moves_a_quarter(void **state)
{
	struct uvs_est e = { 0 };
	uint64_t c[3] = { 0, 0, 0 };
	struct uvs_rate r;

	(void)state;
	run_steady(&e, c, 1, 100, 0, 0);
	uvs_est_read(&e, &r);
	assert_int_equal(r.cps, 25);		/* 100 / 4 */
	run_steady(&e, c, 1, 100, 0, 0);
	uvs_est_read(&e, &r);
	assert_int_equal(r.cps, 44);		/* 25 + 75 / 4 = 43.75 */
	run_steady(&e, c, 40, 100, 0, 0);
	run_steady(&e, c, 1, 0, 0, 0);
	uvs_est_read(&e, &r);
	assert_int_equal(r.cps, 75);		/* falling: 100 - 100 / 4 */
	run_steady(&e, c, 60, 0, 0, 0);
	uvs_est_read(&e, &r);
	assert_int_equal(r.cps, 0);
}

static void
zero_restarts(void **state)
{
	struct uvs_est e = { 0 };
	uint64_t c[3] = { 0, 0, 0 };
	struct uvs_rate r;

	(void)state;
	run_steady(&e, c, 30, 50, 500, 64000);
	uvs_est_zero(&e, 0, 0, 0);
	uvs_est_read(&e, &r);
	assert_int_equal(r.cps, 0);
	assert_int_equal(r.inbps, 0);
	/* counters were zeroed too: the next sample counts from 0 */
	c[0] = c[1] = c[2] = 0;
	run_steady(&e, c, 1, 40, 400, 32000);
	uvs_est_read(&e, &r);
	assert_int_equal(r.cps, 10);
	assert_int_equal(r.inpps, 100);
	assert_int_equal(r.inbps, 8000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(steady_rate_converges),
		cmocka_unit_test(step_moves_a_quarter),
		cmocka_unit_test(zero_restarts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
