/*
 * Least connection (IPVS ip_vs_lc.c): the usable dest with the smallest
 * overhead, (active << 8) + inactive; the first one wins a tie.
 */
#include "sched.h"

static struct uvs_dest *
lc_schedule(struct uvs_svc *svc, const struct uvs_flow *flow)
{
	struct uvs_dest *least = NULL;
	uint32_t loh = 0;
	unsigned i;

	(void)flow;
	for (i = 0; i < svc->ndests; i++) {
		struct uvs_dest *d = svc->dests[i];
		uint32_t doh;

		if (!uvs_dest_usable(d))
			continue;
		doh = uvs_dest_overhead(d);
		if (!least || doh < loh) {
			least = d;
			loh = doh;
		}
	}
	return least;
}

const struct uvs_sched_ops uvs_sched_lc = {
	.name = "lc",
	.schedule = lc_schedule,
};
