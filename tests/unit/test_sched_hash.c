/*
 * Unit tests for the hashing schedulers sh, dh and mh (sched/sh.c, dh.c,
 * mh.c). sh and dh picks are worked out by hand below from IPVS's
 * formulas: a client's bucket is hash_32(addr) = (addr * 0x61c88647 mod
 * 2^32) >> 24, and the table gives bucket b to a dest by walking the dest
 * list. mh is checked for Maglev's properties (full table, shares by
 * weight, little movement when a dest comes or goes) and for a few known
 * answers of IPVS's hash. As in test_sched.c, setup() adds the dests last
 * to first so that the list, newest first as in IPVS, reads A, B, C.
 */
#include "sched_fixture.h"

#define CLIENT(n)	(0xc6120064u + (n))	/* 198.18.0.100 ... */

/* The scheduler's pick for client caddr:cport to vaddr:80 (host order). */
static struct uvs_dest *
pick_for(struct fixture *f, uint32_t caddr, uint16_t cport, uint32_t vaddr)
{
	struct uvs_flow flow = {
		.proto = IPPROTO_TCP, .af = AF_INET,
		.caddr = uvs_inaddr4(htonl(caddr)), .cport = htons(cport),
		.vaddr = uvs_inaddr4(htonl(vaddr)), .vport = htons(80),
	};

	return f->svc->sched->schedule(f->svc, &flow);
}

static struct uvs_dest *
pick(struct fixture *f, uint32_t caddr)
{
	return pick_for(f, caddr, 40000, VIP);
}

/* Picks for clients CLIENT(0), CLIENT(1), ... as one string of letters. */
static void
expect_clients(struct fixture *f, const char *want)
{
	char got[64];
	size_t i, n = strlen(want);

	assert_true(n < sizeof(got));
	for (i = 0; i < n; i++)
		got[i] = letter(f, pick(f, CLIENT(i)));
	got[n] = '\0';
	assert_string_equal(got, want);
}

static void
set_flags(struct fixture *f, unsigned i, uint32_t flags)
{
	f->d[i]->flags = flags;
	uvs_svc_changed(f->svc);
}

/* ------------------------------------------------------------ sh */

/*
 * Buckets of the clients 198.18.0.100 ... 103, hash_32(addr, 8):
 *   0xc6120064 * 0x61c88647 = 0x8d5273bc (mod 2^32) -> 0x8d = 141
 *   0xc6120065 * 0x61c88647 = 0xef1afa03            -> 0xef = 239
 *   0xc6120066 * 0x61c88647 = 0x50e3804a            -> 0x50 =  80
 *   0xc6120067 * 0x61c88647 = 0xb2ac0691            -> 0xb2 = 178
 * sh with A B C of weight 1 fills bucket b with dest b mod 3:
 *   141 -> 0 A, 239 -> 2 C, 80 -> 2 C, 178 -> 1 B.
 */
static void
test_sh_picks_by_source(void **state)
{
	static const int w[] = { 1, 1, 1 };
	struct fixture f;
	int k;

	(void)state;
	setup_flags(&f, "sh", 0, 3, w);
	expect_clients(&f, "ACCB");
	/* the client's port does not count without sh-port */
	for (k = 0; k < 50; k++)
		assert_ptr_equal(pick_for(&f, CLIENT(0), (uint16_t)(1024 + k),
		    VIP), f.d[0]);
	expect_clients(&f, "ACCB");
	teardown(&f);
}

/*
 * sh weights: each dest takes `weight' buckets in a row. A=1 B=2 C=1:
 * buckets A B B C A B B C ..., bucket b -> b mod 4 (0 A, 1-2 B, 3 C):
 *   141 mod 4 = 1 B, 239 = 3 C, 80 = 0 A, 178 = 2 B.
 * Weight 0 still takes one bucket (ip_vs_sh_reassign moves on once
 * ++count >= weight): A=0 B=1 C=1 gives the table of 1,1,1, and the
 * client on A's bucket gets NULL: - C C B.
 */
static void
test_sh_weighted_fill(void **state)
{
	static const int w121[] = { 1, 2, 1 };
	static const int w011[] = { 0, 1, 1 };
	struct fixture f;

	(void)state;
	setup_flags(&f, "sh", 0, 3, w121);
	expect_clients(&f, "BCAB");
	teardown(&f);

	setup_flags(&f, "sh", 0, 3, w011);
	expect_clients(&f, "-CCB");
	teardown(&f);
}

/*
 * sh without sh-fallback: the bucket's dest or nothing. 1,1,1 with C
 * OVERLOAD: clients on C's buckets (239, 80) get NULL: A - - B. B
 * NOHWADDR as well: A - - -. A back to usable after its weight edit.
 */
