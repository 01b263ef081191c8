/*
 * Unit tests for the schedulers (rr, wrr, lc, wlc) and the service table
 * of sched/. Every expected pick sequence below was worked out by hand
 * from the IPVS algorithms (ip_vs_rr.c, ip_vs_wrr.c, ip_vs_lc.c,
 * ip_vs_wlc.c); the derivation sits in a comment beside each test.
 * IPVS puts a new dest at the head of its list (__ip_vs_update_dest), and
 * so does sched/svc.c; setup() therefore adds the dests last to first, so
 * that the list, and every walk, reads A, B, C.
 */
#include <errno.h>

#include "sched_fixture.h"
#include "tests/unit/inaddr4.h"

/* A new flow to VIP:80. */
static struct uvs_dest *
pick(struct fixture *f)
{
	return pick_at(f, VIP, 0);
}

/* ------------------------------------------------------------ rr */

/* rr: each new flow goes to the dest after the last pick: A B C A B C. */
static void
test_rr_cycles_in_order(void **state)
{
	static const int w[] = { 1, 1, 1 };
	struct fixture f;

	(void)state;
	setup(&f, "rr", 3, w);
	expect_picks(&f, "ABCABCABC");
	teardown(&f);
}

/*
 * rr skips a dest with weight 0 (quiescent), one flagged OVERLOAD and one
 * flagged NOHWADDR. A B C D E; B weight 0, C OVERLOAD, D NOHWADDR:
 * only A and E remain -> A E A E. Clearing C's flag after a pick of E
 * makes the walk go on from E: A C E A C E.
 */
static void
test_rr_skips_unusable(void **state)
{
	static const int w[] = { 1, 0, 1, 1, 1 };
	struct fixture f;

	(void)state;
	setup(&f, "rr", 5, w);
	f.d[2]->flags |= UVS_DEST_F_OVERLOAD;
	f.d[3]->flags |= UVS_DEST_F_NOHWADDR;
	uvs_svc_changed(f.svc);
	expect_picks(&f, "AEAE");
	f.d[2]->flags &= ~UVS_DEST_F_OVERLOAD;
	uvs_svc_changed(f.svc);
	expect_picks(&f, "ACEACE");
	/* weight 1 -> 0 by edit: C quiescent again */
	{
		struct uvs_dest_conf dc = dest_conf(RIP(3), 80, 0);

		assert_int_equal(uvs_dest_edit(f.svc, f.d[2], &dc), 0);
	}
	expect_picks(&f, "AEAE");
	teardown(&f);
}

/*
 * rr, last pick deleted. IPVS's ip_vs_rr_del_dest moves its mark to the
 * entry before the deleted one, so the next pick is the dest that
 * followed the deleted one.
 *   A B C D: picks A B; delete B -> C D A C D
 *   then last pick D (the list's end) deleted -> A (wraps to the head)
 *   then last pick A (the head) deleted -> C
 */
static void
test_rr_last_pick_deleted(void **state)
{
	static const int w[] = { 1, 1, 1, 1 };
	struct fixture f;

	(void)state;
	setup(&f, "rr", 4, w);
	expect_picks(&f, "AB");
	del_dest(&f, 1);
	expect_picks(&f, "CDACD");
	del_dest(&f, 3);		/* D was the last pick */
	expect_picks(&f, "AC");
	expect_picks(&f, "A");
	del_dest(&f, 0);		/* A was the last pick, list is C */
	expect_picks(&f, "CC");
	teardown(&f);
}

/*
 * rr, a dest other than the last pick deleted: the walk is unaffected.
 *   A B C D: picks A B C; delete A (before the mark) -> D B C D
 *   pick is D; delete C (before the mark) -> B D B
 */
static void
test_rr_other_dest_deleted(void **state)
{
	static const int w[] = { 1, 1, 1, 1 };
	struct fixture f;

	(void)state;
	setup(&f, "rr", 4, w);
	expect_picks(&f, "ABC");
	del_dest(&f, 0);
	expect_picks(&f, "DBCD");
	del_dest(&f, 2);
	expect_picks(&f, "BDB");
	teardown(&f);
}

/*
 * rr, the last pick deleted and then the dest before it deleted too.
 * IPVS: after picking B in A B C D, deleting B moves the mark to A;
 * deleting A then moves the mark to A's predecessor, the list head; the
 * walk from the head takes C. (A mark left "between" dests must move
 * with the list like any other.)
 */
static void
test_rr_last_pick_and_predecessor_deleted(void **state)
{
	static const int w[] = { 1, 1, 1, 1 };
	struct fixture f;

	(void)state;
	setup(&f, "rr", 4, w);
	expect_picks(&f, "AB");
	del_dest(&f, 1);
	del_dest(&f, 0);
	expect_picks(&f, "CDC");
	teardown(&f);
}

