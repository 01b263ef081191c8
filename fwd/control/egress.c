/*
 * Where each dest's frames leave: the director's links (uvsd -i, once or
 * more) and, per dest, the link and next hop the kernel's route to it
 * names. IPVS's DR transmit routes every packet to the real server's
 * address (ip_vs_xmit.c: __ip_vs_get_out_rt with IP_VS_RT_MODE_KNOWN_NH,
 * so the neighbour is the real server itself, whatever gateway the route
 * names); uvsd does the same once per dest and again whenever the routing
 * table changes, and keeps the answer in the dest (oif, srcmac, nexthop),
 * so the packet path only copies it. A route by a link uvsd was not given
 * leaves the dest unresolved: uvsd cannot send there.
 */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

#include "arp/kernel/route.h"
#include "fwd/control/director.h"

int
uvs_dir_add_link(struct uvs_director *d, const char *ifname, char *err,
    size_t errlen)
{
	struct uvs_dir_link *l = &d->links[d->nlinks];
	int rc;

	if (d->nlinks == UVS_DIR_LINKS_MAX - 1) {
		snprintf(err, errlen, "-i %s: at most %d interfaces", ifname,
		    UVS_DIR_LINKS_MAX);
		return -ENOSPC;
	}
	if (d->fw.svcs.nsvcs || d->workers.n) {
		snprintf(err, errlen, "-i %s: links are added before services "
		    "and workers", ifname);
		return -EBUSY;
	}
	memset(l, 0, sizeof(*l));
	l->cap.fd = -1;
	snprintf(l->name, sizeof(l->name), "%s", ifname);
	if ((rc = uvs_link_get(ifname, &l->ifindex, l->mac)) < 0) {
		snprintf(err, errlen, "interface %s: %s", ifname,
		    strerror(-rc));
		return rc;
	}
	if (uvs_dir_link_mac(d, l->ifindex)) {
		snprintf(err, errlen, "-i %s: given twice", ifname);
		return -EEXIST;
	}
	if ((rc = uvs_capture_open(&l->cap, l->ifindex)) < 0) {
		snprintf(err, errlen, "packet socket on %s: %s", ifname,
		    strerror(-rc));
		return rc;
	}
	d->nlinks++;	/* uvs_dir_free closes its socket from now on */
	if ((rc = uvs_nl_watch(d->nl, l->ifindex)) < 0) {
		snprintf(err, errlen, "-i %s: %s", ifname, strerror(-rc));
		return rc;
	}
	return 0;
}

const uint8_t *
uvs_dir_link_mac(const struct uvs_director *d, int ifindex)
{
	unsigned i;

	if (ifindex == d->ifindex)
		return d->fw.mac;
	for (i = 0; i < d->nlinks; i++)
		if (d->links[i].ifindex == ifindex)
			return d->links[i].mac;
	return NULL;
}

/*
 * One address's egress, for the master table and each worker's copy;
 * DR dests and tunnelled ones (tunnel set) are routed apart, since only
 * a tunnel may go through a gateway.
 */
struct egress_call {
	uint32_t	 addr;
	int		 tunnel;
	uint32_t	 tun_src;	/* the route's source: a tunnel's outer */
	uint32_t	 mtu;		/* the route's, else its link's */
	int		 oif;
	uint32_t	 nexthop;	/* 0: not reachable from uvsd's links */
	uint8_t		 src[6];
	int		 have_hw;	/* hw is known already */
	uint8_t		 hw[6];
};

/* Points every dest at addr to the new egress; a new one starts unknown. */
static void
fw_egress(struct uvs_fwd *fw, void *arg)
{
	const struct egress_call *a = arg;
	struct uvs_svc_table *t = &fw->svcs;
	unsigned i, k;

	for (i = 0; i < t->nsvcs; i++) {
		struct uvs_svc *svc = t->svcs[i];
		int changed = 0;

		for (k = 0; k < svc->ndests; k++) {
			struct uvs_dest *x = svc->dests[k];

			if (x->addr != a->addr ||
			    (x->fwd == UVS_FWD_TUNNEL) != a->tunnel)
				continue;
			x->tun_src = a->tun_src;
			x->mtu = a->mtu;
			if (x->oif != a->oif || x->nexthop != a->nexthop) {
				x->oif = a->oif;
				x->nexthop = a->nexthop;
				memcpy(x->srcmac, a->src, 6);
				changed |= !(x->flags & UVS_DEST_F_NOHWADDR);
				x->flags |= UVS_DEST_F_NOHWADDR;
			}
			if (a->have_hw && (x->flags & UVS_DEST_F_NOHWADDR)) {
				memcpy(x->hwaddr, a->hw, 6);
				x->flags &= ~UVS_DEST_F_NOHWADDR;
				changed = 1;
			}
		}
		if (changed)
			uvs_svc_changed(svc);
	}
}

