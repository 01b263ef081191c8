/*
 * The director's one transaction (uvs_dir_apply): apply, reconcile,
 * commit. The requests are applied (batch.h) to a copy of the table; the
 * copy says whether all are accepted and what the table becomes. Then
 * every side effect the new table needs is computed from old and new
 * once: the kernel guard's rules when the set of services changed, the
 * capture filter when the set of VIPs changed (and the xdp backend's VIP
 * map), the check that no new VIP
 * sits on a kernel interface when there is no guard, the kernel's route
 * to each new dest (egress.c, added to the requests as "egress" ones so
 * the live table and the workers take it with the dest). If any of these
 * fails, what was changed is put back and the error names the request
 * that caused it: nothing was changed. Only then are the same requests
 * applied to the live table, published to the workers' log, and the new
 * VIPs announced and new dests' MACs asked for. A rules file of N lines
 * thus rebuilds the filter and the guard once, not N times.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arp/kernel/addr.h"
#include "fwd/control/batch.h"
#include "fwd/control/ctlreq.h"
#include "fwd/control/director.h"
#include "fwd/control/vips6.h"
#include "fwd/data/clock.h"
#include "fwd/data/filter.h"

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t zero_mac[6];

/*
 * t's distinct IPv4 VIPs, in table order, the ones ARP announces and
 * the capture filters list; a malloc'd array or NULL.
 */
static uint32_t *
vips_of(const struct uvs_svc_table *t, size_t *n)
{
	uint32_t *v = calloc(t->nsvcs + 1, sizeof(*v));
	unsigned i;
	size_t k;

	*n = 0;
	for (i = 0; v && i < t->nsvcs; i++) {
		if (t->svcs[i]->af != AF_INET)
			continue;
		for (k = 0; k < *n && v[k] != t->svcs[i]->addr.ip; k++)
			;
		if (k == *n)
			v[(*n)++] = t->svcs[i]->addr.ip;
	}
	return v;
}

/*
 * The VIPs t serves: all of them, or with --follow-vip those the kernel
 * holds (a VRRP backup announces nothing). A malloc'd array or NULL.
 */
static uint32_t *
served_vips_of(const struct uvs_svc_table *t, size_t *n)
{
	uint32_t *v = vips_of(t, n);
	union uvs_inaddr a;
	size_t i, k = 0;

	for (i = 0; v && i < *n; i++) {
		a = uvs_inaddr4(v[i]);
		if (!uvs_svc_vip_silent(t, AF_INET, &a))
			v[k++] = v[i];
	}
	*n = k;
	return v;
}

/* Has every service of a a twin in b (same key)? */
static int
svcs_within(const struct uvs_svc_table *a, const struct uvs_svc_table *b)
{
	unsigned i;

	for (i = 0; i < a->nsvcs; i++)
		if (!uvs_svc_find(b, a->svcs[i]->proto, a->svcs[i]->af,
		    &a->svcs[i]->addr, a->svcs[i]->port))
			return 0;
	return 1;
}

static int
same_svcs(const struct uvs_svc_table *a, const struct uvs_svc_table *b)
{
	return a->nsvcs == b->nsvcs && svcs_within(a, b);
}

/* Hides exactly t's services from the kernel (guard.c). */
static int
set_guard(struct uvs_director *d, const struct uvs_svc_table *t, char *err,
    size_t errlen)
{
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
		r[i] = (struct uvs_guard_rule){ .af = (uint8_t)t->svcs[i]->af,
		    .vip = t->svcs[i]->addr, .port = t->svcs[i]->port,
		    .proto = t->svcs[i]->proto };
	rc = uvs_guard_set(&d->guard, r, t->nsvcs, err, errlen);
	free(r);
	d->counts.guard_builds++;
	return rc;
}

/*
 * Opens the workers' capture filters for the families served (filter.h)
 * or shuts them (none), on every link: the same program for one VIP or
 * thousands (filter.c), so only a family's first service and the end of
 * its last change it. The control
 * thread's own sockets only send: their filters stay shut.
 */