/*
 * rr, last pick taken out by health checks: to IPVS a removal, so the
 * mark moves to the entry before it, and when the dest comes back it is
 * re-added at the head. A B C: picks A B; B out and back at once (list
 * B A C, mark on A) -> C B A C. (A mark left on B would give A C B A.)
 */
static void
test_rr_last_pick_out_and_back(void **state)
{
	static const int w[] = { 1, 1, 1 };
	struct fixture f;

	(void)state;
	setup(&f, "rr", 3, w);
	expect_picks(&f, "AB");
	uvs_dest_set_out(f.svc, f.d[1], 1);
	uvs_dest_set_out(f.svc, f.d[1], 0);
	expect_picks(&f, "CBAC");
	teardown(&f);
}

/* rr with no usable dest (or no dest at all) returns NULL, then recovers. */
static void
test_rr_none_usable(void **state)
{
	static const int w[] = { 0, 1, 1 };
	struct fixture f;

	(void)state;
	setup(&f, "rr", 0, w);
	assert_null(pick(&f));
	teardown(&f);

	setup(&f, "rr", 3, w);
	f.d[1]->flags |= UVS_DEST_F_OVERLOAD;
	f.d[2]->flags |= UVS_DEST_F_NOHWADDR;
	uvs_svc_changed(f.svc);
	expect_picks(&f, "---");
	f.d[2]->flags = 0;
	uvs_svc_changed(f.svc);
	expect_picks(&f, "CC");
	teardown(&f);
}

/* ------------------------------------------------------------ wrr */

/*
 * A wrr service whose scheduler starts with all dests present, as after
 * ipvsadm -E ... -s wrr: init sets cw = mw (ip_vs_wrr_init_svc).
 */
static void
setup_wrr_fresh(struct fixture *f, unsigned n, const int *weights)
{
	struct uvs_svc_conf c = svc_conf(IPPROTO_TCP, VIP, 80, "wrr");

	setup(f, "rr", n, weights);
	assert_int_equal(uvs_svc_edit(&f->t, &c), 0);
	assert_string_equal(f->svc->sched->name, "wrr");
}

/*
 * wrr 4,3,2 from a fresh start: gcd di = 1, mw = 4, cw starts at 4.
 *   cw=4: A          (B 3<4, C 2<4; end of list: cw=3)
 *   cw=3: A B        (C 2<3; cw=2)
 *   cw=2: A B C      (cw=1)
 *   cw=1: A B C      (cw=0 -> mw=4)
 * -> A A B A B C A B C, repeating.
 *
 * Built by adding the dests one by one (ipvsadm -A, then -a three
 * times), the first cycle differs, in IPVS as here: the empty service
 * has mw = cw = 0; adding A (4) gives di = 4, mw = 4 - 3 = 1 and, cw
 * being 0, cw = 1; adding B and C keeps cw = 1 (cw <= mw, di = 1).
 * So the first pass runs at cw=1: A B C, then the cycle above.
 */
static void
test_wrr_432(void **state)
{
	static const int w[] = { 4, 3, 2 };
	struct fixture f;

	(void)state;
	setup_wrr_fresh(&f, 3, w);
	expect_picks(&f, "AABABCABC" "AABABCABC" "AABABCABC");
	teardown(&f);

	setup(&f, "wrr", 3, w);
	expect_picks(&f, "ABC" "AABABCABC" "AABABCABC");
	teardown(&f);
}

/*
 * wrr 4,2: di = gcd(4,2) = 2, mw = 4 - (2 - 1) = 3, cw starts at 3.
 *   cw=3: A          (B 2<3; cw = 3-2 = 1)
 *   cw=1: A B        (cw = -1 <= 0 -> cw = mw = 3)
 * -> A A B, repeating (2:1 as the weights say).
 *   Added one by one: A alone gives di 4, mw 1, cw 1; adding B gives
 *   di 2, mw 3 and cw = (1/2)*2 + 1 = 1: first pass A B, then A A B.
 * wrr 6,4,2: di = 2, mw = 5.
 *   cw=5: A; cw=3: A B; cw=1: A B C; -> A A B A B C repeating.
 * wrr 2,2: di = 2, mw = 1: A B A B.
 */
static void
test_wrr_gcd(void **state)
{
	static const int w42[] = { 4, 2 };
	static const int w642[] = { 6, 4, 2 };
	static const int w22[] = { 2, 2 };
	struct fixture f;

	(void)state;
	setup_wrr_fresh(&f, 2, w42);
	expect_picks(&f, "AAB" "AAB" "AAB" "AAB");
	teardown(&f);

	setup(&f, "wrr", 2, w42);
	expect_picks(&f, "AB" "AAB" "AAB" "AAB");
	teardown(&f);

	setup_wrr_fresh(&f, 3, w642);
	expect_picks(&f, "AABABC" "AABABC" "AABABC");
	teardown(&f);

	setup_wrr_fresh(&f, 2, w22);
	expect_picks(&f, "ABABAB");
	teardown(&f);
}

