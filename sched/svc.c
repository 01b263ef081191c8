/*
 * Virtual services and their real servers. Control path only: every call
 * here may allocate, and none runs per packet. A new dest goes to the head
 * of the list, as IPVS's __ip_vs_update_dest does (list_add_rcu), so the
 * schedulers walk dests in the same order IPVS does: newest first. A dest
 * health checks put back goes to the head too, as keepalived's re-add.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sched.h"

void
uvs_svc_table_init(struct uvs_svc_table *t)
{
	memset(t, 0, sizeof(*t));
}

static void
svc_free(struct uvs_svc *svc)
{
	unsigned i;

	if (svc->sched && svc->sched->done)
		svc->sched->done(svc->sched_data);
	for (i = 0; i < svc->ndests; i++)
		free(svc->dests[i]);
	free(svc->dests);
	free(svc);
}

void
uvs_svc_table_free(struct uvs_svc_table *t)
{
	unsigned i;

	for (i = 0; i < t->nsvcs; i++)
		svc_free(t->svcs[i]);
	free(t->svcs);
	uvs_svcindex_free(t);
	memset(t, 0, sizeof(*t));
}

/* Grows an array of pointers to hold one more; 0 or -ENOMEM. */
static int
grow(void ***arr, unsigned n, unsigned *cap)
{
	void **p;
	unsigned ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 4;
	p = realloc(*arr, ncap * sizeof(*p));
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

int
uvs_svc_add(struct uvs_svc_table *t, const struct uvs_svc_conf *c)
{
	const struct uvs_sched_ops *ops;
	struct uvs_svc *svc;

	if (c->proto == 0)
		return -EINVAL;
	if (c->af != AF_INET && c->af != AF_INET6)
		return -EAFNOSUPPORT;
	if (uvs_svc_find(t, c->proto, c->af, &c->addr, c->port))
		return -EEXIST;
	if (!(ops = uvs_sched_find(c->sched)))
		return -ENOENT;
	if (grow((void ***)&t->svcs, t->nsvcs, &t->cap) < 0 ||
	    uvs_svcindex_reserve(t, t->nsvcs + 1) < 0)
		return -ENOMEM;
	if (!(svc = calloc(1, sizeof(*svc))))
		return -ENOMEM;
	svc->proto = c->proto;
	svc->af = c->af;
	svc->addr = c->addr;
	svc->port = c->port;
	svc->flags = c->flags;
	svc->timeout = c->timeout;
	svc->netmask = c->netmask;
	svc->sched = ops;
	if (ops->init && ops->init(svc) < 0) {
		free(svc);
		return -ENOMEM;
	}
	t->svcs[t->nsvcs++] = svc;
	uvs_svcindex_rebuild(t);
	return 0;
}

int
uvs_svc_edit(struct uvs_svc_table *t, const struct uvs_svc_conf *c)
{
	const struct uvs_sched_ops *ops;
	struct uvs_svc *svc;

	if (!(svc = uvs_svc_find(t, c->proto, c->af, &c->addr, c->port)))
		return -ESRCH;
	if (!(ops = uvs_sched_find(c->sched)))
		return -ENOENT;
	if (ops != svc->sched) {
		const struct uvs_sched_ops *old = svc->sched;
		void *old_data = svc->sched_data;

		svc->sched = ops;
		svc->sched_data = NULL;
		if (ops->init && ops->init(svc) < 0) {
			svc->sched = old;
			svc->sched_data = old_data;
			return -ENOMEM;
		}
		if (old->done)
			old->done(old_data);
	}
	svc->flags = c->flags;
	svc->timeout = c->timeout;
	svc->netmask = c->netmask;
	return 0;
}

void
uvs_svc_del(struct uvs_svc_table *t, struct uvs_svc *svc)
{
	unsigned i;

	for (i = 0; i < t->nsvcs; i++) {
		if (t->svcs[i] == svc) {
			memmove(&t->svcs[i], &t->svcs[i + 1],
			    (t->nsvcs - i - 1) * sizeof(*t->svcs));
			t->nsvcs--;
			break;
		}
	}
	uvs_svcindex_rebuild(t);
	svc_free(svc);
}

struct uvs_dest *
uvs_dest_find(const struct uvs_svc *svc, const union uvs_inaddr *addr,
    uint16_t port)
{
	unsigned i;

	for (i = 0; i < svc->ndests; i++)
		if (svc->dests[i]->port == port &&
		    uvs_inaddr_eq(&svc->dests[i]->addr, addr))
			return svc->dests[i];
	return NULL;
}

union uvs_inaddr
uvs_svc_persist_addr(const struct uvs_svc *svc, const union uvs_inaddr *caddr)
{
	union uvs_inaddr m = { .all = { 0 } };
	unsigned plen, i;

	if (svc->af != AF_INET6)
		return uvs_inaddr4(caddr->ip & svc->netmask);
	plen = svc->netmask > 128 ? 128 : svc->netmask;
	for (i = 0; i < plen / 8; i++)
		m.b[i] = caddr->b[i];
	if (plen % 8)
		m.b[i] = caddr->b[i] & (uint8_t)(0xff00 >> (plen % 8));
	return m;
}

void
uvs_svc_changed(struct uvs_svc *svc)
{
	if (svc->sched->update)
		svc->sched->update(svc);
}

static int
dest_conf_valid(const struct uvs_dest_conf *c)
{
	return c->weight >= 0 && c->weight <= 65535;
}

int
uvs_dest_add(struct uvs_svc *svc, const struct uvs_dest_conf *c)
{
	struct uvs_dest *d;

	if (!dest_conf_valid(c))
		return -EINVAL;
	/* one family per service, and a tunnel's outer packet is IPv4 */
	if (c->af != svc->af || (c->fwd == UVS_FWD_TUNNEL && c->af != AF_INET))
		return -EAFNOSUPPORT;
	/* the tunnels wrap in IPv4 (fwd/data/tunnel.c): none for v6 yet */
	if (c->af == AF_INET6 && c->fwd == UVS_FWD_TUNNEL)
		return -EAFNOSUPPORT;
	if (uvs_dest_find(svc, &c->addr, c->port))
		return -EEXIST;
	if (grow((void ***)&svc->dests, svc->ndests, &svc->cap) < 0)
		return -ENOMEM;
	if (!(d = calloc(1, sizeof(*d))))
		return -ENOMEM;
	d->addr = c->addr;
	d->port = c->port;
	d->weight = c->weight;
	d->last_weight = c->weight;
	d->u_threshold = c->u_threshold;
	d->l_threshold = c->l_threshold;
	d->flags = c->flags;
	d->fwd = c->fwd;
	d->tun_type = c->tun_type;
	d->tun_flags = c->tun_flags;
	d->tun_port = c->tun_port;
	d->svc = svc;
	memmove(&svc->dests[1], &svc->dests[0],
	    svc->ndests * sizeof(*svc->dests));
	svc->dests[0] = d;
	svc->ndests++;
	uvs_svc_changed(svc);
	return 0;
}

int
uvs_dest_edit(struct uvs_svc *svc, struct uvs_dest *d,
    const struct uvs_dest_conf *c)
{
	if (!dest_conf_valid(c))
		return -EINVAL;
	if (c->fwd == UVS_FWD_TUNNEL && svc->af != AF_INET)
		return -EAFNOSUPPORT;
	/* __ip_vs_update_dest: keep the latest non-zero weight */
	if (c->weight != 0)
		d->last_weight = c->weight;
	d->weight = c->weight;
	d->u_threshold = c->u_threshold;
	d->l_threshold = c->l_threshold;
	d->fwd = c->fwd;
	d->tun_type = c->tun_type;
	d->tun_flags = c->tun_flags;
	d->tun_port = c->tun_port;
	uvs_svc_changed(svc);
	return 0;
}

void
uvs_dest_set_out(struct uvs_svc *svc, struct uvs_dest *d, int out)
{
	unsigned i;

	if (out) {
		d->flags |= UVS_DEST_F_OUT;
	} else if (d->flags & UVS_DEST_F_OUT) {
		d->flags &= ~UVS_DEST_F_OUT;
		d->last_weight = d->weight;
		for (i = 0; i < svc->ndests && svc->dests[i] != d; i++)
			;
		if (i < svc->ndests) {
			memmove(&svc->dests[1], &svc->dests[0],
			    i * sizeof(*svc->dests));
			svc->dests[0] = d;
		}
	}
	uvs_svc_changed(svc);
}

void
uvs_dest_del(struct uvs_svc *svc, struct uvs_dest *d)
{
	unsigned i;

	for (i = 0; i < svc->ndests; i++) {
		if (svc->dests[i] == d) {
			memmove(&svc->dests[i], &svc->dests[i + 1],
			    (svc->ndests - i - 1) * sizeof(*svc->dests));
			svc->ndests--;
			break;
		}
	}
	free(d);
	uvs_svc_changed(svc);
}