static int
set_filter(struct uvs_director *d, int families, char *err, size_t errlen)
{
	int rc;

	if ((rc = uvs_workers_set_filter(&d->workers, families)) ==
	    -EAFNOSUPPORT)
		snprintf(err, errlen, "the xdp backend serves IPv4 only: "
		    "no IPv6 service on it");
	else if (rc < 0)
		snprintf(err, errlen, "capture filter: %s", strerror(-rc));
	d->counts.filter_builds++;
	return rc;
}

static int
same_vips(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t k;

	if (na != nb)
		return 0;
	for (k = 0; k < nb; k++)
		if (!uvs_addr_in(a, na, b[k]))
			return 0;
	return 1;
}

/*
 * The VIPs a backend that picks frames by VIP lets through (the xdp
 * backend's map, in the worker's capture; the others ignore it).
 */
static int
set_vips(struct uvs_director *d, const uint32_t *v, size_t n, char *err,
    size_t errlen)
{
	int rc;

	if ((rc = uvs_workers_set_vips(&d->workers, v, n)) < 0)
		snprintf(err, errlen, "XDP VIP map: %s", strerror(-rc));
	return rc;
}

/* The live table's VIPs, after a commit that stopped half-way. */
static void
reset_vips(struct uvs_director *d)
{
	char scratch[128];
	uint32_t *v;
	size_t n;

	if ((v = vips_of(&d->fw.svcs, &n)))
		(void)set_vips(d, v, n, scratch, sizeof(scratch));
	free(v);
}

/* The first add-service request for vip: the one a VIP's trouble is. */
static unsigned
request_adding(const struct uvs_ctl_msg *msgs, unsigned n, uint32_t vip)
{
	uint32_t a;
	unsigned i;

	for (i = 0; i < n; i++)
		if (strcmp(msgs[i].verb, "add-service") == 0 &&
		    uvs_ctl_get_addr(&msgs[i], "vip", &a) == 0 && a == vip)
			return i;
	return 0;
}

/* The first request that adds or removes a service. */
static unsigned
request_changing_svcs(const struct uvs_ctl_msg *msgs, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (strcmp(msgs[i].verb, "add-service") == 0 ||
		    strcmp(msgs[i].verb, "del-service") == 0 ||
		    strcmp(msgs[i].verb, "clear") == 0)
			return i;
	return 0;
}

/* Without a guard, a new VIP on a kernel interface is refused. */
static int
check_kernel_vips(struct uvs_director *d, const uint32_t *ov, size_t on,
    const uint32_t *nv, size_t nn, const struct uvs_ctl_msg *msgs,
    unsigned n, unsigned *at, char *err, size_t errlen)
{
	char a[INET_ADDRSTRLEN], ifn[IF_NAMESIZE] = "?";
	size_t k;
	int rc;

	if (d->guard.on || d->no_guard || d->xdp_guard)
		return 0;
	for (k = 0; k < nn; k++) {
		if (uvs_addr_in(ov, on, nv[k]) ||
		    (rc = uvs_addr_lookup(nv[k], NULL)) <= 0)
			continue;
		if_indextoname((unsigned)rc, ifn);
		inet_ntop(AF_INET, &nv[k], a, sizeof(a));
		snprintf(err, errlen, "VIP %s is on kernel interface %s: the "
		    "kernel would answer for it; remove it (ip addr del "
		    "%s/32 dev %s)", a, ifn, a, ifn);
		*at = request_adding(msgs, n, nv[k]);
		return -EADDRINUSE;
	}
	return 0;
}

/*
 * Makes the side effects new needs where old was in force. 0, or -errno
 * with *at and err set and the guard and filter as they were.
 */
