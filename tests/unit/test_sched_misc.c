/*
 * Unit tests for the failover, overflow and locality schedulers of sched/
 * (fo.c, ovf.c, lblc.c, lblcr.c). Every expected pick was worked out by
 * hand from IPVS's ip_vs_fo.c, ip_vs_ovf.c, ip_vs_lblc.c and
 * ip_vs_lblcr.c; the derivation sits in a comment beside each test.
 * IPVS puts a new dest at the head of its list, and so does sched/svc.c;
 * setup() adds the dests last to first so that the list reads A, B, C...
 * Run under valgrind too: the removal tests prove no entry outlives its
 * dest only when a stale read would be reported.
 */
#include "sched_fixture.h"

#define DIP(k)	(0xc6120400u + (k))	/* 198.18.4.0 ...: lblc keys */

/* sched/lblc.c LBLC_TAB_SIZE, sched/lblcr.c LBLCR_SET_MAX */
#define LBLC_ENTRIES	1024
#define LBLCR_SET_MAX	16
/* lblc_expiration, lblcr_expiration: IPVS's 24 h default */
#define EXPIRATION	(24 * 60 * 60)

/* ------------------------------------------------------------ fo */

/*
 * fo: weights A1 B3 C3 D2. The highest weight, 3, is B's and C's; IPVS
 * takes a dest only when its weight is > the best so far, so the first,
 * B, wins: B B B. Connections do not count: B with 1000 active, still B.
 * Failover: B OVERLOAD -> C (3); C weight 0 -> D (2); D NOHWADDR -> A (1);
 * A OVERLOAD -> none usable: NULL. B's OVERLOAD cleared -> B again.
 */
static void
test_fo_highest_weight(void **state)
{
	static const int w[] = { 1, 3, 3, 2 };
	struct fixture f;

	(void)state;
	setup(&f, "fo", 4, w);
	expect_picks(&f, "BBB");
	set_conns(f.d[1], 1000, 0);
	expect_picks(&f, "B");
	f.d[1]->flags |= UVS_DEST_F_OVERLOAD;
	expect_picks(&f, "CC");
	set_weight(&f, 2, 0);
	expect_picks(&f, "DD");
	f.d[3]->flags |= UVS_DEST_F_NOHWADDR;
	expect_picks(&f, "AA");
	f.d[0]->flags |= UVS_DEST_F_OVERLOAD;
	expect_picks(&f, "--");
	f.d[1]->flags &= ~UVS_DEST_F_OVERLOAD;
	expect_picks(&f, "B");
	teardown(&f);
}

/* fo with no dests, or only weight 0 ones: NULL. */
static void
test_fo_none(void **state)
{
	static const int w[] = { 0, 0 };
	struct fixture f;

	(void)state;
	setup(&f, "fo", 0, w);
	expect_picks(&f, "-");
	teardown(&f);
	setup(&f, "fo", 2, w);
	expect_picks(&f, "--");
	teardown(&f);
}

/* ------------------------------------------------------------ ovf */

/*
 * ovf: weights A2 B3 C1; each pick opens one active conn on its dest.
 * IPVS passes a dest over only when activeconns > weight, so:
 *   B (w3) takes flows at 0, 1, 2, 3 active -> B B B B (now 4 > 3);
 *   A (w2) at 0, 1, 2 -> A A A; C (w1) at 0, 1 -> C C; then none: -.
 * One of B's conns ends (4 -> 3): B is back -> B, and full again (4).
 * Then A's and C's drain to 0: A (w2) before C (w1) -> A.
 */
static void
test_ovf_overflows_and_returns(void **state)
{
	static const int w[] = { 2, 3, 1 };
	char got[16];
	struct fixture f;
	unsigned i;

	(void)state;
	setup(&f, "ovf", 3, w);
	for (i = 0; i < 10; i++) {
		struct uvs_dest *d = pick_at(&f, VIP, 0);

		got[i] = letter(&f, d);
		if (d)
			d->activeconns++;
	}
	got[i] = '\0';
	assert_string_equal(got, "BBBBAAACC-");
	f.d[1]->activeconns--;
	expect_picks(&f, "B");
	f.d[1]->activeconns++;
	expect_picks(&f, "-");
	set_conns(f.d[0], 0, 0);
	set_conns(f.d[2], 0, 0);
	expect_picks(&f, "A");
	teardown(&f);
}

/*
 * ovf ties and unusable dests: A2 B2 -> A (first in list order). A
 * OVERLOAD -> B though idle A is heavier or equal; B weight 0 -> none.
 * Inactive conns do not count: B 100 inactive, 0 active is still taken.
 */