/*
 * wrr weight 0 is never picked. 3,0,1: di = 1, mw = 3.
 *   cw=3: A; cw=2: A; cw=1: A C -> A A A C repeating.
 *   (Added one by one: A alone gives mw 1, cw 1; first pass A C.)
 * All weights 0: mw = 0 -> NULL. No dests: NULL.
 */
static void
test_wrr_zero_weights(void **state)
{
	static const int w301[] = { 3, 0, 1 };
	static const int w000[] = { 0, 0, 0 };
	struct fixture f;

	(void)state;
	setup_wrr_fresh(&f, 3, w301);
	expect_picks(&f, "AAAC" "AAAC" "AAAC");
	teardown(&f);

	setup(&f, "wrr", 3, w301);
	expect_picks(&f, "AC" "AAAC" "AAAC");
	teardown(&f);

	setup(&f, "wrr", 3, w000);
	expect_picks(&f, "---");
	teardown(&f);

	setup_wrr_fresh(&f, 3, w000);
	expect_picks(&f, "---");
	teardown(&f);

	setup(&f, "wrr", 0, w000);
	assert_null(pick(&f));
	teardown(&f);
}

/*
 * wrr 4,3,2 with A OVERLOAD: di and mw still count A's weight (IPVS
 * measures weights, not flags): mw = 4, cw = 4.
 *   cw=4: none; cw=3: B; cw=2: B C; cw=1: B C; -> B B C B C repeating.
 */
static void
test_wrr_overload(void **state)
{
	static const int w[] = { 4, 3, 2 };
	struct fixture f;

	(void)state;
	setup_wrr_fresh(&f, 3, w);
	f.d[0]->flags |= UVS_DEST_F_OVERLOAD;
	uvs_svc_changed(f.svc);
	expect_picks(&f, "BBCBC" "BBCBC");
	f.d[1]->flags |= UVS_DEST_F_NOHWADDR;
	uvs_svc_changed(f.svc);
	expect_picks(&f, "CCC");
	teardown(&f);
}

/*
 * wrr must end its search when every dest became unusable behind its
 * back (IPVS sets OVERLOAD in ip_vs_bind_dest without telling the
 * scheduler), from the middle of the list as from its head.
 *   4,3,2: picks A A B (cl = B, cw = 3); all OVERLOAD -> NULL twice.
 *   The failed search leaves cw = mw = 4 and cl = B; flags cleared:
 *   from B: C 2<4; cw=3: A B; cw=2: A B C; cw=1: A B C; then the cycle.
 * Overloaded during the last pass instead: picks A A B A B C A B (cl = B,
 * cw = 1). The search runs C at cw 1, restarts at cw 4 (restarted), then
 * at cw 1 again sets stop = B and gives up on reaching B, leaving cw = 1
 * (IPVS's "stop"). Flags cleared: from B at cw 1: C, then the cycle.
 */
static void
test_wrr_all_overloaded_terminates(void **state)
{
	static const int w[] = { 4, 3, 2 };
	struct fixture f;
	unsigned i;

	(void)state;
	setup_wrr_fresh(&f, 3, w);
	expect_picks(&f, "AAB");
	for (i = 0; i < 3; i++)
		f.d[i]->flags |= UVS_DEST_F_OVERLOAD;
	expect_picks(&f, "--");
	for (i = 0; i < 3; i++)
		f.d[i]->flags = 0;
	expect_picks(&f, "ABABCABC" "AABABCABC");
	teardown(&f);

	setup_wrr_fresh(&f, 3, w);
	expect_picks(&f, "AABABCAB");
	for (i = 0; i < 3; i++)
		f.d[i]->flags |= UVS_DEST_F_OVERLOAD;
	expect_picks(&f, "--");
	for (i = 0; i < 3; i++)
		f.d[i]->flags = 0;
	expect_picks(&f, "C" "AABABCABC");
	teardown(&f);
}

/*
 * wrr after a weight change: update resets cl to the head and keeps cw
 * when cw <= mw. 4,3,2 picks A A B (cw=3); B edited to weight 1: di = 1,
 * mw = 4, cw stays 3 -> cw=3: A; cw=2: A C; cw=1: A B C; cw=4: A ...
 * Then A edited to 6: weights 6,1,2, di 1, mw 6, cw kept (4); once the
 * pass under way ends, every 9 picks hold A 6 times, B once, C twice.
 */
