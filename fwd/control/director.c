/*
 * The director: its sockets, its master table and what keeps them in
 * step. Every change to the table is one transaction (reconcile.c); this
 * file opens and closes things, turns the kernel's neighbour news and
 * the health checks' verdicts into such transactions, keeps time, and
 * reads the workers' figures and flows back (copied out, never shared).
 * Removing a dest removes its flows at once (IPVS's expire_nodest_conn),
 * so no flow ever points at freed memory.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arp/kernel/addr.h"
#include "fwd/control/director.h"
#include "fwd/control/follow.h"
#include "fwd/data/clock.h"
#include "fwd/data/filter.h"
#include "fwd/data/seed.h"
#include "fwd/health/health.h"
#include "fwd/data/workers.h"

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t zero_mac[6];

static void	neigh6_news(void *arg, int af, int ifindex,
		    const union uvs_inaddr *addr, enum uvs_neigh_event ev,
		    const uint8_t *mac);

int
uvs_dir_init(struct uvs_director *d, const char *ifname, uint32_t conn_max,
    uint32_t now, unsigned flags, char *err, size_t errlen)
{
	uint32_t seed;
	int rc;

	memset(d, 0, sizeof(*d));
	d->cap.fd = -1;
	uvs_syncd_init(&d->syncd);
	snprintf(d->ifname, sizeof(d->ifname), "%s", ifname);
	uvs_svc_table_init(&d->fw.svcs);
	if ((rc = uvs_link_get(ifname, &d->ifindex, d->fw.mac)) < 0) {
		snprintf(err, errlen, "interface %s: %s", ifname, strerror(-rc));
		return rc;
	}
	if ((rc = uvs_seed(&seed)) < 0) {
		snprintf(err, errlen, "getrandom: %s", strerror(-rc));
		return rc;
	}
	if ((rc = uvs_conn_init(&d->fw.conns, conn_max, now, seed)) < 0) {
		snprintf(err, errlen, "connection table of %u: %s", conn_max,
		    strerror(-rc));
		return rc;
	}
	/* the reply template: only target fields change per request */
	if (uvs_arp_build(ifname, ARPOP_REPLY, bcast, d->fw.mac, 0, zero_mac,
	    0, d->fw.arp_reply, err, errlen) < 0)
		return -EINVAL;
	if ((rc = uvs_capture_open(&d->cap, d->ifindex)) < 0) {
		snprintf(err, errlen, "packet socket on %s: %s", ifname,
		    strerror(-rc));
		return rc;
	}
	if (!(d->nl = uvs_nl_open())) {
		rc = -errno;
		snprintf(err, errlen, "rtnetlink: %s", strerror(errno));
		return rc;
	}
	(void)uvs_nl_watch(d->nl, d->ifindex);
	uvs_nl_on_neigh6(d->nl, neigh6_news, d);
	uvs_rsmac_init(&d->rsmac);
	d->last_est = now;
	/* without a guard uvsd still runs, but refuses VIPs the kernel holds */
	d->no_guard = !!(flags & UVS_DIR_NO_GUARD);
	if (!d->no_guard)
		(void)uvs_guard_open(&d->guard, ifname, d->guard_why,
		    sizeof(d->guard_why));
	return 0;
}

void
uvs_dir_free(struct uvs_director *d)
{
	unsigned i;

	if (d->workers.n)
		uvs_workers_stop(&d->workers);
	uvs_syncd_free(&d->syncd);
	for (i = 0; i < d->nlinks; i++)
		uvs_capture_close(&d->links[i].cap);
	d->nlinks = 0;
	uvs_conn_free(&d->fw.conns);
	uvs_frag_free(&d->fw.frags);
	uvs_svc_table_free(&d->fw.svcs);
	uvs_capture_close(&d->cap);
	uvs_nl_close(d->nl);
	d->nl = NULL;
	uvs_health_free(d->health);
	d->health = NULL;
	uvs_guard_close(&d->guard);
	uvs_rsmac_free(&d->rsmac);
}

/* Health checks' operations, as the requests an operator would type. */
static int
svc_words(const struct uvs_svc *svc, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(svc->af, &svc->addr, a, sizeof(a));
	return snprintf(buf, size, "proto=%s vip=%s vport=%u",
	    svc->proto == IPPROTO_TCP ? "tcp" : "udp", a, ntohs(svc->port));
}

