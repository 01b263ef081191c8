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
 * leaves the dest unresolved: uvsd cannot send there.
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

/* A MAC already known in t for this next hop, from another dest. */
static const struct uvs_dest *
resolved_nexthop(const struct uvs_svc_table *t, int oif, uint32_t nexthop)
{
	unsigned i, k;

	for (i = 0; i < t->nsvcs; i++)
		for (k = 0; k < t->svcs[i]->ndests; k++) {
			const struct uvs_dest *x = t->svcs[i]->dests[k];

			if (t->svcs[i]->af == AF_INET && x->oif == oif &&
			    x->nexthop.ip == nexthop &&
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
		a->tun_src = r.prefsrc.ip;
		/* DR's next hop is the real server itself (IPVS's KNOWN_NH);
		   a tunnel's packets are routed like any others */
		if (a->tunnel && r.gateway.ip)
			a->nexthop = r.gateway.ip;
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
#define EGRESS_LINE	200

/* x's egress as one request line in buf, or 0 when nothing moved. */
static int
egress_line(const struct uvs_director *d, const struct uvs_svc_table *t,
    const struct uvs_dest *x, char *buf)
{
	struct egress_call a = { .tunnel = x->fwd == UVS_FWD_TUNNEL };
	const struct uvs_dest *known;
	char ra[INET_ADDRSTRLEN], nh[INET_ADDRSTRLEN], ts[INET_ADDRSTRLEN];
	int len;

	route_of(d, x->addr.ip, &a);
	if (a.oif == x->oif && a.nexthop == x->nexthop.ip &&
	    a.tun_src == x->tun_src.ip && a.mtu == x->mtu)
		return 0;		/* nothing moved */
	if (a.nexthop && (known = resolved_nexthop(t, a.oif, a.nexthop))) {
		a.have_hw = 1;
		memcpy(a.hw, known->hwaddr, 6);
	}
	inet_ntop(AF_INET, &a.addr, ra, sizeof(ra));
	inet_ntop(AF_INET, &a.nexthop, nh, sizeof(nh));
	inet_ntop(AF_INET, &a.tun_src, ts, sizeof(ts));
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

			/* the kernel's routes are asked for v4 (nl.h) */
			if ((!all && x->oif) || t->svcs[i]->af != AF_INET ||
			    routed_before(t, i, k, all) ||
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
dest_at(const struct uvs_director *d, uint32_t addr)
{
	const struct uvs_svc_table *t = &d->fw.svcs;
	unsigned i, k;

	for (i = 0; i < t->nsvcs; i++)
		for (k = 0; k < t->svcs[i]->ndests; k++)
			if (t->svcs[i]->af == AF_INET &&
			    t->svcs[i]->dests[k]->addr.ip == addr)
				return t->svcs[i]->dests[k];
	return NULL;
}

void
uvs_dir_resolve_addr(struct uvs_director *d, uint32_t addr)
{
	const struct uvs_dest *x = dest_at(d, addr);

	if (x && x->nexthop.ip)
		(void)uvs_nl_resolve(d->nl, x->oif, x->nexthop.ip);
}

int
uvs_dir_is_gateway(const struct uvs_director *d, int ifindex, uint32_t addr)
{
	const struct uvs_svc_table *t = &d->fw.svcs;
	unsigned i, k;

	for (i = 0; i < t->nsvcs; i++)
		for (k = 0; k < t->svcs[i]->ndests; k++) {
			const struct uvs_dest *x = t->svcs[i]->dests[k];

			if (t->svcs[i]->af == AF_INET &&
			    x->nexthop.ip == addr && x->oif == ifindex &&
			    x->addr.ip != addr)
				return 1;
		}
	return 0;
}