static void
test_sh_unusable_no_fallback(void **state)
{
	static const int w[] = { 1, 1, 1 };
	struct fixture f;

	(void)state;
	setup_flags(&f, "sh", 0, 3, w);
	set_flags(&f, 2, UVS_DEST_F_OVERLOAD);
	expect_clients(&f, "A--B");
	set_flags(&f, 1, UVS_DEST_F_NOHWADDR);
	expect_clients(&f, "A---");
	set_weight(&f, 0, 0);
	expect_clients(&f, "----");
	set_weight(&f, 0, 1);
	set_flags(&f, 1, 0);
	set_flags(&f, 2, 0);
	expect_clients(&f, "ACCB");
	teardown(&f);
}

/*
 * sh-fallback (ip_vs_sh_get_fallback): the walk adds offsets h, h+1, ...
 * (mod 256) to a key that is already h, so it tries buckets 2h, 2h+1, ...
 * 1,1,1 (bucket b -> b mod 3), C OVERLOAD:
 *   .100: 141 A usable -> A
 *   .101: 239 C; walk 478-256 = 222 -> 222 mod 3 = 0 A
 *   .102:  80 C; walk 160 -> 160 mod 3 = 1 B
 *   .103: 178 B usable -> B
 * A and C OVERLOAD:
 *   .100: 141 A; walk 26 (2 C), 27 (0 A), 28 (1 B) -> B
 *   .101: 239 C; walk 222 (0 A), 223 (1 B) -> B
 *   .102:  80 C; walk 160 (1 B) -> B;   .103: B
 * All three: the walk ends after 256 buckets: NULL.
 */
static void
test_sh_fallback(void **state)
{
	static const int w[] = { 1, 1, 1 };
	struct fixture f;

	(void)state;
	setup_flags(&f, "sh", UVS_SVC_F_SH_FALLBACK, 3, w);
	expect_clients(&f, "ACCB");
	set_flags(&f, 2, UVS_DEST_F_OVERLOAD);
	expect_clients(&f, "AABB");
	set_flags(&f, 0, UVS_DEST_F_OVERLOAD);
	expect_clients(&f, "BBBB");
	set_flags(&f, 1, UVS_DEST_F_OVERLOAD);
	expect_clients(&f, "----");
	/* weight 0 is unusable too: A=0, B and C back */
	set_flags(&f, 0, 0);
	set_flags(&f, 1, 0);
	set_flags(&f, 2, 0);
	set_weight(&f, 0, 0);
	/* A=0 B=1 C=1: table as 1,1,1; .100 on A -> walk 26 -> 2 C */
	expect_clients(&f, "CCCB");
	teardown(&f);
}

/*
 * sh-port: the key is hash_32(port + addr). Client 198.18.0.100, ports
 * 40000 ... 40005, 0xc6120064 + port:
 *   0xc6129ca4 * 0x61c88647 = 0x3147497c -> 0x31 =  49 -> 49 mod 3 = 1 B
 *   0xc6129ca5              = 0x930fcfc3 -> 0x93 = 147 -> 0 A
 *   0xc6129ca6              = 0xf4d8560a -> 0xf4 = 244 -> 1 B
 *   0xc6129ca7              = 0x56a0dc51 -> 0x56 =  86 -> 2 C
 *   0xc6129ca8              = 0xb8696298 -> 0xb8 = 184 -> 1 B
 *   0xc6129ca9              = 0x1a31e8df -> 0x1a =  26 -> 2 C
 */
static void
test_sh_port(void **state)
{
	static const int w[] = { 1, 1, 1 };
	struct fixture f;
	char got[7];
	unsigned seen[3] = { 0, 0, 0 };
	int k;

	(void)state;
	setup_flags(&f, "sh", UVS_SVC_F_SH_PORT, 3, w);
	for (k = 0; k < 6; k++)
		got[k] = letter(&f, pick_for(&f, CLIENT(0),
		    (uint16_t)(40000 + k), VIP));
	got[6] = '\0';
	assert_string_equal(got, "BABCBC");
	/* one client's ports spread over every dest, each port stays put */
	for (k = 0; k < 300; k++) {
		struct uvs_dest *d = pick_for(&f, CLIENT(0),
		    (uint16_t)(1024 + k), VIP);

		assert_ptr_equal(d, pick_for(&f, CLIENT(0),
		    (uint16_t)(1024 + k), VIP));
		seen[letter(&f, d) - 'A']++;
	}
	assert_true(seen[0] > 50 && seen[1] > 50 && seen[2] > 50);
	teardown(&f);
}

/*
 * A removed dest re-fills the table. 1,1,1: A C C B. Without B the list
 * is A C, bucket b -> b mod 2 (0 A, 1 C): 141 C, 239 C, 80 A, 178 A.
 * A new dest D (weight 1) goes to the head: D A C, b mod 3 (0 D, 1 A,
 * 2 C): 141 D, 239 C, 80 C, 178 A. No dests at all: NULL.
 */
static void
test_sh_dest_removed(void **state)
{
	static const int w[] = { 1, 1, 1 };
	struct fixture f;

	(void)state;
	setup_flags(&f, "sh", 0, 3, w);
	expect_clients(&f, "ACCB");
	del_dest(&f, 1);
	expect_clients(&f, "CCAA");
	add_dest(&f, 3, 1);
	expect_clients(&f, "DCCA");
	del_dest(&f, 0);
	del_dest(&f, 2);
	del_dest(&f, 3);
	expect_clients(&f, "----");
	teardown(&f);
}

