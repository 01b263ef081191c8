/*
 * A synced connection into a forwarding table (syncin.h), as IPVS's
 * ip_vs_proc_conn does on a backup: the service and real server are
 * found by address in this table (each copy of the table has its own
 * dest objects), an existing entry takes the master's state and timeout,
 * a missing one is made. A flow bound elsewhere than the master says is
 * bound again (the master is right: it forwards the flow). Nothing here
 * allocates: the conn table has its fixed capacity.
 */
#include <netinet/in.h>

#include "fwd/data/syncin.h"
#include "sched/conn.h"

struct uvs_dest *
uvs_syncin_dest(const struct uvs_svc_table *t, const struct uvs_sync_conn *c)
{
	struct uvs_svc *s = uvs_svc_find(t, c->proto, c->af, &c->vaddr,
	    c->vport);

	/* VIP:port, else a persistent VIP:0 service */
	if (!s && c->vport) {
		s = uvs_svc_find(t, c->proto, c->af, &c->vaddr, 0);
		if (s && !(s->flags & UVS_SVC_F_PERSISTENT))
			s = NULL;
	}
	return s ? uvs_dest_find(s, &c->daddr, c->dport) : NULL;
}

static enum uvs_syncin_result
sync_template(struct uvs_fwd *fw, const struct uvs_sync_conn *c,
    struct uvs_dest *d, uint32_t now)
{
	struct uvs_flow key = { .proto = c->proto, .af = c->af,
	    .caddr = c->caddr, .vaddr = c->vaddr, .vport = c->vport };
	struct uvs_conn *t = uvs_conn_template_lookup(&fw->conns, &key);

	if (t) {
		if (t->dest != d) {
			t->dest->persistconns--;
			t->dest = d;
			d->persistconns++;
		}
		uvs_conn_sync_set(&fw->conns, t, 0, c->timeout, now);
		return UVS_SYNCIN_UPDATED;
	}
	if (!(t = uvs_conn_template_insert(&fw->conns, &key, d, now,
	    c->timeout)))
		return UVS_SYNCIN_REFUSED;
	uvs_conn_sync_set(&fw->conns, t, 0, c->timeout, now);
	return UVS_SYNCIN_NEW;
}

enum uvs_syncin_result
uvs_syncin_apply(struct uvs_fwd *fw, const struct uvs_sync_conn *c,
    uint32_t now)
{
	struct uvs_flow f = { .proto = c->proto, .af = c->af,
	    .caddr = c->caddr, .vaddr = c->vaddr, .cport = c->cport,
	    .vport = c->vport, .now = now };
	struct uvs_conn *e;
	struct uvs_dest *d;
	uint8_t state;

	if (c->proto != IPPROTO_TCP && c->proto != IPPROTO_UDP)
		return UVS_SYNCIN_REFUSED;
	/* IPVS numbers TCP states as uvs does; UDP's one state is 0 */
	if (c->flags & UVS_SYNC_F_TEMPLATE)
		state = 0;
	else if (c->proto == IPPROTO_TCP && c->state < UVS_TCP_NSTATES)
		state = (uint8_t)c->state;
	else if (c->proto == IPPROTO_UDP && c->state == 0)
		state = UVS_UDP_NORMAL;
	else
		return UVS_SYNCIN_REFUSED;
	if ((c->flags & UVS_SYNC_F_FWD_MASK) != UVS_SYNC_F_DROUTE &&
	    (c->flags & UVS_SYNC_F_FWD_MASK) != UVS_SYNC_F_TUNNEL)
		return UVS_SYNCIN_REFUSED;
	if (!(d = uvs_syncin_dest(&fw->svcs, c)))
		return UVS_SYNCIN_NO_DEST;
	if (c->flags & UVS_SYNC_F_TEMPLATE)
		return sync_template(fw, c, d, now);
	if ((e = uvs_conn_lookup(&fw->conns, &f)) && e->dest != d) {
		uvs_conn_remove(&fw->conns, e);
		e = NULL;
	}
	if (e) {
		uvs_conn_sync_set(&fw->conns, e, state, c->timeout, now);
		return UVS_SYNCIN_UPDATED;
	}
	if (!(e = uvs_conn_insert(&fw->conns, &f, d, now)))
		return UVS_SYNCIN_REFUSED;
	if (c->proto == IPPROTO_UDP)
		e->state = UVS_UDP_NORMAL;
	uvs_conn_sync_set(&fw->conns, e, state, c->timeout, now);
	return UVS_SYNCIN_NEW;
}
