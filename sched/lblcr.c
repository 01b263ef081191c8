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
 * The memory is locality.c's table, fixed at init: LBLCR_TAB_SIZE entries
 * of at most LBLCR_SET_MAX members each (IPVS's sets are unbounded lists;
 * a full set here gives up its most loaded member to the newcomer). An
 * entry unused for LBLCR_EXPIRATION seconds of flow->now is dropped at the
 * next pick (IPVS's periodic full check), and a new address in a full
 * table takes the least recently used slot. update() takes removed dests
 * out of every set, so none can dangle.
 */
#include "locality.h"

#define LBLCR_TAB_SIZE	1024	/* IP_VS_LBLCR_TAB_SIZE */
_Static_assert(LBLCR_TAB_SIZE == UVS_LOC_TAB_SIZE, "lblcr table size");
#define LBLCR_SET_MAX	16
/* sysctl lblcr_expiration, default 24 h (ip_vs_lblcr.c DEFAULT_EXPIRATION) */
#define LBLCR_EXPIRATION	(24 * 60 * 60)

static int
lblcr_init(struct uvs_svc *svc)
{
	return uvs_loc_attach(svc, LBLCR_SET_MAX);
}

/* A set of two or more unchanged for LBLCR_EXPIRATION loses its most
 * loaded member. */
static void
lblcr_trim(struct uvs_loc_entry *e, uint32_t now)
{
	int most;

	if (e->nset <= 1 || (int32_t)(now - e->lastmod) <= LBLCR_EXPIRATION)
		return;
	if ((most = uvs_loc_set_most(e)) >= 0) {
		uvs_loc_set_erase(e, (unsigned)most);
		e->lastmod = now;
	}
}

/*
 * IPVS order: the set's pick is made before a stale set is trimmed, so
 * the flow may still go to the member just let go.
 */
static struct uvs_dest *
lblcr_schedule(struct uvs_svc *svc, const struct uvs_flow *flow)
{
	struct uvs_loc_table *t = svc->sched_data;
	struct uvs_loc_entry *e;
	struct uvs_dest *dest;

	if (!flow)
		return uvs_loc_least(svc->dests, svc->ndests);
	uvs_loc_expire(t, flow->now, LBLCR_EXPIRATION);
	if (!(e = uvs_loc_lookup(t, &flow->vaddr))) {
		if (!(dest = uvs_loc_least(svc->dests, svc->ndests)))
			return NULL;
		e = uvs_loc_add(t, &flow->vaddr, flow->now);
		uvs_loc_set_insert(t, e, dest, flow->now);
		return dest;
	}
	uvs_loc_touch(t, e, flow->now);
	dest = uvs_loc_least(e->set, e->nset);
	lblcr_trim(e, flow->now);
	if (dest && !uvs_loc_overloaded(svc, dest))
		return dest;
	if (!(dest = uvs_loc_least(svc->dests, svc->ndests)))
		return NULL;
	uvs_loc_set_insert(t, e, dest, flow->now);
	return dest;
}

const struct uvs_sched_ops uvs_sched_lblcr = {
	.name = "lblcr",
	.init = lblcr_init,
	.done = uvs_loc_done,
	.update = uvs_loc_update,
	.schedule = lblcr_schedule,
};
