/*
 * Locality-based least connection with replication (IPVS ip_vs_lblcr.c).
 * Each destination IP (the flow's vaddr) maps to a set of servers. A new
 * flow goes to the least loaded usable member; when there is none, or it
 * is overloaded in lblc's sense (more active conns than its weight while
 * some dest runs below half its weight), the service-wide weighted least
 * connection pick joins the set and takes the flow. A set of two or more
 * that has not changed for LBLCR_EXPIRATION seconds loses its most loaded
 * member, so a set grows under load and shrinks back when it passes.
 *
 * Memory is fixed at init: LBLCR_TAB_SIZE entries of at most LBLCR_SET_MAX
 * members each (IPVS's sets are unbounded lists; a full set here gives up
 * its most loaded member to the newcomer). Entries chain by address hash
 * through 16-bit links (index + 1, 0 = none) and sit on a list from least
 * to most recently used: one unused for LBLCR_EXPIRATION seconds of
 * flow->now is dropped at the next pick (IPVS's periodic full check), and
 * a new address in a full table takes the least recently used slot.
 * update() takes removed dests out of every set, so none can dangle.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "sched.h"

#define LBLCR_TAB_BITS	10
#define LBLCR_TAB_SIZE	(1u << LBLCR_TAB_BITS)	/* IP_VS_LBLCR_TAB_SIZE */
#define LBLCR_SET_MAX	16
/* sysctl lblcr_expiration, default 24 h (ip_vs_lblcr.c DEFAULT_EXPIRATION) */
#define LBLCR_EXPIRATION	(24 * 60 * 60)

struct lblcr_entry {
	uint32_t	 addr;		/* destination IP, network order */
	uint32_t	 lastuse;	/* flow->now of the last lookup */
	uint32_t	 lastmod;	/* flow->now of the last set change */
	uint16_t	 hnext;		/* hash chain; free list when unused */
	uint16_t	 older, newer;	/* recency list */
	unsigned	 nset;
	struct uvs_dest	*set[LBLCR_SET_MAX];	/* newest first, as IPVS */
};

struct lblcr_table {
	uint16_t		 bucket[LBLCR_TAB_SIZE];
	uint16_t		 oldest, newest;
	uint16_t		 free;
	struct lblcr_entry	 en[LBLCR_TAB_SIZE];
};

#define EN(t, link)	(&(t)->en[(link) - 1])

static unsigned
lblcr_hash(uint32_t addr)
{
	/* multiplicative (Fibonacci) hash of the host-order address */
	return (ntohl(addr) * 2654435761u) >> (32 - LBLCR_TAB_BITS);
}

