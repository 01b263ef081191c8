/*
 * Maglev hashing (IPVS ip_vs_mh.c; the Maglev paper, NSDI '16, 3.4). A
 * lookup table of M slots, M prime, maps a hash of the client's address
 * (plus its port with mh-port) to a dest. Each dest walks the slots in an
 * order of its own, offset, offset + skip, ... mod M, both from hashes of
 * its address and port; the dests take turns in list order, each taking
 * the next free slot of its walk, `turns' slots a turn, until the table is
 * full. A dest that comes or goes takes or frees about its share of slots
 * and leaves most of the others' where they were. turns is the weight over
 * the gcd of all weights, shifted right so that the largest fits in
 * MH_TAB_BITS bits, as in IPVS. Turns come from the dest's last_weight,
 * which, as IPVS's, keeps its latest non-zero weight: a dest set to weight
 * 0 keeps its slots, so quiescing it moves no other client, and it keeps
 * them when the service changes to mh afterwards. An unusable dest yields
 * NULL, or with mh-fallback IPVS's walk to other slots. A dest health
 * checks took out is not in the list the table is built from, as one
 * keepalived deleted is not in IPVS's: its slots go to the others, and
 * the others keep nearly all of theirs.
 *
 * The hash is IPVS's: SipHash-1-3, under IPVS's fixed keys, of the 32-bit
 * sum address + port + offset (host order, as 4 little-endian bytes), cut
 * to 32 bits, which is what hsiphash() computes on a 64-bit kernel. For
 * the same dest list and M, the table and the picks are those of a 64-bit
 * little-endian kernel (a 32-bit kernel's hsiphash is HalfSipHash).
 *
 * The table is rebuilt by update (control path, which may allocate);
 * schedule only reads it.
 */
#include <errno.h>
#include <stdlib.h>
#include <arpa/inet.h>

#include "sched.h"

/* CONFIG_IP_VS_MH_TAB_INDEX: table size primes[index - 8], 8..17 */
#ifndef UVS_MH_TAB_INDEX
#define UVS_MH_TAB_INDEX	12	/* IPVS default: 4093 slots */
#endif
_Static_assert(UVS_MH_TAB_INDEX >= 8 && UVS_MH_TAB_INDEX <= 17,
    "UVS_MH_TAB_INDEX must be 8..17");
#define MH_TAB_BITS	(UVS_MH_TAB_INDEX / 2)	/* IP_VS_MH_TAB_BITS */

/* the primes of ip_vs_mh.c */
static const unsigned mh_primes[] = {
	251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071,
};

/* generate_hash_secret() in ip_vs_mh.c: both key words the same */
#define MH_KEY1		2654435761u	/* offsets and lookups */
#define MH_KEY2		2654446892u	/* skips */

extern const struct uvs_sched_ops uvs_sched_mh;

struct mh_dest {
	struct uvs_dest	*dest;
	int		 turns;		/* slots taken per turn */
	unsigned	 skip;		/* step of its walk, 1..M-1 */
	unsigned	 perm;		/* where its walk stands */
};

struct mh_state {
	unsigned	  size;		/* M */
	struct uvs_dest	**lookup;	/* M slots */
	struct mh_dest	 *ds;		/* listed dests at the last update */
	unsigned	  nds, cap;
};

#define ROTL64(x, b)	(((x) << (b)) | ((x) >> (64 - (b))))

/* One SipRound (SipHash paper, 2.1) on v[0..3]. */
static void
sip_round(uint64_t v[4])
{
	v[0] += v[1]; v[1] = ROTL64(v[1], 13); v[1] ^= v[0];
	v[0] = ROTL64(v[0], 32);
	v[2] += v[3]; v[3] = ROTL64(v[3], 16); v[3] ^= v[2];
	v[0] += v[3]; v[3] = ROTL64(v[3], 21); v[3] ^= v[0];
	v[2] += v[1]; v[1] = ROTL64(v[1], 17); v[1] ^= v[2];
	v[2] = ROTL64(v[2], 32);
}