/*
 * Health checks take B out (on-fail remove): sh fills its table from the
 * list without B, as IPVS does once keepalived deleted it, so B's
 * clients are served; back, B is first in the list, where a re-add puts
 * it. A B C D of weight 1, picks for .100 ... .119 by the independent
 * model tests/lab/ipvs_hash.py:
 *   A B C D   BDACACABDBDACACABDBD
 *   A C D     ADDCDCAADCDACADACDCA   B out: the buckets are dealt anew
 *   B A C D   ADBCBCBADADBCBCBADAD   B back, at the head
 * Weight 0 (on-fail inhibit) keeps B's buckets instead: its clients get
 * nothing, -DACACA-D-DACACA-D-D, or with sh-fallback the walk,
 * CDACACACDCDACACACDCD. With every dest out the table is empty.
 */
static void
test_sh_out_as_deleted(void **state)
{
	static const int w[] = { 1, 1, 1, 1 };
	struct fixture f;
	unsigned i;

	(void)state;
	setup_flags(&f, "sh", 0, 4, w);
	expect_clients(&f, "BDACACABDBDACACABDBD");
	uvs_dest_set_out(f.svc, f.d[1], 1);
	expect_clients(&f, "ADDCDCAADCDACADACDCA");
	uvs_dest_set_out(f.svc, f.d[1], 0);
	assert_ptr_equal(f.svc->dests[0], f.d[1]);
	expect_clients(&f, "ADBCBCBADADBCBCBADAD");
	for (i = 0; i < 4; i++)
		uvs_dest_set_out(f.svc, f.d[i], 1);
	expect_clients(&f, "----");
	teardown(&f);

	setup_flags(&f, "sh", 0, 4, w);
	set_weight(&f, 1, 0);
	expect_clients(&f, "-DACACA-D-DACACA-D-D");
	teardown(&f);
	setup_flags(&f, "sh", UVS_SVC_F_SH_FALLBACK, 4, w);
	set_weight(&f, 1, 0);
	expect_clients(&f, "CDACACACDCDACACACDCD");
	teardown(&f);
}

/* uvs_svc_edit() to another scheduler, as `uvsadm -E -s name' does. */
static void
switch_sched(struct fixture *f, const char *sched)
{
	struct uvs_svc_conf sc = svc_conf(IPPROTO_TCP, VIP, 80, sched);

	assert_int_equal(uvs_svc_edit(&f->t, &sc), 0);
	assert_string_equal(f->svc->sched->name, sched);
}

/*
 * Switching a service's scheduler to sh, dh or mh builds the table from
 * the dests it already has: svc_edit calls init, not update. sh then
 * picks as a service made with sh.
 */
static void
test_hash_sched_switch(void **state)
{
	static const int w[] = { 1, 1, 1 };
	static const char *const scheds[] = { "sh", "dh", "mh" };
	struct fixture f;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(scheds) / sizeof(scheds[0]); i++) {
		setup_flags(&f, "rr", 0, 3, w);
		switch_sched(&f, scheds[i]);
		assert_non_null(pick(&f, CLIENT(0)));
		teardown(&f);
	}
	setup_flags(&f, "rr", 0, 3, w);
	switch_sched(&f, "sh");
	expect_clients(&f, "ACCB");
	switch_sched(&f, "mh");
	expect_clients(&f, "CCCCBBBCAA");	/* see test_mh_known_answers */
	teardown(&f);
}

/* ------------------------------------------------------------ dh */

/*
 * dh hashes the destination address; bucket b gets dest b mod n whatever
 * the weights.
 *   VIP 198.18.0.10: 0xc612000a * 0x61c88647 = 0x2cd33ec6 -> 44 -> 2 C
 *   198.18.0.11:     0xc612000b              = 0x8e9bc50d -> 142 -> 1 B
 *   198.18.0.12:     0xc612000c              = 0xf0644b54 -> 240 -> 0 A
 * Every client of the service (one VIP) goes to C.
 */
static void
test_dh_picks_by_destination(void **state)
{
	static const int w111[] = { 1, 1, 1 };
	static const int w511[] = { 5, 1, 1 };
	struct fixture f;

	(void)state;
	setup_flags(&f, "dh", 0, 3, w111);
	expect_clients(&f, "CCCCCCCC");
	assert_ptr_equal(pick_for(&f, CLIENT(0), 1, RIP(1)), f.d[1]);
	assert_ptr_equal(pick_for(&f, CLIENT(0), 1, RIP(2)), f.d[0]);
	teardown(&f);

	setup_flags(&f, "dh", 0, 3, w511);
	expect_clients(&f, "CCCC");
	assert_ptr_equal(pick_for(&f, CLIENT(0), 1, RIP(1)), f.d[1]);
	assert_ptr_equal(pick_for(&f, CLIENT(0), 1, RIP(2)), f.d[0]);
	teardown(&f);
}

