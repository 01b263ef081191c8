/*
 * Where each dest's frames leave: the director's links (uvsd -i, once or
 * more) and, per dest, the link and next hop the kernel's route to it
 * names. IPVS's DR transmit routes every packet to the real server's
 * address (ip_vs_xmit.c: __ip_vs_get_out_rt with IP_VS_RT_MODE_KNOWN_NH,
 * so the neighbour is the real server itself, whatever gateway the route
 * names); uvsd does the same once per dest and again whenever the routing
 * table changes, and keeps the answer in the dest (oif, srcmac, nexthop),
 * so the packet path only copies it. The answer reaches every table as
 * an "egress" request (batch.c) inside the director's transaction, so
 * the workers get it by the log, as data, never by a call. A route by a link uvsd was not given
 * leaves the dest unresolved: uvsd cannot send there. IPv6 dests are
 * routed the same way, by the kernel's IPv6 route, and their next hop
 * resolved by Neighbor Discovery instead of ARP.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
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

/* One address's egress, as the "egress" request (batch.c) carries it. */
struct egress_call {
	int			 af;
	union uvs_inaddr	 addr;
	int			 tunnel;
	union uvs_inaddr	 tun_src;	/* the route's source: a
						   tunnel's outer */
	uint32_t		 mtu;		/* the route's, else its link's */
	int			 oif;
	union uvs_inaddr	 nexthop;	/* zero: not reachable from
						   uvsd's links */
	uint8_t			 src[6];
	int			 have_hw;	/* hw is known already */
	uint8_t			 hw[6];
};

static const union uvs_inaddr no_addr;