/* How c's frames go, as ctlreq's words: a tunnel keeps its kind. */
static void
fwd_words(const struct uvs_dest_conf *c, char *buf, size_t size)
{
	if (c->fwd != UVS_FWD_TUNNEL) {
		snprintf(buf, size, "fwd=route");
		return;
	}
	snprintf(buf, size, "fwd=tunnel tun_type=%u tun_port=%u tun_flags=%u",
	    c->tun_type, ntohs(c->tun_port), c->tun_flags);
}

int
uvs_dir_edit_dest(struct uvs_director *d, struct uvs_svc *svc,
    const struct uvs_dest_conf *c, char *err, size_t errlen)
{
	char k[96], r[INET6_ADDRSTRLEN], f[64];

	svc_words(svc, k, sizeof(k));
	inet_ntop(svc->af, &c->addr, r, sizeof(r));
	fwd_words(c, f, sizeof(f));
	return uvs_dir_applyf(d, err, errlen, "edit-dest %s rip=%s rport=%u "
	    "weight=%d uthr=%u lthr=%u %s", k, r, ntohs(c->port), c->weight,
	    c->u_threshold, c->l_threshold, f);
}

int
uvs_dir_add_dest(struct uvs_director *d, struct uvs_svc *svc,
    const struct uvs_dest_conf *c, char *err, size_t errlen)
{
	char k[96], r[INET6_ADDRSTRLEN], f[64];

	svc_words(svc, k, sizeof(k));
	inet_ntop(svc->af, &c->addr, r, sizeof(r));
	fwd_words(c, f, sizeof(f));
	return uvs_dir_applyf(d, err, errlen, "add-dest %s rip=%s rport=%u "
	    "weight=%d uthr=%u lthr=%u out=%d %s", k, r, ntohs(c->port),
	    c->weight, c->u_threshold, c->l_threshold,
	    !!(c->flags & UVS_DEST_F_OUT), f);
}

int
uvs_dir_del_dest(struct uvs_director *d, struct uvs_svc *svc,
    const union uvs_inaddr *addr, uint16_t port, char *err, size_t errlen)
{
	char k[96], r[INET6_ADDRSTRLEN];

	svc_words(svc, k, sizeof(k));
	inet_ntop(svc->af, addr, r, sizeof(r));
	return uvs_dir_applyf(d, err, errlen, "del-dest %s rip=%s rport=%u",
	    k, r, ntohs(port));
}

int
uvs_dir_dest_out(struct uvs_director *d, struct uvs_svc *svc,
    const union uvs_inaddr *addr, uint16_t port, int out, int flush,
    char *err, size_t errlen)
{
	char k[96], r[INET6_ADDRSTRLEN];

	svc_words(svc, k, sizeof(k));
	inet_ntop(svc->af, addr, r, sizeof(r));
	return uvs_dir_applyf(d, err, errlen, "dest-out %s rip=%s rport=%u "
	    "out=%d flush=%d", k, r, ntohs(port), !!out, !!flush);
}

/*
 * A dest reached through next hop addr (family af) on link ifindex, any
 * service; with mac, whether any would change.
 */
static int
neigh_matters(const struct uvs_director *d, int ifindex, int af,
    const union uvs_inaddr *addr, int valid, const uint8_t *mac)
{
	const struct uvs_svc_table *t = &d->fw.svcs;
	unsigned i, k;

	for (i = 0; i < t->nsvcs; i++)
		for (k = 0; k < t->svcs[i]->ndests; k++) {
			const struct uvs_dest *x = t->svcs[i]->dests[k];
			int none = !!(x->flags & UVS_DEST_F_NOHWADDR);

			if (t->svcs[i]->af != af ||
			    !uvs_inaddr_eq(&x->nexthop, addr) ||
			    x->oif != ifindex)
				continue;
			if (valid ? none || memcmp(x->hwaddr, mac, 6) : !none)
				return 1;
		}
	return 0;
}

/* One line about a real server's address, through uvsd's logger. */
static void
dir_log_rs(struct uvs_director *d, const struct uvs_rsmac_entry *e,
    const char *what)
{
	char a[INET6_ADDRSTRLEN], line[160];

	if (!d->log)
		return;
	inet_ntop(e->af, &e->addr, a, sizeof(a));
	snprintf(line, sizeof(line), "real server %s (%u dest%s) %s", a,
	    e->refs, e->refs == 1 ? "" : "s", what);
	d->log(d->log_arg, line);
}