/*
 * dh has no fallback: C (bucket 44) OVERLOAD, NOHWADDR or weight 0 ->
 * NULL, even with flag-1 set. Removing C: A B, 44 mod 2 = 0 -> A.
 */
static void
test_dh_unusable_and_removed(void **state)
{
	static const int w[] = { 1, 1, 1 };
	struct fixture f;

	(void)state;
	setup_flags(&f, "dh", UVS_SVC_F_SCHED1, 3, w);
	set_flags(&f, 2, UVS_DEST_F_OVERLOAD);
	expect_clients(&f, "--");
	set_flags(&f, 2, UVS_DEST_F_NOHWADDR);
	expect_clients(&f, "--");
	set_flags(&f, 2, 0);
	set_weight(&f, 2, 0);
	expect_clients(&f, "--");
	set_weight(&f, 2, 1);
	expect_clients(&f, "CC");
	del_dest(&f, 2);
	expect_clients(&f, "AA");
	del_dest(&f, 0);
	del_dest(&f, 1);
	expect_clients(&f, "--");
	teardown(&f);
}

/*
 * dh with C taken out: the list is A B, and the VIP's bucket 44 goes to
 * 44 mod 2 = 0, A, as after keepalived deleted C. Back, C heads the
 * list C A B, and bucket 44 (44 mod 3 = 2) goes to B, as after a re-add.
 */
static void
test_dh_out_as_deleted(void **state)
{
	static const int w[] = { 1, 1, 1 };
	struct fixture f;

	(void)state;
	setup_flags(&f, "dh", 0, 3, w);
	expect_clients(&f, "CC");
	uvs_dest_set_out(f.svc, f.d[2], 1);
	expect_clients(&f, "AA");
	uvs_dest_set_out(f.svc, f.d[2], 0);
	expect_clients(&f, "BB");
	teardown(&f);
}

/* ------------------------------------------------------------ mh */

static struct uvs_dest *const *
mh_table(const struct fixture *f, unsigned *size)
{
	struct uvs_dest *const *t = uvs_sched_mh_table(f->svc, size);

	assert_non_null(t);
	return t;
}

static unsigned
mh_count(const struct fixture *f, const struct uvs_dest *d)
{
	unsigned size, i, n = 0;
	struct uvs_dest *const *t = mh_table(f, &size);

	for (i = 0; i < size; i++)
		n += t[i] == d;
	return n;
}

/* Every slot holds one of the fixture's dests. */
static void
assert_mh_full(const struct fixture *f)
{
	unsigned size, i;
	struct uvs_dest *const *t = mh_table(f, &size);

	for (i = 0; i < size; i++) {
		assert_non_null(t[i]);
		assert_true(letter(f, t[i]) != '?');
	}
}

/* A fixed pseudo-random stream (xorshift64*), the same on every run. */
static uint32_t
next_random(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (uint32_t)((*s * 0x2545f4914f6cdd1dull) >> 32);
}

#define NCLIENTS	100000

static uint32_t clients[NCLIENTS];
static char before[NCLIENTS];	/* each client's dest, as a letter */

static void
random_clients(void)
{
	uint64_t s = 0x9e3779b97f4a7c15ull;
	unsigned i;

	for (i = 0; i < NCLIENTS; i++)
		clients[i] = next_random(&s);
}

static void
pick_all(struct fixture *f, char *out)
{
	unsigned i;

	for (i = 0; i < NCLIENTS; i++)
		out[i] = letter(f, pick(f, clients[i]));
}

/*
 * d holds share slots within tol: dests take turns of weight/gcd slots
 * each, so only the last, unfinished round strays from the exact share,
 * by less than one turn.
 */
static void
assert_mh_share(const struct fixture *f, const struct uvs_dest *d,
    double share, double tol)
{
	double got = mh_count(f, d);

	if (got < share - tol || got > share + tol)
		fail_msg("%c holds %.0f slots, not %.2f +- %.0f",
		    letter(f, d), got, share, tol);
}

static int
is_prime(unsigned n)
{
	unsigned k;

	if (n < 2)
		return 0;
	for (k = 2; k * k <= n; k++)
		if (n % k == 0)
			return 0;
	return 1;
}

/* The table size is one of IPVS's primes; 4093 by default. */
static void
test_mh_table_size(void **state)
{
	static const unsigned primes[] = {
		251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071,
	};
	static const int w[] = { 1 };
	struct fixture f;
	unsigned size, i, found = 0;

	(void)state;
	setup_flags(&f, "mh", 0, 1, w);
	(void)mh_table(&f, &size);
	assert_true(is_prime(size));
	for (i = 0; i < sizeof(primes) / sizeof(primes[0]); i++)
		found |= primes[i] == size;
	assert_true(found);
	assert_int_equal(size, 4093);
	assert_int_equal(mh_count(&f, f.d[0]), size);
	teardown(&f);
}

