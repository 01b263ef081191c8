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
	if (d->total_shared)
		return __atomic_load_n(d->total_shared, __ATOMIC_RELAXED);
	return d->activeconns + d->inactconns;
}

/* A flow bound (+1) or released (0) moves the shared total too. */
static void
count_shared(struct uvs_dest *d, int bound)
{
	if (!d->total_shared || bound < 0)
		return;
	if (bound > 0)
		__atomic_add_fetch(d->total_shared, 1, __ATOMIC_RELAXED);
	else
		__atomic_sub_fetch(d->total_shared, 1, __ATOMIC_RELAXED);
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

	count_shared(d, bound);
	apply_thresholds(d, bound);
	if (svc->sched && svc->sched->dest_changed)
		svc->sched->dest_changed(svc, d);
}

int
uvs_dest_thresholds_recheck(struct uvs_dest *d)
{
	uint32_t was = d->flags & UVS_DEST_F_OVERLOAD;
	struct uvs_svc *svc = d->svc;

	apply_thresholds(d, 1);
	if (d->flags & UVS_DEST_F_OVERLOAD)	/* may it be lifted? */
		apply_thresholds(d, 0);
	if ((d->flags & UVS_DEST_F_OVERLOAD) == was)
		return 0;
	if (svc->sched && svc->sched->dest_changed)
		svc->sched->dest_changed(svc, d);
	return 1;
}