/* A MAC already known for this next hop, from another dest. */
static const struct uvs_dest *
resolved_nexthop(const struct uvs_director *d, int oif, uint32_t nexthop)
{
	const struct uvs_svc_table *t = &d->fw.svcs;
	unsigned i, k;

	for (i = 0; i < t->nsvcs; i++)
		for (k = 0; k < t->svcs[i]->ndests; k++) {
			const struct uvs_dest *x = t->svcs[i]->dests[k];

			if (x->oif == oif && x->nexthop == nexthop &&
			    !(x->flags & UVS_DEST_F_NOHWADDR))
				return x;
		}
	return NULL;
}

/*
 * The egress the kernel's route gives addr. Without any route the dest
 * is looked for on the first link, as before routes were asked.
 */
static void
route_of(const struct uvs_director *d, uint32_t addr, struct egress_call *a)
{
	struct uvs_route r = { 0 };
	const uint8_t *mac;

	a->addr = addr;
	a->oif = d->ifindex;
	a->nexthop = addr;
	if (uvs_route_get(addr, &r) == 0 && r.type == RTN_UNICAST) {
		a->oif = r.oif;
		a->tun_src = r.prefsrc;
		/* DR's next hop is the real server itself (IPVS's KNOWN_NH);
		   a tunnel's packets are routed like any others */
		if (a->tunnel && r.gateway)
			a->nexthop = r.gateway;
	}
	a->mtu = r.mtu;
	if (!a->mtu && uvs_link_mtu(a->oif, &a->mtu) < 0)
		a->mtu = 0;	/* unknown: no limit is applied */
	if (!(mac = uvs_dir_link_mac(d, a->oif))) {
		a->nexthop = 0;		/* not one of our links */
		memset(a->src, 0, 6);
		return;
	}
	memcpy(a->src, mac, 6);
}

void
uvs_dir_route_dest(struct uvs_director *d, struct uvs_dest *dest)
{
	struct egress_call a = { .tunnel = dest->fwd == UVS_FWD_TUNNEL };
	const struct uvs_dest *known;

	route_of(d, dest->addr, &a);
	if (a.oif == dest->oif && a.nexthop == dest->nexthop &&
	    a.tun_src == dest->tun_src && a.mtu == dest->mtu &&
	    !(dest->flags & UVS_DEST_F_NOHWADDR))
		return;		/* nothing moved */
	if (a.nexthop && (known = resolved_nexthop(d, a.oif, a.nexthop))) {
		a.have_hw = 1;
		memcpy(a.hw, known->hwaddr, 6);
	}
	fw_egress(&d->fw, &a);
	if (d->workers.n)
		(void)uvs_workers_call(&d->workers, fw_egress, &a);
	if (a.nexthop && !a.have_hw) {
		(void)uvs_nl_resolve(d->nl, a.oif, a.nexthop);
		(void)uvs_nl_dump(d->nl);
	}
}

void
uvs_dir_reroute(struct uvs_director *d)
{
	const struct uvs_svc_table *t = &d->fw.svcs;
	unsigned i, k;

	d->routes_stale = 0;
	for (i = 0; i < t->nsvcs; i++)
		for (k = 0; k < t->svcs[i]->ndests; k++)
			uvs_dir_route_dest(d, t->svcs[i]->dests[k]);
}

/* The first dest at addr, whose egress every dest at addr shares. */
static const struct uvs_dest *
dest_at(const struct uvs_director *d, uint32_t addr)
{
	const struct uvs_svc_table *t = &d->fw.svcs;
	unsigned i, k;

	for (i = 0; i < t->nsvcs; i++)
		for (k = 0; k < t->svcs[i]->ndests; k++)
			if (t->svcs[i]->dests[k]->addr == addr)
				return t->svcs[i]->dests[k];
	return NULL;
}

void
uvs_dir_resolve_addr(struct uvs_director *d, uint32_t addr)
{
	const struct uvs_dest *x = dest_at(d, addr);

	if (x && x->nexthop)
		(void)uvs_nl_resolve(d->nl, x->oif, x->nexthop);
}

int
uvs_dir_is_gateway(const struct uvs_director *d, int ifindex, uint32_t addr)
{
	const struct uvs_svc_table *t = &d->fw.svcs;
	unsigned i, k;

	for (i = 0; i < t->nsvcs; i++)
		for (k = 0; k < t->svcs[i]->ndests; k++) {
			const struct uvs_dest *x = t->svcs[i]->dests[k];

			if (x->nexthop == addr && x->oif == ifindex &&
			    x->addr != addr)
				return 1;
		}
	return 0;
}
