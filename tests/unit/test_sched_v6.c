/*
 * The hashing and locality schedulers with IPv6 (sched/sh.c, dh.c, mh.c,
 * lblc.c, lblcr.c). IPVS hashes a v6 address by folding its four 32-bit
 * words into one with xor (addr_fold in ip_vs_sh.c, _dh.c, _mh.c,
 * _lblc.c, _lblcr.c) and then treats the fold as it treats a v4
 * address. The expected sh and dh buckets are computed here from that
 * formula, written out again from the kernel's source (fold, ntohl,
 * hash_32 = top 8 bits of val * 0x61c88647), not from uvs's helpers;
 * mh is checked against the v4 service whose addresses are the folds;
 * lblc and lblcr must keep v6 destinations apart by their whole address
 * (ip_vs_addr_equal), even when their folds are equal.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "sched/sched.h"

#define NDESTS		3
#define NCLIENTS	512

struct v6fix {
	struct uvs_svc_table	 t;
	struct uvs_svc		*svc;
	struct uvs_dest		*d[NDESTS];	/* A B C, list order */
};

/* The kernel's steps, from ip_vs_sh.c and include/linux/hash.h. */
static uint32_t
kernel_fold_host(const uint8_t b[16])
{
	uint32_t h = 0;
	int i;

	for (i = 0; i < 16; i += 4)	/* ip6[0] ^ .. ^ ip6[3], then ntohl */
		h ^= (uint32_t)b[i] << 24 | (uint32_t)b[i + 1] << 16 |
		    (uint32_t)b[i + 2] << 8 | b[i + 3];
	return h;
}

static unsigned
kernel_hash_32_8(uint32_t val)
{
	return (uint32_t)(val * 0x61c88647u) >> 24;	/* hash_32(val, 8) */
}

static uint64_t rng = 0x2001db8u;

/* A pseudo-random address in 2001:db8::/32. */
static union uvs_inaddr
random_v6(void)
{
	union uvs_inaddr a = { .b = { 0x20, 0x01, 0x0d, 0xb8 } };
	int i;

	for (i = 4; i < 16; i++) {
		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		a.b[i] = (uint8_t)(rng >> 56);
	}
	return a;
}

static union uvs_inaddr
v6(const char *s)
{
	union uvs_inaddr a = { .all = { 0 } };

	assert_int_equal(inet_pton(AF_INET6, s, &a.in6), 1);
	return a;
}

/* A service of family af at addr:80 with dests rips[] (weight 1), added
   last to first so the list reads A B C as in IPVS. */
static void
setup_af(struct v6fix *f, const char *sched, int af,
    const union uvs_inaddr *vip, const union uvs_inaddr *rips)
{
	struct uvs_svc_conf sc = { .proto = IPPROTO_TCP, .af = (uint16_t)af,
	    .addr = *vip, .port = htons(80) };
	unsigned i;

	memset(f, 0, sizeof(*f));
	snprintf(sc.sched, sizeof(sc.sched), "%s", sched);
	sc.netmask = af == AF_INET6 ? 128 : 0xffffffff;
	uvs_svc_table_init(&f->t);
	assert_int_equal(uvs_svc_add(&f->t, &sc), 0);
	f->svc = uvs_svc_find(&f->t, IPPROTO_TCP, af, vip, htons(80));
	assert_non_null(f->svc);
	for (i = NDESTS; i-- > 0;) {
		struct uvs_dest_conf dc = { .af = (uint16_t)af,
		    .addr = rips[i], .port = htons(80), .weight = 1 };

		assert_int_equal(uvs_dest_add(f->svc, &dc), 0);
		f->d[i] = uvs_dest_find(f->svc, &rips[i], htons(80));
		assert_non_null(f->d[i]);
	}
	assert_ptr_equal(f->svc->dests[0], f->d[0]);
}

static void
setup6(struct v6fix *f, const char *sched)
{
	const union uvs_inaddr vip = v6("2001:db8::10");
	const union uvs_inaddr rips[NDESTS] = { v6("2001:db8::11"),
	    v6("2001:db8::12"), v6("2001:db8::13") };

	setup_af(f, sched, AF_INET6, &vip, rips);
}

static struct uvs_dest *
pick6(struct v6fix *f, const union uvs_inaddr *caddr,
    const union uvs_inaddr *vaddr, uint32_t now)
{
	struct uvs_flow flow = { .proto = IPPROTO_TCP, .af = AF_INET6,
	    .caddr = *caddr, .vaddr = *vaddr, .cport = htons(40000),
	    .vport = htons(80), .now = now };

	return f->svc->sched->schedule(f->svc, &flow);
}

/*
 * sh with A B C of weight 1 gives bucket b to dest b mod 3; a client's
 * bucket is hash_32(ntohl(fold)). Control: for many of these clients
 * the first word alone (what a v4-only path would hash) lands elsewhere,
 * so a scheduler that skipped the fold would fail here.
 */
static void
test_sh_v6_kernel_buckets(void **state)
{
	struct v6fix f;
	unsigned i, differ = 0;

	(void)state;
	setup6(&f, "sh");
	for (i = 0; i < NCLIENTS; i++) {
		union uvs_inaddr c = random_v6();
		unsigned b = kernel_hash_32_8(kernel_fold_host(c.b));
		unsigned b0 = kernel_hash_32_8(ntohl(c.ip6[0]));

		assert_ptr_equal(pick6(&f, &c, &f.svc->addr, 1), f.d[b % 3]);
		differ += b0 % 3 != b % 3;
	}
	assert_true(differ > NCLIENTS / 2);
	uvs_svc_table_free(&f.t);
}