/*
 * IPVS's hash: hsiphash (SipHash-1-3 on 64-bit) of the u32 addr + port,
 * keys 2654435761 (offset, lookup) and 2654446892 (skip). Worked out by
 * an independent Python SipHash-1-3 (checked against Python's own
 * siphash13 with a zero key):
 *   A 198.18.0.11:80  v = 0xc612005b: h1 = 0x8b5a3d02 -> offset 724
 *   B 198.18.0.12:80  v = 0xc612005c: h1 = 0x2b4c61cb -> offset 419
 *   C 198.18.0.13:80  v = 0xc612005d: h1 = 0x1d393687 -> offset 584
 * The first round gives each dest the first slot of its walk, free as
 * the offsets differ. Client 198.18.0.100: h1(0xc6120064) = 0xda976713
 * -> slot 2853, which the full population (same script) gives to C;
 * clients .100 ... .109 go to C C C C B B B C A A. With weights 1,2,3
 * the counts are A 683, B 1364, C 2046.
 */
static void
test_mh_known_answers(void **state)
{
	static const int w111[] = { 1, 1, 1 };
	static const int w123[] = { 1, 2, 3 };
	struct fixture f;
	struct uvs_dest *const *t;
	unsigned size;

	(void)state;
	setup_flags(&f, "mh", 0, 3, w111);
	t = mh_table(&f, &size);
	assert_ptr_equal(t[724], f.d[0]);
	assert_ptr_equal(t[419], f.d[1]);
	assert_ptr_equal(t[584], f.d[2]);
	assert_ptr_equal(t[2853], f.d[2]);
	expect_clients(&f, "CCCCBBBCAA");
	teardown(&f);

	setup_flags(&f, "mh", 0, 3, w123);
	assert_int_equal(mh_count(&f, f.d[0]), 683);
	assert_int_equal(mh_count(&f, f.d[1]), 1364);
	assert_int_equal(mh_count(&f, f.d[2]), 2046);
	teardown(&f);
}

/*
 * The table is full and each dest holds its weight's share, within one
 * turn of weight/gcd slots: one slot when the weights are equal or 1,2,3
 * (2,4,6 has gcd 2 and fills as 1,2,3); 5,1,3,2,4 takes turns of 15
 * slots, 4093 = 272 * 15 + 13, and in the last 13 E gets 2 of its 4:
 * 1090 slots for a share of 1091.47.
 */
static void
test_mh_shares_by_weight(void **state)
{
	static const struct {
		int		 w[5];
		unsigned	 n;
		int		 by_turn;	/* tolerance: one turn, not 1 */
	} sets[] = {
		{ { 1, 1, 1 }, 3, 0 }, { { 1, 2, 3 }, 3, 0 },
		{ { 2, 4, 6 }, 3, 0 }, { { 1, 1, 1, 1, 1 }, 5, 0 },
		{ { 7, 7 }, 2, 0 }, { { 5, 1, 3, 2, 4 }, 5, 1 },
	};
	size_t s;

	(void)state;
	for (s = 0; s < sizeof(sets) / sizeof(sets[0]); s++) {
		struct fixture f;
		unsigned size, i;
		int total = 0;

		setup_flags(&f, "mh", 0, sets[s].n, sets[s].w);
		(void)mh_table(&f, &size);
		assert_mh_full(&f);
		for (i = 0; i < f.nd; i++)
			total += sets[s].w[i];
		for (i = 0; i < f.nd; i++)
			assert_mh_share(&f, f.d[i],
			    (double)size * sets[s].w[i] / total,
			    sets[s].by_turn ? sets[s].w[i] : 1);
		teardown(&f);
	}
}

/*
 * Weights beyond MH_TAB_BITS (6 bits for the default table) are shifted
 * as IPVS does: 100 and 1 have gcd 1, 100 needs 7 bits, shift 1: turns
 * 50 and (1 >> 1 = 0 -> 1): 50:1 rather than 100:1.
 */
static void
test_mh_large_weights_scaled(void **state)
{
	static const int w[] = { 100, 1 };
	struct fixture f;
	unsigned size;

	(void)state;
	setup_flags(&f, "mh", 0, 2, w);
	(void)mh_table(&f, &size);
	assert_mh_full(&f);
	assert_mh_share(&f, f.d[1], size / 51.0, 1);
	teardown(&f);
}

/*
 * Changing a weight changes the shares: A 1 -> 3 of 1,1,1 takes 3/5 of
 * the table (4093 = 818 * 5 + 3: 2457 for 2455.8, within A's turn of 3),
 * B and C 1/5 each; back to 1, a third each again.
 */
static void
test_mh_weight_change(void **state)
{
	static const int w[] = { 1, 1, 1 };
	struct fixture f;
	unsigned size, i;

	(void)state;
	setup_flags(&f, "mh", 0, 3, w);
	(void)mh_table(&f, &size);
	for (i = 0; i < 3; i++)
		assert_mh_share(&f, f.d[i], size / 3.0, 1);
	set_weight(&f, 0, 3);
	assert_mh_share(&f, f.d[0], size * 3 / 5.0, 3);
	assert_mh_share(&f, f.d[1], size / 5.0, 1);
	assert_mh_share(&f, f.d[2], size / 5.0, 1);
	set_weight(&f, 0, 1);
	for (i = 0; i < 3; i++)
		assert_mh_share(&f, f.d[i], size / 3.0, 1);
	teardown(&f);
}

