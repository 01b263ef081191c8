/*
 * Unit tests for the least-connection family kept in heaps and trees
 * (sched/lc.c, wlc.c, sed.c, nq.c on pickheap.c; twos.c on a Fenwick
 * tree). Hand-worked picks for sed and nq, the derivation beside each;
 * then the property: after every operation of thousands of random
 * sequences, each fast scheduler picks exactly the dest IPVS's O(n) scan
 * picks (bench/sched_ref.c), and twos exactly what a plain IPVS twos
 * written here picks from the same random numbers.
 * As in test_sched.c, setup() adds dests last to first, so that the list
 * (IPVS's order, newest first) reads A, B, C.
 */
#include <stdio.h>
#include <errno.h>

#include "sched_fixture.h"
#include "sched/pickheap.h"
#include "sched/twos.h"
#include "bench/sched_ref.h"

/* lc, wlc, sed, nq and twos read no flow. */
static struct uvs_dest *
pick(struct uvs_svc *svc)
{
	return svc->sched->schedule(svc, NULL);
}

/*
 * Picks strlen(want) times; each pick gets one more active connection,
 * as an established flow would give it.
 */
static void
expect_active_picks(struct fixture *f, const char *want)
{
	char got[64];
	size_t i, n = strlen(want);

	assert_true(n < sizeof(got));
	for (i = 0; i < n; i++) {
		struct uvs_dest *d = pick(f->svc);

		got[i] = letter(f, d);
		if (d)
			set_conns(d, d->activeconns + 1, d->inactconns);
	}
	got[n] = '\0';
	assert_string_equal(got, want);
}

/* ------------------------------------------------------------ sed */

/*
 * sed, weights A 1, B 2, C 3, no connections; each pick becomes active.
 * The key is (active + 1) / weight; equal keys go to the first.
 *   1: A 1/1, B 1/2, C 1/3          -> C (C 1 active)
 *   2: A 1,   B 1/2, C 2/3          -> B (B 1)
 *   3: A 1,   B 2/2, C 2/3          -> C (C 2)
 *   4: A 1,   B 1,   C 3/3: a tie   -> A (A 1)
 *   5: A 2,   B 1,   C 1: tie B, C  -> B (B 2)
 *   6: A 2,   B 3/2, C 1            -> C (C 3)
 *   7: A 2,   B 3/2, C 4/3          -> C (C 4)
 *   8: A 2,   B 3/2, C 5/3          -> B (B 3)
 *   9: A 2,   B 2,   C 5/3          -> C (C 5)
 *  10: A 2,   B 2,   C 6/3: a tie   -> A
 */
static void
test_sed_picks(void **state)
{
	static const int w[] = { 1, 2, 3 };
	struct fixture f;

	(void)state;
	setup(&f, "sed", 3, w);
	expect_active_picks(&f, "CBCABCCBCA");
	teardown(&f);
}

/*
 * sed counts only active connections, and the new one:
 *   A w1 0 active 1000 inactive, B w1 1 active: A 1/1 < B 2/1 -> A
 *   (wlc would take B: 256 < 1000).
 *   A w1 0 active, B w10 1 active: A 1/1 > B 2/10 -> B
 *   (wlc would take A: 0 < 256/10).
 *   B OVERLOAD -> A; A weight 0 too -> none.
 */
static void
test_sed_counts_active_plus_one(void **state)
{
	static const int w[] = { 1, 1 };
	struct uvs_dest_conf dc = dest_conf(RIP(2), 80, 10);
	struct fixture f;

	(void)state;
	setup(&f, "sed", 2, w);
	set_conns(f.d[0], 0, 1000);
	set_conns(f.d[1], 1, 0);
	assert_ptr_equal(pick(f.svc), f.d[0]);
	assert_int_equal(uvs_dest_edit(f.svc, f.d[1], &dc), 0);
	set_conns(f.d[0], 0, 0);
	assert_ptr_equal(pick(f.svc), f.d[1]);
	f.d[1]->flags |= UVS_DEST_F_OVERLOAD;
	uvs_svc_changed(f.svc);
	assert_ptr_equal(pick(f.svc), f.d[0]);
	dc = dest_conf(RIP(1), 80, 0);
	assert_int_equal(uvs_dest_edit(f.svc, f.d[0], &dc), 0);
	assert_null(pick(f.svc));
	teardown(&f);
}

