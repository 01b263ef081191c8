/*
 * What happens to a dest when its connection counts move. IPVS marks a
 * dest OVERLOAD when its total connections reach the upper threshold
 * (-x), and lifts the mark when they fall below the lower threshold (-y),
 * or below 3/4 of the upper one when no lower one is set. An overloaded
 * dest gets no new flows; its existing ones go on.
 */
#include "sched.h"

static uint32_t
total_conns(const struct uvs_dest *d)
{
	return d->activeconns + d->inactconns;
}

static void
apply_thresholds(struct uvs_dest *d, int bound)
{
	uint32_t total = total_conns(d);

	if (bound > 0) {
		if (d->u_threshold && total >= d->u_threshold)
			d->flags |= UVS_DEST_F_OVERLOAD;
	} else if (bound == 0) {
		if (d->l_threshold) {
			if (total < d->l_threshold)
				d->flags &= ~UVS_DEST_F_OVERLOAD;
		} else if (d->u_threshold) {
			if ((uint64_t)total * 4 < (uint64_t)d->u_threshold * 3)
				d->flags &= ~UVS_DEST_F_OVERLOAD;
		} else {
			d->flags &= ~UVS_DEST_F_OVERLOAD;
		}
	}
}

void
uvs_dest_conns_changed(struct uvs_dest *d, int bound)
{
	struct uvs_svc *svc = d->svc;

	apply_thresholds(d, bound);
	if (svc->sched && svc->sched->dest_changed)
		svc->sched->dest_changed(svc, d);
}