static void
recency_unlink(struct lblcr_table *t, uint16_t link)
{
	struct lblcr_entry *e = EN(t, link);

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
recency_push(struct lblcr_table *t, uint16_t link)
{
	struct lblcr_entry *e = EN(t, link);

	e->older = t->newest;
	e->newer = 0;
	if (t->newest)
		EN(t, t->newest)->newer = link;
	else
		t->oldest = link;
	t->newest = link;
}

static uint16_t
lblcr_lookup(const struct lblcr_table *t, uint32_t addr)
{
	uint16_t link;

	for (link = t->bucket[lblcr_hash(addr)]; link;
	    link = EN(t, link)->hnext)
		if (EN(t, link)->addr == addr)
			return link;
	return 0;
}

static void
lblcr_drop(struct lblcr_table *t, uint16_t link)
{
	uint16_t *p = &t->bucket[lblcr_hash(EN(t, link)->addr)];

	while (*p != link)
		p = &EN(t, *p)->hnext;
	*p = EN(t, link)->hnext;
	recency_unlink(t, link);
	EN(t, link)->nset = 0;
	EN(t, link)->hnext = t->free;
	t->free = link;
}

static struct lblcr_entry *
lblcr_add(struct lblcr_table *t, uint32_t addr, uint32_t now)
{
	struct lblcr_entry *e;
	uint16_t link, *head;

	if (!t->free)
		lblcr_drop(t, t->oldest);
	link = t->free;
	e = EN(t, link);
	t->free = e->hnext;
	e->addr = addr;
	e->nset = 0;
	e->lastuse = now;
	e->lastmod = now;
	head = &t->bucket[lblcr_hash(addr)];
	e->hnext = *head;
	*head = link;
	recency_push(t, link);
	return e;
}

/* Entries are in lastuse order, so the stale ones sit at the old end. */
static void
lblcr_expire(struct lblcr_table *t, uint32_t now)
{
	while (t->oldest &&
	    (int32_t)(now - EN(t, t->oldest)->lastuse) >= LBLCR_EXPIRATION)
		lblcr_drop(t, t->oldest);
}

/*
 * Least overhead/weight among the usable dests of v[0..n), first on a
 * tie: IPVS's __ip_vs_lblcr_schedule over the service and
 * ip_vs_dest_set_min over a set.
 */
static struct uvs_dest *
least_of(struct uvs_dest *const *v, unsigned n)
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

/*
 * IPVS's ip_vs_dest_set_max: the member of most overhead/weight among
 * those of weight > 0 (flags aside), first on a tie; returns its index or
 * -1 when every member is quiescent.
 */
static int
set_most(const struct lblcr_entry *e)
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

static void
set_erase(struct lblcr_entry *e, unsigned i)
{
	memmove(&e->set[i], &e->set[i + 1],
	    (e->nset - i - 1) * sizeof(e->set[0]));
	e->nset--;
}

/* Adds dest at the head unless already there; a full set drops its most
 * loaded member (its oldest when all are quiescent) to make room. */
static void
set_insert(struct lblcr_entry *e, struct uvs_dest *dest, uint32_t now)
{
	unsigned i;

	for (i = 0; i < e->nset; i++)
		if (e->set[i] == dest)
			return;
	if (e->nset == LBLCR_SET_MAX) {
		int most = set_most(e);

		set_erase(e, most >= 0 ? (unsigned)most : e->nset - 1);
	}
	memmove(&e->set[1], &e->set[0], e->nset * sizeof(e->set[0]));
	e->set[0] = dest;
	e->nset++;
	e->lastmod = now;
}

/* IPVS's is_overloaded(), as in lblc.c. */
static int
lblcr_overloaded(const struct uvs_svc *svc, const struct uvs_dest *dest)
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

static int
lblcr_init(struct uvs_svc *svc)
{
	struct lblcr_table *t = calloc(1, sizeof(*t));
	unsigned i;

	if (!t)
		return -ENOMEM;
	for (i = LBLCR_TAB_SIZE; i > 0; i--) {
		t->en[i - 1].hnext = t->free;
		t->free = (uint16_t)i;
	}
	svc->sched_data = t;
	return 0;
}

static void
lblcr_done(void *data)
{
	free(data);
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
 * A removed dest leaves every set (lastmod kept: the set did not change
 * by its own choice); an emptied entry goes, and the next flow to its IP
 * is scheduled afresh.
 */
static int
lblcr_update(struct uvs_svc *svc)
{
	struct lblcr_table *t = svc->sched_data;
	uint16_t link, next;
	unsigned i;

	for (link = t->oldest; link; link = next) {
		struct lblcr_entry *e = EN(t, link);

		next = e->newer;
		for (i = e->nset; i-- > 0;)
			if (!dest_present(svc, e->set[i]))
				set_erase(e, i);
		if (!e->nset)
			lblcr_drop(t, link);
	}
	return 0;
}

/*
 * IPVS order: the set's pick is made before a stale set is trimmed, so
 * the flow may still go to the member just let go.
 */
static struct uvs_dest *
lblcr_schedule(struct uvs_svc *svc, const struct uvs_flow *flow)
{
	struct lblcr_table *t = svc->sched_data;
	struct lblcr_entry *e;
	struct uvs_dest *dest;
	uint16_t link;

	if (!flow)
		return least_of(svc->dests, svc->ndests);
	lblcr_expire(t, flow->now);
	if (!(link = lblcr_lookup(t, flow->vaddr))) {
		if (!(dest = least_of(svc->dests, svc->ndests)))
			return NULL;
		e = lblcr_add(t, flow->vaddr, flow->now);
		set_insert(e, dest, flow->now);
		return dest;
	}
	e = EN(t, link);
	e->lastuse = flow->now;
	recency_unlink(t, link);
	recency_push(t, link);
	dest = least_of(e->set, e->nset);
	if (e->nset > 1 &&
	    (int32_t)(flow->now - e->lastmod) > LBLCR_EXPIRATION) {
		int most = set_most(e);

		if (most >= 0) {
			set_erase(e, (unsigned)most);
			e->lastmod = flow->now;
		}
	}
	if (dest && !lblcr_overloaded(svc, dest))
		return dest;
	if (!(dest = least_of(svc->dests, svc->ndests)))
		return NULL;
	set_insert(e, dest, flow->now);
	return dest;
}

const struct uvs_sched_ops uvs_sched_lblcr = {
	.name = "lblcr",
	.init = lblcr_init,
	.done = lblcr_done,
	.update = lblcr_update,
	.schedule = lblcr_schedule,
};
