/*
 * Round robin (IPVS ip_vs_rr.c): walk the dests in order from the one
 * after the last pick; take the first usable one. When the last pick is
 * removed, or taken out by health checks, the walk goes on from where it
 * stood, as IPVS's does.
 */
#include <stdlib.h>

#include "sched.h"

struct rr_state {
	struct uvs_dest	*last;	/* last pick, NULL = start of the list */
	int		 pos;	/* its index when picked */
};

static int
rr_init(struct uvs_svc *svc)
{
	struct rr_state *st = calloc(1, sizeof(*st));

	if (!st)
		return -1;
	st->pos = -1;
	svc->sched_data = st;
	return 0;
}

static void
rr_done(void *data)
{
	free(data);
}

static int
rr_update(struct uvs_svc *svc)
{
	struct rr_state *st = svc->sched_data;
	unsigned i;

	if (st->last) {
		for (i = 0; i < svc->ndests && svc->dests[i] != st->last; i++)
			;
		if (i < svc->ndests && uvs_dest_listed(st->last)) {
			st->pos = (int)i;
			return 0;
		}
		/*
		 * last pick was removed (its successor took its index) or
		 * taken out by health checks (a removal to IPVS; it keeps
		 * its index). Hold on to the listed dest before it (NULL =
		 * list head), as IPVS's del_dest moves its mark to the
		 * previous entry, so that a later removal moves the mark
		 * again.
		 */
		if (i < svc->ndests)
			st->pos = (int)i;
		do
			st->pos--;
		while (st->pos >= 0 && !uvs_dest_listed(svc->dests[st->pos]));
		st->last = st->pos >= 0 ? svc->dests[st->pos] : NULL;
	}
	if (st->pos >= (int)svc->ndests)
		st->pos = (int)svc->ndests - 1;
	return 0;
}

static struct uvs_dest *
rr_schedule(struct uvs_svc *svc, const struct uvs_flow *flow)
{
	struct rr_state *st = svc->sched_data;
	unsigned n = svc->ndests, k;
	int pos = st->pos;

	(void)flow;
	for (k = 0; k < n; k++) {
		pos = (pos + 1) % (int)n;
		if (uvs_dest_usable(svc->dests[pos])) {
			st->pos = pos;
			st->last = svc->dests[pos];
			return st->last;
		}
	}
	return NULL;
}

const struct uvs_sched_ops uvs_sched_rr = {
	.name = "rr",
	.init = rr_init,
	.done = rr_done,
	.update = rr_update,
	.schedule = rr_schedule,
};