/*
 * SipHash-1-3 of the 4 little-endian bytes of m, key (k, k), cut to 32
 * bits: a 4-byte message is all in the last block, with its length on top.
 */
static uint32_t
mh_siphash13(uint64_t k, uint32_t m)
{
	uint64_t v[4] = {
		0x736f6d6570736575ull ^ k, 0x646f72616e646f6dull ^ k,
		0x6c7967656e657261ull ^ k, 0x7465646279746573ull ^ k,
	};
	uint64_t b = (uint64_t)4 << 56 | m;

	v[3] ^= b;
	sip_round(v);
	v[0] ^= b;
	v[2] ^= 0xff;
	sip_round(v);
	sip_round(v);
	sip_round(v);
	return (uint32_t)(v[0] ^ v[1] ^ v[2] ^ v[3]);
}

/* ip_vs_mh_hashkey(); addr (uvs_inaddr_fold's: a v6 one's four words
   xor-ed, as addr_fold) and port in network order. */
static uint32_t
mh_hashkey(uint64_t key, uint32_t addr, uint16_t port, unsigned offset)
{
	return mh_siphash13(key, offset + ntohs(port) + ntohl(addr));
}

static int
gcd(int a, int b)
{
	return b ? gcd(b, a % b) : a;
}

/* fls(): the 1-based index of the highest bit set, 0 for 0. */
static int
fls_int(int x)
{
	return x > 0 ? 32 - __builtin_clz((unsigned)x) : 0;
}

/* Room for n dests in ds; 0 or -ENOMEM. */
static int
mh_reserve(struct mh_state *st, unsigned n)
{
	struct mh_dest *p;
	unsigned cap = st->cap ? st->cap : 8;

	if (n <= st->cap)
		return 0;
	while (cap < n)
		cap *= 2;
	if (!(p = realloc(st->ds, cap * sizeof(*p))))
		return -ENOMEM;
	st->ds = p;
	st->cap = cap;
	return 0;
}

/*
 * ip_vs_mh_gcd_weight(), ip_vs_mh_shift_weight(), ip_vs_mh_permutate():
 * each dest's turns and the start of its walk (its address hashed in
 * the service's family af). Returns the gcd of the
 * last weights, 0 when none is positive (the table stays empty).
 */
static int
mh_permutate(struct mh_state *st, int af)
{
	int g = 0, max = 0, shift;
	unsigned i;

	for (i = 0; i < st->nds; i++) {
		int lw = st->ds[i].dest->last_weight;

		if (lw > 0)
			g = g ? gcd(lw, g) : lw;
		if (lw > max)
			max = lw;
	}
	if (!g)
		return 0;
	shift = fls_int(max / g) - MH_TAB_BITS;
	if (shift < 0)
		shift = 0;
	for (i = 0; i < st->nds; i++) {
		struct mh_dest *m = &st->ds[i];
		const struct uvs_dest *d = m->dest;
		int lw = d->last_weight;

		m->turns = (lw / g) >> shift;
		if (!m->turns)
			m->turns = lw != 0;
		uint32_t fold = uvs_inaddr_fold(af, &d->addr);

		m->perm = mh_hashkey(MH_KEY1, fold, d->port, 0) % st->size;
		m->skip = mh_hashkey(MH_KEY2, fold, d->port, 0) %
		    (st->size - 1) + 1;
	}
	return g;
}

/* ip_vs_mh_populate(): the dests take turns until every slot is taken. */
static void
mh_populate(struct mh_state *st)
{
	unsigned filled = 0, i = 0;
	int taken = 0;

	while (filled < st->size) {
		struct mh_dest *m = &st->ds[i];

		if (m->turns < 1) {	/* added with weight 0 */
			i = (i + 1) % st->nds;
			continue;
		}
		while (st->lookup[m->perm]) {
			m->perm += m->skip;
			if (m->perm >= st->size)
				m->perm -= st->size;
		}
		st->lookup[m->perm] = m->dest;
		filled++;
		if (++taken >= m->turns) {
			taken = 0;
			i = (i + 1) % st->nds;
		}
	}
}

