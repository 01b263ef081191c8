/*
 * The table behind lblc and lblcr (IPVS ip_vs_lblc.c, ip_vs_lblcr.c): each
 * destination IP maps to a set of at most set_max dests, newest first;
 * lblc uses sets of one, lblcr of up to 16. Also here, what both IPVS
 * schedulers share: the weighted least-connection pick and is_overloaded.
 *
 * Memory is fixed at attach: UVS_LOC_TAB_SIZE entries, chained by address
 * hash through 16-bit links (index + 1, 0 = none) and kept on a list from
 * least to most recently used, and set_max set slots each. Entries are in
 * lastuse order, so expiry drops stale ones from the old end, which does
 * IPVS's periodic full check without a timer; a new address in a full
 * table takes the least recently used slot. (IPVS lets its tables grow
 * and has a collector trim them; here the bound is hard.) update takes
 * removed dests out of every set, so none can dangle.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "locality.h"

#define EN(t, link)	(&(t)->en[(link) - 1])

static unsigned
loc_hash(const struct uvs_loc_table *t, const union uvs_inaddr *addr)
{
	/* ip_vs_lblc_hashkey(): Fibonacci hash of the host-order address,
	   a v6 one folded first (addr_fold) */
	return (ntohl(uvs_inaddr_fold(t->af, addr)) * 2654435761u) >>
	    (32 - UVS_LOC_TAB_BITS);
}

static uint16_t
loc_link(const struct uvs_loc_table *t, const struct uvs_loc_entry *e)
{
	return (uint16_t)(e - t->en + 1);
}

static void
recency_unlink(struct uvs_loc_table *t, uint16_t link)
{
	struct uvs_loc_entry *e = EN(t, link);

	if (e->older)
		EN(t, e->older)->newer = e->newer;
	else
		t->oldest = e->newer;
	if (e->newer)
		EN(t, e->newer)->older = e->older;
	else
		t->newest = e->older;
}

static void
recency_push(struct uvs_loc_table *t, uint16_t link)
{
	struct uvs_loc_entry *e = EN(t, link);

	e->older = t->newest;
	e->newer = 0;
	if (t->newest)
		EN(t, t->newest)->newer = link;
	else
		t->oldest = link;
	t->newest = link;
}

static void
loc_drop(struct uvs_loc_table *t, uint16_t link)
{
	uint16_t *p = &t->bucket[loc_hash(t, &EN(t, link)->addr)];

	while (*p != link)
		p = &EN(t, *p)->hnext;
	*p = EN(t, link)->hnext;
	recency_unlink(t, link);
	EN(t, link)->nset = 0;
	EN(t, link)->hnext = t->free;
	t->free = link;
}

int
uvs_loc_attach(struct uvs_svc *svc, unsigned set_max)
{
	struct uvs_loc_table *t;
	unsigned i;

	t = calloc(1, sizeof(*t) +
	    UVS_LOC_TAB_SIZE * set_max * sizeof(t->sets[0]));
	if (!t)
		return -ENOMEM;
	t->set_max = set_max;
	t->af = svc->af;
	for (i = UVS_LOC_TAB_SIZE; i > 0; i--) {
		t->en[i - 1].set = &t->sets[(i - 1) * set_max];
		t->en[i - 1].hnext = t->free;
		t->free = (uint16_t)i;
	}
	svc->sched_data = t;
	return 0;
}

void
uvs_loc_done(void *sched_data)
{
	free(sched_data);
}

static int
dest_present(const struct uvs_svc *svc, const struct uvs_dest *dest)
{
	unsigned i;

	for (i = 0; i < svc->ndests; i++)
		if (svc->dests[i] == dest)
			return 1;
	return 0;
}

/*
 * lastmod is kept: the set did not change by its own choice. An emptied
 * entry goes, and the next flow to its IP is scheduled afresh.
 */
int
uvs_loc_update(struct uvs_svc *svc)
{
	struct uvs_loc_table *t = svc->sched_data;
	uint16_t link, next;
	unsigned i;

	for (link = t->oldest; link; link = next) {
		struct uvs_loc_entry *e = EN(t, link);

		next = e->newer;
		for (i = e->nset; i-- > 0;)
			if (!dest_present(svc, e->set[i]))
				uvs_loc_set_erase(e, i);
		if (!e->nset)
			loc_drop(t, link);
	}
	return 0;
}