static void
test_ovf_ties_and_unusable(void **state)
{
	static const int w[] = { 2, 2 };
	struct fixture f;

	(void)state;
	setup(&f, "ovf", 2, w);
	expect_picks(&f, "AA");
	f.d[0]->flags |= UVS_DEST_F_OVERLOAD;
	set_conns(f.d[1], 0, 100);
	expect_picks(&f, "BB");
	set_weight(&f, 1, 0);
	expect_picks(&f, "-");
	teardown(&f);
}

/* ------------------------------------------------------------ lblc */

/*
 * lblc: the same destination IP goes to the same server. A1 B1 C1 idle.
 *   X: no entry -> wlc pick, all 0 -> A, remembered.
 *   A gets 1 active conn. Y: no entry -> wlc: A 256/1, B 0, C 0 -> B.
 *   B gets 1 active. Z: no entry -> C.
 *   X -> A (1 > 1 is false: not overloaded), Y -> B, Z -> C, again and
 *   again, though C is the least loaded for X and Y.
 */
static void
test_lblc_same_ip_same_server(void **state)
{
	static const int w[] = { 1, 1, 1 };
	struct fixture f;
	unsigned i;

	(void)state;
	setup(&f, "lblc", 3, w);
	expect_at(&f, DIP(1), 0, "A");
	set_conns(f.d[0], 1, 0);
	expect_at(&f, DIP(2), 0, "B");
	set_conns(f.d[1], 1, 0);
	expect_at(&f, DIP(3), 0, "C");
	for (i = 1; i <= 3; i++) {
		expect_at(&f, DIP(1), i, "AA");
		expect_at(&f, DIP(2), i, "BB");
		expect_at(&f, DIP(3), i, "CC");
	}
	teardown(&f);
}

/*
 * lblc's overload rule (IPVS is_overloaded): the remembered dest has more
 * active conns than its weight AND some dest has active * 2 < weight.
 * A2 B2 C2. X -> A (all idle, first).
 *   A 3 active, B 1, C 1: A is over its weight (3 > 2), but no dest is
 *   under half its weight (B, C: 1*2 < 2 false) -> X stays on A.
 *   C drops to 0 (0*2 < 2): A overloaded -> wlc: A 768/2, B 256/2,
 *   C 0/2 -> C, remembered.
 *   A drops to 0: X stays on C (0 > 2 false), though A is idle too.
 */
static void
test_lblc_overload_moves(void **state)
{
	static const int w[] = { 2, 2, 2 };
	struct fixture f;

	(void)state;
	setup(&f, "lblc", 3, w);
	expect_at(&f, DIP(1), 0, "A");
	set_conns(f.d[0], 3, 0);
	set_conns(f.d[1], 1, 0);
	set_conns(f.d[2], 1, 0);
	expect_at(&f, DIP(1), 0, "AA");
	set_conns(f.d[2], 0, 0);
	expect_at(&f, DIP(1), 0, "C");
	set_conns(f.d[0], 0, 0);
	expect_at(&f, DIP(1), 0, "CC");
	teardown(&f);
}

/*
 * lblc, remembered dest unusable. A1 B1 C1. X -> A.
 *   A weight 0 -> wlc over B, C (idle) -> B, remembered.
 *   A weight 1 again -> X stays on B.
 *   B OVERLOAD -> wlc: A 0, C 0 -> A, remembered; B cleared -> still A.
 *   A NOHWADDR, B and C weight 0 -> none usable: NULL.
 */
static void
test_lblc_unusable_moves(void **state)
{
	static const int w[] = { 1, 1, 1 };
	struct fixture f;

	(void)state;
	setup(&f, "lblc", 3, w);
	expect_at(&f, DIP(1), 0, "A");
	set_weight(&f, 0, 0);
	expect_at(&f, DIP(1), 0, "BB");
	set_weight(&f, 0, 1);
	expect_at(&f, DIP(1), 0, "B");
	f.d[1]->flags |= UVS_DEST_F_OVERLOAD;
	expect_at(&f, DIP(1), 0, "A");
	f.d[1]->flags &= ~UVS_DEST_F_OVERLOAD;
	expect_at(&f, DIP(1), 0, "A");
	f.d[0]->flags |= UVS_DEST_F_NOHWADDR;
	set_weight(&f, 1, 0);
	set_weight(&f, 2, 0);
	expect_at(&f, DIP(1), 0, "--");
	teardown(&f);
}

