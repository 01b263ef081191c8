/*
 * The control socket. Requests are handled one at a time in uvsd's main
 * thread; a slow or silent client is cut off after a short timeout.
 * Every change, one request or a whole batch, is one transaction
 * (director.h, uvs_dir_apply): accepted whole, side effects and all, or
 * refused with nothing changed. The health engine's words are checked
 * before it and handed over after it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "fwd/control/batch.h"
#include "fwd/control/ctl.h"
#include "fwd/lang/ctlmsg.h"
#include "fwd/control/ctlreq.h"
#include "fwd/data/clock.h"
#include "fwd/health/health.h"

#define CTL_TIMEOUT_MS	500	/* a request's whole budget ... */
#define CTL_BATCH_TIMEOUT_MS	1500	/* ... and a batch's extra */

int
uvs_ctl_open(struct uvs_ctl *c, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char dir[sizeof(c->path)];
	int fd, e;

	c->fd = -1;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	snprintf(c->path, sizeof(c->path), "%s", path);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	snprintf(dir, sizeof(dir), "%s", path);
	(void)mkdir(dirname(dir), 0700);

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		goto fail;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		close(fd);
		snprintf(err, errlen, "another uvsd already listens on %s",
		    path);
		return -EADDRINUSE;
	}
	(void)unlink(path);	/* stale: nobody answered */
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    chmod(path, 0600) < 0 || listen(fd, 16) < 0)
		goto fail;
	c->fd = fd;
	return 0;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	snprintf(err, errlen, "control socket %s: %s", path, strerror(e));
	return -e;
}

void
uvs_ctl_close(struct uvs_ctl *c)
{
	if (c->fd < 0)
		return;
	close(c->fd);
	(void)unlink(c->path);
	c->fd = -1;
}

static void
reply_error(FILE *out, int rc, const char *msg)
{
	fprintf(out, "error %d %s\n", -rc, msg);
}

static void
mac_str(const uint8_t *m, char *buf, size_t size)
{
	snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
	    m[3], m[4], m[5]);
}

/*
 * The figures -L --stats and --rate show. In DR the director never sees
 * replies, so the out* columns stay 0, as they do in IPVS.
 */
static void
list_stats(FILE *out, uint64_t conns, uint64_t inpkts, uint64_t inbytes,
    const struct uvs_est *e)
{
	struct uvs_rate r;

	uvs_est_read(e, &r);
	fprintf(out, " conns=%llu inpkts=%llu inbytes=%llu cps=%llu "
	    "inpps=%llu outpps=0 inbps=%llu outbps=0",
	    (unsigned long long)conns, (unsigned long long)inpkts,
	    (unsigned long long)inbytes, (unsigned long long)r.cps,
	    (unsigned long long)r.inpps, (unsigned long long)r.inbps);
}

static void
list_dest(const struct uvs_director *d, const struct uvs_dest *x, FILE *out)
{
	const struct uvs_svc *s = x->svc;
	const struct uvs_health_key k = { .proto = s->proto, .af = s->af,
	    .vip = s->addr, .vport = s->port, .rip = x->addr,
	    .rport = x->port };
	const struct uvs_rsmac_entry *e = uvs_rsmac_find_af(&d->rsmac, s->af,
	    &x->addr);
	char a[INET6_ADDRSTRLEN], hw[18];

	inet_ntop(s->af, &x->addr, a, sizeof(a));
	if (x->flags & UVS_DEST_F_NOHWADDR)
		snprintf(hw, sizeof(hw), "none");
	else
		mac_str(x->hwaddr, hw, sizeof(hw));
	fprintf(out, "dest rip=%s rport=%u fwd=%s weight=%d active=%u "
	    "inactive=%u persist=%u uthr=%u lthr=%u hw=%s", a, ntohs(x->port),
	    x->fwd == UVS_FWD_TUNNEL ? "tunnel" : "route", x->weight,
	    x->activeconns, x->inactconns, x->persistconns, x->u_threshold,
	    x->l_threshold, hw);
	/* the address's ARP story (rsmac.h) and frames lost to it */
	if (e)
		fprintf(out, " arp=%s arp_since=%u arp_requests=%llu",
		    e->resolved ? "answered" : "silent",
		    uvs_clock_seconds() - e->since,
		    (unsigned long long)e->requests);
	fprintf(out, " nomac_drops=%llu", (unsigned long long)x->nomac_drops);
	list_stats(out, x->conns, x->inpkts, x->inbytes, &x->est);
	if (x->fwd == UVS_FWD_TUNNEL)
		fprintf(out, " tun_type=%u tun_port=%u tun_flags=%u",
		    x->tun_type, ntohs(x->tun_port), x->tun_flags);
	fputc('\n', out);
	uvs_health_list_dest(d->health, &k, !!(x->flags & UVS_DEST_F_OUT),
	    out);
}