static void
test_wrr_weight_edit(void **state)
{
	static const int w[] = { 4, 3, 2 };
	struct uvs_dest_conf dc = dest_conf(RIP(2), 80, 1);
	struct fixture f;
	unsigned i, n[3] = { 0, 0, 0 };

	(void)state;
	setup_wrr_fresh(&f, 3, w);
	expect_picks(&f, "AAB");
	assert_int_equal(uvs_dest_edit(f.svc, f.d[1], &dc), 0);
	assert_int_equal(f.d[1]->weight, 1);
	expect_picks(&f, "AACABC" "A");

	dc = dest_conf(RIP(1), 80, 6);
	assert_int_equal(uvs_dest_edit(f.svc, f.d[0], &dc), 0);
	/* run into the steady cycle, then count one whole cycle (9 picks) */
	for (i = 0; i < 9; i++)
		assert_non_null(pick(&f));
	for (i = 0; i < 9 * 4; i++) {
		char l = letter(&f, pick(&f));

		assert_in_range(l, 'A', 'C');
		n[l - 'A']++;
	}
	assert_int_equal(n[0], 6 * 4);
	assert_int_equal(n[1], 1 * 4);
	assert_int_equal(n[2], 2 * 4);
	teardown(&f);
}

/*
 * wrr when the gcd grows: cw is put back on the di grid, (cw/di)*di + 1.
 * Fresh 4,3 (di 1, mw 4): cw=4: A; cw=3: A B; cw=2: A -> picks A A B A,
 * cw = 2. B edited to 2: di 2, mw 3, cw = (2/2)*2 + 1 = 3, cl to head.
 *   cw=3: A; cw=1: A B; cw=3: A; cw=1: A B -> A A B A A B.
 * (Left at cw=2 it would give A B A A B: the grid matters.)
 */
static void
test_wrr_gcd_change(void **state)
{
	static const int w[] = { 4, 3 };
	struct uvs_dest_conf dc = dest_conf(RIP(2), 80, 2);
	struct fixture f;

	(void)state;
	setup_wrr_fresh(&f, 2, w);
	expect_picks(&f, "AABA");
	assert_int_equal(uvs_dest_edit(f.svc, f.d[1], &dc), 0);
	expect_picks(&f, "AAB" "AAB" "AAB");
	teardown(&f);
}

/*
 * wrr with a dest health checks took out: IPVS, once keepalived deleted
 * it, no longer counts its weight in di and mw. Fresh A=4 B=2 C=3 (di 1,
 * mw 4, cw 4), C out: di 2, mw 3, cw 4 > 3 -> 3, cl to head.
 *   cw=3: A; cw=1: A B; cw=3: A; cw=1: A B -> A A B A A B A A B
 * (with C's 3 still counted, di 1: cw=4 A, 3 A, 2 A B, 1 A B: AAABAB).
 * C back heads the list C A B (3,4,2): di 1, mw 4, cw 1 (the last B's)
 * kept, cl to head.
 *   cw=1: C A B; cw=4: A; cw=3: C A; cw=2: C A B -> C A B A C A C A B
 */
static void
test_wrr_out_as_deleted(void **state)
{
	static const int w[] = { 4, 2, 3 };
	struct fixture f;

	(void)state;
	setup_wrr_fresh(&f, 3, w);
	uvs_dest_set_out(f.svc, f.d[2], 1);
	expect_picks(&f, "AAB" "AAB" "AAB");
	uvs_dest_set_out(f.svc, f.d[2], 0);
	expect_picks(&f, "CAB" "A" "CA" "CAB");
	teardown(&f);
}

/* ------------------------------------------------------------ lc, wlc */

/*
 * lc: least overhead = (active << 8) + inactive.
 *   A 1/0 = 256, B 0/100 = 100, C 0/300 = 300 -> B. (With IPVS's old
 *   comment, active << 5, A would cost 32 and win: this tells them apart.)
 *   B weight 0 -> A (256 < 300). B back, all equal -> first (A).
 *   A OVERLOAD with all equal -> B.
 */
static void
test_lc_picks(void **state)
{
	static const int w[] = { 1, 1, 1 };
	struct uvs_dest_conf dc;
	struct fixture f;

	(void)state;
	setup(&f, "lc", 3, w);
	expect_picks(&f, "AAA");			/* all 0: first */
	set_conns(f.d[0], 1, 0);
	set_conns(f.d[1], 0, 100);
	set_conns(f.d[2], 0, 300);
	expect_picks(&f, "B");
	dc = dest_conf(RIP(2), 80, 0);
	assert_int_equal(uvs_dest_edit(f.svc, f.d[1], &dc), 0);
	expect_picks(&f, "A");
	set_conns(f.d[0], 1, 45);			/* 301 > 300 */
	expect_picks(&f, "C");
	dc = dest_conf(RIP(2), 80, 5);
	assert_int_equal(uvs_dest_edit(f.svc, f.d[1], &dc), 0);
	set_conns(f.d[0], 0, 7);
	set_conns(f.d[1], 0, 7);
	set_conns(f.d[2], 0, 7);
	expect_picks(&f, "A");				/* tie: first */
	f.d[0]->flags |= UVS_DEST_F_OVERLOAD;
	uvs_svc_changed(f.svc);
	expect_picks(&f, "B");
	f.d[1]->flags |= UVS_DEST_F_NOHWADDR;
	uvs_svc_changed(f.svc);
	expect_picks(&f, "C");
	f.d[2]->flags |= UVS_DEST_F_OVERLOAD;
	uvs_svc_changed(f.svc);
	expect_picks(&f, "-");
	teardown(&f);
}