/*
 * lblc, a server removed: no entry may keep pointing at it. A1 B1 C1.
 *   X -> A; A gets 1 inactive: Y -> B (A 1, B 0); B gets 1: Z -> C.
 *   delete A: X's entry is gone, X -> wlc over B 1, C 0 -> C, and sticks;
 *   Y -> B, Z -> C unchanged.
 *   delete B: Y -> C. delete C: nothing left, NULL (and no flow: NULL).
 * Under valgrind a stale entry would show as a read of freed memory.
 */
static void
test_lblc_dest_removed(void **state)
{
	static const int w[] = { 1, 1, 1 };
	struct fixture f;

	(void)state;
	setup(&f, "lblc", 3, w);
	expect_at(&f, DIP(1), 0, "A");
	set_conns(f.d[0], 0, 1);
	expect_at(&f, DIP(2), 0, "B");
	set_conns(f.d[1], 0, 1);
	expect_at(&f, DIP(3), 0, "C");
	del_dest(&f, 0);
	expect_at(&f, DIP(1), 1, "CC");
	expect_at(&f, DIP(2), 1, "B");
	expect_at(&f, DIP(3), 1, "C");
	del_dest(&f, 1);
	expect_at(&f, DIP(2), 2, "C");
	assert_ptr_equal(f.svc->sched->schedule(f.svc, NULL), f.d[2]);
	del_dest(&f, 2);
	expect_at(&f, DIP(3), 3, "-");
	assert_null(f.svc->sched->schedule(f.svc, NULL));
	teardown(&f);
}

/*
 * lblc aging by flow->now: IPVS drops an entry once now >= lastuse +
 * lblc_expiration (24 h). A1 B1. X at t=1000 -> A; A gets 1 inactive,
 * so a fresh pick would be B.
 *   t = 1000 + 86399: age 86399 -> X -> A, lastuse = 87399.
 *   t = 87399 + 86399: X -> A again (each use restarts the clock).
 *   t = 173798 + 86400: age 86400 -> entry gone -> wlc -> B.
 */
static void
test_lblc_ages(void **state)
{
	static const int w[] = { 1, 1 };
	struct fixture f;
	uint32_t t = 1000;

	(void)state;
	setup(&f, "lblc", 2, w);
	expect_at(&f, DIP(1), t, "A");
	set_conns(f.d[0], 0, 1);
	t += EXPIRATION - 1;
	expect_at(&f, DIP(1), t, "A");
	t += EXPIRATION - 1;
	expect_at(&f, DIP(1), t, "A");
	t += EXPIRATION;
	expect_at(&f, DIP(1), t, "BB");
	teardown(&f);
}

/*
 * lblc with its table full (LBLC_ENTRIES addresses): a new address takes
 * the least recently used slot. A1 B1 C1.
 *   V0 at t=1 -> A; A gets 1 inactive, so misses now go to B.
 *   V1..V1023 at t=2..1024 -> B each: 1024 entries, full.
 *   V0 at t=1025: a hit -> A; V0 is now the most recent, V1 the least.
 *   B gets 1 inactive, so misses now go to C (A 1, B 1, C 0).
 *   V1024 -> C, in V1's slot. V0 -> A and V1023 -> B: still there (the
 *   one dropped was the least recently used, not the oldest inserted).
 *   V1 -> C: it was dropped; its return drops V2 (now least recent), so
 *   V2 -> C as well.
 */
static void
test_lblc_table_full(void **state)
{
	static const int w[] = { 1, 1, 1 };
	struct fixture f;
	uint32_t k;

	(void)state;
	setup(&f, "lblc", 3, w);
	expect_at(&f, DIP(0), 1, "A");
	set_conns(f.d[0], 0, 1);
	for (k = 1; k < LBLC_ENTRIES; k++)
		expect_at(&f, DIP(k), 1 + k, "B");
	expect_at(&f, DIP(0), 1025, "A");
	set_conns(f.d[1], 0, 1);
	expect_at(&f, DIP(LBLC_ENTRIES), 1026, "C");
	expect_at(&f, DIP(0), 1027, "A");
	expect_at(&f, DIP(LBLC_ENTRIES - 1), 1027, "B");
	expect_at(&f, DIP(1), 1028, "C");
	expect_at(&f, DIP(2), 1028, "C");
	expect_at(&f, DIP(3), 1028, "C");
	expect_at(&f, DIP(LBLC_ENTRIES - 2), 1028, "B");
	teardown(&f);
}

/* ------------------------------------------------------------ lblcr */