static void
do_list(struct uvs_director *d, FILE *out)
{
	const struct uvs_svc_table *t = &d->fw.svcs;
	char a[INET6_ADDRSTRLEN], mask[INET_ADDRSTRLEN];
	unsigned i, k;

	uvs_dir_sync(d);
	/* IPVS reports its connection hash size; ours is the bucket count */
	fprintf(out, "info version=1.2.1 size=%u conns=%u\n", d->sum.buckets,
	    d->sum.conns);
	for (i = 0; i < t->nsvcs; i++) {
		const struct uvs_svc *s = t->svcs[i];

		inet_ntop(s->af, &s->addr, a, sizeof(a));
		/* -M: a v4 netmask, a v6 prefix length */
		if (s->af == AF_INET6)
			snprintf(mask, sizeof(mask), "%u", s->netmask);
		else
			inet_ntop(AF_INET, &s->netmask, mask, sizeof(mask));
		fprintf(out, "svc proto=%s vip=%s vport=%u sched=%s flags=%u "
		    "timeout=%u netmask=%s", s->proto == IPPROTO_TCP ? "tcp" :
		    "udp", a, ntohs(s->port), s->sched->name, s->flags,
		    s->timeout, mask);
		list_stats(out, s->conns, s->inpkts, s->inbytes, &s->est);
		fputc('\n', out);
		uvs_health_list_svc(d->health, s->proto, s->af, &s->addr,
		    s->port, out);
		for (k = 0; k < s->ndests; k++)
			list_dest(d, s->dests[k], out);
	}
}

/* -L -c: flows and templates, as copied out of their tables. */
static int
list_conns(const struct uvs_wconn *c, unsigned n, void *arg)
{
	FILE *out = arg;
	char ca[INET6_ADDRSTRLEN], va[INET6_ADDRSTRLEN], ra[INET6_ADDRSTRLEN];
	unsigned i;

	for (i = 0; i < n; i++, c++) {
		inet_ntop(c->af, &c->caddr, ca, sizeof(ca));
		inet_ntop(c->af, &c->vaddr, va, sizeof(va));
		inet_ntop(c->af, &c->raddr, ra, sizeof(ra));
		if (fprintf(out, "conn proto=%s cip=%s cport=%u vip=%s "
		    "vport=%u rip=%s rport=%u state=%s expires=%d\n",
		    c->proto == IPPROTO_TCP ? "tcp" : "udp", ca,
		    ntohs(c->cport), va, ntohs(c->vport), ra,
		    (c->flags & UVS_CONN_F_TEMPLATE) ? 0 : ntohs(c->rport),
		    uvs_conn_state_name(c->proto, c->state),
		    c->left > 0 ? c->left : 0) < 0)
			return -EPIPE;
	}
	return 0;
}

static void
do_conns(struct uvs_director *d, FILE *out)
{
	(void)uvs_dir_conns(d, list_conns, out);
}

