/*
 * Control-path operations of the director. Each keeps the forwarding
 * state, the capture filter, the kernel guard and the neighbour knowledge
 * consistent: the filter always passes exactly the current VIPs, the guard
 * hides exactly the current services from the kernel, a dest is usable only
 * once the kernel has told us its MAC, and removing a dest removes its
 * flows at once (IPVS's expire_nodest_conn), so no flow ever points at
 * freed memory.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arp/kernel/addr.h"
#include "fwd/control/ctlreq.h"
#include "fwd/control/director.h"
#include "fwd/data/clock.h"
#include "fwd/data/filter.h"
#include "fwd/data/seed.h"
#include "fwd/health/health.h"
#include "fwd/data/workers.h"

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t zero_mac[6];

/*
 * With -j N the master table here only keeps the configuration; each
 * change made to it is then made, the same way, to every worker's copy.
 */
static void
mirror(struct uvs_director *d, uvs_worker_fn fn, void *arg)
{
	if (d->workers.n)
		(void)uvs_workers_call(&d->workers, fn, arg);
}

/* A service named in a call to the workers. */
struct svc_key {
	uint8_t		 proto;
	uint32_t	 addr;
	uint16_t	 port;
};

static struct svc_key
key_of(const struct uvs_svc *svc)
{
	return (struct svc_key){ svc->proto, svc->addr, svc->port };
}

static struct uvs_svc *
find_key(struct uvs_fwd *fw, const struct svc_key *k)
{
	return uvs_svc_find(&fw->svcs, k->proto, k->addr, k->port);
}

int
uvs_dir_init(struct uvs_director *d, const char *ifname, uint32_t conn_max,
    uint32_t now, unsigned flags, char *err, size_t errlen)
{
	uint32_t seed;
	int rc;

	memset(d, 0, sizeof(*d));
	d->cap.fd = -1;
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
	if (!(d->nl = uvs_nl_open(d->ifindex))) {
		rc = -errno;
		snprintf(err, errlen, "rtnetlink: %s", strerror(errno));
		return rc;
	}
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
	if (d->workers.n)
		uvs_workers_stop(&d->workers);
	uvs_conn_free(&d->fw.conns);
	uvs_svc_table_free(&d->fw.svcs);
	uvs_capture_close(&d->cap);
	uvs_nl_close(d->nl);
	d->nl = NULL;
	uvs_health_free(d->health);
	d->health = NULL;
	uvs_guard_close(&d->guard);
	uvs_rsmac_free(&d->rsmac);
}

/*
 * Opens the capture filter when the first service comes and shuts it when
 * the last goes; in between it is the same program (filter.c), the
 * service table tells VIPs apart.
 */
static int
refilter(struct uvs_director *d, char *err, size_t errlen)
{
	struct sock_fprog prog;
	int rc;

	if (uvs_filter_build(d->fw.svcs.nsvcs > 0, d->fw.mac, &prog) < 0) {
		snprintf(err, errlen, "capture filter: out of memory");
		return -ENOMEM;
	}
	/* with workers the control thread's socket only sends */
	rc = d->workers.n ? uvs_workers_set_filter(&d->workers, &prog) :
	    uvs_capture_set_filter(&d->cap, &prog);
	if (rc < 0)
		snprintf(err, errlen, "capture filter: %s", strerror(-rc));
	free(prog.filter);
	return rc;
}