static int
reconcile(struct uvs_director *d, const struct uvs_svc_table *old,
    const struct uvs_svc_table *new, const struct uvs_ctl_msg *msgs,
    unsigned n, unsigned *at, char *err, size_t errlen)
{
	uint32_t *ov, *nv;
	size_t on, nn;
	int rc = -ENOMEM, guard = 0;
	char scratch[128];

	ov = vips_of(old, &on);
	nv = vips_of(new, &nn);
	if (!ov || !nv) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if ((rc = check_kernel_vips(d, ov, on, nv, nn, msgs, n, at, err,
	    errlen)) < 0)
		goto out;
	/* the kernel is kept off a service before uvsd answers for it */
	if (!same_svcs(old, new)) {
		guard = 1;
		if ((rc = set_guard(d, new, err, errlen)) < 0) {
			*at = request_changing_svcs(msgs, n);
			(void)set_guard(d, old, scratch, sizeof(scratch));
			goto out;
		}
	}
	if (uvs_dir_families(old) != uvs_dir_families(new) &&
	    (rc = set_filter(d, uvs_dir_families(new), err, errlen)) < 0) {
		*at = request_changing_svcs(msgs, n);
		if (guard)
			(void)set_guard(d, old, scratch, sizeof(scratch));
		goto out;
	}
	if (!same_vips(ov, on, nv, nn) &&
	    (rc = set_vips(d, nv, nn, err, errlen)) < 0) {
		*at = request_changing_svcs(msgs, n);
		(void)set_vips(d, ov, on, scratch, sizeof(scratch));
		if (uvs_dir_families(old) != uvs_dir_families(new))
			(void)set_filter(d, uvs_dir_families(old), scratch,
			    sizeof(scratch));
		if (guard)
			(void)set_guard(d, old, scratch, sizeof(scratch));
		goto out;
	}
	rc = 0;
out:
	free(ov);
	free(nv);
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

static const union uvs_inaddr no_addr;

static int
has_hop(const union uvs_inaddr *hop, const int *af, const int *oif,
    size_t n, int f, int o, const union uvs_inaddr *h)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (af[k] == f && oif[k] == o && uvs_inaddr_eq(&hop[k], h))
			return 1;
	return 0;
}

/*
 * After the commit: announce VIPs served now and not before (new, or
 * taken over from a VRRP peer), ask the kernel for new MACs.
 */
static void
after_commit(struct uvs_director *d, const uint32_t *ov, size_t on)
{
	const struct uvs_svc_table *t = &d->fw.svcs;
	union uvs_inaddr *ask = NULL;
	uint32_t *nv;
	int *oif = NULL, *af = NULL, dump4 = 0, dump6 = 0;
	size_t nn, na = 0, k, n;
	unsigned i, j;

	if ((nv = served_vips_of(t, &nn))) {
		for (k = 0; k < nn; k++)
			if (!uvs_addr_in(ov, on, nv[k]))
				announce_vip(d, nv[k]);
		free(nv);
	}
	/* each unresolved next hop once, on its route's link, then one look
	   at each family's table; a dest by no link of ours (no next hop)
	   waits */
	n = uvs_dir_unresolved(d) + 1;
	ask = calloc(n, sizeof(*ask));
	af = calloc(n, sizeof(*af));
	oif = calloc(n, sizeof(*oif));
	if (!ask || !af || !oif)
		goto out;
	for (i = 0; i < t->nsvcs; i++)
		for (j = 0; j < t->svcs[i]->ndests; j++) {
			const struct uvs_dest *x = t->svcs[i]->dests[j];
			int f = t->svcs[i]->af;

			if ((x->flags & UVS_DEST_F_NOHWADDR) &&
			    !uvs_inaddr_eq(&x->nexthop, &no_addr) &&
			    !has_hop(ask, af, oif, na, f, x->oif, &x->nexthop)) {
				af[na] = f;
				oif[na] = x->oif;
				ask[na++] = x->nexthop;
				dump6 |= f == AF_INET6;
				dump4 |= f == AF_INET;
			}
		}
	for (k = 0; k < na; k++)
		(void)uvs_nl_resolve_af(d->nl, af[k], oif[k], &ask[k]);
	if (dump4)
		(void)uvs_nl_dump(d->nl);
	if (dump6)
		(void)uvs_nl_dump_af(d->nl, AF_INET6);
out:
	free(ask);
	free(af);
	free(oif);
}