/* The three timeouts ipvsadm shows and sets: tcp, tcpfin, udp. */
static void
do_timeout(struct uvs_director *d, FILE *out)
{
	const struct uvs_timeouts *to = &d->fw.conns.timeouts;

	fprintf(out, "timeout tcp=%u tcpfin=%u udp=%u\n",
	    to->t[UVS_TCP_ESTABLISHED], to->t[UVS_TCP_FIN_WAIT],
	    to->t[UVS_UDP_NORMAL]);
}

static void
do_counters(struct uvs_director *d, FILE *out)
{
	const struct uvs_fwd_stats *st = (uvs_dir_sync(d), &d->fw.stats);
	const struct uvs_health_counters hc = uvs_health_counters(d->health);
	const struct {
		const char	*name;
		uint64_t	 value;
	} c[] = {
		{ "rx_frames", st->rx_frames },
		{ "fwd_frames", st->fwd_frames },
		{ "fwd_bytes", st->fwd_bytes },
		{ "arp_replies", st->arp_replies },
		{ "arp_ignored", st->arp_ignored },
		{ "arp_standby", st->arp_standby },
		{ "ndp_replies", st->ndp_replies },
		{ "ndp_ignored", st->ndp_ignored },
		{ "conns_new", st->conns_new },
		{ "conns_reused", st->conns_reused },
		{ "rx_kernel_drops", st->rx_kernel_drops },
		{ "rx_copied", st->rx_copied },
		{ "tun_gso_frames", st->tun_gso_frames },
		{ "tun_packets", st->tun_packets },
		{ "ops_sched", st->ops_sched },
		{ "icmp_fwd", st->icmp_fwd },
		{ "frags_fwd", st->frags_fwd },
		{ "frags_held", st->frags_held },
		{ "tx_sw_csum", st->tx_sw_csum },
		{ "conns_reclaimed", d->sum.reclaimed },
		{ "conns_reclaimed_udp", d->sum.reclaimed_udp },
		{ "conns", d->sum.conns },
		{ "dests_unresolved", uvs_dir_unresolved(d) },
		{ "checks_ok", hc.checks_ok },
		{ "checks_failed", hc.checks_failed },
		{ "dests_down", hc.dests_down },
		{ "state_changes", hc.state_changes },
		{ "transactions", d->counts.transactions },
		{ "filter_builds", d->counts.filter_builds },
		{ "guard_builds", d->counts.guard_builds },
		/* changes a worker's table could not take (memory) */
		{ "worker_apply_failures", uvs_workers_diverged(&d->workers,
		    &(unsigned){ 0 }, &(uint64_t){ 0 }) },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		fprintf(out, "counter %s=%llu\n", c[i].name,
		    (unsigned long long)c[i].value);
	for (i = 1; i < UVS_DROP_MAX; i++)
		fprintf(out, "counter drop_%s=%llu\n",
		    uvs_drop_name((enum uvs_drop)i),
		    (unsigned long long)st->drops[i]);
	uvs_syncd_counters(&d->syncd, st, out);
	/* how the fanout shares the frames between the workers */
	for (i = 0; i < d->sum.nworkers; i++)
		fprintf(out, "counter worker%zu_rx_frames=%llu\n", i,
		    (unsigned long long)d->sum.worker_rx[i]);
}

/*
 * What the health engine makes of a request's words. Checked before the
 * transaction (words for an engine that does not run are refused), done
 * after it, in request order.
 */
struct health_words {
	int			 has;	/* 1: words given, 0: none */
	struct uvs_check_conf	 chk;	/* a dest's */
	struct uvs_vs_health	 vh;	/* a service's */
	struct uvs_health_key	 k;
	int			 v6;	/* of a v6 service: no sorry server */
	int			 weight;	/* the weight asked for */
	char			 wbuf[12];	/* the weight the table gets */
};

static int
is_dest_verb(const char *verb)
{
	return strcmp(verb, "add-dest") == 0 ||
	    strcmp(verb, "edit-dest") == 0 || strcmp(verb, "del-dest") == 0;
}

/*
 * Reads m's health words into h; an edit-dest's weight becomes the one
 * the checks allow now (an inhibited server stays at 0), the asked one
 * kept for the engine. 0 or -errno with err set.
 */
static int
health_before(struct uvs_director *d, struct uvs_ctl_msg *m,
    struct health_words *h, char *err, size_t errlen)
{
	struct uvs_dest_conf c;
	union uvs_inaddr vip;
	uint16_t af;
	int i;

	memset(h, 0, sizeof(*h));
	h->v6 = uvs_ctlreq_svc_key(m, &h->k.proto, &af, &vip,
	    &h->k.vport) == 0 && af == AF_INET6;
	if (is_dest_verb(m->verb)) {
		if (uvs_ctlreq_svc_key(m, &h->k.proto, &af, &vip,
		    &h->k.vport) < 0 || uvs_ctlreq_dest_conf(m, &c) < 0 ||
		    (h->has = uvs_ctlreq_check_conf(m, &h->chk)) < 0)
			goto bad;
		h->k.af = (uint8_t)af;
		h->k.vip = vip;
		h->k.rip = c.addr;
		h->k.rport = c.port;
		h->weight = c.weight;
		if (strcmp(m->verb, "edit-dest") == 0) {
			snprintf(h->wbuf, sizeof(h->wbuf), "%d",
			    uvs_health_weight_now(d->health, &h->k, c.weight));
			for (i = 0; i < m->nkv; i++)
				if (strcmp(m->kv[i].key, "weight") == 0)
					m->kv[i].val = h->wbuf;
		}
	} else if (strcmp(m->verb, "add-service") == 0 ||
	    strcmp(m->verb, "edit-service") == 0) {
		if ((h->has = uvs_ctlreq_vs_health(m, &h->vh)) < 0)
			goto bad;
	}
	if (h->has && h->v6 && h->vh.sorry) {
		snprintf(err, errlen, "sorry servers are IPv4 only");
		return -EAFNOSUPPORT;
	}
	if (!h->has || d->health)
		return 0;
	snprintf(err, errlen, "health checks are not running in this uvsd");
	return -EOPNOTSUPP;
bad:
	snprintf(err, errlen, "malformed %s request", m->verb);
	return -EINVAL;
}

/* After the commit: the engine learns what changed. 0 or -ENOMEM. */
static int
health_after(struct uvs_director *d, const struct uvs_ctl_msg *m,
    const struct health_words *h)
{
	union uvs_inaddr addr;
	uint8_t proto;
	uint16_t af, port;

	if (strcmp(m->verb, "clear") == 0) {
		uvs_health_clear(d->health);
		return 0;
	}
	if (strcmp(m->verb, "del-dest") == 0) {
		uvs_health_dest_del(d->health, &h->k);
		return 0;
	}
	if (is_dest_verb(m->verb))
		return uvs_health_dest_set(d->health, &h->k, h->weight,
		    h->has ? &h->chk : NULL) < 0 ? -ENOMEM : 0;
	if (uvs_ctlreq_svc_key(m, &proto, &af, &addr, &port) < 0)
		return 0;
	if (strcmp(m->verb, "del-service") == 0)
		uvs_health_svc_del(d->health, proto, af, &addr, port);
	else if (strcmp(m->verb, "add-service") == 0 ||
	    strcmp(m->verb, "edit-service") == 0)
		return uvs_health_svc_set(d->health, proto, af, &addr, port,
		    h->has ? &h->vh : NULL) < 0 ? -ENOMEM : 0;
	return 0;
}

/* msgs as one transaction, with the health engine's share. */
static int
apply_msgs(struct uvs_director *d, struct uvs_ctl_msg *msgs, unsigned n,
    unsigned *at, char *err, size_t errlen)
{
	struct health_words *h;
	unsigned i;
	int rc = 0;

	if (!(h = calloc(n ? n : 1, sizeof(*h)))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < n && rc == 0; i++) {
		*at = i;
		if (!uvs_batch_is_change(msgs[i].verb)) {
			snprintf(err, errlen, "'%s' cannot be part of a batch",
			    msgs[i].verb);
			rc = -EINVAL;
		} else
			rc = health_before(d, &msgs[i], &h[i], err, errlen);
	}
	if (rc == 0)
		rc = uvs_dir_apply(d, msgs, n, at, err, errlen);
	for (i = 0; i < n && rc == 0; i++)
		if ((rc = health_after(d, &msgs[i], &h[i])) < 0) {
			*at = i;
			snprintf(err, errlen, "health checks: out of memory "
			    "(the table was changed)");
		}
	free(h);
	return rc;
}

void
uvs_ctl_handle(struct uvs_director *d, char *line, FILE *out)
{
	struct uvs_ctl_msg m;
	char err[256] = "";
	unsigned at;
	int rc = 0;

	if (uvs_ctl_parse(line, &m) < 0) {
		reply_error(out, -EINVAL, "malformed request");
		return;
	}
	if (strcmp(m.verb, "list") == 0)
		do_list(d, out);
	else if (strcmp(m.verb, "counters") == 0)
		do_counters(d, out);
	else if (strcmp(m.verb, "conns") == 0)
		do_conns(d, out);
	else if (strcmp(m.verb, "timeout") == 0)
		do_timeout(d, out);
	else if (strcmp(m.verb, "daemon") == 0)
		uvs_syncd_list(&d->syncd, out);
	else if (strcmp(m.verb, "start-daemon") == 0 ||
	    strcmp(m.verb, "stop-daemon") == 0)
		rc = uvs_syncd_request(d, &m, err, sizeof(err));
	else if (!uvs_batch_is_change(m.verb)) {
		snprintf(err, sizeof(err), "unknown request '%s'", m.verb);
		rc = -EOPNOTSUPP;
	} else
		rc = apply_msgs(d, &m, 1, &at, err, sizeof(err));
	if (rc < 0)
		reply_error(out, rc, err);
	else
		fputs("ok\n", out);
}

int
uvs_ctl_batch(struct uvs_director *d, char **lines, unsigned n, unsigned *at,
    char *err, size_t errlen)
{
	struct uvs_ctl_msg *msgs;
	unsigned i;
	int rc = 0;

	*at = 0;
	if (n > UVS_CTL_BATCH_LINES) {
		snprintf(err, errlen, "more than %u requests in one batch",
		    UVS_CTL_BATCH_LINES);
		return -E2BIG;
	}
	if (!(msgs = calloc(n ? n : 1, sizeof(*msgs))))
		return -ENOMEM;
	for (i = 0; i < n && rc == 0; i++)
		if (uvs_ctl_parse(lines[i], &msgs[i]) < 0) {
			*at = i;
			snprintf(err, errlen, "malformed request");
			rc = -EINVAL;
		}
	if (rc == 0)
		rc = apply_msgs(d, msgs, n, at, err, errlen);
	free(msgs);
	return rc;
}

/* "batch n=K": the K lines after it, split in place; a count or -errno. */
static int
batch_lines(char *text, unsigned n, char ***lines)
{
	char *p = text, *nl;
	unsigned i;

	if (!(*lines = calloc(n ? n : 1, sizeof(**lines))))
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (!(nl = strchr(p, '\n'))) {
			free(*lines);
			return -EINVAL;
		}
		*nl = '\0';
		(*lines)[i] = p;
		p = nl + 1;
	}
	return (int)n;
}

