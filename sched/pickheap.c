/*
 * Indexed binary min-heap of a service's dests (pickheap.h). IPVS's lc,
 * wlc, sed and nq scan every dest per new flow and keep the first of the
 * least; here the least sits at the root instead.
 *
 * The heap orders by (key, list position), a strict total order, so its
 * root is exactly the dest the scan keeps. A dest's sched_pos is its index
 * in svc->dests, set at every rebuild: the list only changes on the
 * control path, which calls update, which rebuilds. slot[sched_pos] is
 * the dest's heap index, or NOT_IN. Keys are read from the dests, never
 * cached: when one dest changes, only the edges to its parent and
 * children can be out of order, and one sift up or down mends them.
 */
#include <errno.h>
#include <stdlib.h>

#include "pickheap.h"

#define NOT_IN	(~0u)

static int
less(const struct uvs_pickheap *h, const struct uvs_dest *a,
    const struct uvs_dest *b)
{
	if (h->order->before(a, b))
		return 1;
	if (h->order->before(b, a))
		return 0;
	return a->sched_pos < b->sched_pos;
}

static void
put(struct uvs_pickheap *h, unsigned i, struct uvs_dest *d)
{
	h->heap[i] = d;
	h->slot[d->sched_pos] = i;
}

static void
sift_up(struct uvs_pickheap *h, unsigned i)
{
	struct uvs_dest *d = h->heap[i];

	while (i > 0) {
		unsigned parent = (i - 1) / 2;

		if (!less(h, d, h->heap[parent]))
			break;
		put(h, i, h->heap[parent]);
		i = parent;
	}
	put(h, i, d);
}

static void
sift_down(struct uvs_pickheap *h, unsigned i)
{
	struct uvs_dest *d = h->heap[i];

	for (;;) {
		unsigned c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && less(h, h->heap[c + 1], h->heap[c]))
			c++;
		if (!less(h, h->heap[c], d))
			break;
		put(h, i, h->heap[c]);
		i = c;
	}
	put(h, i, d);
}

/* The entry at i changed its key: move it up or down to its place. */
static void
fix(struct uvs_pickheap *h, unsigned i)
{
	if (i > 0 && less(h, h->heap[i], h->heap[(i - 1) / 2]))
		sift_up(h, i);
	else
		sift_down(h, i);
}

static void
insert(struct uvs_pickheap *h, struct uvs_dest *d)
{
	put(h, h->n++, d);
	sift_up(h, h->n - 1);
}

static void
remove_at(struct uvs_pickheap *h, unsigned i)
{
	struct uvs_dest *last = h->heap[--h->n];

	h->slot[h->heap[i]->sched_pos] = NOT_IN;
	if (i == h->n)
		return;
	put(h, i, last);
	fix(h, i);
}

void
uvs_pickheap_init(struct uvs_pickheap *h, const struct uvs_pick_order *order)
{
	h->order = order;
	h->heap = NULL;
	h->slot = NULL;
	h->n = h->npos = h->cap = 0;
	h->stale = 0;
}

void
uvs_pickheap_free(struct uvs_pickheap *h)
{
	free(h->heap);
	free(h->slot);
	uvs_pickheap_init(h, h->order);
}

static int
grow(struct uvs_pickheap *h, unsigned want)
{
	struct uvs_dest **heap;
	unsigned *slot, cap;

	if (want <= h->cap)
		return 0;
	for (cap = h->cap ? h->cap : 8; cap < want; cap *= 2)
		;
	if (!(heap = realloc(h->heap, cap * sizeof(*heap))))
		return -ENOMEM;
	h->heap = heap;
	if (!(slot = realloc(h->slot, cap * sizeof(*slot))))
		return -ENOMEM;
	h->slot = slot;
	h->cap = cap;
	return 0;
}

int
uvs_pickheap_rebuild(struct uvs_pickheap *h, struct uvs_svc *svc)
{
	unsigned i;

	for (i = 0; i < svc->ndests; i++)
		svc->dests[i]->sched_pos = i;
	h->n = h->npos = 0;
	h->stale = 1;
	if (grow(h, svc->ndests) < 0)
		return -ENOMEM;
	for (i = 0; i < svc->ndests; i++) {
		h->slot[i] = NOT_IN;
		if (h->order->member(svc->dests[i]))
			h->heap[h->n++] = svc->dests[i];
	}
	for (i = 0; i < h->n; i++)
		h->slot[h->heap[i]->sched_pos] = i;
	for (i = h->n / 2; i-- > 0;)
		sift_down(h, i);
	h->npos = svc->ndests;
	h->stale = 0;
	return 0;
}

void
uvs_pickheap_changed(struct uvs_pickheap *h, const struct uvs_svc *svc,
    struct uvs_dest *d)
{
	unsigned pos = d->sched_pos, i;
	int want;

	/* a dest this heap does not know yet: the coming update will */
	if (h->stale || pos >= h->npos || pos >= svc->ndests ||
	    svc->dests[pos] != d)
		return;
	i = h->slot[pos];
	want = h->order->member(d);
	if (i != NOT_IN && want)
		fix(h, i);
	else if (i != NOT_IN)
		remove_at(h, i);
	else if (want)
		insert(h, d);
}

/* IPVS's own scan, for a heap whose rebuild could not allocate. */
static struct uvs_dest *
scan(const struct uvs_pickheap *h, const struct uvs_svc *svc)
{
	struct uvs_dest *least = NULL;
	unsigned i;

	for (i = 0; i < svc->ndests; i++) {
		struct uvs_dest *d = svc->dests[i];

		if (h->order->member(d) &&
		    (!least || h->order->before(d, least)))
			least = d;
	}
	return least;
}

struct uvs_dest *
uvs_pickheap_top(const struct uvs_pickheap *h, const struct uvs_svc *svc)
{
	if (h->stale)
		return scan(h, svc);
	return h->n ? h->heap[0] : NULL;
}

int
uvs_pickheap_attach(struct uvs_svc *svc, const struct uvs_pick_order *order)
{
	struct uvs_pickheap *h = malloc(sizeof(*h));

	if (!h)
		return -ENOMEM;
	uvs_pickheap_init(h, order);
	/* the service may have dests already (ipvsadm -E -s ...) */
	if (uvs_pickheap_rebuild(h, svc) < 0) {
		uvs_pickheap_free(h);
		free(h);
		return -ENOMEM;
	}
	svc->sched_data = h;
	return 0;
}

void
uvs_pickheap_done(void *sched_data)
{
	struct uvs_pickheap *h = sched_data;

	if (!h)
		return;
	uvs_pickheap_free(h);
	free(h);
}

int
uvs_pickheap_update(struct uvs_svc *svc)
{
	return uvs_pickheap_rebuild(svc->sched_data, svc);
}

struct uvs_dest *
uvs_pickheap_schedule(struct uvs_svc *svc, const struct uvs_flow *flow)
{
	(void)flow;
	return uvs_pickheap_top(svc->sched_data, svc);
}

void
uvs_pickheap_dest_changed(struct uvs_svc *svc, struct uvs_dest *d)
{
	uvs_pickheap_changed(svc->sched_data, svc, d);
}