static void
mh_clear(struct mh_state *st)
{
	unsigned i;

	for (i = 0; i < st->size; i++)
		st->lookup[i] = NULL;
}

/*
 * Rebuilds st's table from svc's listed dests. On an error the table is
 * left empty (schedule returns NULL), never holding a dest that may be
 * gone: -EINVAL for more dests than slots (as IPVS refuses), -ENOMEM.
 */
static int
mh_rebuild(struct mh_state *st, const struct uvs_svc *svc)
{
	unsigned i, n = 0;
	int rc;

	mh_clear(st);
	for (i = 0; i < svc->ndests; i++)
		n += uvs_dest_listed(svc->dests[i]);
	if (n > st->size)
		rc = -EINVAL;
	else
		rc = mh_reserve(st, n);
	if (rc < 0) {
		st->nds = 0;	/* forget dests that may be freed */
		return rc;
	}
	st->nds = 0;
	for (i = 0; i < svc->ndests; i++)
		if (uvs_dest_listed(svc->dests[i]))
			st->ds[st->nds++].dest = svc->dests[i];
	if (mh_permutate(st, svc->af) > 0)
		mh_populate(st);
	return 0;
}

static void
mh_done(void *data)
{
	struct mh_state *st = data;

	if (!st)
		return;
	free(st->lookup);
	free(st->ds);
	free(st);
}

static int
mh_init(struct uvs_svc *svc)
{
	struct mh_state *st = calloc(1, sizeof(*st));

	if (!st)
		return -ENOMEM;
	st->size = mh_primes[UVS_MH_TAB_INDEX - 8];
	if (!(st->lookup = calloc(st->size, sizeof(*st->lookup))) ||
	    mh_rebuild(st, svc) == -ENOMEM) {
		mh_done(st);
		return -ENOMEM;
	}
	svc->sched_data = st;
	return 0;
}

static int
mh_update(struct uvs_svc *svc)
{
	return mh_rebuild(svc->sched_data, svc);
}

/*
 * ip_vs_mh_get_fallback(): try the slots that the hash gives with
 * offsets ihash, ihash + 1, ... (mod M), each once.
 */
static struct uvs_dest *
mh_fallback(const struct mh_state *st, uint32_t addr, uint16_t port,
    unsigned ihash)
{
	unsigned off;

	for (off = 0; off < st->size; off++) {
		unsigned roff = (off + ihash) % st->size;
		struct uvs_dest *d =
		    st->lookup[mh_hashkey(MH_KEY1, addr, port, roff) % st->size];

		if (!d)
			return NULL;
		if (uvs_dest_usable(d))
			return d;
	}
	return NULL;
}

static struct uvs_dest *
mh_schedule(struct uvs_svc *svc, const struct uvs_flow *flow)
{
	const struct mh_state *st = svc->sched_data;
	uint16_t port = svc->flags & UVS_SVC_F_MH_PORT ? flow->cport : 0;
	uint32_t fold = uvs_inaddr_fold(flow->af, &flow->caddr);
	unsigned ihash = mh_hashkey(MH_KEY1, fold, port, 0) % st->size;
	struct uvs_dest *d = st->lookup[ihash];

	if (!d || uvs_dest_usable(d))
		return d;
	if (!(svc->flags & UVS_SVC_F_MH_FALLBACK))
		return NULL;
	return mh_fallback(st, fold, port, ihash);
}

/*
 * For tests and tools: an mh service's lookup table, its number of slots
 * (a prime) in *size. NULL when svc does not use mh.
 */
struct uvs_dest *const *
uvs_sched_mh_table(const struct uvs_svc *svc, unsigned *size)
{
	const struct mh_state *st = svc->sched_data;

	if (svc->sched != &uvs_sched_mh || !st)
		return NULL;
	*size = st->size;
	return st->lookup;
}

const struct uvs_sched_ops uvs_sched_mh = {
	.name = "mh",
	.init = mh_init,
	.done = mh_done,
	.update = mh_update,
	.schedule = mh_schedule,
};