/* dh: the same formula on the flow's destination address. */
static void
test_dh_v6_kernel_buckets(void **state)
{
	struct v6fix f;
	union uvs_inaddr c = v6("2001:db8::100");
	unsigned i, differ = 0;

	(void)state;
	setup6(&f, "dh");
	for (i = 0; i < NCLIENTS; i++) {
		union uvs_inaddr v = random_v6();
		unsigned b = kernel_hash_32_8(kernel_fold_host(v.b));

		assert_ptr_equal(pick6(&f, &c, &v, 1), f.d[b % 3]);
		differ += kernel_hash_32_8(ntohl(v.ip6[0])) % 3 != b % 3;
	}
	assert_true(differ > NCLIENTS / 2);
	uvs_svc_table_free(&f.t);
}

/*
 * mh: IPVS hashes a v6 dest and client by their folds where it hashes a
 * v4 one's address (ip_vs_mh_hashkey), so a v6 service picks, for a v6
 * client, exactly what the v4 service whose dests and client are those
 * folds picks. The v4 side is checked against IPVS's known answers in
 * test_sched_hash.c.
 */
static void
test_mh_v6_as_its_folds(void **state)
{
	struct v6fix f6, f4;
	union uvs_inaddr rips6[NDESTS], rips4[NDESTS], vip6, vip4;
	unsigned i, k;

	(void)state;
	vip6 = v6("2001:db8::10");
	vip4 = uvs_inaddr4(htonl(0xc612000au));
	for (i = 0; i < NDESTS; i++) {
		rips6[i] = random_v6();
		rips4[i] = uvs_inaddr4(htonl(kernel_fold_host(rips6[i].b)));
	}
	setup_af(&f6, "mh", AF_INET6, &vip6, rips6);
	setup_af(&f4, "mh", AF_INET, &vip4, rips4);
	for (i = 0; i < NCLIENTS; i++) {
		union uvs_inaddr c6 = random_v6();
		struct uvs_flow fl4 = { .proto = IPPROTO_TCP, .af = AF_INET,
		    .caddr = uvs_inaddr4(htonl(kernel_fold_host(c6.b))),
		    .vaddr = vip4, .cport = htons(40000), .vport = htons(80) };
		struct uvs_dest *p6 = pick6(&f6, &c6, &vip6, 1);
		struct uvs_dest *p4 = f4.svc->sched->schedule(f4.svc, &fl4);

		for (k = 0; k < NDESTS && f4.d[k] != p4; k++)
			;
		assert_true(k < NDESTS);
		assert_ptr_equal(p6, f6.d[k]);
	}
	uvs_svc_table_free(&f6.t);
	uvs_svc_table_free(&f4.t);
}

/*
 * lblc: a v6 destination address remembers its server; another whose
 * fold is the same (2001:db8:0:1:: and 2001:db8::1 xor to one word) is
 * a different entry, as ip_vs_lblc_get compares whole addresses. A has
 * a flow, so the new entry takes the least loaded, B; X keeps A.
 */
static void
test_lblc_v6_whole_address(void **state)
{
	struct v6fix f;
	union uvs_inaddr c = v6("2001:db8::100");
	union uvs_inaddr x = v6("2001:db8:0:1::"), y = v6("2001:db8::1");

	(void)state;
	assert_int_equal(kernel_fold_host(x.b), kernel_fold_host(y.b));
	setup6(&f, "lblc");
	assert_ptr_equal(pick6(&f, &c, &x, 1), f.d[0]);
	f.d[0]->activeconns = 1;
	assert_ptr_equal(pick6(&f, &c, &y, 2), f.d[1]);
	assert_ptr_equal(pick6(&f, &c, &x, 3), f.d[0]);
	assert_ptr_equal(pick6(&f, &c, &y, 4), f.d[1]);
	uvs_svc_table_free(&f.t);
}

/* lblcr: the same, each address with its own set. */
static void
test_lblcr_v6_whole_address(void **state)
{
	struct v6fix f;
	union uvs_inaddr c = v6("2001:db8::100");
	union uvs_inaddr x = v6("2001:db8:0:1::"), y = v6("2001:db8::1");

	(void)state;
	setup6(&f, "lblcr");
	assert_ptr_equal(pick6(&f, &c, &x, 1), f.d[0]);
	f.d[0]->activeconns = 1;
	assert_ptr_equal(pick6(&f, &c, &y, 2), f.d[1]);
	assert_ptr_equal(pick6(&f, &c, &x, 3), f.d[0]);
	assert_ptr_equal(pick6(&f, &c, &y, 4), f.d[1]);
	uvs_svc_table_free(&f.t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sh_v6_kernel_buckets),
		cmocka_unit_test(test_dh_v6_kernel_buckets),
		cmocka_unit_test(test_mh_v6_as_its_folds),
		cmocka_unit_test(test_lblc_v6_whole_address),
		cmocka_unit_test(test_lblcr_v6_whole_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
