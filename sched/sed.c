/*
 * Shortest expected delay (IPVS ip_vs_sed.c): the usable dest with the
 * smallest (active + 1) / weight, the delay a new flow would expect there.
 * Inactive connections do not count (ip_vs_sed_dest_overhead). Compared
 * as wlc is, by 64-bit cross products; the first one in the list wins a
 * tie. A heap of the usable dests (pickheap.c) keeps the pick at its root.
 */
#include "pickheap.h"

static uint64_t
sed_overhead(const struct uvs_dest *d)
{
	return (uint64_t)d->activeconns + 1;
}

static int
sed_before(const struct uvs_dest *a, const struct uvs_dest *b)
{
	return sed_overhead(a) * (uint64_t)b->weight <
	    sed_overhead(b) * (uint64_t)a->weight;
}

const struct uvs_pick_order uvs_pick_sed = {
	.member = uvs_dest_usable,
	.before = sed_before,
};

static int
sed_init(struct uvs_svc *svc)
{
	return uvs_pickheap_attach(svc, &uvs_pick_sed);
}

const struct uvs_sched_ops uvs_sched_sed = {
	.name = "sed",
	.init = sed_init,
	.done = uvs_pickheap_done,
	.update = uvs_pickheap_update,
	.schedule = uvs_pickheap_schedule,
	.dest_changed = uvs_pickheap_dest_changed,
};