/* lc ignores weight beyond "0 = never": weight 100 does not attract. */
static void
test_lc_ignores_weight(void **state)
{
	static const int w[] = { 1, 100 };
	struct fixture f;

	(void)state;
	setup(&f, "lc", 2, w);
	set_conns(f.d[0], 0, 3);
	set_conns(f.d[1], 0, 4);
	expect_picks(&f, "A");
	teardown(&f);
}

/*
 * wlc: least overhead/weight, compared as loh * w_d > doh * w_least.
 *   A w1 oh 100, B w3 oh 250, C w2 oh 180:
 *     least=A; B: 100*3=300 > 250*1 -> B; C: 250*2=500 > 180*3=540? no.
 *     -> B.
 *   A w2 oh 10, B w4 oh 20 (same ratio), C w1 oh 6: tie A/B -> A
 *     (10*4 > 20*2 false); C: 10*1 > 6*2 false -> A.
 *   active counts 256: A w1 1/0 = 256, B w1 0/200 = 200 -> B.
 *   weight 0 never: A w0 oh 0, B w1 oh 1000 -> B.
 *   no usable dest -> NULL.
 */
static void
test_wlc_picks(void **state)
{
	static const int w[] = { 1, 3, 2 };
	struct uvs_dest_conf dc;
	struct fixture f;

	(void)state;
	setup(&f, "wlc", 3, w);
	expect_picks(&f, "A");				/* all 0: first */
	set_conns(f.d[0], 0, 100);
	set_conns(f.d[1], 0, 250);
	set_conns(f.d[2], 0, 180);
	expect_picks(&f, "B");
	set_conns(f.d[2], 0, 160);			/* 250*2 > 160*3 */
	expect_picks(&f, "C");

	dc = dest_conf(RIP(1), 80, 2);
	assert_int_equal(uvs_dest_edit(f.svc, f.d[0], &dc), 0);
	dc = dest_conf(RIP(2), 80, 4);
	assert_int_equal(uvs_dest_edit(f.svc, f.d[1], &dc), 0);
	dc = dest_conf(RIP(3), 80, 1);
	assert_int_equal(uvs_dest_edit(f.svc, f.d[2], &dc), 0);
	set_conns(f.d[0], 0, 10);
	set_conns(f.d[1], 0, 20);
	set_conns(f.d[2], 0, 6);
	expect_picks(&f, "A");
	set_conns(f.d[1], 0, 19);
	expect_picks(&f, "B");
	teardown(&f);
}

static void
test_wlc_active_and_zero_weight(void **state)
{
	static const int w[] = { 1, 1 };
	static const int w01[] = { 0, 1 };
	struct fixture f;

	(void)state;
	setup(&f, "wlc", 2, w);
	set_conns(f.d[0], 1, 0);
	set_conns(f.d[1], 0, 200);
	expect_picks(&f, "B");
	set_conns(f.d[1], 1, 1);
	expect_picks(&f, "A");
	f.d[0]->flags |= UVS_DEST_F_OVERLOAD;
	uvs_svc_changed(f.svc);
	expect_picks(&f, "B");
	f.d[1]->flags |= UVS_DEST_F_NOHWADDR;
	uvs_svc_changed(f.svc);
	expect_picks(&f, "-");
	teardown(&f);

	setup(&f, "wlc", 2, w01);
	set_conns(f.d[1], 0, 1000);
	expect_picks(&f, "BBB");
	teardown(&f);
}

/* ------------------------------------------------------------ svc table */

/*
 * Every scheduler name IPVS accepts (ipvsadm's SCHEDULERS file plus the
 * kernel's twos) is registered, and nothing else answers.
 */
static void
test_registry(void **state)
{
	static const char *const ipvs[] = { "rr", "wrr", "lc", "wlc", "lblc",
	    "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos" };
	const size_t nipvs = sizeof(ipvs) / sizeof(ipvs[0]);
	const char *names[32];
	size_t n, i;

	(void)state;
	n = uvs_sched_names(names, 32);
	assert_int_equal(n, nipvs);
	for (i = 0; i < n; i++)
		assert_string_equal(uvs_sched_find(names[i])->name, names[i]);
	for (i = 0; i < nipvs; i++) {
		const struct uvs_sched_ops *ops = uvs_sched_find(ipvs[i]);

		assert_non_null(ops);
		assert_string_equal(ops->name, ipvs[i]);
		assert_non_null(ops->schedule);
	}
	assert_int_equal(uvs_sched_names(names, 2), 2);
	assert_null(uvs_sched_find("nosuch"));
	assert_null(uvs_sched_find(""));
	assert_null(uvs_sched_find("RR"));
}

