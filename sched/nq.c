/*
 * Never queue (IPVS ip_vs_nq.c): the first usable dest in the list with
 * no active connection, at once; when every usable dest is busy, sed's
 * pick. Two heaps (pickheap.c) answer both questions without a scan: the
 * idle usable dests by list position alone, and all usable dests in sed's
 * order. A dest whose counts changed moves in both.
 */
#include <errno.h>
#include <stdlib.h>

#include "pickheap.h"

struct nq_state {
	struct uvs_pickheap	 idle;	/* usable, activeconns == 0 */
	struct uvs_pickheap	 all;	/* usable, in sed's order */
};

static int
nq_idle(const struct uvs_dest *d)
{
	return uvs_dest_usable(d) && d->activeconns == 0;
}

/* Idle dests are all alike: list position alone orders them. */
static int
nq_never_before(const struct uvs_dest *a, const struct uvs_dest *b)
{
	(void)a;
	(void)b;
	return 0;
}

static const struct uvs_pick_order nq_idle_order = {
	.member = nq_idle,
	.before = nq_never_before,
};

static void
nq_done(void *data)
{
	struct nq_state *st = data;

	if (!st)
		return;
	uvs_pickheap_free(&st->idle);
	uvs_pickheap_free(&st->all);
	free(st);
}

static int
nq_update(struct uvs_svc *svc)
{
	struct nq_state *st = svc->sched_data;
	int rc = uvs_pickheap_rebuild(&st->idle, svc);

	if (uvs_pickheap_rebuild(&st->all, svc) < 0)
		rc = -ENOMEM;
	return rc;
}

static int
nq_init(struct uvs_svc *svc)
{
	struct nq_state *st = malloc(sizeof(*st));

	if (!st)
		return -ENOMEM;
	uvs_pickheap_init(&st->idle, &nq_idle_order);
	uvs_pickheap_init(&st->all, &uvs_pick_sed);
	svc->sched_data = st;
	/* the service may have dests already (ipvsadm -E -s nq) */
	if (nq_update(svc) < 0) {
		nq_done(st);
		svc->sched_data = NULL;
		return -ENOMEM;
	}
	return 0;
}

static struct uvs_dest *
nq_schedule(struct uvs_svc *svc, const struct uvs_flow *flow)
{
	struct nq_state *st = svc->sched_data;
	struct uvs_dest *d;

	(void)flow;
	if ((d = uvs_pickheap_top(&st->idle, svc)))
		return d;
	return uvs_pickheap_top(&st->all, svc);
}

static void
nq_dest_changed(struct uvs_svc *svc, struct uvs_dest *d)
{
	struct nq_state *st = svc->sched_data;

	uvs_pickheap_changed(&st->idle, svc, d);
	uvs_pickheap_changed(&st->all, svc, d);
}

const struct uvs_sched_ops uvs_sched_nq = {
	.name = "nq",
	.init = nq_init,
	.done = nq_done,
	.update = nq_update,
	.schedule = nq_schedule,
	.dest_changed = nq_dest_changed,
};