/* The same client gets the same dest, across lookups and rebuilds. */
static void
test_mh_stable(void **state)
{
	static const int w[] = { 1, 2, 3, 1 };
	struct fixture f;
	unsigned i;

	(void)state;
	random_clients();
	setup_flags(&f, "mh", 0, 4, w);
	pick_all(&f, before);
	uvs_svc_changed(f.svc);	/* a rebuild with nothing changed */
	for (i = 0; i < NCLIENTS; i++) {
		assert_true(before[i] >= 'A' && before[i] <= 'D');
		assert_int_equal(letter(&f, pick(&f, clients[i])), before[i]);
	}
	teardown(&f);
}

/*
 * Maglev's promise: removing one of n dests moves the flows that were on
 * it and few others (< 5% of all); adding one moves about 1/(n+1).
 * Measured over 100000 pseudo-random clients (IPVS's hash, by the Python
 * script: 0.2%, 0.4%, 0.9% extra moves on removal, 25.6%, 17.8%, 10.3%
 * moved by an addition for n = 3, 5, 10).
 */
static void
test_mh_remove_moves_few(void **state)
{
	static const int w[FIXTURE_MAXD] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
	static const unsigned ns[] = { 3, 5, 10 };
	size_t k;

	(void)state;
	random_clients();
	for (k = 0; k < sizeof(ns) / sizeof(ns[0]); k++) {
		struct fixture f;
		char gone = (char)('A' + ns[k] / 2);
		unsigned i, others = 0;

		setup_flags(&f, "mh", 0, ns[k], w);
		pick_all(&f, before);
		del_dest(&f, ns[k] / 2);
		assert_mh_full(&f);
		for (i = 0; i < NCLIENTS; i++) {
			char now = letter(&f, pick(&f, clients[i]));

			assert_true(now >= 'A' && now != gone);
			if (before[i] != gone && now != before[i])
				others++;
		}
		assert_true(others < NCLIENTS / 20);
		teardown(&f);
	}
}

static void
test_mh_add_moves_share(void **state)
{
	static const int w[FIXTURE_MAXD] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
	static const unsigned ns[] = { 3, 5, 10 };
	size_t k;

	(void)state;
	random_clients();
	for (k = 0; k < sizeof(ns) / sizeof(ns[0]); k++) {
		struct fixture f;
		unsigned i, n = ns[k], moved = 0, to_new = 0;
		double frac;

		setup_flags(&f, "mh", 0, n, w);
		pick_all(&f, before);
		add_dest(&f, n, 1);
		assert_mh_full(&f);
		for (i = 0; i < NCLIENTS; i++) {
			char now = letter(&f, pick(&f, clients[i]));

			if (now != before[i])
				moved++;
			if (now != before[i] && now == 'A' + (int)n)
				to_new++;
		}
		frac = (double)moved / NCLIENTS;
		assert_true(frac > 0.5 / (n + 1) && frac < 2.0 / (n + 1));
		/* most of what moved went to the newcomer */
		assert_true(to_new > moved * 9 / 10);
		teardown(&f);
	}
}

/*
 * An unusable dest: without mh-fallback its clients get NULL; with it,
 * another usable dest, always the same one. Client .100 is on C (known
 * answers above).
 */
static void
test_mh_unusable_fallback(void **state)
{
	static const int w[] = { 1, 1, 1 };
	struct fixture f;
	struct uvs_dest *d;
	unsigned i, n[2] = { 0, 0 };

	(void)state;
	setup_flags(&f, "mh", 0, 3, w);
	set_flags(&f, 2, UVS_DEST_F_OVERLOAD);
	assert_null(pick(&f, CLIENT(0)));
	teardown(&f);

	random_clients();
	setup_flags(&f, "mh", UVS_SVC_F_MH_FALLBACK, 3, w);
	pick_all(&f, before);
	set_flags(&f, 2, UVS_DEST_F_OVERLOAD);
	d = pick(&f, CLIENT(0));
	assert_non_null(d);
	assert_ptr_not_equal(d, f.d[2]);
	assert_ptr_equal(pick(&f, CLIENT(0)), d);
	/* clients of A and B stay; C's spread over A and B */
	for (i = 0; i < NCLIENTS; i++) {
		char now = letter(&f, pick(&f, clients[i]));

		assert_true(now == 'A' || now == 'B');
		if (before[i] != 'C')
			assert_int_equal(now, before[i]);
		n[now - 'A'] += before[i] == 'C';
	}
	assert_true(n[0] > 0 && n[1] > 0);
	set_flags(&f, 0, UVS_DEST_F_NOHWADDR);
	set_flags(&f, 1, UVS_DEST_F_OVERLOAD);
	assert_null(pick(&f, CLIENT(0)));
	teardown(&f);
}

/*
 * Weight 0 quiesces a dest but, as IPVS keeps its last non-zero weight,
 * leaves the table as it was: no other client moves. A dest added with
 * weight 0 takes no slot.
 */