/* ------------------------------------------------------------ nq */

/*
 * nq, weights A 1, B 2, C 3, no connections; each pick becomes active.
 * An idle usable dest is taken at once, the first in the list; when all
 * are busy, sed decides.
 *   1-3: A, B, C idle in turn     -> A B C (1 active each)
 *   4: none idle; A 2/1, B 2/2, C 2/3          -> C (C 2)
 *   5: A 2, B 1, C 3/3: tie B, C               -> B (B 2)
 *   6: A 2, B 3/2, C 1                         -> C (C 3)
 * Then A's flow ends (A 0 active): A idle again -> A.
 */
static void
test_nq_picks(void **state)
{
	static const int w[] = { 1, 2, 3 };
	struct fixture f;

	(void)state;
	setup(&f, "nq", 3, w);
	expect_active_picks(&f, "ABCCBC");
	set_conns(f.d[0], 0, 0);
	assert_ptr_equal(pick(f.svc), f.d[0]);
	teardown(&f);
}

/*
 * nq skips idle dests it may not use. A w1, B w0, C w1, D w1, all idle:
 *   A. A busy (1 active): B is idle but quiescent -> C.
 *   C busy: D is idle but NOHWADDR -> none idle; sed A 2/1, C 2/1 -> A.
 *   D's MAC known: D idle -> D.
 *   Inactive connections do not make a dest busy: D 0 active 500
 *   inactive -> D still.
 */
static void
test_nq_skips_unusable_idle(void **state)
{
	static const int w[] = { 1, 0, 1, 1 };
	struct fixture f;

	(void)state;
	setup(&f, "nq", 4, w);
	f.d[3]->flags |= UVS_DEST_F_NOHWADDR;
	uvs_svc_changed(f.svc);
	assert_ptr_equal(pick(f.svc), f.d[0]);
	set_conns(f.d[0], 1, 0);
	assert_ptr_equal(pick(f.svc), f.d[2]);
	set_conns(f.d[2], 1, 0);
	assert_ptr_equal(pick(f.svc), f.d[0]);
	f.d[3]->flags &= ~UVS_DEST_F_NOHWADDR;
	uvs_svc_changed(f.svc);
	assert_ptr_equal(pick(f.svc), f.d[3]);
	set_conns(f.d[3], 0, 500);
	assert_ptr_equal(pick(f.svc), f.d[3]);
	teardown(&f);
}

/*
 * OVERLOAD from thresholds arrives on the packet path (dest.c), through
 * dest_changed only. lc, A (-x 2 -y 1) and B, B with 5 inactive:
 *   A 0 < 5 -> A. Two flows bound to A: total 2 >= 2, OVERLOAD -> B.
 *   One released: 1 < 1? no, still overloaded -> B.
 *   The other released: 0 < 1, mark lifted -> A.
 */
static void
test_lc_threshold_overload(void **state)
{
	static const int w[] = { 1, 1 };
	struct uvs_dest_conf dc = dest_conf(RIP(1), 80, 1);
	struct fixture f;
	struct uvs_dest *a;

	(void)state;
	setup(&f, "lc", 2, w);
	a = f.d[0];
	dc.u_threshold = 2;
	dc.l_threshold = 1;
	assert_int_equal(uvs_dest_edit(f.svc, a, &dc), 0);
	set_conns(f.d[1], 0, 5);
	assert_ptr_equal(pick(f.svc), a);
	a->inactconns++;
	uvs_dest_conns_changed(a, 1);
	assert_ptr_equal(pick(f.svc), a);
	a->inactconns++;
	uvs_dest_conns_changed(a, 1);
	assert_true(a->flags & UVS_DEST_F_OVERLOAD);
	assert_ptr_equal(pick(f.svc), f.d[1]);
	a->inactconns--;
	uvs_dest_conns_changed(a, 0);
	assert_ptr_equal(pick(f.svc), f.d[1]);
	a->inactconns--;
	uvs_dest_conns_changed(a, 0);
	assert_false(a->flags & UVS_DEST_F_OVERLOAD);
	assert_ptr_equal(pick(f.svc), a);
	teardown(&f);
}

