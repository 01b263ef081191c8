/*
 * Weighted least connection (IPVS ip_vs_wlc.c), ipvsadm's default: the
 * usable dest with the smallest overhead / weight, compared without a
 * division as IPVS does (loh * w_d > doh * w_least); first one wins a tie.
 */
#include "sched.h"

static struct uvs_dest *
wlc_schedule(struct uvs_svc *svc, const struct uvs_flow *flow)
{
	struct uvs_dest *least = NULL;
	uint64_t loh = 0;
	unsigned i;

	(void)flow;
	for (i = 0; i < svc->ndests; i++) {
		struct uvs_dest *d = svc->dests[i];
		uint64_t doh;

		if (!uvs_dest_usable(d))
			continue;
		doh = uvs_dest_overhead(d);
		if (!least || loh * (uint64_t)d->weight >
		    doh * (uint64_t)least->weight) {
			least = d;
			loh = doh;
		}
	}
	return least;
}

const struct uvs_sched_ops uvs_sched_wlc = {
	.name = "wlc",
	.schedule = wlc_schedule,
};
