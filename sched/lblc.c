/*
 * Locality-based least connection (IPVS ip_vs_lblc.c). Each destination
 * IP (the flow's vaddr) remembers the server it last got; a new flow to
 * that IP goes there again while that server is usable and not overloaded
 * in lblc's sense: more active conns than its weight while some dest runs
 * below half its weight. Otherwise the weighted least-connection pick (as
 * wlc's) is taken and remembered.
 *
 * The memory is locality.c's table with sets of one: LBLC_TAB_SIZE
 * entries fixed at init, an entry unused for LBLC_EXPIRATION seconds of
 * flow->now dropped at the next pick (IPVS's periodic full check), and a
 * new address in a full table taking the least recently used slot. (IPVS
 * lets its table grow to 16 entries a bucket before a 6-minute collector
 * trims it; here the bound is hard.) update() drops entries whose dest
 * left, so none can dangle.
 */
#include "locality.h"

#define LBLC_TAB_SIZE	1024	/* IP_VS_LBLC_TAB_SIZE */
_Static_assert(LBLC_TAB_SIZE == UVS_LOC_TAB_SIZE, "lblc table size");
/* sysctl lblc_expiration, default 24 h (ip_vs_lblc.c DEFAULT_EXPIRATION) */
#define LBLC_EXPIRATION	(24 * 60 * 60)

static int
lblc_init(struct uvs_svc *svc)
{
	return uvs_loc_attach(svc, 1);
}

/*
 * IPVS checks only weight and availability of the remembered dest; here
 * uvs_dest_usable() also turns away an OVERLOADed (-x) or unreachable one.
 */
static struct uvs_dest *
lblc_schedule(struct uvs_svc *svc, const struct uvs_flow *flow)
{
	struct uvs_loc_table *t = svc->sched_data;
	struct uvs_loc_entry *e;
	struct uvs_dest *dest;

	if (!flow)
		return uvs_loc_least(svc->dests, svc->ndests);
	uvs_loc_expire(t, flow->now, LBLC_EXPIRATION);
	if ((e = uvs_loc_lookup(t, &flow->vaddr))) {
		uvs_loc_touch(t, e, flow->now);
		dest = e->set[0];
		if (uvs_dest_usable(dest) && !uvs_loc_overloaded(svc, dest))
			return dest;
	}
	if (!(dest = uvs_loc_least(svc->dests, svc->ndests)))
		return NULL;
	if (!e)
		e = uvs_loc_add(t, &flow->vaddr, flow->now);
	/* a set of one: the new dest replaces the remembered one */
	uvs_loc_set_insert(t, e, dest, flow->now);
	return dest;
}

const struct uvs_sched_ops uvs_sched_lblc = {
	.name = "lblc",
	.init = lblc_init,
	.done = uvs_loc_done,
	.update = uvs_loc_update,
	.schedule = lblc_schedule,
};
