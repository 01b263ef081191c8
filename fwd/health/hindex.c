/*
 * The health engine's key index (hindex.h). A slot's home is a mix of
 * its key's words; a lookup walks from the home to the first free
 * slot. At most half the slots are used, so that walk is short. Deleting
 * moves each later entry of the run back into the hole when its home
 * does not lie between the hole and its slot (Knuth's algorithm R), which
 * keeps every entry reachable from its home without tombstones.
 */
#include <errno.h>
#include <stdlib.h>

#include "fwd/health/hindex.h"

#define HINDEX_MIN	64	/* slots of a new table */

static uint32_t
home(const struct uvs_hindex *x, const struct uvs_hindex_key *k)
{
	/* splitmix64's finaliser: every bit of every word reaches the low
	   ones; each word is multiplied in before the next is added */
	uint64_t h = k->a;

	h = h * 0x9e3779b97f4a7c15ull ^ k->b;
	h = h * 0x9e3779b97f4a7c15ull ^ k->c;
	h = h * 0x9e3779b97f4a7c15ull ^ k->d;
	h = h * 0x9e3779b97f4a7c15ull ^ k->e;

	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return (uint32_t)h & x->mask;
}

static int
same(const struct uvs_hindex_key *p, const struct uvs_hindex_key *q)
{
	return p->a == q->a && p->b == q->b && p->c == q->c && p->d == q->d &&
	    p->e == q->e;
}

/* k's slot, or the free slot that ends its run. */
static uint32_t
find(const struct uvs_hindex *x, const struct uvs_hindex_key *k)
{
	uint32_t i = home(x, k);

	while (x->slots[i].val && !same(&x->slots[i].k, k))
		i = (i + 1) & x->mask;
	return i;
}

void *
uvs_hindex_get(const struct uvs_hindex *x, const struct uvs_hindex_key *k)
{
	return x->slots ? x->slots[find(x, k)].val : NULL;
}

/* A table of nslots (a power of 2) holding every entry of x. */
static int
rehash(struct uvs_hindex *x, uint32_t nslots)
{
	struct uvs_hindex old = *x;
	uint32_t i;

	if (!(x->slots = calloc(nslots, sizeof(*x->slots)))) {
		x->slots = old.slots;
		return -ENOMEM;
	}
	x->mask = nslots - 1;
	for (i = 0; old.slots && i <= old.mask; i++)
		if (old.slots[i].val)
			x->slots[find(x, &old.slots[i].k)] = old.slots[i];
	free(old.slots);
	return 0;
}

int
uvs_hindex_put(struct uvs_hindex *x, const struct uvs_hindex_key *k,
    void *val)
{
	uint32_t i;

	if (!x->slots && rehash(x, HINDEX_MIN) < 0)
		return -ENOMEM;
	i = find(x, k);
	if (x->slots[i].val) {
		x->slots[i].val = val;
		return 0;
	}
	/* at most half full: grow before the new entry would pass that */
	if ((x->n + 1) * 2 > x->mask + 1) {
		if (rehash(x, (x->mask + 1) * 2) < 0)
			return -ENOMEM;
		i = find(x, k);
	}
	x->slots[i] = (struct uvs_hindex_slot){ .k = *k, .val = val };
	x->n++;
	return 0;
}

void
uvs_hindex_del(struct uvs_hindex *x, const struct uvs_hindex_key *k)
{
	uint32_t hole, i, h;

	if (!x->slots || !x->slots[hole = find(x, k)].val)
		return;
	x->slots[hole].val = NULL;
	x->n--;
	for (i = (hole + 1) & x->mask; x->slots[i].val; i = (i + 1) & x->mask) {
		h = home(x, &x->slots[i].k);
		/* stays if its home lies cyclically in (hole, i] */
		if ((hole < i) ? (hole < h && h <= i) : (hole < h || h <= i))
			continue;
		x->slots[hole] = x->slots[i];
		x->slots[i].val = NULL;
		hole = i;
	}
}

void
uvs_hindex_free(struct uvs_hindex *x)
{
	free(x->slots);
	*x = (struct uvs_hindex){ 0 };
}