/*
 * lblcr: a set per destination IP grows on overload and shrinks after
 * lblcr_expiration (24 h) without change. Sets list newest first, as
 * IPVS's list_add does. A2 B2 C2, X's set:
 *   t=100: no entry -> wlc, all idle -> A; set {A}, lastmod 100.
 *   A 3 active, B 0 (0*2 < 2): A overloaded -> wlc: A 768/2, B 0, C 0
 *     -> B joins: {B, A} -> B. Again: set min B 0 -> B.
 *   A 0, B 1: set min: B 256/2, A 0/2 -> A (both members serve X).
 *   A 3, B 3, C 0: set min B 768, A 768, tie -> B; B overloaded (3 > 2,
 *     C 0*2 < 2) -> wlc -> C joins: {C, B, A} -> C.
 *   t=50100: lastmod age 50000, no trim; min C 0 -> C (lastuse 50100).
 *   t=86500, A 1 B 0 C 1: age 86400, not > 86400 (IPVS time_after):
 *     no trim; min over {C, B, A} -> B.
 *   t=86501, A 3 B 3 C 0: age 86401 -> trim the most loaded: C 0, then
 *     B 768/2 > 0, A 768/2 not > B's -> B goes: {C, A}, lastmod 86501.
 *     The pick was made before the trim: C.
 *   same t, A 1 B 0 C 1: min over {C, A}: C 256, A 256 -> C (B, were it
 *     still in, would win with 0).
 *   t=130000: no trim (age 43499) -> C.
 *   t=172902, A 2 C 0: age 86401 -> trim: C 0, A 512/2 -> A goes: {C}.
 *     Pick before the trim: min C 0 -> C.
 *   A 0 B 1 C 1: min over {C}: C 256, not overloaded -> C (A would win).
 *   t=259303 (lastuse 172902, age 86401 >= 86400): the entry itself has
 *     expired -> wlc: A 0/2, B 256, C 256 -> A; a new set {A}.
 */
static void
test_lblcr_grows_and_shrinks(void **state)
{
	static const int w[] = { 2, 2, 2 };
	struct fixture f;

	(void)state;
	setup(&f, "lblcr", 3, w);
	expect_at(&f, DIP(1), 100, "A");
	set_conns(f.d[0], 3, 0);
	expect_at(&f, DIP(1), 100, "BB");
	set_conns(f.d[0], 0, 0);
	set_conns(f.d[1], 1, 0);
	expect_at(&f, DIP(1), 100, "A");
	set_conns(f.d[0], 3, 0);
	set_conns(f.d[1], 3, 0);
	expect_at(&f, DIP(1), 100, "CC");
	expect_at(&f, DIP(1), 50100, "C");
	set_conns(f.d[0], 1, 0);
	set_conns(f.d[1], 0, 0);
	set_conns(f.d[2], 1, 0);
	expect_at(&f, DIP(1), 86500, "B");
	set_conns(f.d[0], 3, 0);
	set_conns(f.d[1], 3, 0);
	set_conns(f.d[2], 0, 0);
	expect_at(&f, DIP(1), 86501, "C");
	set_conns(f.d[0], 1, 0);
	set_conns(f.d[1], 0, 0);
	set_conns(f.d[2], 1, 0);
	expect_at(&f, DIP(1), 86501, "C");
	expect_at(&f, DIP(1), 130000, "C");
	set_conns(f.d[0], 2, 0);
	set_conns(f.d[2], 0, 0);
	expect_at(&f, DIP(1), 172902, "C");
	set_conns(f.d[0], 0, 0);
	set_conns(f.d[1], 1, 0);
	set_conns(f.d[2], 1, 0);
	expect_at(&f, DIP(1), 172902, "CC");
	expect_at(&f, DIP(1), 259303, "AA");
	teardown(&f);
}

/*
 * lblcr trims a stale set after it has made its pick, as IPVS does, so a
 * flow may still go to the member just let go. A1 B1, X:
 *   t=0: -> A {A}. A 2 active (> 1, B 0*2 < 1): B joins {B, A} -> B.
 *   A back to 0. t=50000: min over {B, A}, both 0: first, B (lastuse
 *   50000, no trim: lastmod age 50000).
 *   t=86401: min B again; then the trim (age 86401): most loaded, both 0,
 *   first -> B goes: {A}. The flow still gets B; the next one gets A.
 */
static void
test_lblcr_trims_after_pick(void **state)
{
	static const int w[] = { 1, 1 };
	struct fixture f;

	(void)state;
	setup(&f, "lblcr", 2, w);
	expect_at(&f, DIP(1), 0, "A");
	set_conns(f.d[0], 2, 0);
	expect_at(&f, DIP(1), 0, "B");
	set_conns(f.d[0], 0, 0);
	expect_at(&f, DIP(1), 50000, "B");
	expect_at(&f, DIP(1), EXPIRATION + 1, "BAA");
	teardown(&f);
}