/* The live table's hooks: its flows (and the fragments in flight that
   point at a dest) and timeouts. */
static void
fw_dest_flush(void *arg, const struct uvs_dest *x)
{
	uvs_fwd_flush_dest(arg, x);
}

static void
fw_flush_all(void *arg)
{
	uvs_fwd_flush_dest(arg, NULL);
}

static void
fw_timeouts(void *arg, const uint32_t t[3])
{
	struct uvs_fwd *fw = arg;

	if (t[0])
		fw->conns.timeouts.t[UVS_TCP_ESTABLISHED] = t[0];
	if (t[1])
		fw->conns.timeouts.t[UVS_TCP_FIN_WAIT] = t[1];
	if (t[2])
		fw->conns.timeouts.t[UVS_UDP_NORMAL] = t[2];
}

int
uvs_dir_apply_fw(struct uvs_fwd *fw, const struct uvs_ctl_msg *msgs,
    unsigned n, unsigned *at, char *err, size_t errlen)
{
	const struct uvs_batch_ops ops = { .arg = fw,
	    .dest_flush = fw_dest_flush, .flush_all = fw_flush_all,
	    .timeouts = fw_timeouts };

	return uvs_batch_apply(&fw->svcs, msgs, n, &ops, at, err, errlen);
}

/* The master's hooks: its flows and timeouts, and the MAC book. */
static void
dir_dest_flush(void *arg, const struct uvs_dest *x)
{
	fw_dest_flush(&((struct uvs_director *)arg)->fw, x);
}

static void
dir_flush_all(void *arg)
{
	struct uvs_director *d = arg;

	fw_flush_all(&d->fw);
	uvs_rsmac_free(&d->rsmac);
}

static void
dir_timeouts(void *arg, const uint32_t t[3])
{
	fw_timeouts(&((struct uvs_director *)arg)->fw, t);
}

static void
dir_dest_added(void *arg, const struct uvs_dest *x)
{
	struct uvs_director *d = arg;
	int created;

	/* out of memory only costs the silent-server log line */
	(void)uvs_rsmac_ref_af(&d->rsmac, x->svc->af, &x->addr,
	    uvs_clock_seconds(), &created);
}

static void
dir_dest_deleted(void *arg, const struct uvs_dest *x)
{
	uvs_rsmac_unref_af(&((struct uvs_director *)arg)->rsmac, x->svc->af,
	    &x->addr);
}

/* A log entry: the committed requests, in text the entry owns. */
struct txn_entry {
	struct uvs_wlog		 e;
	unsigned		 n;
	struct uvs_ctl_msg	*msgs;
	char			*text;
	struct uvs_workers	*ws;	/* for the shared totals' keys */
};

/* An add-dest's key for the shared totals; 0 or -EINVAL. */
static int
share_key(const struct uvs_ctl_msg *m, struct uvs_wshare_key *k)
{
	struct uvs_dest_conf c;

	memset(k, 0, sizeof(*k));
	if (strcmp(m->verb, "add-dest") ||
	    uvs_ctlreq_svc_key(m, &k->proto, &k->af, &k->vip, &k->vport) < 0 ||
	    uvs_ctlreq_dest_conf(m, &c) < 0)
		return -EINVAL;
	k->rip = c.addr;
	k->rport = c.port;
	return 0;
}

static int
txn_apply(struct uvs_fwd *fw, const struct uvs_wlog *e)
{
	const struct txn_entry *t = (const struct txn_entry *)e;
	struct uvs_wshare_key k;
	struct uvs_svc *s;
	struct uvs_dest *x;
	char err[128];
	unsigned at, i;
	int rc;

	/* the master accepted these on the same table: only memory fails,
	   and the worker counts it (workers.h) */
	rc = uvs_dir_apply_fw(fw, t->msgs, t->n, &at, err, sizeof(err));
	/* new dests count their flows in the totals all workers share */
	for (i = 0; i < t->n; i++)
		if (share_key(&t->msgs[i], &k) == 0 &&
		    (s = uvs_svc_find(&fw->svcs, k.proto, k.af, &k.vip,
		    k.vport)) && (x = uvs_dest_find(s, &k.rip, k.rport)) &&
		    !x->total_shared)
			x->total_shared = uvs_workers_share(t->ws, &k, 0);
	return rc;
}