/* Hides exactly the current services from the kernel (guard.c). */
static int
reguard(struct uvs_director *d, char *err, size_t errlen)
{
	const struct uvs_svc_table *t = &d->fw.svcs;
	struct uvs_guard_rule *r;
	unsigned i;
	int rc;

	if (!d->guard.on)
		return 0;
	if (!(r = calloc(t->nsvcs + 1, sizeof(*r)))) {
		snprintf(err, errlen, "guard: out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < t->nsvcs; i++)
		r[i] = (struct uvs_guard_rule){ .vip = t->svcs[i]->addr,
		    .port = t->svcs[i]->port, .proto = t->svcs[i]->proto };
	rc = uvs_guard_set(&d->guard, r, t->nsvcs, err, errlen);
	free(r);
	return rc;
}

/* Tells the segment the VIP now lives at our MAC (gratuitous ARP). */
static void
announce_vip(struct uvs_director *d, uint32_t vip)
{
	uint8_t buf[UVS_VNET_HLEN + UVS_ARP_FRAME_LEN] = { 0 };
	char err[128];

	if (uvs_arp_build(d->ifname, ARPOP_REQUEST, bcast, d->fw.mac, vip,
	    zero_mac, vip, buf + UVS_VNET_HLEN, err, sizeof(err)) == 0)
		(void)uvs_capture_send(&d->cap, buf, sizeof(buf));
}

static void
fw_add_service(struct uvs_fwd *fw, void *arg)
{
	(void)uvs_svc_add(&fw->svcs, arg);
}

int
uvs_dir_add_service(struct uvs_director *d, const struct uvs_svc_conf *c,
    char *err, size_t errlen)
{
	char a[INET_ADDRSTRLEN], ifn[IF_NAMESIZE] = "?";
	int new_vip = !uvs_svc_is_vip(&d->fw.svcs, c->addr);
	int rc;

	inet_ntop(AF_INET, &c->addr, a, sizeof(a));
	/* the guard keeps the kernel quiet; without it, refuse such a VIP */
	if (!d->guard.on && !d->no_guard &&
	    (rc = uvs_addr_lookup(c->addr, NULL)) > 0) {
		if_indextoname((unsigned)rc, ifn);
		snprintf(err, errlen, "VIP %s is on kernel interface %s: the "
		    "kernel would answer for it; remove it (ip addr del "
		    "%s/32 dev %s)", a, ifn, a, ifn);
		return -EADDRINUSE;
	}
	if ((rc = uvs_svc_add(&d->fw.svcs, c)) < 0) {
		snprintf(err, errlen, "%s", uvs_ctlreq_svc_error(rc));
		return rc;
	}
	/* the kernel is kept off the service before uvsd answers for it */
	rc = reguard(d, err, errlen);
	if (rc == 0 && new_vip)
		rc = refilter(d, err, errlen);
	if (rc < 0) {
		char scratch[128];

		uvs_svc_del(&d->fw.svcs, uvs_svc_find(&d->fw.svcs,
		    c->proto, c->addr, c->port));
		(void)reguard(d, scratch, sizeof(scratch));
		return rc;
	}
	mirror(d, fw_add_service, (void *)c);
	if (new_vip)
		announce_vip(d, c->addr);
	return 0;
}

static void
fw_edit_service(struct uvs_fwd *fw, void *arg)
{
	(void)uvs_svc_edit(&fw->svcs, arg);
}

int
uvs_dir_edit_service(struct uvs_director *d, const struct uvs_svc_conf *c,
    char *err, size_t errlen)
{
	int rc = uvs_svc_edit(&d->fw.svcs, c);

	if (rc < 0)
		snprintf(err, errlen, "%s", uvs_ctlreq_svc_error(rc));
	else
		mirror(d, fw_edit_service, (void *)c);
	return rc;
}

/* A service goes with its flows: the capture filter may drop its VIP. */
static void
fw_del_service(struct uvs_fwd *fw, void *arg)
{
	struct uvs_svc *svc = find_key(fw, arg);
	unsigned i;

	if (!svc)
		return;
	for (i = 0; i < svc->ndests; i++)
		uvs_conn_flush_dest(&fw->conns, svc->dests[i]);
	uvs_svc_del(&fw->svcs, svc);
}

int
uvs_dir_del_service(struct uvs_director *d, uint8_t proto, uint32_t addr,
    uint16_t port, char *err, size_t errlen)
{
	struct svc_key key = { proto, addr, port };
	struct uvs_svc *svc;
	unsigned i;
	int rc, k;

	if (!(svc = uvs_svc_find(&d->fw.svcs, proto, addr, port))) {
		snprintf(err, errlen, "No such service");
		return -ESRCH;
	}
	for (i = 0; i < svc->ndests; i++)
		uvs_rsmac_unref(&d->rsmac, svc->dests[i]->addr);
	fw_del_service(&d->fw, &key);
	mirror(d, fw_del_service, &key);
	rc = reguard(d, err, errlen);
	if (!uvs_svc_is_vip(&d->fw.svcs, addr) &&
	    (k = refilter(d, err, errlen)) < 0)
		rc = k;
	return rc;
}

/* A dest change for the workers: which service, the dest, its MAC. */
struct dest_call {
	struct svc_key		 key;
	struct uvs_dest_conf	 conf;
	uint8_t			 hw[6];
};

static void
fw_add_dest(struct uvs_fwd *fw, void *arg)
{
	struct dest_call *a = arg;
	struct uvs_svc *svc = find_key(fw, &a->key);
	struct uvs_dest *dest;

	if (!svc || uvs_dest_add(svc, &a->conf) < 0)
		return;
	dest = uvs_dest_find(svc, a->conf.addr, a->conf.port);
	memcpy(dest->hwaddr, a->hw, 6);
}

int
uvs_dir_add_dest(struct uvs_director *d, struct uvs_svc *svc,
    const struct uvs_dest_conf *c, char *err, size_t errlen)
{
	struct uvs_dest_conf conf = *c;
	struct uvs_rsmac_entry *mac;
	int rc, created, known;

	if (uvs_dest_find(svc, c->addr, c->port)) {
		snprintf(err, errlen, "%s", uvs_ctlreq_dest_error(-EEXIST));
		return -EEXIST;
	}
	if (!(mac = uvs_rsmac_ref(&d->rsmac, c->addr, uvs_clock_seconds(),
	    &created))) {
		snprintf(err, errlen, "%s", uvs_ctlreq_dest_error(-ENOMEM));
		return -ENOMEM;
	}
	/* unusable until the kernel tells us its MAC */
	if (!(known = mac->resolved))
		conf.flags |= UVS_DEST_F_NOHWADDR;
	if ((rc = uvs_dest_add(svc, &conf)) < 0) {
		uvs_rsmac_unref(&d->rsmac, c->addr);
		snprintf(err, errlen, "%s", uvs_ctlreq_dest_error(rc));
		return rc;
	}
	if (known)
		memcpy(uvs_dest_find(svc, c->addr, c->port)->hwaddr, mac->mac,
		    6);
	if (d->workers.n) {
		struct dest_call a = { key_of(svc), conf, { 0 } };

		if (known)
			memcpy(a.hw, mac->mac, 6);
		mirror(d, fw_add_dest, &a);
	}
	/* a new address: what the kernel knows answers at once (dump) */
	if (created) {
		(void)uvs_nl_resolve(d->nl, c->addr);
		(void)uvs_nl_dump(d->nl);
	}
	return 0;
}

static void
fw_edit_dest(struct uvs_fwd *fw, void *arg)
{
	struct dest_call *a = arg;
	struct uvs_svc *svc = find_key(fw, &a->key);
	struct uvs_dest *dest;

	if (svc && (dest = uvs_dest_find(svc, a->conf.addr, a->conf.port)))
		(void)uvs_dest_edit(svc, dest, &a->conf);
}

int
uvs_dir_edit_dest(struct uvs_director *d, struct uvs_svc *svc,
    const struct uvs_dest_conf *c, char *err, size_t errlen)
{
	struct uvs_dest *dest = uvs_dest_find(svc, c->addr, c->port);
	int rc;

	if (!dest) {
		snprintf(err, errlen, "No such destination");
		return -ENOENT;
	}
	if ((rc = uvs_dest_edit(svc, dest, c)) < 0) {
		snprintf(err, errlen, "%s", strerror(-rc));
		return rc;
	}
	if (d->workers.n) {
		struct dest_call a = { key_of(svc), *c, { 0 } };

		mirror(d, fw_edit_dest, &a);
	}
	return 0;
}

/* Deleting a dest, or health checks taking it out or putting it back. */
enum { OUT_BACK, OUT_OUT, OUT_DELETE };

struct out_call {
	struct svc_key	 key;
	uint32_t	 addr;
	uint16_t	 port;
	int		 what;	/* OUT_* */
	int		 flush;	/* its flows end too */
};

static void
fw_dest_switch(struct uvs_fwd *fw, void *arg)
{
	struct out_call *a = arg;
	struct uvs_svc *svc = find_key(fw, &a->key);
	struct uvs_dest *dest;

	if (!svc || !(dest = uvs_dest_find(svc, a->addr, a->port)))
		return;
	if (a->flush)
		uvs_conn_flush_dest(&fw->conns, dest);
	if (a->what == OUT_DELETE) {
		uvs_dest_del(svc, dest);
		return;
	}
	/* as keepalived's delete and re-add: sh, dh, mh re-deal buckets */
	uvs_dest_set_out(svc, dest, a->what == OUT_OUT);
}

int
uvs_dir_del_dest(struct uvs_director *d, struct uvs_svc *svc, uint32_t addr,
    uint16_t port, char *err, size_t errlen)
{
	struct out_call a;

	if (!uvs_dest_find(svc, addr, port)) {
		snprintf(err, errlen, "No such destination");
		return -ENOENT;
	}
	a = (struct out_call){ key_of(svc), addr, port, OUT_DELETE, 1 };
	fw_dest_switch(&d->fw, &a);
	mirror(d, fw_dest_switch, &a);
	uvs_rsmac_unref(&d->rsmac, addr);
	return 0;
}

int
uvs_dir_dest_out(struct uvs_director *d, struct uvs_svc *svc, uint32_t addr,
    uint16_t port, int out, int flush, char *err, size_t errlen)
{
	struct out_call a;

	if (!uvs_dest_find(svc, addr, port)) {
		snprintf(err, errlen, "No such destination");
		return -ENOENT;
	}
	a = (struct out_call){ key_of(svc), addr, port,
	    out ? OUT_OUT : OUT_BACK, flush };
	fw_dest_switch(&d->fw, &a);
	mirror(d, fw_dest_switch, &a);
	return 0;
}

static void
fw_clear(struct uvs_fwd *fw, void *arg)
{
	(void)arg;
	uvs_conn_flush_dest(&fw->conns, NULL);
	uvs_svc_table_free(&fw->svcs);
	uvs_svc_table_init(&fw->svcs);
}

void
uvs_dir_clear(struct uvs_director *d)
{
	char err[128];

	fw_clear(&d->fw, NULL);
	mirror(d, fw_clear, NULL);
	uvs_rsmac_free(&d->rsmac);
	(void)refilter(d, err, sizeof(err));
	(void)reguard(d, err, sizeof(err));
}

/* One line about a real server's address, through uvsd's logger. */
static void
dir_log_rs(struct uvs_director *d, const struct uvs_rsmac_entry *e,
    const char *what)
{
	char a[INET_ADDRSTRLEN], line[160];

	if (!d->log)
		return;
	inet_ntop(AF_INET, &e->addr, a, sizeof(a));
	snprintf(line, sizeof(line), "real server %s (%u dest%s) %s", a,
	    e->refs, e->refs == 1 ? "" : "s", what);
	d->log(d->log_arg, line);
}

struct neigh_call {
	uint32_t		 addr;
	enum uvs_neigh_event	 ev;
	const uint8_t		*mac;
};

/* The kernel's news about one neighbour, applied to every dest there. */
static void
fw_neigh(struct uvs_fwd *fw, void *arg)
{
	const struct neigh_call *a = arg;
	struct uvs_svc_table *t = &fw->svcs;
	uint32_t addr = a->addr;
	enum uvs_neigh_event ev = a->ev;
	const uint8_t *mac = a->mac;
	unsigned i, k;

	for (i = 0; i < t->nsvcs; i++) {
		struct uvs_svc *svc = t->svcs[i];
		int changed = 0;

		for (k = 0; k < svc->ndests; k++) {
			struct uvs_dest *dest = svc->dests[k];

			if (dest->addr != addr)
				continue;
			if (ev == UVS_NEIGH_VALID) {
				memcpy(dest->hwaddr, mac, 6);
				changed |= dest->flags & UVS_DEST_F_NOHWADDR;
				dest->flags &= ~UVS_DEST_F_NOHWADDR;
			} else if (ev == UVS_NEIGH_FAILED) {
				changed |= !(dest->flags & UVS_DEST_F_NOHWADDR);
				dest->flags |= UVS_DEST_F_NOHWADDR;
			}
		}
		if (changed)
			uvs_svc_changed(svc);
	}
}

static void
neigh_news(void *arg, uint32_t addr, enum uvs_neigh_event ev,
    const uint8_t *mac)
{
	struct uvs_director *d = arg;
	struct neigh_call a = { addr, ev, mac };
	const struct uvs_rsmac_entry *e = uvs_rsmac_find(&d->rsmac, addr);

	if (!e)		/* a neighbour no dest uses: the client, a router */
		return;
	fw_neigh(&d->fw, &a);
	mirror(d, fw_neigh, &a);
	if (ev == UVS_NEIGH_VALID &&
	    uvs_rsmac_news(&d->rsmac, addr, mac, uvs_clock_seconds()))
		dir_log_rs(d, e, "answers ARP now: in use again");
	else if (ev == UVS_NEIGH_FAILED)
		(void)uvs_rsmac_news(&d->rsmac, addr, NULL, uvs_clock_seconds());
	/* a garbage-collected entry: keep the MAC, have the kernel re-learn */
	if (ev == UVS_NEIGH_GONE && e->resolved)
		(void)uvs_nl_resolve(d->nl, addr);
}

int
uvs_dir_neigh_input(struct uvs_director *d)
{
	int rc = uvs_nl_read(d->nl, neigh_news, d);

	if (rc == -ENOBUFS)	/* events lost: ask for the whole table */
		rc = uvs_nl_dump(d->nl);
	return rc;
}

/* rsmac's calls: ask the kernel about an address, or say it is silent. */
static void
rsmac_due(void *arg, const struct uvs_rsmac_entry *e,
    enum uvs_rsmac_event ev)
{
	struct uvs_director *d = arg;

	if (ev == UVS_RSMAC_ASK)
		(void)uvs_nl_resolve(d->nl, e->addr);
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

void
uvs_dir_tick(struct uvs_director *d, uint32_t now)
{
	uvs_conn_expire(&d->fw.conns, now);
	if (!d->workers.n)
		d->fw.stats.rx_kernel_drops += uvs_capture_drops(&d->cap);
	if (now - d->last_est >= UVS_EST_INTERVAL_S) {
		uvs_dir_sync(d);
		estimate_rates(&d->fw.svcs);
		d->last_est = now;
	}
	uvs_rsmac_due(&d->rsmac, now, rsmac_due, d);
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
uvs_dir_start_workers(struct uvs_director *d, unsigned n,
    enum uvs_fanout fanout, uint32_t conn_max, int ring_version,
    size_t ring_block, unsigned ring_blocks, uvs_fwd_conn_hook on_new_conn,
    void (*on_arp_reply)(void *, const struct uvs_fwd *), uint32_t now,
    char *err, size_t errlen)
{
	struct uvs_workers_conf c = {
		.n = n, .ifindex = d->ifindex, .mac = d->fw.mac,
		.arp_reply = d->fw.arp_reply, .conn_max = conn_max,
		.fanout = fanout, .ring_version = ring_version,
		.ring_block = ring_block,
		.ring_blocks = ring_blocks, .on_new_conn = on_new_conn,
		.on_arp_reply = on_arp_reply, .sloppy_tcp = d->fw.sloppy_tcp,
	};
	char scratch[128];
	int rc;

	if (d->fw.svcs.nsvcs) {
		snprintf(err, errlen, "workers start before any service");
		return -EBUSY;
	}
	if ((rc = uvs_workers_start(&d->workers, &c, now, err, errlen)) < 0)
		return rc;
	/* the workers read from now on; ours keeps its drop-all filter */
	(void)refilter(d, scratch, sizeof(scratch));
	return 0;
}

/* Adds what one worker counted to the master table's figures. */
static void
fold_dest(struct uvs_dest *m, const struct uvs_dest *w)
{
	m->activeconns += w->activeconns;
	m->inactconns += w->inactconns;
	m->persistconns += w->persistconns;
	m->conns += w->conns;
	m->inpkts += w->inpkts;
	m->inbytes += w->inbytes;
	m->nomac_drops += w->nomac_drops;
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
	m->conns_new += w->conns_new;
	m->conns_reused += w->conns_reused;
	m->rx_kernel_drops += w->rx_kernel_drops;
	for (i = 0; i < UVS_DROP_MAX; i++)
		m->drops[i] += w->drops[i];
}

static void
fw_fold(struct uvs_fwd *fw, void *arg)
{
	struct uvs_director *d = arg;
	unsigned i, k;

	fold_stats(&d->fw.stats, &fw->stats);
	d->sum.worker_rx[d->sum.nworkers++] = fw->stats.rx_frames;
	d->sum.conns += fw->conns.count;
	d->sum.buckets += fw->conns.nbuckets;
	d->sum.capacity += fw->conns.capacity;
	d->sum.reclaimed += fw->conns.reclaimed;
	for (i = 0; i < fw->svcs.nsvcs; i++) {
		const struct uvs_svc *w = fw->svcs.svcs[i];
		struct svc_key key = key_of(w);
		struct uvs_svc *m = find_key(&d->fw, &key);

		if (!m)
			continue;
		m->conns += w->conns;
		m->inpkts += w->inpkts;
		m->inbytes += w->inbytes;
		for (k = 0; k < w->ndests; k++) {
			const struct uvs_dest *x = w->dests[k];
			struct uvs_dest *y = uvs_dest_find(m, x->addr, x->port);

			if (y)
				fold_dest(y, x);
		}
	}
}

void
uvs_dir_sync(struct uvs_director *d)
{
	struct uvs_svc_table *t = &d->fw.svcs;
	unsigned i, k;

	if (!d->workers.n) {
		d->sum.conns = d->fw.conns.count;
		d->sum.buckets = d->fw.conns.nbuckets;
		d->sum.capacity = d->fw.conns.capacity;
		d->sum.reclaimed = d->fw.conns.reclaimed;
		return;
	}
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
	(void)uvs_workers_call(&d->workers, fw_fold, d);
}

static void
fw_timeouts(struct uvs_fwd *fw, void *arg)
{
	const uint32_t *t = arg;

	if (t[0])
		fw->conns.timeouts.t[UVS_TCP_ESTABLISHED] = t[0];
	if (t[1])
		fw->conns.timeouts.t[UVS_TCP_FIN_WAIT] = t[1];
	if (t[2])
		fw->conns.timeouts.t[UVS_UDP_NORMAL] = t[2];
}

void
uvs_dir_set_timeouts(struct uvs_director *d, const uint32_t t[3])
{
	fw_timeouts(&d->fw, (void *)t);
	mirror(d, fw_timeouts, (void *)t);
}

/* -Z: counters and rates from zero (ip_vs_zero_stats). */
static void
zero_svc(struct uvs_svc *s)
{
	unsigned k;

	s->conns = s->inpkts = s->inbytes = 0;
	uvs_est_zero(&s->est, 0, 0, 0);
	for (k = 0; k < s->ndests; k++) {
		struct uvs_dest *x = s->dests[k];

		x->conns = x->inpkts = x->inbytes = 0;
		uvs_est_zero(&x->est, 0, 0, 0);
	}
}

static void
fw_zero(struct uvs_fwd *fw, void *arg)
{
	const struct svc_key *k = arg;
	struct uvs_svc *s;
	unsigned i;

	if (!k) {
		for (i = 0; i < fw->svcs.nsvcs; i++)
			zero_svc(fw->svcs.svcs[i]);
	} else if ((s = find_key(fw, k)))
		zero_svc(s);
}

void
uvs_dir_zero(struct uvs_director *d, const struct uvs_svc *svc)
{
	struct svc_key key;

	if (svc)
		key = key_of(svc);
	fw_zero(&d->fw, svc ? &key : NULL);
	mirror(d, fw_zero, svc ? &key : NULL);
}

struct conns_call {
	uvs_dir_conn_fn	 fn;
	void		*arg;
};

static void
fw_conns(struct uvs_fwd *fw, void *arg)
{
	struct conns_call *a = arg;

	a->fn(&fw->conns, a->arg);
}

void
uvs_dir_each_table(struct uvs_director *d, uvs_dir_conn_fn fn, void *arg)
{
	struct conns_call a = { fn, arg };

	if (!d->workers.n)
		fn(&d->fw.conns, arg);
	else
		mirror(d, fw_conns, &a);
}