/*
 * lblcr, servers removed. A1 B1 C1.
 *   X -> A {A}. A 2 active (> 1), B 0 (0*2 < 1): overloaded -> wlc: B
 *   (A 512, B 0, C 0) joins {B, A} -> B.
 *   delete B: {A}. A back to 0: X -> A.
 *   delete A: the set is empty and goes; X -> wlc -> C, a new set {C}.
 *   delete C: NULL. Under valgrind, no read of a freed dest.
 */
static void
test_lblcr_dest_removed(void **state)
{
	static const int w[] = { 1, 1, 1 };
	struct fixture f;

	(void)state;
	setup(&f, "lblcr", 3, w);
	expect_at(&f, DIP(1), 0, "A");
	set_conns(f.d[0], 2, 0);
	expect_at(&f, DIP(1), 0, "B");
	del_dest(&f, 1);
	set_conns(f.d[0], 0, 0);
	expect_at(&f, DIP(1), 0, "AA");
	del_dest(&f, 0);
	expect_at(&f, DIP(1), 0, "CC");
	assert_ptr_equal(f.svc->sched->schedule(f.svc, NULL), f.d[2]);
	del_dest(&f, 2);
	expect_at(&f, DIP(1), 0, "-");
	teardown(&f);
}

/*
 * lblcr's set holds at most LBLCR_SET_MAX (16) dests; a full set gives
 * up its most loaded member. 17 dests A..Q of weight 1, one address X.
 *   Step k = 0..15: members d0..d(k-1) have 2 active, the rest 0. The set
 *   min (all 512, first = newest d(k-1)) is overloaded (2 > 1, d(k) has
 *   0*2 < 1) -> wlc: first idle, d(k), joins. (k = 0: no entry -> A.)
 *   So X -> A B C ... P; the set is {P..A}, full.
 *   D gets 5 active; Q idle. Pick: min P (tie, first), overloaded -> Q
 *   joins; the full set drops its most loaded: D (1280 > 512).
 *   All at 1 active but D at 0: min over the set, all 256 -> Q, not
 *   overloaded (1 > 1 false) -> Q; D, were it still in, would win.
 */
static void
test_lblcr_set_bound(void **state)
{
	int w[LBLCR_SET_MAX + 1];
	struct fixture f;
	unsigned k;

	(void)state;
	for (k = 0; k <= LBLCR_SET_MAX; k++)
		w[k] = 1;
	setup(&f, "lblcr", LBLCR_SET_MAX + 1, w);
	for (k = 0; k < LBLCR_SET_MAX; k++) {
		char want[2] = { (char)('A' + k), '\0' };

		expect_at(&f, DIP(1), 0, want);
		set_conns(f.d[k], 2, 0);
	}
	set_conns(f.d[3], 5, 0);
	expect_at(&f, DIP(1), 0, "Q");
	for (k = 0; k <= LBLCR_SET_MAX; k++)
		set_conns(f.d[k], k == 3 ? 0 : 1, 0);
	expect_at(&f, DIP(1), 0, "QQ");
	teardown(&f);
}

/* ------------------------------------------------------------ registry */

static void
test_registry_names(void **state)
{
	static const char *const names[] = { "fo", "ovf", "lblc", "lblcr" };
	unsigned i;

	(void)state;
	for (i = 0; i < 4; i++) {
		const struct uvs_sched_ops *ops = uvs_sched_find(names[i]);

		assert_non_null(ops);
		assert_string_equal(ops->name, names[i]);
		assert_non_null(ops->schedule);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fo_highest_weight),
		cmocka_unit_test(test_fo_none),
		cmocka_unit_test(test_ovf_overflows_and_returns),
		cmocka_unit_test(test_ovf_ties_and_unusable),
		cmocka_unit_test(test_lblc_same_ip_same_server),
		cmocka_unit_test(test_lblc_overload_moves),
		cmocka_unit_test(test_lblc_unusable_moves),
		cmocka_unit_test(test_lblc_dest_removed),
		cmocka_unit_test(test_lblc_ages),
		cmocka_unit_test(test_lblc_table_full),
		cmocka_unit_test(test_lblcr_grows_and_shrinks),
		cmocka_unit_test(test_lblcr_trims_after_pick),
		cmocka_unit_test(test_lblcr_dest_removed),
		cmocka_unit_test(test_lblcr_set_bound),
		cmocka_unit_test(test_registry_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