static void
txn_free(struct uvs_wlog *e)
{
	struct txn_entry *t = (struct txn_entry *)e;

	free(t->msgs);
	free(t->text);
	free(t);
}

/* Length of m written back as "verb k=v ..." plus its NUL. */
static size_t
msg_len(const struct uvs_ctl_msg *m)
{
	size_t len = strlen(m->verb) + 1;
	int i;

	for (i = 0; i < m->nkv; i++)
		len += strlen(m->kv[i].key) + strlen(m->kv[i].val) + 2;
	return len;
}

/* The entry for msgs[0..n), or NULL when memory ran out. */
static struct txn_entry *
txn_new(const struct uvs_ctl_msg *msgs, unsigned n)
{
	struct txn_entry *t = calloc(1, sizeof(*t));
	size_t len = 1, off = 0;
	unsigned i;
	int k;

	for (i = 0; i < n; i++)
		len += msg_len(&msgs[i]);
	if (!t || !(t->msgs = calloc(n + 1, sizeof(*t->msgs))) ||
	    !(t->text = malloc(len))) {
		if (t)
			free(t->msgs);
		free(t);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		char *line = t->text + off;

		off += (size_t)sprintf(line, "%s", msgs[i].verb);
		for (k = 0; k < msgs[i].nkv; k++)
			off += (size_t)sprintf(t->text + off, " %s=%s",
			    msgs[i].kv[k].key, msgs[i].kv[k].val);
		off++;
		/* re-read from the entry's own text: it parsed once */
		(void)uvs_ctl_parse(line, &t->msgs[t->n++]);
	}
	t->e.apply = txn_apply;
	t->e.free_fn = txn_free;
	return t;
}

/*
 * Hands the first n committed requests to the workers (t was made for
 * at least n): their dests' shared totals get keys first, so a worker
 * finds them when it adds the dest.
 */
static void
publish(struct uvs_director *d, struct txn_entry *t, unsigned n)
{
	struct uvs_wshare_key k;
	unsigned i;

	if (!t)
		return;
	if (!(t->n = n)) {
		txn_free(&t->e);
		return;
	}
	t->ws = &d->workers;
	for (i = 0; i < n; i++)
		if (share_key(&t->msgs[i], &k) == 0)
			(void)uvs_workers_share(&d->workers, &k, 1);
	uvs_workers_publish(&d->workers, &t->e);
}

/*
 * The live step. The copy proved every request acceptable, so only
 * memory can fail here (a new service or dest); then the requests before
 * the failing one stay applied and are published, so the workers hold
 * the same table, the guard and filter are set to match it, and the
 * error says so. The workers' entry was made before anything changed,
 * so handing it over cannot fail.
 */
static int
commit(struct uvs_director *d, const struct uvs_ctl_msg *msgs, unsigned n,
    struct txn_entry *t, unsigned *at, char *err, size_t errlen)
{
	const struct uvs_batch_ops ops = { .arg = d,
	    .dest_flush = dir_dest_flush, .flush_all = dir_flush_all,
	    .timeouts = dir_timeouts, .dest_added = dir_dest_added,
	    .dest_deleted = dir_dest_deleted };
	char scratch[128];
	int rc;

	if ((rc = uvs_batch_apply(&d->fw.svcs, msgs, n, &ops, at, err,
	    errlen)) == 0) {
		publish(d, t, n);
		return 0;
	}
	publish(d, t, *at);
	(void)set_guard(d, &d->fw.svcs, scratch, sizeof(scratch));
	(void)set_filter(d, uvs_dir_families(&d->fw.svcs), scratch,
	    sizeof(scratch));
	reset_vips(d);
	snprintf(err, errlen, "out of memory: the requests before this one "
	    "were applied");
	return rc;
}