/* How the kernel finds a neighbour's MAC, for the log. */
static const char *
resolver(int af)
{
	return af == AF_INET6 ? "Neighbor Discovery" : "ARP";
}

/*
 * The kernel's news about one neighbour (family af) on link ifindex: a
 * transaction when it matters to a dest, as the real server itself or as
 * the gateway a tunnel goes through.
 */
static void
neigh_news_af(struct uvs_director *d, int af, int ifindex,
    const union uvs_inaddr *addr, enum uvs_neigh_event ev,
    const uint8_t *mac)
{
	const struct uvs_rsmac_entry *e = uvs_rsmac_find_af(&d->rsmac, af,
	    addr);
	char a[INET6_ADDRSTRLEN], err[128], line[96];

	/* a neighbour no dest uses: the client, a router */
	if (!e && !uvs_dir_is_gateway(d, ifindex, af, addr))
		return;
	inet_ntop(af, addr, a, sizeof(a));
	if (ev == UVS_NEIGH_VALID &&
	    neigh_matters(d, ifindex, af, addr, 1, mac))
		(void)uvs_dir_applyf(d, err, sizeof(err), "neigh rip=%s oif=%d "
		    "valid=1 hw=%02x:%02x:%02x:%02x:%02x:%02x", a, ifindex,
		    mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	else if (ev == UVS_NEIGH_FAILED &&
	    neigh_matters(d, ifindex, af, addr, 0, NULL))
		(void)uvs_dir_applyf(d, err, sizeof(err), "neigh rip=%s oif=%d "
		    "valid=0", a, ifindex);
	if (!(e = uvs_rsmac_find_af(&d->rsmac, af, addr)))
		return;
	snprintf(line, sizeof(line), "answers %s now: in use again",
	    resolver(af));
	if (ev == UVS_NEIGH_VALID && uvs_rsmac_news_af(&d->rsmac, af, addr,
	    mac, uvs_clock_seconds()))
		dir_log_rs(d, e, line);
	else if (ev == UVS_NEIGH_FAILED)
		(void)uvs_rsmac_news_af(&d->rsmac, af, addr, NULL,
		    uvs_clock_seconds());
	/* a garbage-collected entry: keep the MAC, have the kernel re-learn */
	if (ev == UVS_NEIGH_GONE && e->resolved)
		(void)uvs_nl_resolve_af(d->nl, af, ifindex, addr);
}

/*
 * IPv4 news: neighbours as above; news that the routes or addresses
 * changed (of either family) only marks them: uvs_dir_neigh_input looks
 * them up again once per read.
 */
static void
neigh_news(void *arg, int ifindex, uint32_t addr, enum uvs_neigh_event ev,
    const uint8_t *mac)
{
	struct uvs_director *d = arg;
	union uvs_inaddr a = uvs_inaddr4(addr);

	if (ev == UVS_NEIGH_ROUTES)
		d->routes_stale = 1;
	else if (ev == UVS_NEIGH_ADDRS)
		d->addrs_stale = 1;
	else
		neigh_news_af(d, AF_INET, ifindex, &a, ev, mac);
}

/* IPv6 neighbours (uvs_nl_on_neigh6). */
static void
neigh6_news(void *arg, int af, int ifindex, const union uvs_inaddr *addr,
    enum uvs_neigh_event ev, const uint8_t *mac)
{
	neigh_news_af(arg, af, ifindex, addr, ev, mac);
}

int
uvs_dir_neigh_input(struct uvs_director *d)
{
	int rc = uvs_nl_read(d->nl, neigh_news, d);

	if (rc == -ENOBUFS) {	/* events lost: ask for the whole table */
		d->routes_stale = 1;
		d->addrs_stale = 1;
		rc = uvs_nl_dump(d->nl);
		if (rc == 0)
			rc = uvs_nl_dump_af(d->nl, AF_INET6);
	}
	if (d->routes_stale)
		uvs_dir_reroute(d);
	/* a failed read stays stale: uvs_dir_tick tries again */
	if (d->addrs_stale && uvs_dir_follow_update(d) == 0)
		d->addrs_stale = 0;
	return rc;
}

/* rsmac's calls: ask the kernel about an address, or say it is silent. */
static void
rsmac_due(void *arg, const struct uvs_rsmac_entry *e,
    enum uvs_rsmac_event ev)
{
	struct uvs_director *d = arg;

	if (ev == UVS_RSMAC_ASK)	/* on the link its route names */
		uvs_dir_resolve_addr(d, e->af, &e->addr);
	else if (e->af == AF_INET6)
		dir_log_rs(d, e, "does not answer Neighbor Discovery: not "
		    "used until it does");
	else
		dir_log_rs(d, e, "does not answer ARP: not used until it does");
}

/* IPVS's estimation_timer(): every service and dest, every 2 s. */
static void
estimate_rates(struct uvs_svc_table *t)
{
	unsigned i, k;

	for (i = 0; i < t->nsvcs; i++) {
		struct uvs_svc *s = t->svcs[i];

		uvs_est_update(&s->est, s->conns, s->inpkts, s->inbytes);
		for (k = 0; k < s->ndests; k++) {
			struct uvs_dest *x = s->dests[k];

			uvs_est_update(&x->est, x->conns, x->inpkts,
			    x->inbytes);
		}
	}
}

/*
 * A worker whose table could not take a change (memory) now forwards by
 * another table than the master's: said once per new failure, loudly,
 * and counted (--counters worker_apply_failures).
 */
static void
report_diverged(struct uvs_director *d)
{
	char line[256];
	uint64_t n, gen = 0;
	unsigned w = 0;

	if ((n = uvs_workers_diverged(&d->workers, &w, &gen)) ==
	    d->apply_failures)
		return;
	d->apply_failures = n;
	if (!d->log)
		return;
	snprintf(line, sizeof(line), "worker %u could not apply change %llu "
	    "(out of memory): its table differs from the one uvsadm shows; "
	    "%llu such failures in all; restart uvsd", w,
	    (unsigned long long)gen, (unsigned long long)n);
	d->log(d->log_arg, line);
}

void
uvs_dir_tick(struct uvs_director *d, uint32_t now)
{
	/* log entries the workers applied since the last change */
	uvs_workers_reclaim(&d->workers);
	report_diverged(d);
	if (now - d->last_est >= UVS_EST_INTERVAL_S) {
		uvs_dir_sync(d);
		estimate_rates(&d->fw.svcs);
		d->last_est = now;
	}
	uvs_rsmac_due(&d->rsmac, now, rsmac_due, d);
	uvs_syncd_master_tick(d, now);
	if (d->addrs_stale && uvs_dir_follow_update(d) == 0)
		d->addrs_stale = 0;
}

unsigned
uvs_dir_unresolved(const struct uvs_director *d)
{
	const struct uvs_svc_table *t = &d->fw.svcs;
	unsigned i, k, n = 0;

	for (i = 0; i < t->nsvcs; i++)
		for (k = 0; k < t->svcs[i]->ndests; k++)
			n += !!(t->svcs[i]->dests[k]->flags &
			    UVS_DEST_F_NOHWADDR);
	return n;
}

int
uvs_dir_start_workers(struct uvs_director *d, struct uvs_workers_conf *c,
    uint32_t now, char *err, size_t errlen)
{
	unsigned i;
	int rc;

	if (d->fw.svcs.nsvcs) {
		snprintf(err, errlen, "workers start before any service");
		return -EBUSY;
	}
	c->nlinks = 1 + d->nlinks;
	c->link[0].ifindex = d->ifindex;
	memcpy(c->link[0].mac, d->fw.mac, 6);
	for (i = 0; i < d->nlinks; i++) {
		c->link[1 + i].ifindex = d->links[i].ifindex;
		memcpy(c->link[1 + i].mac, d->links[i].mac, 6);
	}
	c->arp_reply = d->fw.arp_reply;
	c->sloppy_tcp = d->fw.sloppy_tcp;
	c->frag_max = d->fw.frag_max;
	c->frag_hold = d->fw.frag_hold;
	c->vlans = &d->fw;
	if ((rc = uvs_workers_start(&d->workers, c, now, err, errlen)) < 0)
		return rc;
	/* no VIP yet: the workers' sockets pass nothing until one comes */
	(void)uvs_workers_set_filter(&d->workers, 0);
	return 0;
}

/* Adds what one worker counted to the master table's figures. */
static void
fold_count(struct uvs_svc *s, struct uvs_dest *x, const struct uvs_wcount *w)
{
	if (!x) {
		s->conns += w->conns;
		s->inpkts += w->inpkts;
		s->inbytes += w->inbytes;
		return;
	}
	x->activeconns += w->active;
	x->inactconns += w->inactive;
	x->persistconns += w->persist;
	x->conns += w->conns;
	x->inpkts += w->inpkts;
	x->inbytes += w->inbytes;
	x->nomac_drops += w->nomac_drops;
}

static void
fold_stats(struct uvs_fwd_stats *m, const struct uvs_fwd_stats *w)
{
	unsigned i;

	m->rx_frames += w->rx_frames;
	m->fwd_frames += w->fwd_frames;
	m->fwd_bytes += w->fwd_bytes;
	m->arp_replies += w->arp_replies;
	m->arp_ignored += w->arp_ignored;
	m->arp_standby += w->arp_standby;
	m->ndp_replies += w->ndp_replies;
	m->ndp_ignored += w->ndp_ignored;
	m->conns_new += w->conns_new;
	m->conns_reused += w->conns_reused;
	m->rx_kernel_drops += w->rx_kernel_drops;
	m->rx_copied += w->rx_copied;
	m->tun_gso_frames += w->tun_gso_frames;
	m->tun_packets += w->tun_packets;
	m->ops_sched += w->ops_sched;
	m->icmp_fwd += w->icmp_fwd;
	m->frags_fwd += w->frags_fwd;
	m->frags_held += w->frags_held;
	m->tx_sw_csum += w->tx_sw_csum;
	m->sync_new += w->sync_new;
	m->sync_updated += w->sync_updated;
	m->sync_refused += w->sync_refused;
	for (i = 0; i < UVS_DROP_MAX; i++)
		m->drops[i] += w->drops[i];
}

/*
 * One worker's copy. The worker applied the whole log before it copied,
 * so its table has the master's order; each entry is still checked by
 * key, so a worker that could not follow (memory) only misses its own.
 */
static void
fold_pub(struct uvs_director *d, const struct uvs_wpub *p)
{
	struct uvs_svc *s = NULL;
	struct uvs_dest *x;
	unsigned i;

	fold_stats(&d->fw.stats, &p->stats);
	d->sum.worker_rx[d->sum.nworkers++] = p->stats.rx_frames;
	d->sum.conns += p->nconns;
	d->sum.buckets += p->nbuckets;
	d->sum.capacity += p->capacity;
	d->sum.reclaimed += p->reclaimed;
	d->sum.reclaimed_udp += p->reclaimed_udp;
	for (i = 0; i < p->ncount; i++) {
		const struct uvs_wcount *c = &p->count[i];

		if (!c->is_dest) {
			s = uvs_svc_find(&d->fw.svcs, c->proto, c->af,
			    &c->vip, c->vport);
			if (s)
				fold_count(s, NULL, c);
		} else if (s && (x = uvs_dest_find(s, &c->rip, c->rport)))
			fold_count(s, x, c);
	}
}

void
uvs_dir_sync(struct uvs_director *d)
{
	struct uvs_svc_table *t = &d->fw.svcs;
	unsigned i, k;

	memset(&d->fw.stats, 0, sizeof(d->fw.stats));
	memset(&d->sum, 0, sizeof(d->sum));
	for (i = 0; i < t->nsvcs; i++) {
		struct uvs_svc *s = t->svcs[i];

		s->conns = s->inpkts = s->inbytes = 0;
		for (k = 0; k < s->ndests; k++) {
			struct uvs_dest *x = s->dests[k];

			x->activeconns = x->inactconns = x->persistconns = 0;
			x->conns = x->inpkts = x->inbytes = 0;
			x->nomac_drops = 0;
		}
	}
	if (uvs_workers_read_counters(&d->workers) < 0)
		return;
	for (i = 0; i < d->workers.n; i++)
		fold_pub(d, &d->workers.w[i].pub);
}

int
uvs_dir_conns(struct uvs_director *d, uvs_dir_conn_fn fn, void *arg)
{
	uint32_t cursor;
	unsigned i;
	int rc = 0;

	for (i = 0; i < d->workers.n && rc >= 0; i++) {
		const struct uvs_wpub *p = &d->workers.w[i].pub;

		/* the capacity was set before the thread started */
		for (cursor = 0; rc >= 0 && cursor <
		    d->workers.w[i].fw.conns.capacity; cursor = p->cursor) {
			if ((rc = uvs_workers_read_conns(&d->workers, i,
			    cursor)) < 0)
				break;
			if (p->nflows)
				rc = fn(p->conns, p->nflows, arg);
		}
	}
	return rc < 0 ? rc : 0;
}