/* ------------------------------------------------------------ twos */

/*
 * IPVS's twos as ip_vs_twos.c writes it, O(n), drawing from the same
 * generator as sched/twos.c: total usable weight T; r1, r2 = random %
 * (T + 1); walk the usable dests subtracting weights, the first to bring
 * r to <= 0 is the choice; keep choice 2 only when strictly lighter.
 */
static struct uvs_dest *
ref_twos(const struct uvs_svc *svc, uint64_t *rng)
{
	struct uvs_dest *c1 = NULL, *c2 = NULL;
	int64_t total = 0, r1, r2;
	unsigned i;

	for (i = 0; i < svc->ndests; i++) {
		if (uvs_dest_usable(svc->dests[i])) {
			total += svc->dests[i]->weight;
			c1 = svc->dests[i];
		}
	}
	if (!c1)
		return NULL;
	r1 = uvs_twos_random(rng) % (uint64_t)(total + 1);
	r2 = uvs_twos_random(rng) % (uint64_t)(total + 1);
	c1 = NULL;
	for (i = 0; i < svc->ndests && !(c1 && c2); i++) {
		struct uvs_dest *d = svc->dests[i];

		if (!uvs_dest_usable(d))
			continue;
		r1 -= d->weight;
		r2 -= d->weight;
		if (r1 <= 0 && !c1)
			c1 = d;
		if (r2 <= 0 && !c2)
			c2 = d;
	}
	if ((uint64_t)c2->weight * uvs_dest_overhead(c1) >
	    (uint64_t)c1->weight * uvs_dest_overhead(c2))
		return c2;
	return c1;
}

/*
 * With no connections anywhere neither choice is lighter, so twos keeps
 * its first draw: dest i comes r in (prefix(i-1), prefix(i)], and the
 * first one also on r = 0. Weights 1 2 3 4 10 (T = 20): expected shares
 * 2/21, 2/21, 3/21, 4/21, 10/21. Chi-square over 210000 picks with 4
 * degrees of freedom: 18.5 has p = 0.001; the seed is fixed, so this is
 * a check of the arithmetic, not a coin toss.
 */
static void
test_twos_distribution(void **state)
{
	static const int w[] = { 1, 2, 3, 4, 10 };
	static const double share[] = { 2, 2, 3, 4, 10 };
	const unsigned npicks = 210000;
	unsigned count[5] = { 0 }, i;
	double chi2 = 0;
	struct fixture f;

	(void)state;
	setup(&f, "twos", 5, w);
	assert_int_equal(uvs_twos_seed(f.svc, 42), 0);
	for (i = 0; i < npicks; i++) {
		char l = letter(&f, pick(f.svc));

		assert_in_range(l, 'A', 'E');
		count[l - 'A']++;
	}
	for (i = 0; i < 5; i++) {
		double want = npicks * share[i] / 21;

		chi2 += (count[i] - want) * (count[i] - want) / want;
	}
	assert_true(chi2 < 18.5);
	teardown(&f);
}

/*
 * twos prefers the lighter of its two draws: A w1 with 1000 active
 * against B w1 idle; B wins whenever drawn once, so over many picks A
 * comes only when both draws fell on A: about (2/3)^2 of the time with
 * T = 2 (A on r = 0 or 1). Checked pick by pick against ref_twos.
 */