/*
 * The kernel's routes to next's new dests, as "egress" requests after
 * msgs (one transaction: a worker never sees a dest without its egress).
 * *all is msgs itself when none is needed, else a malloc'd list. 0 or
 * -ENOMEM.
 */
static int
with_egress(struct uvs_director *d, const struct uvs_svc_table *next,
    const struct uvs_ctl_msg *msgs, unsigned n,
    const struct uvs_ctl_msg **all, struct uvs_dir_egress *eg)
{
	struct uvs_ctl_msg *m;
	int rc;

	*all = msgs;
	if ((rc = uvs_dir_egress_reqs(d, next, 0, eg)) < 0 || !eg->n)
		return rc;
	if (!(m = calloc(n + eg->n, sizeof(*m))))
		return -ENOMEM;
	memcpy(m, msgs, n * sizeof(*m));
	memcpy(m + n, eg->msgs, eg->n * sizeof(*m));
	*all = m;
	return 0;
}

int
uvs_dir_apply(struct uvs_director *d, const struct uvs_ctl_msg *msgs,
    unsigned n, unsigned *at, char *err, size_t errlen)
{
	struct uvs_svc_table next;
	struct txn_entry *t = NULL;
	struct uvs_dir_egress eg = { 0 };
	const struct uvs_ctl_msg *all = msgs;
	union uvs_inaddr *ov6;
	uint32_t *ov;
	size_t on, on6;
	int rc;

	*at = 0;
	if (!(ov = served_vips_of(&d->fw.svcs, &on)) ||
	    !(ov6 = uvs_dir_vips6(&d->fw.svcs, &on6))) {
		free(ov);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	uvs_svc_table_init(&next);
	if ((rc = uvs_batch_copy(&next, &d->fw.svcs)) < 0)
		snprintf(err, errlen, "cannot copy the table: %s",
		    strerror(-rc));
	else if ((rc = uvs_batch_apply(&next, msgs, n, NULL, at, err,
	    errlen)) == 0) {
		/* routes first: reconcile's changes are then the last step */
		if ((rc = with_egress(d, &next, msgs, n, &all, &eg)) == 0 &&
		    d->workers.n && n + eg.n && !(t = txn_new(all, n + eg.n)))
			rc = -ENOMEM;
		if (rc < 0)
			snprintf(err, errlen, "out of memory");
		else
			rc = reconcile(d, &d->fw.svcs, &next, msgs, n, at, err,
			    errlen);
	}
	uvs_svc_table_free(&next);
	if (rc < 0) {		/* refused: nothing changed, nothing published */
		if (t)
			txn_free(&t->e);
		if (all != msgs)
			free((void *)all);
		uvs_dir_egress_free(&eg);
		free(ov);
		free(ov6);
		return rc;
	}
	/* from here the log owns t, or commit freed it */
	if ((rc = commit(d, all, n + eg.n, t, at, err, errlen)) == 0)
		d->counts.transactions++;
	if (*at >= n)	/* memory ran out on an egress: name the last one */
		*at = n ? n - 1 : 0;
	after_commit(d, ov, on);
	uvs_dir_announce6(d, ov6, on6);
	if (all != msgs)
		free((void *)all);
	uvs_dir_egress_free(&eg);
	free(ov);
	free(ov6);
	return rc;
}

int
uvs_dir_applyf(struct uvs_director *d, char *err, size_t errlen,
    const char *fmt, ...)
{
	char line[UVS_CTL_LINE_MAX];
	struct uvs_ctl_msg m;
	unsigned at;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(line) ||
	    uvs_ctl_parse(line, &m) < 0) {
		snprintf(err, errlen, "malformed request");
		return -EINVAL;
	}
	return uvs_dir_apply(d, &m, 1, &at, err, errlen);
}