static void
test_mh_quiesce_keeps_table(void **state)
{
	static const int w[] = { 1, 1, 1 };
	static struct uvs_dest *saved[131071];
	struct fixture f;
	struct uvs_dest *const *t;
	unsigned i, size;

	(void)state;
	random_clients();
	setup_flags(&f, "mh", 0, 3, w);
	pick_all(&f, before);
	t = mh_table(&f, &size);
	assert_true(size <= sizeof(saved) / sizeof(saved[0]));
	memcpy(saved, t, size * sizeof(*t));
	set_weight(&f, 1, 0);
	t = mh_table(&f, &size);
	assert_memory_equal(saved, t, size * sizeof(*t));
	for (i = 0; i < NCLIENTS; i++) {
		char now = letter(&f, pick(&f, clients[i]));

		assert_int_equal(now, before[i] == 'B' ? '-' : before[i]);
	}
	set_weight(&f, 1, 1);
	t = mh_table(&f, &size);
	assert_memory_equal(saved, t, size * sizeof(*t));
	add_dest(&f, 3, 0);
	assert_int_equal(mh_count(&f, f.d[3]), 0);
	assert_mh_full(&f);
	teardown(&f);
}

/*
 * Health checks take B out (on-fail remove): mh builds its table from the
 * list without B, as IPVS after keepalived deleted it: B's slots go to
 * the others, which keep nearly all of theirs (< 5% of all clients move
 * besides B's). Back, B heads the list, as a re-add puts it. A B C D of
 * weight 1, by the independent model tests/lab/ipvs_hash.py: slots
 * A 1024, B C D 1023 each; without B, A 1365, C D 1364; for B A C D,
 * B 1024 and A C D 1023. Picks for .100 ... .119:
 *   A B C D and B A C D   DDDCBBBCAABDAAAADDDB
 *   A C D                 DDDCACDCAAADAAAADDDC
 * Weight 0 (on-fail inhibit) keeps B's slots: DDDC---CAA-DAAAADDD-, or
 * with mh-fallback DDDCCADCAAADAAAADDDC.
 */
static void
test_mh_out_as_deleted(void **state)
{
	static const int w[] = { 1, 1, 1, 1 };
	struct fixture f;
	unsigned i, others = 0;

	(void)state;
	random_clients();
	setup_flags(&f, "mh", 0, 4, w);
	assert_int_equal(mh_count(&f, f.d[0]), 1024);
	expect_clients(&f, "DDDCBBBCAABDAAAADDDB");
	pick_all(&f, before);
	uvs_dest_set_out(f.svc, f.d[1], 1);
	assert_int_equal(mh_count(&f, f.d[1]), 0);
	assert_int_equal(mh_count(&f, f.d[0]), 1365);
	assert_int_equal(mh_count(&f, f.d[2]), 1364);
	assert_int_equal(mh_count(&f, f.d[3]), 1364);
	expect_clients(&f, "DDDCACDCAAADAAAADDDC");
	for (i = 0; i < NCLIENTS; i++) {
		char now = letter(&f, pick(&f, clients[i]));

		assert_true(now == 'A' || now == 'C' || now == 'D');
		others += before[i] != 'B' && now != before[i];
	}
	assert_true(others < NCLIENTS / 20);
	uvs_dest_set_out(f.svc, f.d[1], 0);
	assert_ptr_equal(f.svc->dests[0], f.d[1]);
	assert_int_equal(mh_count(&f, f.d[0]), 1023);
	assert_int_equal(mh_count(&f, f.d[1]), 1024);
	expect_clients(&f, "DDDCBBBCAABDAAAADDDB");
	teardown(&f);

	setup_flags(&f, "mh", 0, 4, w);
	set_weight(&f, 1, 0);
	expect_clients(&f, "DDDC---CAA-DAAAADDD-");
	teardown(&f);
	setup_flags(&f, "mh", UVS_SVC_F_MH_FALLBACK, 4, w);
	set_weight(&f, 1, 0);
	expect_clients(&f, "DDDCCADCAAADAAAADDDC");
	teardown(&f);
}

/* -E: the service's scheduler becomes sched, with these flags. */
static void
switch_sched_flags(struct fixture *f, const char *sched, uint32_t flags)
{
	struct uvs_svc_conf sc = svc_conf(IPPROTO_TCP, VIP, 80, sched);

	sc.flags = flags;
	assert_int_equal(uvs_svc_edit(&f->t, &sc), 0);
	assert_string_equal(f->svc->sched->name, sched);
}

/*
 * IPVS keeps last_weight on the dest, not in mh's state, and
 * ip_vs_mh_init_svc builds the table from it: under rr A=1 B=2 C=3, then
 * -e B -w 0, then -E -s mh gives IPVS the table of 1,2,3 (A 683, B 1364,
 * C 2046 slots, as in the known answers), B's slots answering nothing.
 * Picks for .100 ... .119 by the independent model tests/lab/ipvs_hash.py:
 * 1,2,3 gives CCCCBBBCAABBACAABCCC, so with B quiesced CCCC---CAA--ACAA-CCC,
 * and with mh-fallback B's clients go on to CCCCCCCCAAACACAACCCC. A table
 * dealt from B's weight 0 (a forgotten last weight) would read
 * CCCCACCCAACCACAAACCC. A dest added with weight 0 (D) has last weight 0
 * and takes no slot, there or after a trip through sh.
 */