/* A MAC already known in t for this next hop, from another dest. */
static const struct uvs_dest *
resolved_nexthop(const struct uvs_svc_table *t, int af, int oif,
    const union uvs_inaddr *nexthop)
{
	unsigned i, k;

	for (i = 0; i < t->nsvcs; i++)
		for (k = 0; k < t->svcs[i]->ndests; k++) {
			const struct uvs_dest *x = t->svcs[i]->dests[k];

			if (t->svcs[i]->af == af && x->oif == oif &&
			    uvs_inaddr_eq(&x->nexthop, nexthop) &&
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
route_of(const struct uvs_director *d, int af, const union uvs_inaddr *addr,
    struct egress_call *a)
{
	struct uvs_route r = { 0 };
	const uint8_t *mac;

	a->af = af;
	a->addr = *addr;
	a->oif = d->ifindex;
	a->nexthop = *addr;
	if (uvs_route_get_af(af, addr, &r) == 0 && r.type == RTN_UNICAST) {
		a->oif = r.oif;
		a->tun_src = r.prefsrc;
		/* DR's next hop is the real server itself (IPVS's KNOWN_NH);
		   a tunnel's packets are routed like any others */
		if (a->tunnel && !uvs_inaddr_eq(&r.gateway, &no_addr))
			a->nexthop = r.gateway;
	}
	a->mtu = r.mtu;
	if (!a->mtu && uvs_link_mtu(a->oif, &a->mtu) < 0)
		a->mtu = 0;	/* unknown: no limit is applied */
	if (!(mac = uvs_dir_link_mac(d, a->oif))) {
		a->nexthop = no_addr;	/* not one of our links */
		memset(a->src, 0, 6);
		return;
	}
	memcpy(a->src, mac, 6);
}

/* Has x's address (as DR or tunnel) an earlier dest in t, to share? */
static int
routed_before(const struct uvs_svc_table *t, unsigned si, unsigned ki,
    int all)
{
	const struct uvs_dest *x = t->svcs[si]->dests[ki];
	unsigned i, k;

	for (i = 0; i <= si; i++)
		for (k = 0; k < t->svcs[i]->ndests; k++) {
			const struct uvs_dest *y = t->svcs[i]->dests[k];

			if (i == si && k == ki)
				return 0;
			if (t->svcs[i]->af == t->svcs[si]->af &&
			    uvs_inaddr_eq(&y->addr, &x->addr) &&
			    (all || !y->oif) &&
			    (y->fwd == UVS_FWD_TUNNEL) ==
			    (x->fwd == UVS_FWD_TUNNEL))
				return 1;
		}
	return 0;
}

#define MAC_FMT	"%02x:%02x:%02x:%02x:%02x:%02x"
#define MAC_ARG(m) (m)[0], (m)[1], (m)[2], (m)[3], (m)[4], (m)[5]
#define EGRESS_LINE	256	/* three IPv6 addresses and two MACs fit */

/* x's egress as one request line in buf, or 0 when nothing moved. */
static int
egress_line(const struct uvs_director *d, const struct uvs_svc_table *t,
    const struct uvs_dest *x, char *buf)
{
	struct egress_call a = { .tunnel = x->fwd == UVS_FWD_TUNNEL };
	const struct uvs_dest *known;
	char ra[INET6_ADDRSTRLEN], nh[INET6_ADDRSTRLEN], ts[INET6_ADDRSTRLEN];
	int len, af = x->svc->af;

	route_of(d, af, &x->addr, &a);
	if (a.oif == x->oif && uvs_inaddr_eq(&a.nexthop, &x->nexthop) &&
	    uvs_inaddr_eq(&a.tun_src, &x->tun_src) && a.mtu == x->mtu)
		return 0;		/* nothing moved */
	if (!uvs_inaddr_eq(&a.nexthop, &no_addr) &&
	    (known = resolved_nexthop(t, af, a.oif, &a.nexthop))) {
		a.have_hw = 1;
		memcpy(a.hw, known->hwaddr, 6);
	}
	inet_ntop(af, &a.addr, ra, sizeof(ra));
	inet_ntop(af, &a.nexthop, nh, sizeof(nh));
	inet_ntop(af, &a.tun_src, ts, sizeof(ts));
	len = snprintf(buf, EGRESS_LINE, "egress rip=%s tun=%d oif=%d nh=%s "
	    "src=" MAC_FMT " tsrc=%s mtu=%u", ra, a.tunnel, a.oif, nh,
	    MAC_ARG(a.src), ts, a.mtu);
	if (a.have_hw)
		snprintf(buf + len, (size_t)(EGRESS_LINE - len), " hw=" MAC_FMT,
		    MAC_ARG(a.hw));
	return 1;
}

int
uvs_dir_egress_reqs(const struct uvs_director *d,
    const struct uvs_svc_table *t, int all, struct uvs_dir_egress *out)
{
	unsigned i, k, n = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < t->nsvcs; i++)
		for (k = 0; k < t->svcs[i]->ndests; k++)
			n += all || !t->svcs[i]->dests[k]->oif;
	if (!n)
		return 0;
	if (!(out->text = malloc((size_t)n * EGRESS_LINE)) ||
	    !(out->msgs = calloc(n, sizeof(*out->msgs)))) {
		uvs_dir_egress_free(out);
		return -ENOMEM;
	}
	for (i = 0; i < t->nsvcs; i++)
		for (k = 0; k < t->svcs[i]->ndests; k++) {
			const struct uvs_dest *x = t->svcs[i]->dests[k];
			char *line = out->text + (size_t)out->n * EGRESS_LINE;

			if ((!all && x->oif) || routed_before(t, i, k, all) ||
			    !egress_line(d, t, x, line))
				continue;
			if (uvs_ctl_parse(line, &out->msgs[out->n]) == 0)
				out->n++;
		}
	return 0;
}

void
uvs_dir_egress_free(struct uvs_dir_egress *e)
{
	free(e->text);
	free(e->msgs);
	memset(e, 0, sizeof(*e));
}

void
uvs_dir_reroute(struct uvs_director *d)
{
	struct uvs_dir_egress e;
	char err[128];
	unsigned at;

	d->routes_stale = 0;
	if (uvs_dir_egress_reqs(d, &d->fw.svcs, 1, &e) < 0) {
		d->routes_stale = 1;	/* out of memory: the next news */
		return;
	}
	if (e.n)
		(void)uvs_dir_apply(d, e.msgs, e.n, &at, err, sizeof(err));
	uvs_dir_egress_free(&e);
}

/* The first dest at addr, whose egress every dest at addr shares. */
static const struct uvs_dest *
dest_at(const struct uvs_director *d, int af, const union uvs_inaddr *addr)
{
	const struct uvs_svc_table *t = &d->fw.svcs;
	unsigned i, k;

	for (i = 0; i < t->nsvcs; i++)
		for (k = 0; k < t->svcs[i]->ndests; k++)
			if (t->svcs[i]->af == af &&
			    uvs_inaddr_eq(&t->svcs[i]->dests[k]->addr, addr))
				return t->svcs[i]->dests[k];
	return NULL;
}

void
uvs_dir_resolve_addr(struct uvs_director *d, int af,
    const union uvs_inaddr *addr)
{
	const struct uvs_dest *x = dest_at(d, af, addr);

	if (x && !uvs_inaddr_eq(&x->nexthop, &no_addr))
		(void)uvs_nl_resolve_af(d->nl, af, x->oif, &x->nexthop);
}

int
uvs_dir_is_gateway(const struct uvs_director *d, int ifindex, int af,
    const union uvs_inaddr *addr)
{
	const struct uvs_svc_table *t = &d->fw.svcs;
	unsigned i, k;

	for (i = 0; i < t->nsvcs; i++)
		for (k = 0; k < t->svcs[i]->ndests; k++) {
			const struct uvs_dest *x = t->svcs[i]->dests[k];

			if (t->svcs[i]->af == af &&
			    uvs_inaddr_eq(&x->nexthop, addr) &&
			    x->oif == ifindex &&
			    !uvs_inaddr_eq(&x->addr, addr))
				return 1;
		}
	return 0;
}
