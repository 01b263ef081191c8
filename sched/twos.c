/*
 * Power of two choices (IPVS ip_vs_twos.c): draw two usable dests at
 * random, each as likely as its weight, and keep the second only when its
 * overhead / weight is strictly lower than the first's.
 *
 * IPVS draws r in [0, total weight] and walks the list subtracting
 * weights until r <= 0: the dest drawn is the first whose running weight
 * sum reaches r, and r = 0 goes to the first usable dest (so it is drawn
 * one time in total + 1 more than its weight says). A Fenwick tree of the
 * weights by list position finds that dest in O(log n); unusable dests
 * count as weight 0. Only usability changes the tree on the packet path
 * (OVERLOAD from thresholds); update rebuilds it. Each service has its
 * own generator, seeded from its address unless a test seeds it.
 */
#include <errno.h>
#include <stdlib.h>

#include "twos.h"

struct twos_state {
	uint64_t	 rng;
	uint64_t	*tree;	/* 1-based: tree[i] sums (i - lowbit(i), i] */
	uint32_t	*w;	/* by sched_pos: weight if usable, else 0 */
	unsigned	 n;	/* positions, svc->ndests at rebuild */
	unsigned	 top;	/* largest power of 2 <= n, 0 if n == 0 */
	unsigned	 cap;
	uint64_t	 total;
	int		 stale;	/* rebuild could not allocate: scan */
};

uint32_t
uvs_twos_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)((z ^ (z >> 31)) >> 32);
}

static uint32_t
twos_weight(const struct uvs_dest *d)
{
	return uvs_dest_usable(d) ? (uint32_t)d->weight : 0;
}

static int
twos_grow(struct twos_state *st, unsigned want)
{
	uint64_t *tree;
	uint32_t *w;
	unsigned cap;

	if (want <= st->cap)
		return 0;
	for (cap = st->cap ? st->cap : 8; cap < want; cap *= 2)
		;
	if (!(tree = realloc(st->tree, (cap + 1) * sizeof(*tree))))
		return -ENOMEM;
	st->tree = tree;
	if (!(w = realloc(st->w, cap * sizeof(*w))))
		return -ENOMEM;
	st->w = w;
	st->cap = cap;
	return 0;
}

static int
twos_update(struct uvs_svc *svc)
{
	struct twos_state *st = svc->sched_data;
	unsigned i, j;

	for (i = 0; i < svc->ndests; i++)
		svc->dests[i]->sched_pos = i;
	st->n = st->top = 0;
	st->total = 0;
	st->stale = 1;
	if (twos_grow(st, svc->ndests) < 0)
		return -ENOMEM;
	st->n = svc->ndests;
	for (i = 1; i <= st->n; i++) {
		st->w[i - 1] = twos_weight(svc->dests[i - 1]);
		st->tree[i] = st->w[i - 1];
		st->total += st->w[i - 1];
	}
	for (i = 1; i <= st->n; i++)
		if ((j = i + (i & -i)) <= st->n)
			st->tree[j] += st->tree[i];
	for (st->top = 1; st->top * 2 <= st->n; st->top *= 2)
		;
	if (!st->n)
		st->top = 0;
	st->stale = 0;
	return 0;
}

static void
twos_done(void *data)
{
	struct twos_state *st = data;

	if (!st)
		return;
	free(st->tree);
	free(st->w);
	free(st);
}

static int
twos_init(struct uvs_svc *svc)
{
	struct twos_state *st = calloc(1, sizeof(*st));
	uint64_t id = (uint64_t)uvs_inaddr_fold(svc->af, &svc->addr) << 32 |
	    (uint64_t)svc->port << 8 | svc->proto;

	if (!st)
		return -ENOMEM;
	st->rng = id ^ (uint64_t)(uintptr_t)svc;
	svc->sched_data = st;
	/* the service may have dests already (ipvsadm -E -s twos) */
	if (twos_update(svc) < 0) {
		twos_done(st);
		svc->sched_data = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* The first dest whose running weight sum reaches r (1 <= r <= total). */
static struct uvs_dest *
twos_find(const struct twos_state *st, const struct uvs_svc *svc,
    uint64_t r)
{
	unsigned i, step;

	if (st->stale) {
		for (i = 0; i < svc->ndests; i++) {
			uint32_t w = twos_weight(svc->dests[i]);

			if (r <= w)
				return svc->dests[i];
			r -= w;
		}
		return NULL;
	}
	/* i: the longest prefix whose sum stays below r */
	for (i = 0, step = st->top; step; step >>= 1) {
		if (i + step <= st->n && st->tree[i + step] < r) {
			i += step;
			r -= st->tree[i];
		}
	}
	return svc->dests[i];
}

static uint64_t
twos_total(const struct twos_state *st, const struct uvs_svc *svc)
{
	uint64_t total = 0;
	unsigned i;

	if (!st->stale)
		return st->total;
	for (i = 0; i < svc->ndests; i++)
		total += twos_weight(svc->dests[i]);
	return total;
}

/* One weighted draw, IPVS's way: r in [0, total], 0 as 1. */
static struct uvs_dest *
twos_draw(struct twos_state *st, const struct uvs_svc *svc, uint64_t total)
{
	uint64_t r = uvs_twos_random(&st->rng) % (total + 1);

	return twos_find(st, svc, r ? r : 1);
}

static struct uvs_dest *
twos_schedule(struct uvs_svc *svc, const struct uvs_flow *flow)
{
	struct twos_state *st = svc->sched_data;
	uint64_t total = twos_total(st, svc);
	struct uvs_dest *c1, *c2;

	(void)flow;
	if (!total)
		return NULL;
	c1 = twos_draw(st, svc, total);
	c2 = twos_draw(st, svc, total);
	if ((uint64_t)c2->weight * uvs_dest_overhead(c1) >
	    (uint64_t)c1->weight * uvs_dest_overhead(c2))
		return c2;
	return c1;
}

static void
twos_dest_changed(struct uvs_svc *svc, struct uvs_dest *d)
{
	struct twos_state *st = svc->sched_data;
	unsigned pos = d->sched_pos, i;
	uint32_t w = twos_weight(d);
	uint64_t delta;

	if (st->stale || pos >= st->n || pos >= svc->ndests ||
	    svc->dests[pos] != d || w == st->w[pos])
		return;
	delta = (uint64_t)w - st->w[pos];	/* mod 2^64: adds or takes */
	st->w[pos] = w;
	st->total += delta;
	for (i = pos + 1; i <= st->n; i += i & -i)
		st->tree[i] += delta;
}

const struct uvs_sched_ops uvs_sched_twos = {
	.name = "twos",
	.init = twos_init,
	.done = twos_done,
	.update = twos_update,
	.schedule = twos_schedule,
	.dest_changed = twos_dest_changed,
};

int
uvs_twos_seed(struct uvs_svc *svc, uint64_t seed)
{
	struct twos_state *st = svc->sched_data;

	if (svc->sched != &uvs_sched_twos || !st)
		return -EINVAL;
	st->rng = seed;
	return 0;
}