static void
test_mh_quiesced_then_mh(void **state)
{
	static const int w[] = { 1, 2, 3 };
	struct fixture f;

	(void)state;
	setup_flags(&f, "rr", 0, 3, w);
	set_weight(&f, 1, 0);
	add_dest(&f, 3, 0);
	switch_sched(&f, "mh");
	assert_int_equal(mh_count(&f, f.d[0]), 683);
	assert_int_equal(mh_count(&f, f.d[1]), 1364);
	assert_int_equal(mh_count(&f, f.d[2]), 2046);
	assert_int_equal(mh_count(&f, f.d[3]), 0);
	expect_clients(&f, "CCCC---CAA--ACAA-CCC");
	switch_sched(&f, "sh");
	switch_sched_flags(&f, "mh", UVS_SVC_F_MH_FALLBACK);
	assert_int_equal(mh_count(&f, f.d[1]), 1364);
	assert_int_equal(mh_count(&f, f.d[3]), 0);
	expect_clients(&f, "CCCCCCCCAAACACAACCCC");
	set_weight(&f, 1, 2);
	expect_clients(&f, "CCCCBBBCAABBACAABCCC");
	teardown(&f);
}

/* mh-port: one client's ports spread; without it, one dest. */
static void
test_mh_port(void **state)
{
	static const int w[] = { 1, 1, 1 };
	struct fixture f;
	unsigned seen[3] = { 0, 0, 0 };
	int k;

	(void)state;
	setup_flags(&f, "mh", UVS_SVC_F_MH_PORT, 3, w);
	for (k = 0; k < 300; k++) {
		struct uvs_dest *d = pick_for(&f, CLIENT(0),
		    (uint16_t)(1024 + k), VIP);

		assert_ptr_equal(d, pick_for(&f, CLIENT(0),
		    (uint16_t)(1024 + k), VIP));
		seen[letter(&f, d) - 'A']++;
	}
	assert_true(seen[0] > 50 && seen[1] > 50 && seen[2] > 50);
	teardown(&f);

	setup_flags(&f, "mh", 0, 3, w);
	for (k = 0; k < 300; k++)
		assert_ptr_equal(pick_for(&f, CLIENT(0),
		    (uint16_t)(1024 + k), VIP), f.d[2]);
	teardown(&f);
}

/* No dests, or none with weight: an empty table and NULL. */
static void
test_mh_empty(void **state)
{
	static const int w[] = { 0, 0 };
	struct fixture f;
	unsigned size;

	(void)state;
	setup_flags(&f, "mh", UVS_SVC_F_MH_FALLBACK, 0, w);
	assert_null(pick(&f, CLIENT(0)));
	(void)mh_table(&f, &size);
	assert_int_equal(mh_count(&f, NULL), size);
	teardown(&f);

	setup_flags(&f, "mh", UVS_SVC_F_MH_FALLBACK, 2, w);
	assert_int_equal(mh_count(&f, NULL), size);
	assert_null(pick(&f, CLIENT(0)));
	set_weight(&f, 0, 2);
	assert_int_equal(mh_count(&f, f.d[0]), size);
	assert_ptr_equal(pick(&f, CLIENT(0)), f.d[0]);
	del_dest(&f, 0);
	assert_int_equal(mh_count(&f, NULL), size);
	assert_null(pick(&f, CLIENT(0)));
	teardown(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sh_picks_by_source),
		cmocka_unit_test(test_sh_weighted_fill),
		cmocka_unit_test(test_sh_unusable_no_fallback),
		cmocka_unit_test(test_sh_fallback),
		cmocka_unit_test(test_sh_port),
		cmocka_unit_test(test_sh_dest_removed),
		cmocka_unit_test(test_sh_out_as_deleted),
		cmocka_unit_test(test_hash_sched_switch),
		cmocka_unit_test(test_dh_picks_by_destination),
		cmocka_unit_test(test_dh_unusable_and_removed),
		cmocka_unit_test(test_dh_out_as_deleted),
		cmocka_unit_test(test_mh_table_size),
		cmocka_unit_test(test_mh_known_answers),
		cmocka_unit_test(test_mh_shares_by_weight),
		cmocka_unit_test(test_mh_large_weights_scaled),
		cmocka_unit_test(test_mh_weight_change),
		cmocka_unit_test(test_mh_stable),
		cmocka_unit_test(test_mh_remove_moves_few),
		cmocka_unit_test(test_mh_add_moves_share),
		cmocka_unit_test(test_mh_unusable_fallback),
		cmocka_unit_test(test_mh_quiesce_keeps_table),
		cmocka_unit_test(test_mh_out_as_deleted),
		cmocka_unit_test(test_mh_quiesced_then_mh),
		cmocka_unit_test(test_mh_port),
		cmocka_unit_test(test_mh_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
