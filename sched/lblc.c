/*
 * Locality-based least connection (IPVS ip_vs_lblc.c). Each destination
 * IP (the flow's vaddr) remembers the server it last got; a new flow to
 * that IP goes there again while that server is usable and not overloaded
 * in lblc's sense: more active conns than its weight while some dest runs
 * below half its weight. Otherwise the weighted least-connection pick (as
 * wlc's) is taken and remembered.
 *
 * Memory is fixed at init: LBLC_TAB_SIZE entries, chained by address hash
 * through 16-bit links (index + 1, 0 = none) and kept on a list from least
 * to most recently used. An entry unused for LBLC_EXPIRATION seconds of
 * flow->now is dropped from the old end at the next pick, which does
 * IPVS's periodic full check without a timer; a new address in a full
 * table takes the least recently used slot. (IPVS lets its table grow to
 * 16 entries a bucket before a 6-minute collector trims it; here the bound
 * is hard.) update() drops entries whose dest left, so none can dangle.
 */
#include <errno.h>
#include <stdlib.h>
#include <arpa/inet.h>

#include "sched.h"

#define LBLC_TAB_BITS	10
#define LBLC_TAB_SIZE	(1u << LBLC_TAB_BITS)	/* IP_VS_LBLC_TAB_SIZE */
/* sysctl lblc_expiration, default 24 h (ip_vs_lblc.c DEFAULT_EXPIRATION) */
#define LBLC_EXPIRATION	(24 * 60 * 60)

struct lblc_entry {
	uint32_t	 addr;		/* destination IP, network order */
	uint32_t	 lastuse;	/* flow->now of the last lookup */
	struct uvs_dest	*dest;
	uint16_t	 hnext;		/* hash chain; free list when unused */
	uint16_t	 older, newer;	/* recency list */
};

struct lblc_table {
	uint16_t		 bucket[LBLC_TAB_SIZE];
	uint16_t		 oldest, newest;
	uint16_t		 free;
	struct lblc_entry	 en[LBLC_TAB_SIZE];
};

#define EN(t, link)	(&(t)->en[(link) - 1])

static unsigned
lblc_hash(uint32_t addr)
{
	/* multiplicative (Fibonacci) hash of the host-order address */
	return (ntohl(addr) * 2654435761u) >> (32 - LBLC_TAB_BITS);
}

static void
recency_unlink(struct lblc_table *t, uint16_t link)
{
	struct lblc_entry *e = EN(t, link);

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
recency_push(struct lblc_table *t, uint16_t link)
{
	struct lblc_entry *e = EN(t, link);

	e->older = t->newest;
	e->newer = 0;
	if (t->newest)
		EN(t, t->newest)->newer = link;
	else
		t->oldest = link;
	t->newest = link;
}

static uint16_t
lblc_lookup(const struct lblc_table *t, uint32_t addr)
{
	uint16_t link;

	for (link = t->bucket[lblc_hash(addr)]; link; link = EN(t, link)->hnext)
		if (EN(t, link)->addr == addr)
			return link;
	return 0;
}

static void
lblc_drop(struct lblc_table *t, uint16_t link)
{
	uint16_t *p = &t->bucket[lblc_hash(EN(t, link)->addr)];

	while (*p != link)
		p = &EN(t, *p)->hnext;
	*p = EN(t, link)->hnext;
	recency_unlink(t, link);
	EN(t, link)->dest = NULL;
	EN(t, link)->hnext = t->free;
	t->free = link;
}

static void
lblc_add(struct lblc_table *t, uint32_t addr, struct uvs_dest *dest,
    uint32_t now)
{
	struct lblc_entry *e;
	uint16_t link, *head;

	if (!t->free)
		lblc_drop(t, t->oldest);
	link = t->free;
	e = EN(t, link);
	t->free = e->hnext;
	e->addr = addr;
	e->dest = dest;
	e->lastuse = now;
	head = &t->bucket[lblc_hash(addr)];
	e->hnext = *head;
	*head = link;
	recency_push(t, link);
}

/* Entries are in lastuse order, so the stale ones sit at the old end. */
static void
lblc_expire(struct lblc_table *t, uint32_t now)
{
	while (t->oldest &&
	    (int32_t)(now - EN(t, t->oldest)->lastuse) >= LBLC_EXPIRATION)
		lblc_drop(t, t->oldest);
}

/* IPVS's __ip_vs_lblc_schedule: least overhead/weight, first on a tie. */
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
 * IPVS's is_overloaded(): dest has more active conns than its weight and
 * some dest of the service (any, flags aside) has under half its weight.
 */
static int
lblc_overloaded(const struct uvs_svc *svc, const struct uvs_dest *dest)
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
lblc_init(struct uvs_svc *svc)
{
	struct lblc_table *t = calloc(1, sizeof(*t));
	unsigned i;

	if (!t)
		return -ENOMEM;
	for (i = LBLC_TAB_SIZE; i > 0; i--) {
		t->en[i - 1].hnext = t->free;
		t->free = (uint16_t)i;
	}
	svc->sched_data = t;
	return 0;
}

static void
lblc_done(void *data)
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

/* A removed dest's entries go; the next flow to their IP is scheduled. */
static int
lblc_update(struct uvs_svc *svc)
{
	struct lblc_table *t = svc->sched_data;
	uint16_t link, next;

	for (link = t->oldest; link; link = next) {
		next = EN(t, link)->newer;
		if (!dest_present(svc, EN(t, link)->dest))
			lblc_drop(t, link);
	}
	return 0;
}

/*
 * IPVS checks only weight and availability of the remembered dest; here
 * uvs_dest_usable() also turns away an OVERLOADed (-x) or unreachable one.
 */
static struct uvs_dest *
lblc_schedule(struct uvs_svc *svc, const struct uvs_flow *flow)
{
	struct lblc_table *t = svc->sched_data;
	struct uvs_dest *dest;
	uint16_t link;

	if (!flow)
		return least_of(svc->dests, svc->ndests);
	lblc_expire(t, flow->now);
	link = lblc_lookup(t, flow->vaddr);
	if (link) {
		struct lblc_entry *e = EN(t, link);

		e->lastuse = flow->now;
		recency_unlink(t, link);
		recency_push(t, link);
		if (uvs_dest_usable(e->dest) && !lblc_overloaded(svc, e->dest))
			return e->dest;
	}
	if (!(dest = least_of(svc->dests, svc->ndests)))
		return NULL;
	if (link)
		EN(t, link)->dest = dest;
	else
		lblc_add(t, flow->vaddr, dest, flow->now);
	return dest;
}

const struct uvs_sched_ops uvs_sched_lblc = {
	.name = "lblc",
	.init = lblc_init,
	.done = lblc_done,
	.update = lblc_update,
	.schedule = lblc_schedule,
};