static void
test_twos_prefers_lighter(void **state)
{
	static const int w[] = { 1, 1 };
	struct fixture f;
	uint64_t rng = 7;
	unsigned i, na = 0;

	(void)state;
	setup(&f, "twos", 2, w);
	assert_int_equal(uvs_twos_seed(f.svc, 7), 0);
	set_conns(f.d[0], 1000, 0);
	for (i = 0; i < 9000; i++) {
		struct uvs_dest *d = pick(f.svc);

		assert_ptr_equal(d, ref_twos(f.svc, &rng));
		na += d == f.d[0];
	}
	assert_in_range(na, 3700, 4300);
	teardown(&f);
}

static void
test_twos_none_and_seed(void **state)
{
	static const int w[] = { 0, 1 };
	struct fixture f;

	(void)state;
	setup(&f, "twos", 2, w);
	f.d[1]->flags |= UVS_DEST_F_OVERLOAD;
	uvs_svc_changed(f.svc);
	assert_null(pick(f.svc));
	f.d[1]->flags = 0;
	uvs_svc_changed(f.svc);
	assert_ptr_equal(pick(f.svc), f.d[1]);
	teardown(&f);

	setup(&f, "lc", 1, w);
	assert_int_equal(uvs_twos_seed(f.svc, 1), -EINVAL);
	teardown(&f);
}

/* ------------------------------------------------------------ property */

struct prop {
	struct uvs_svc_table	 t;
	struct uvs_svc		*svc;
	const char		*sched;
	uint64_t		 rng;		/* drives the operations */
	uint64_t		 twos_rng;	/* ref_twos's copy */
	uint32_t		 next_addr;
	unsigned		 maxn;
	unsigned		 control_pct;	/* the rest is packet path */
	unsigned long		 checks;
	unsigned long		 nulls;		/* checks where none was usable */
};

static uint32_t
rnd(struct prop *p, uint32_t n)
{
	return uvs_twos_random(&p->rng) % n;
}

/* Weights to make ties likely, with 0 (quiescent) and the extremes. */
static int
rnd_weight(struct prop *p)
{
	static const int pool[] = { 0, 1, 1, 2, 2, 3, 4, 6, 256, 65535 };

	if (rnd(p, 8) == 0)
		return (int)rnd(p, 65536);
	return pool[rnd(p, sizeof(pool) / sizeof(pool[0]))];
}

/* Mostly small counts (ties, the 256 step), sometimes huge ones. */
static uint32_t
rnd_count(struct prop *p, uint32_t small)
{
	switch (rnd(p, 16)) {
	case 0:
		return uvs_twos_random(&p->rng);
	case 1:
		return (1u << 24) + rnd(p, 4);	/* active << 8 wraps */
	default:
		return rnd(p, small);
	}
}

static struct uvs_dest *
rnd_dest(struct prop *p)
{
	return p->svc->dests[rnd(p, p->svc->ndests)];
}

static void
op_add(struct prop *p)
{
	struct uvs_dest_conf dc = dest_conf(p->next_addr++, 80, rnd_weight(p));

	if (rnd(p, 3) == 0) {
		dc.u_threshold = 1 + rnd(p, 6);
		dc.l_threshold = rnd(p, dc.u_threshold);
	}
	assert_int_equal(uvs_dest_add(p->svc, &dc), 0);
}

static void
op_edit(struct prop *p, struct uvs_dest *d)
{
	struct uvs_dest_conf dc = dest_conf(0, 80, rnd_weight(p));

	dc.u_threshold = d->u_threshold;
	dc.l_threshold = d->l_threshold;
	assert_int_equal(uvs_dest_edit(p->svc, d, &dc), 0);
}

static void
op_flag(struct prop *p, struct uvs_dest *d)
{
	d->flags ^= rnd(p, 2) ? UVS_DEST_F_OVERLOAD : UVS_DEST_F_NOHWADDR;
	uvs_svc_changed(p->svc);
}

