/*
 * Weighted overflow (IPVS ip_vs_ovf.c): new flows go to the usable dest of
 * highest weight until its active connections exceed its weight, then
 * overflow to the next heaviest, and come back as it drains. IPVS passes a
 * dest over only when activeconns > weight, so a dest of weight w takes
 * flows while it holds 0..w active ones: w + 1 at once, not w. A tie goes
 * to the first in list order. Inactive connections do not count, so this
 * suits TCP better than UDP, as IPVS's own note says.
 */
#include "sched.h"

static struct uvs_dest *
ovf_schedule(struct uvs_svc *svc, const struct uvs_flow *flow)
{
	struct uvs_dest *best = NULL;
	unsigned i;

	(void)flow;
	for (i = 0; i < svc->ndests; i++) {
		struct uvs_dest *d = svc->dests[i];

		if (!uvs_dest_usable(d) ||
		    d->activeconns > (uint32_t)d->weight)
			continue;
		if (!best || d->weight > best->weight)
			best = d;
	}
	return best;
}

const struct uvs_sched_ops uvs_sched_ovf = {
	.name = "ovf",
	.schedule = ovf_schedule,
};