static void
test_svc_add_find(void **state)
{
	struct uvs_svc_table t;
	struct uvs_svc_conf c;
	struct uvs_svc *s;

	(void)state;
	uvs_svc_table_init(&t);
	c = svc_conf(IPPROTO_TCP, VIP, 80, "wlc");
	assert_int_equal(uvs_svc_add(&t, &c), 0);
	assert_int_equal(uvs_svc_add(&t, &c), -EEXIST);
	c = svc_conf(IPPROTO_UDP, VIP, 80, "rr");	/* other proto */
	assert_int_equal(uvs_svc_add(&t, &c), 0);
	c = svc_conf(IPPROTO_TCP, VIP, 443, "rr");	/* other port */
	assert_int_equal(uvs_svc_add(&t, &c), 0);
	c = svc_conf(IPPROTO_TCP, VIP + 1, 80, "nosuch");
	assert_int_equal(uvs_svc_add(&t, &c), -ENOENT);
	c = svc_conf(0, VIP + 1, 80, "rr");
	assert_int_equal(uvs_svc_add(&t, &c), -EINVAL);
	assert_int_equal(t.nsvcs, 3);

	s = svc_find4(&t, IPPROTO_TCP, htonl(VIP), htons(80));
	assert_non_null(s);
	assert_string_equal(s->sched->name, "wlc");
	assert_int_equal(s->proto, IPPROTO_TCP);
	assert_int_equal(s->addr.ip, htonl(VIP));
	assert_int_equal(s->port, htons(80));
	s = svc_find4(&t, IPPROTO_UDP, htonl(VIP), htons(80));
	assert_non_null(s);
	assert_string_equal(s->sched->name, "rr");
	assert_null(svc_find4(&t, IPPROTO_UDP, htonl(VIP), htons(443)));
	assert_null(svc_find4(&t, IPPROTO_TCP, htonl(VIP), htons(81)));
	assert_null(svc_find4(&t, IPPROTO_TCP, htonl(VIP + 1), htons(80)));
	/* byte order matters: host-order port must not match */
	assert_null(svc_find4(&t, IPPROTO_TCP, htonl(VIP), 80));

	assert_true(svc_is_vip4(&t, htonl(VIP)));
	assert_false(svc_is_vip4(&t, htonl(VIP + 1)));
	assert_false(svc_is_vip4(&t, VIP));
	uvs_svc_table_free(&t);
	assert_int_equal(t.nsvcs, 0);
	assert_null(t.svcs);
	assert_false(svc_is_vip4(&t, htonl(VIP)));
}

static void
test_dest_add_errors(void **state)
{
	static const int w[] = { 1 };
	struct uvs_dest_conf dc;
	struct fixture f;
	struct uvs_dest *d;

	(void)state;
	setup(&f, "wlc", 1, w);
	dc = dest_conf(RIP(1), 80, 5);
	assert_int_equal(uvs_dest_add(f.svc, &dc), -EEXIST);
	assert_int_equal(f.d[0]->weight, 1);		/* unchanged */
	dc = dest_conf(RIP(1), 8080, 5);		/* same host, other port */
	assert_int_equal(uvs_dest_add(f.svc, &dc), 0);
	dc = dest_conf(RIP(2), 80, -1);
	assert_int_equal(uvs_dest_add(f.svc, &dc), -EINVAL);
	dc = dest_conf(RIP(2), 80, 65536);
	assert_int_equal(uvs_dest_add(f.svc, &dc), -EINVAL);
	assert_null(dest_find4(f.svc, htonl(RIP(2)), htons(80)));
	assert_int_equal(f.svc->ndests, 2);
	dc = dest_conf(RIP(2), 80, 65535);
	assert_int_equal(uvs_dest_add(f.svc, &dc), 0);
	dc = dest_conf(RIP(3), 80, 0);
	assert_int_equal(uvs_dest_add(f.svc, &dc), 0);
	assert_int_equal(f.svc->ndests, 4);

	d = dest_find4(f.svc, htonl(RIP(2)), htons(80));
	assert_non_null(d);
	assert_int_equal(d->weight, 65535);
	assert_ptr_equal(d->svc, f.svc);
	assert_int_equal(d->activeconns + d->inactconns, 0);
	assert_ptr_equal(f.svc->dests[1], d);	/* newest first, as IPVS */
	assert_null(dest_find4(f.svc, htonl(RIP(4)), htons(80)));

	dc = dest_conf(RIP(2), 80, 65536);
	assert_int_equal(uvs_dest_edit(f.svc, d, &dc), -EINVAL);
	assert_int_equal(d->weight, 65535);
	dc = dest_conf(RIP(2), 80, 7);
	dc.u_threshold = 100;
	dc.l_threshold = 50;
	assert_int_equal(uvs_dest_edit(f.svc, d, &dc), 0);
	assert_int_equal(d->weight, 7);
	assert_int_equal(d->u_threshold, 100);
	assert_int_equal(d->l_threshold, 50);
	teardown(&f);
}