/* A flow bound, released or moved between active and inactive. */
static void
op_flow(struct prop *p, struct uvs_dest *d)
{
	switch (rnd(p, 4)) {
	case 0:
		d->inactconns++;
		uvs_dest_conns_changed(d, 1);
		break;
	case 1:
		if (d->inactconns) {
			d->inactconns--;
			d->activeconns++;
			uvs_dest_conns_changed(d, -1);
		}
		break;
	case 2:
		if (d->activeconns) {
			d->activeconns--;
			d->inactconns++;
			uvs_dest_conns_changed(d, -1);
		}
		break;
	default:
		if (d->activeconns)
			d->activeconns--;
		else if (d->inactconns)
			d->inactconns--;
		uvs_dest_conns_changed(d, 0);
	}
}

/* ipvsadm -E to another scheduler and back: init on existing dests. */
static void
op_reinit(struct prop *p)
{
	struct uvs_svc_conf c = svc_conf(IPPROTO_TCP, VIP, 80, "rr");

	assert_int_equal(uvs_svc_edit(&p->t, &c), 0);
	c = svc_conf(IPPROTO_TCP, VIP, 80, p->sched);
	assert_int_equal(uvs_svc_edit(&p->t, &c), 0);
	if (!strcmp(p->sched, "twos"))
		assert_int_equal(uvs_twos_seed(p->svc, p->twos_rng), 0);
}

/* Control path: the dest set, a weight, a flag, the scheduler. */
static void
prop_control(struct prop *p)
{
	unsigned n = p->svc->ndests;
	uint32_t r = rnd(p, 100);

	if (n == 0 || (n < p->maxn && r < 40))
		op_add(p);
	else if (r < 55)
		uvs_dest_del(p->svc, rnd_dest(p));
	else if (r < 75)
		op_edit(p, rnd_dest(p));
	else if (r < 95)
		op_flag(p, rnd_dest(p));
	else
		op_reinit(p);
}

/* Packet path: counts move, thresholds set and lift OVERLOAD. */
static void
prop_packet(struct prop *p)
{
	struct uvs_dest *d;

	if (rnd(p, 3) == 0) {
		d = rnd_dest(p);
		d->activeconns = rnd_count(p, 4);
		d->inactconns = rnd_count(p, 600);
		uvs_dest_conns_changed(d, -1);
		return;
	}
	/* flows go where the scheduler sends them, or anywhere
	 * (persistence); twos's pick would spend its draws */
	d = strcmp(p->sched, "twos") ? pick(p->svc) : NULL;
	op_flow(p, d && rnd(p, 2) ? d : rnd_dest(p));
}

static void
prop_step(struct prop *p)
{
	if (p->svc->ndests == 0 || rnd(p, 100) < p->control_pct)
		prop_control(p);
	else
		prop_packet(p);
}

static struct uvs_dest *
prop_ref(struct prop *p)
{
	if (!strcmp(p->sched, "lc"))
		return uvs_ref_lc(p->svc);
	if (!strcmp(p->sched, "wlc"))
		return uvs_ref_wlc(p->svc);
	if (!strcmp(p->sched, "sed"))
		return uvs_ref_sed(p->svc);
	if (!strcmp(p->sched, "nq"))
		return uvs_ref_nq(p->svc);
	return ref_twos(p->svc, &p->twos_rng);
}

/*
 * The heap behind lc, wlc and sed, looked at from inside: every member
 * of the service in it once, its slots true, each entry after its parent
 * in (key, list position). Catches a misplaced entry before it reaches
 * the root.
 */
static void
heap_check(const struct uvs_svc *svc)
{
	const struct uvs_pickheap *h = svc->sched_data;
	unsigned i, members = 0;

	assert_false(h->stale);
	for (i = 0; i < svc->ndests; i++) {
		assert_int_equal(svc->dests[i]->sched_pos, i);
		members += h->order->member(svc->dests[i]) != 0;
	}
	assert_int_equal(h->n, members);
	for (i = 0; i < h->n; i++) {
		const struct uvs_dest *d = h->heap[i], *up;

		assert_true(h->order->member(d));
		assert_int_equal(h->slot[d->sched_pos], i);
		if (i == 0)
			continue;
		up = h->heap[(i - 1) / 2];
		assert_false(h->order->before(d, up));
		if (!h->order->before(up, d))
			assert_true(up->sched_pos < d->sched_pos);
	}
}

