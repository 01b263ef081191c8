/*
 * Where the metrics come from: the director's table and sums, read in
 * the control thread right after uvs_dir_sync() brought them up to date
 * (that sync is a call each worker runs between two bursts, so no
 * figure is read while a worker writes it). This is the
 * one function to change when the counters move elsewhere.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "fwd/control/director.h"
#include "fwd/control/metrics.h"

static int
collect_dest(struct uvs_director *d, const struct uvs_svc *s,
    const struct uvs_dest *x, struct uvs_metrics_snap *snap)
{
	const struct uvs_health_key k = { .proto = s->proto, .af = s->af,
	    .vip = s->addr, .vport = s->port, .rip = x->addr,
	    .rport = x->port };
	struct uvs_metrics_dest *m = uvs_metrics_snap_dest(snap);

	if (!m)
		return -ENOMEM;
	m->rip = x->addr;
	m->rport = ntohs(x->port);
	m->weight = x->weight > 0 ? (uint64_t)x->weight : 0;
	m->active = x->activeconns;
	m->inactive = x->inactconns;
	m->persist = x->persistconns;
	m->conns = x->conns;
	m->inpkts = x->inpkts;
	m->inbytes = x->inbytes;
	m->has_health = uvs_health_dest_info(d->health, &k,
	    !!(x->flags & UVS_DEST_F_OUT), &m->h) == 0;
	return 0;
}

static int
collect_svc(struct uvs_director *d, const struct uvs_svc *s,
    struct uvs_metrics_snap *snap)
{
	struct uvs_metrics_svc *m = uvs_metrics_snap_svc(snap);
	unsigned k;

	if (!m)
		return -ENOMEM;
	m->proto = s->proto;
	m->af = s->af;
	m->vip = s->addr;
	m->vport = ntohs(s->port);
	m->conns = s->conns;
	m->inpkts = s->inpkts;
	m->inbytes = s->inbytes;
	m->has_health = uvs_health_svc_info(d->health, s->proto, s->af,
	    &s->addr, s->port, &m->h) == 0;
	for (k = 0; k < s->ndests; k++) {
		if (collect_dest(d, s, s->dests[k], snap) < 0)
			return -ENOMEM;
		/* counted as added: a service never lists a dest it lacks */
		snap->svcs[snap->nsvcs - 1].ndests++;
	}
	return 0;
}

int
uvs_metrics_collect(struct uvs_director *d, struct uvs_metrics_snap *snap)
{
	const struct uvs_svc_table *t = &d->fw.svcs;
	unsigned i;

	snap->nsvcs = snap->ndests = 0;
	uvs_dir_sync(d);
	snap->st = d->fw.stats;
	snap->reclaimed = d->sum.reclaimed;
	snap->reclaimed_udp = d->sum.reclaimed_udp;
	snap->conns = d->sum.conns;
	snap->capacity = d->sum.capacity;
	snap->unresolved = uvs_dir_unresolved(d);
	snap->nworkers = d->sum.nworkers;
	memcpy(snap->worker_rx, d->sum.worker_rx, sizeof(snap->worker_rx));
	snap->has_health = d->health != NULL;
	snap->hc = uvs_health_counters(d->health);
	for (i = 0; i < t->nsvcs; i++)
		if (collect_svc(d, t->svcs[i], snap) < 0)
			return -ENOMEM;
	return 0;
}