static void
handle_batch(struct uvs_director *d, char *text, unsigned n, FILE *out)
{
	char err[256] = "", **lines;
	unsigned at;
	int rc;

	/* refused before the count sizes anything */
	if (n > UVS_CTL_BATCH_LINES) {
		snprintf(err, sizeof(err), "more than %u requests in one batch",
		    UVS_CTL_BATCH_LINES);
		reply_error(out, -E2BIG, err);
		return;
	}
	if ((rc = batch_lines(text, n, &lines)) < 0) {
		reply_error(out, rc, "batch shorter than its count");
		return;
	}
	rc = uvs_ctl_batch(d, lines, n, &at, err, sizeof(err));
	free(lines);
	if (rc < 0)
		fprintf(out, "error %d at=%u %s\n", -rc, at, err);
	else
		fputs("ok\n", out);
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The next read waits at most left ms; -1 when nothing is left. */
static int
set_rcvtimeo(int fd, long long left)
{
	struct timeval tv;

	if (left <= 0)
		return -1;
	tv.tv_sec = left / 1000;
	tv.tv_usec = (left % 1000) * 1000;
	return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/*
 * Reads a request within the timeout: one line, or a "batch n=K" line
 * and the K lines after it. A malloc'd NUL-terminated text whose first
 * line is the request, or NULL.
 */
static char *
read_request(int fd, unsigned *nbatch)
{
	size_t off = 0, cap = UVS_CTL_LINE_MAX, need = 1, nls = 0;
	char *buf = malloc(cap), *nb, *p;
	long long deadline = now_ms() + CTL_TIMEOUT_MS;
	ssize_t n;

	*nbatch = 0;
	while (buf && nls < need) {
		/* one budget for the whole request, not one per read */
		if (set_rcvtimeo(fd, deadline - now_ms()) < 0)
			break;
		if (cap - off < 2) {
			if (cap >= UVS_CTL_BATCH_MAX || !*nbatch ||
			    !(nb = realloc(buf, cap * 2)))
				break;
			buf = nb;
			cap *= 2;
		}
		if ((n = read(fd, buf + off, cap - 1 - off)) <= 0)
			break;
		buf[off + n] = '\0';	/* sscanf reads a string */
		for (p = buf + off; p < buf + off + n; p++)
			if (*p == '\n' && ++nls == 1 &&
			    sscanf(buf, "batch n=%u", nbatch) == 1 &&
			    *nbatch <= UVS_CTL_BATCH_LINES) {
				need = 1 + *nbatch;
				deadline += CTL_BATCH_TIMEOUT_MS;
			}
		off += (size_t)n;
	}
	/* the lines are handled as strings: a NUL would cut one short */
	if (buf && nls >= need && !memchr(buf, '\0', off))
		return buf;
	free(buf);
	return NULL;
}

static int
peer_is_root(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
	    cred.uid == 0;
}

void
uvs_ctl_serve(struct uvs_ctl *c, struct uvs_director *d)
{
	struct timeval tv = { 0, CTL_TIMEOUT_MS * 1000 };
	unsigned nbatch;
	char *req, *nl;
	FILE *out;
	int fd;

	if ((fd = accept4(c->fd, NULL, NULL, SOCK_CLOEXEC)) < 0)
		return;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (!(out = fdopen(fd, "w"))) {
		close(fd);
		return;
	}
	/* read first: closing on unread data would reset the connection */
	if (!(req = read_request(fd, &nbatch)))
		reply_error(out, -EINVAL, "request missing, cut short, too "
		    "long or holding a NUL byte");
	else if (!peer_is_root(fd))
		reply_error(out, -EPERM, "Permission denied (you must be root)");
	else if (nbatch)
		handle_batch(d, strchr(req, '\n') + 1, nbatch, out);
	else {
		nl = strchr(req, '\n');
		*nl = '\0';
		if (nl - req >= UVS_CTL_LINE_MAX - 1)
			reply_error(out, -EINVAL, "request line too long");
		else
			uvs_ctl_handle(d, req, out);
	}
	free(req);
	fclose(out);
}