static void
prop_check(struct prop *p, uint64_t seed)
{
	struct uvs_dest *got = pick(p->svc), *want = prop_ref(p);

	if (got != want)
		fail_msg("%s seed %llu step %lu: pick %p, IPVS's scan %p",
		    p->sched, (unsigned long long)seed, p->checks,
		    (void *)got, (void *)want);
	if (p->svc->sched->schedule == uvs_pickheap_schedule)
		heap_check(p->svc);
	p->checks++;
	p->nulls += !want;
}

/* Sizes from 1 to 300 dests, most sequences small. */
static unsigned
prop_size(struct prop *p)
{
	static const unsigned caps[] = { 3, 8, 32, 100, 300 };

	return 1 + rnd(p, caps[rnd(p, 5)]);
}

/*
 * One sequence: grow to its size with flows moving in between, then
 * churn, control path in 30, 5 or 1 operations out of 100 (the fewer
 * rebuilds, the longer the heap lives on its O(log n) moves alone).
 */
static void
prop_sequence(const char *sched, uint64_t seed, unsigned long *checks,
    unsigned long *nulls)
{
	struct uvs_svc_conf c = svc_conf(IPPROTO_TCP, VIP, 80, sched);
	struct prop p;
	unsigned i, nops;

	memset(&p, 0, sizeof(p));
	p.sched = sched;
	p.rng = seed;
	p.twos_rng = seed * 0x2545f4914f6cdd1dull;
	p.next_addr = RIP(1);
	uvs_svc_table_init(&p.t);
	assert_int_equal(uvs_svc_add(&p.t, &c), 0);
	p.svc = p.t.svcs[0];
	if (!strcmp(sched, "twos"))
		assert_int_equal(uvs_twos_seed(p.svc, p.twos_rng), 0);
	p.maxn = prop_size(&p);
	for (i = 0; i < p.maxn; i++) {
		op_add(&p);
		prop_check(&p, seed);
		prop_packet(&p);
		prop_check(&p, seed);
	}
	p.control_pct = (unsigned[]){ 30, 5, 1 }[rnd(&p, 3)];
	nops = 2 * p.maxn + 100;
	for (i = 0; i < nops; i++) {
		prop_step(&p);
		prop_check(&p, seed);
	}
	*checks += p.checks;
	*nulls += p.nulls;
	uvs_svc_table_free(&p.t);
}

#define PROP_SEQUENCES	2000

static void
prop_test(const char *sched)
{
	unsigned long checks = 0, nulls = 0;
	uint64_t seed;

	for (seed = 1; seed <= PROP_SEQUENCES; seed++)
		prop_sequence(sched, seed, &checks, &nulls);
	printf("%s: %u sequences, %lu picks equal to IPVS's (%lu NULL)\n",
	    sched, PROP_SEQUENCES, checks, nulls);
}

static void
test_prop_lc(void **state)
{
	(void)state;
	prop_test("lc");
}

static void
test_prop_wlc(void **state)
{
	(void)state;
	prop_test("wlc");
}

static void
test_prop_sed(void **state)
{
	(void)state;
	prop_test("sed");
}

static void
test_prop_nq(void **state)
{
	(void)state;
	prop_test("nq");
}

static void
test_prop_twos(void **state)
{
	(void)state;
	prop_test("twos");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sed_picks),
		cmocka_unit_test(test_sed_counts_active_plus_one),
		cmocka_unit_test(test_nq_picks),
		cmocka_unit_test(test_nq_skips_unusable_idle),
		cmocka_unit_test(test_lc_threshold_overload),
		cmocka_unit_test(test_twos_distribution),
		cmocka_unit_test(test_twos_prefers_lighter),
		cmocka_unit_test(test_twos_none_and_seed),
		cmocka_unit_test(test_prop_lc),
		cmocka_unit_test(test_prop_wlc),
		cmocka_unit_test(test_prop_sed),
		cmocka_unit_test(test_prop_nq),
		cmocka_unit_test(test_prop_twos),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
