/*
 * Least connection (IPVS ip_vs_lc.c): the usable dest with the smallest
 * overhead, (active << 8) + inactive; the first one in the list wins a
 * tie. The usable dests sit in a heap by that order (pickheap.c): a pick
 * reads its root, a dest whose counts changed moves in O(log n).
 */
#include "pickheap.h"

static int
lc_before(const struct uvs_dest *a, const struct uvs_dest *b)
{
	return uvs_dest_overhead(a) < uvs_dest_overhead(b);
}

static const struct uvs_pick_order lc_order = {
	.member = uvs_dest_usable,
	.before = lc_before,
};

static int
lc_init(struct uvs_svc *svc)
{
	return uvs_pickheap_attach(svc, &lc_order);
}

const struct uvs_sched_ops uvs_sched_lc = {
	.name = "lc",
	.init = lc_init,
	.done = uvs_pickheap_done,
	.update = uvs_pickheap_update,
	.schedule = uvs_pickheap_schedule,
	.dest_changed = uvs_pickheap_dest_changed,
};
