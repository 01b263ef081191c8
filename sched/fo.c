/*
 * Weighted failover (IPVS ip_vs_fo.c): every new flow goes to the usable
 * dest of highest weight; the others stand by until it fails (OVERLOAD,
 * weight 0, no link-layer address) or a heavier one comes. IPVS replaces
 * its pick only on a strictly higher weight, so a tie goes to the first in
 * list order, i.e. the newest of the equals. Connection counts play no part.
 */
#include "sched.h"

static struct uvs_dest *
fo_schedule(struct uvs_svc *svc, const struct uvs_flow *flow)
{
	struct uvs_dest *best = NULL;
	unsigned i;

	(void)flow;
	for (i = 0; i < svc->ndests; i++) {
		struct uvs_dest *d = svc->dests[i];

		if (uvs_dest_usable(d) && (!best || d->weight > best->weight))
			best = d;
	}
	return best;
}

const struct uvs_sched_ops uvs_sched_fo = {
	.name = "fo",
	.schedule = fo_schedule,
};