struct uvs_loc_entry *
uvs_loc_lookup(struct uvs_loc_table *t, const union uvs_inaddr *addr)
{
	uint16_t link;

	for (link = t->bucket[loc_hash(t, addr)]; link;
	    link = EN(t, link)->hnext)
		if (uvs_inaddr_eq(&EN(t, link)->addr, addr))
			return EN(t, link);
	return NULL;
}

void
uvs_loc_touch(struct uvs_loc_table *t, struct uvs_loc_entry *e,
    uint32_t now)
{
	uint16_t link = loc_link(t, e);

	e->lastuse = now;
	recency_unlink(t, link);
	recency_push(t, link);
}

struct uvs_loc_entry *
uvs_loc_add(struct uvs_loc_table *t, const union uvs_inaddr *addr,
    uint32_t now)
{
	struct uvs_loc_entry *e;
	uint16_t link, *head;

	if (!t->free)
		loc_drop(t, t->oldest);
	link = t->free;
	e = EN(t, link);
	t->free = e->hnext;
	e->addr = *addr;
	e->nset = 0;
	e->lastuse = now;
	e->lastmod = now;
	head = &t->bucket[loc_hash(t, addr)];
	e->hnext = *head;
	*head = link;
	recency_push(t, link);
	return e;
}

void
uvs_loc_expire(struct uvs_loc_table *t, uint32_t now, int32_t expiration)
{
	while (t->oldest &&
	    (int32_t)(now - EN(t, t->oldest)->lastuse) >= expiration)
		loc_drop(t, t->oldest);
}

/* IPVS's ip_vs_dest_set_max. */
int
uvs_loc_set_most(const struct uvs_loc_entry *e)
{
	uint64_t moh = 0;
	unsigned i;
	int most = -1;

	for (i = 0; i < e->nset; i++) {
		const struct uvs_dest *d = e->set[i];
		uint64_t doh = uvs_dest_overhead(d);

		if (d->weight <= 0)
			continue;
		if (most < 0 || moh * (uint64_t)d->weight <
		    doh * (uint64_t)e->set[most]->weight) {
			most = (int)i;
			moh = doh;
		}
	}
	return most;
}

void
uvs_loc_set_erase(struct uvs_loc_entry *e, unsigned i)
{
	memmove(&e->set[i], &e->set[i + 1],
	    (e->nset - i - 1) * sizeof(e->set[0]));
	e->nset--;
}

void
uvs_loc_set_insert(const struct uvs_loc_table *t, struct uvs_loc_entry *e,
    struct uvs_dest *dest, uint32_t now)
{
	unsigned i;

	for (i = 0; i < e->nset; i++)
		if (e->set[i] == dest)
			return;
	if (e->nset == t->set_max) {
		int most = uvs_loc_set_most(e);

		uvs_loc_set_erase(e, most >= 0 ? (unsigned)most : e->nset - 1);
	}
	memmove(&e->set[1], &e->set[0], e->nset * sizeof(e->set[0]));
	e->set[0] = dest;
	e->nset++;
	e->lastmod = now;
}

/*
 * IPVS's __ip_vs_lblc_schedule and __ip_vs_lblcr_schedule over the
 * service, and ip_vs_dest_set_min over a set.
 */
struct uvs_dest *
uvs_loc_least(struct uvs_dest *const *v, unsigned n)
{
	struct uvs_dest *least = NULL;
	uint64_t loh = 0;
	unsigned i;

	for (i = 0; i < n; i++) {
		uint64_t doh;

		if (!uvs_dest_usable(v[i]))
			continue;
		doh = uvs_dest_overhead(v[i]);
		if (!least || loh * (uint64_t)v[i]->weight >
		    doh * (uint64_t)least->weight) {
			least = v[i];
			loh = doh;
		}
	}
	return least;
}

/* Any dest of the service counts, flags aside, as in IPVS. */
int
uvs_loc_overloaded(const struct uvs_svc *svc, const struct uvs_dest *dest)
{
	unsigned i;

	if (dest->activeconns <= (uint32_t)dest->weight)
		return 0;
	for (i = 0; i < svc->ndests; i++) {
		const struct uvs_dest *d = svc->dests[i];

		if ((uint64_t)d->activeconns * 2 < (uint64_t)d->weight)
			return 1;
	}
	return 0;
}
