/*
 * Weighted least connection (IPVS ip_vs_wlc.c), ipvsadm's default: the
 * usable dest with the smallest overhead / weight, compared without a
 * division as IPVS does (a before b when oh_a * w_b < oh_b * w_a, in 64
 * bits); the first one in the list wins a tie. Usable dests have weight
 * > 0, so the cross products order the ratios exactly and a heap
 * (pickheap.c) holds them: a pick reads its root.
 */
#include "pickheap.h"

static int
wlc_before(const struct uvs_dest *a, const struct uvs_dest *b)
{
	return (uint64_t)uvs_dest_overhead(a) * (uint64_t)b->weight <
	    (uint64_t)uvs_dest_overhead(b) * (uint64_t)a->weight;
}

static const struct uvs_pick_order wlc_order = {
	.member = uvs_dest_usable,
	.before = wlc_before,
};

static int
wlc_init(struct uvs_svc *svc)
{
	return uvs_pickheap_attach(svc, &wlc_order);
}

const struct uvs_sched_ops uvs_sched_wlc = {
	.name = "wlc",
	.init = wlc_init,
	.done = uvs_pickheap_done,
	.update = uvs_pickheap_update,
	.schedule = uvs_pickheap_schedule,
	.dest_changed = uvs_pickheap_dest_changed,
};