/*
 * uvs_svc_edit swaps the scheduler: rr A B picks A, then the service is
 * edited to wrr with weights 1,2 (di 1, mw 2): cw=2: B; cw=1: A B ->
 * B A B repeating; then to wlc. Unknown scheduler or service changes
 * nothing.
 */
static void
test_svc_edit_scheduler(void **state)
{
	static const int w[] = { 1, 2 };
	struct uvs_svc_conf c;
	struct fixture f;

	(void)state;
	setup(&f, "rr", 2, w);
	expect_picks(&f, "ABA");

	c = svc_conf(IPPROTO_TCP, VIP, 80, "nosuch");
	assert_int_equal(uvs_svc_edit(&f.t, &c), -ENOENT);
	assert_string_equal(f.svc->sched->name, "rr");
	expect_picks(&f, "B");
	c = svc_conf(IPPROTO_TCP, VIP, 81, "wrr");
	assert_int_equal(uvs_svc_edit(&f.t, &c), -ESRCH);
	assert_string_equal(f.svc->sched->name, "rr");

	c = svc_conf(IPPROTO_TCP, VIP, 80, "wrr");
	c.timeout = 360;
	assert_int_equal(uvs_svc_edit(&f.t, &c), 0);
	assert_ptr_equal(f.svc->sched, uvs_sched_find("wrr"));
	assert_int_equal(f.svc->timeout, 360);
	expect_picks(&f, "BAB" "BAB");

	/* same scheduler again: state kept, only flags/timeout change */
	c.timeout = 0;
	assert_int_equal(uvs_svc_edit(&f.t, &c), 0);
	assert_int_equal(f.svc->timeout, 0);
	expect_picks(&f, "BAB");

	c = svc_conf(IPPROTO_TCP, VIP, 80, "wlc");
	assert_int_equal(uvs_svc_edit(&f.t, &c), 0);
	assert_string_equal(f.svc->sched->name, "wlc");
	set_conns(f.d[0], 0, 3);
	set_conns(f.d[1], 0, 5);			/* 3*2 > 5*1 */
	expect_picks(&f, "B");

	c = svc_conf(IPPROTO_TCP, VIP, 80, "rr");
	assert_int_equal(uvs_svc_edit(&f.t, &c), 0);
	expect_picks(&f, "ABAB");			/* fresh rr: from head */
	teardown(&f);
}

/*
 * uvs_dest_set_out: out, a dest keeps its place in the array (flows and
 * listings still find it) but is not listed; back, it moves to the head
 * with last_weight = weight, as ip_vs_add_dest leaves a re-added dest.
 * Putting back a dest that is not out moves nothing.
 */
static void
test_dest_out_and_back(void **state)
{
	static const int w[] = { 1, 2, 3 };
	struct fixture f;

	(void)state;
	setup(&f, "rr", 3, w);
	uvs_dest_set_out(f.svc, f.d[1], 1);
	assert_false(uvs_dest_listed(f.d[1]));
	assert_false(uvs_dest_usable(f.d[1]));
	assert_ptr_equal(f.svc->dests[1], f.d[1]);
	expect_picks(&f, "ACAC");
	set_weight(&f, 1, 0);
	set_weight(&f, 1, 5);
	assert_int_equal(f.d[1]->last_weight, 5);
	uvs_dest_set_out(f.svc, f.d[2], 0);
	assert_ptr_equal(f.svc->dests[2], f.d[2]);
	uvs_dest_set_out(f.svc, f.d[1], 0);
	assert_true(uvs_dest_listed(f.d[1]));
	assert_ptr_equal(f.svc->dests[0], f.d[1]);
	assert_ptr_equal(f.svc->dests[1], f.d[0]);
	assert_ptr_equal(f.svc->dests[2], f.d[2]);
	assert_int_equal(f.d[1]->last_weight, 5);
	/* out with weight 0, back: last weight 0, as a re-add with -w 0 */
	uvs_dest_set_out(f.svc, f.d[0], 1);
	set_weight(&f, 0, 0);
	assert_int_equal(f.d[0]->last_weight, 1);
	uvs_dest_set_out(f.svc, f.d[0], 0);
	assert_int_equal(f.d[0]->last_weight, 0);
	teardown(&f);
}

