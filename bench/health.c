/*
 * bench_health: what the health engine's table costs at 1 000 services x
 * 10 real servers, without a network. Times adding 10 000 checked
 * servers, one settle, looking each up (what -L --checks and the metrics
 * do per server), and deleting them in a scattered order. The director
 * is ops that do nothing. Built against an older fwd/health/health.c,
 * the same program gives the "before" figures (bench/README.md).
 *   build/bench_health [--svcs N]
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fwd/health/health.h"

#define PER_SVC		10
#define STRIDE		7919	/* a prime: scatters the delete order */

static int
nop_weight(void *arg, const struct uvs_health_key *k, int w)
{
	(void)arg, (void)k, (void)w;
	return 0;
}

static int
nop_out(void *arg, const struct uvs_health_key *k, int out, int flush)
{
	(void)arg, (void)k, (void)out, (void)flush;
	return 0;
}

static int
nop_add(void *arg, const struct uvs_health_key *k, int w, int out)
{
	(void)arg, (void)k, (void)w, (void)out;
	return 0;
}

static int
nop_del(void *arg, const struct uvs_health_key *k)
{
	(void)arg, (void)k;
	return 0;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct uvs_health_key
key(unsigned i)
{
	return (struct uvs_health_key){ .proto = 6, .af = AF_INET,
	    .vport = htons(80), .rport = htons(80),
	    .vip = uvs_inaddr4(htonl(0xc6136401u + i / PER_SVC)),
	    .rip = uvs_inaddr4(htonl(0xc6120001u + i)) };
}

int
main(int argc, char **argv)
{
	const struct uvs_health_ops ops = { .set_weight = nop_weight,
	    .set_out = nop_out, .add_dest = nop_add, .del_dest = nop_del };
	struct uvs_check_conf c = { .type = UVS_CHECK_TCP, .rise = 1,
	    .fall = 1, .interval_ms = 1000 };
	unsigned svcs = 1000, n, i;
	struct uvs_health *h;
	struct uvs_health_key k;
	double t0, t_add, t_settle, t_look, t_del;
	long found = 0;

	if (argc == 3 && strcmp(argv[1], "--svcs") == 0)
		svcs = (unsigned)strtoul(argv[2], NULL, 10);
	n = svcs * PER_SVC;
	if (!n || n % STRIDE == 0) {
		fprintf(stderr, "bench_health: --svcs N, N > 0\n");
		return 2;
	}
	uvs_check_finish(&c);
	if (!(h = uvs_health_new(&ops, NULL, 0)))
		return 1;
	t0 = now_s();
	for (i = 0; i < n; i++) {
		k = key(i);
		if (uvs_health_dest_set(h, &k, 1, &c) < 0)
			return 1;
	}
	t_add = now_s() - t0;
	t0 = now_s();
	uvs_health_settle(h);
	t_settle = now_s() - t0;
	t0 = now_s();
	for (i = 0; i < n; i++) {
		k = key(i);
		found += uvs_health_weight_now(h, &k, 1) == 1;
	}
	t_look = now_s() - t0;
	t0 = now_s();
	for (i = 0; i < n; i++) {
		k = key((unsigned)((unsigned long)i * STRIDE % n));
		uvs_health_dest_del(h, &k);
	}
	t_del = now_s() - t0;
	uvs_health_free(h);
	printf("health engine, %u services x %u checked servers (%u):\n"
	    "  add all      %9.3f ms\n  settle       %9.3f ms\n"
	    "  look up all  %9.3f ms (%ld found)\n"
	    "  delete all   %9.3f ms (scattered order)\n", svcs, PER_SVC, n,
	    t_add * 1e3, t_settle * 1e3, t_look * 1e3, found, t_del * 1e3);
	return found == (long)n ? 0 : 1;
}