static void
test_svc_del(void **state)
{
	static const int w[] = { 1, 1, 1 };
	struct uvs_svc_conf c;
	struct uvs_svc *s;
	struct fixture f;

	(void)state;
	setup(&f, "wrr", 3, w);
	c = svc_conf(IPPROTO_TCP, VIP + 1, 80, "rr");
	assert_int_equal(uvs_svc_add(&f.t, &c), 0);
	c = svc_conf(IPPROTO_UDP, VIP, 53, "lc");
	assert_int_equal(uvs_svc_add(&f.t, &c), 0);
	assert_int_equal(f.t.nsvcs, 3);

	uvs_svc_del(&f.t, f.svc);			/* first, with dests */
	f.svc = NULL;
	assert_int_equal(f.t.nsvcs, 2);
	assert_null(svc_find4(&f.t, IPPROTO_TCP, htonl(VIP), htons(80)));
	assert_true(svc_is_vip4(&f.t, htonl(VIP)));	/* UDP :53 stays */
	s = svc_find4(&f.t, IPPROTO_UDP, htonl(VIP), htons(53));
	assert_non_null(s);
	uvs_svc_del(&f.t, s);				/* last */
	assert_int_equal(f.t.nsvcs, 1);
	assert_false(svc_is_vip4(&f.t, htonl(VIP)));
	assert_true(svc_is_vip4(&f.t, htonl(VIP + 1)));
	assert_non_null(svc_find4(&f.t, IPPROTO_TCP, htonl(VIP + 1),
	    htons(80)));
	/* the slot can be used again */
	c = svc_conf(IPPROTO_TCP, VIP, 80, "wlc");
	assert_int_equal(uvs_svc_add(&f.t, &c), 0);
	assert_int_equal(f.t.nsvcs, 2);
	teardown(&f);
}

/*
 * Everything at once: many services (past the arrays' first growth), each
 * scheduler, dests added, edited and deleted, then one free. Valgrind or
 * ASan must find nothing left.
 */
static void
test_svc_table_free_all(void **state)
{
	static const char *const scheds[] = { "rr", "wrr", "lc", "wlc" };
	struct uvs_svc_table t;
	unsigned i, j;

	(void)state;
	uvs_svc_table_init(&t);
	for (i = 0; i < 10; i++) {
		struct uvs_svc_conf c = svc_conf(i % 2 ? IPPROTO_UDP :
		    IPPROTO_TCP, VIP + i, 80, scheds[i % 4]);
		struct uvs_svc *s;

		assert_int_equal(uvs_svc_add(&t, &c), 0);
		s = svc_find4(&t, c.proto, c.addr.ip, c.port);
		assert_non_null(s);
		for (j = 0; j < 9; j++) {
			struct uvs_dest_conf dc = dest_conf(RIP(20 + j), 80,
			    (int)j);

			assert_int_equal(uvs_dest_add(s, &dc), 0);
		}
		assert_non_null(s->sched->schedule(s, NULL));
		uvs_dest_del(s, s->dests[4]);
		assert_int_equal(s->ndests, 8);
		if (i % 4 == 1) {
			struct uvs_svc_conf e = c;

			strcpy(e.sched, "rr");
			assert_int_equal(uvs_svc_edit(&t, &e), 0);
		}
	}
	assert_int_equal(t.nsvcs, 10);
	uvs_svc_table_free(&t);
	assert_int_equal(t.nsvcs, 0);
	assert_null(t.svcs);
	/* a freed table is an empty one and can be reused */
	assert_null(svc_find4(&t, IPPROTO_TCP, htonl(VIP), htons(80)));
	uvs_svc_table_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rr_cycles_in_order),
		cmocka_unit_test(test_rr_skips_unusable),
		cmocka_unit_test(test_rr_last_pick_deleted),
		cmocka_unit_test(test_rr_other_dest_deleted),
		cmocka_unit_test(test_rr_last_pick_and_predecessor_deleted),
		cmocka_unit_test(test_rr_last_pick_out_and_back),
		cmocka_unit_test(test_rr_none_usable),
		cmocka_unit_test(test_wrr_432),
		cmocka_unit_test(test_wrr_gcd),
		cmocka_unit_test(test_wrr_zero_weights),
		cmocka_unit_test(test_wrr_overload),
		cmocka_unit_test(test_wrr_all_overloaded_terminates),
		cmocka_unit_test(test_wrr_weight_edit),
		cmocka_unit_test(test_wrr_gcd_change),
		cmocka_unit_test(test_wrr_out_as_deleted),
		cmocka_unit_test(test_lc_picks),
		cmocka_unit_test(test_lc_ignores_weight),
		cmocka_unit_test(test_wlc_picks),
		cmocka_unit_test(test_wlc_active_and_zero_weight),
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_svc_add_find),
		cmocka_unit_test(test_dest_add_errors),
		cmocka_unit_test(test_svc_edit_scheduler),
		cmocka_unit_test(test_dest_out_and_back),
		cmocka_unit_test(test_svc_del),
		cmocka_unit_test(test_svc_table_free_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
