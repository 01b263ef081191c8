/*
 * The health check engine (health.h), keepalived's rules:
 *
 * - A checked server starts UP (keepalived without `alpha`) and is probed
 *   at once, then every interval. Until its check has succeeded once, the
 *   first failure takes it DOWN (keepalived sets retry_it to retry before
 *   a checker's first success, so a server that was never seen alive gets
 *   no retries). After that, while UP, `fall` failures in a row take it
 *   DOWN (between them it is probed again after the retry wait, as
 *   keepalived's delay_before_retry); while DOWN, `rise` successes in a
 *   row bring it back. A server without a check is always UP. With
 *   alpha (keepalived's), a new check starts DOWN instead, and its
 *   server serves only once it succeeded.
 * - DOWN with on-fail inhibit: weight 0, still listed, its flows go on
 *   (inhibit_on_failure). DOWN with on-fail remove: out of scheduling,
 *   hidden from -L, its flows end (keepalived deletes it from IPVS).
 * - Quorum (ipwrapper.c update_quorum_state): the service holds quorum
 *   while the UP servers' weights add up to at least quorum - hysteresis
 *   (and to more than 0); it regains it at quorum + hysteresis. Without
 *   quorum and with a sorry server, the sorry server serves alone: the
 *   live servers stand by out of scheduling (perform_quorum_state).
 *   Without a sorry server a lost quorum is logged and counted only, as
 *   keepalived only runs its quorum_down script then.
 * - The sorry server is added to the director as a dest as soon as it is
 *   configured, out of scheduling: its MAC is learned ahead of need and
 *   switching to it is one flag.
 *
 * Changes are recorded at once and applied in settle(): what each server
 * should look like (weight, in or out) is computed from the checks and
 * the quorum and compared with what was last applied, so the director
 * only hears of differences, and a whole batch of control requests is
 * settled once, after it. Only the services a change touched are settled
 * (the dirty list), so a settle costs what changed, not the whole table.
 *
 * Every server and service is found through a hash index (hindex.h), and
 * each service holds its own servers, so a lookup, an add and a delete
 * take the same time with 10 servers as with 10 000, and a walk over a
 * service's servers (quorum, settle) touches only those.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "fwd/health/health.h"
#include "fwd/health/hindex.h"
#include "fwd/health/probe.h"
#include "sched/inaddr_str.h"

#define SRC_REFRESH_MS	5000	/* look the source address up this often */
#define CHILD_POLL_MS	100	/* a running command is collected this soon */
#define SORRY_WEIGHT	1	/* keepalived's default real server weight */
/* "UDP [v6 address]:port" (svc_str), "[v6 address]:port" (rs_str) */
#define SVC_STRLEN	(4 + UVS_INADDR_PORT_STRLEN)
#define RS_STRLEN	UVS_INADDR_PORT_STRLEN

struct hsvc {
	uint8_t			 proto;
	uint8_t			 af;
	union uvs_inaddr	 vip;
	uint16_t		 vport;
	struct uvs_vs_health	 conf;
	int			 quorum;	/* -1 not judged yet, 0, 1 */
	uint32_t		 sorry_dest;	/* the sorry dest we added (v4) */
	int			 sorry_out;	/* it, as applied */
	int			 sorry_broken;	/* could not be added */
	struct hdest		**dests;	/* its servers */
	unsigned		 ndests, cdests;
	unsigned		 at;		/* in h->svcs */
	unsigned		 dirty_at;	/* in h->dirty + 1; 0: clean */
};

struct hdest {
	struct uvs_health_key	 k;
	struct hsvc		*svc;
	int			 weight;	/* configured */
	struct uvs_check_conf	 chk;
	int			 down;
	int			 seen_ok;	/* its check succeeded once */
	uint32_t		 streak;	/* fails while up, oks down */
	uint64_t		 n_ok, n_fail;
	uint64_t		 transitions;	/* UP<->DOWN since added */
	enum uvs_health_result	 result;	/* of the last check */
	uint64_t		 next_ms;	/* 0: at once */
	unsigned		 turn;		/* last run that stepped it */
	char			 last[UVS_PROBE_WHY_MAX];
	struct uvs_probe	 probe;
	int			 ap_weight;	/* as applied */
	int			 ap_out;
	unsigned		 at;		/* in h->dests */
	unsigned		 svc_at;	/* in svc->dests */
};

struct uvs_health {
	struct uvs_health_ops	 ops;
	char			 ifname[IFNAMSIZ];
	struct uvs_health_src	 src_fixed;	/* --check-source */
	union uvs_inaddr	 src, src6;	/* looked up, of each family */
	uint64_t		 src_at, src6_at;	/* when */
	struct hsvc		**svcs;
	unsigned		 nsvcs, csvcs;
	struct hdest		**dests;
	unsigned		 ndests, cdests;
	struct uvs_hindex	 svc_ix;	/* service key -> hsvc */
	struct uvs_hindex	 dest_ix;	/* server key -> hdest */
	struct hsvc		**dirty_svcs;	/* to settle */
	unsigned		 ndirty, cdirty;
	int			 dirty_all;	/* the list could not grow */
	pid_t			*orphans;	/* killed children to collect */
	unsigned		 norphans, corphans;
	struct hdest		*polled[UVS_HEALTH_FDS_MAX];
	int			 npolled;
	unsigned		 turn;
	int			 dirty;
	struct uvs_health_counters c;
};

static void
logf_(struct uvs_health *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
logf_(struct uvs_health *h, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!h->ops.log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	h->ops.log(h->ops.log_arg, line);
}

/* Makes room for one more pointer in *arr of *n, capacity *cap. */
static int
grow(void ***arr, unsigned n, unsigned *cap, size_t elem)
{
	void **na;
	unsigned nc;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 8;
	if (!(na = realloc(*arr, nc * elem)))
		return -ENOMEM;
	*arr = na;
	*cap = nc;
	return 0;
}

uint64_t
uvs_health_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct uvs_health *
uvs_health_new(const struct uvs_health_ops *ops, const char *ifname,
    const struct uvs_health_src *src)
{
	struct uvs_health *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->ops = *ops;
	snprintf(h->ifname, sizeof(h->ifname), "%s", ifname ? ifname : "");
	if (src)
		h->src_fixed = *src;
	return h;
}

/* "TCP 198.18.0.10:80", "TCP [2001:db8::10]:80" */
static const char *
svc_str(uint8_t proto, int af, const union uvs_inaddr *vip, uint16_t vport,
    char *buf, size_t size)
{
	char a[UVS_INADDR_PORT_STRLEN];

	snprintf(buf, size, "%s %s", proto == IPPROTO_UDP ? "UDP" : "TCP",
	    uvs_inaddr_port_str(af, vip, ntohs(vport), a, sizeof(a)));
	return buf;
}

static const char *
rs_str(const struct uvs_health_key *k, char *buf, size_t size)
{
	return uvs_inaddr_port_str(k->af, &k->rip, ntohs(k->rport), buf, size);
}

/* A service: protocol, family and port in the first word, the address
   in the next two (a v4 one with the rest zero, as the union keeps it). */
static struct uvs_hindex_key
svc_ix_key(uint8_t proto, int af, const union uvs_inaddr *vip,
    uint16_t vport)
{
	struct uvs_hindex_key x = { .a = (uint64_t)proto << 48 |
	    (uint64_t)(uint8_t)af << 40 | (uint64_t)vport << 16 };

	memcpy(&x.b, vip->b, 8);
	memcpy(&x.c, vip->b + 8, 8);
	return x;
}

static struct uvs_hindex_key
dest_ix_key(const struct uvs_health_key *k)
{
	struct uvs_hindex_key x = svc_ix_key(k->proto, k->af, &k->vip,
	    k->vport);

	x.a |= k->rport;
	memcpy(&x.d, k->rip.b, 8);
	memcpy(&x.e, k->rip.b + 8, 8);
	return x;
}

static struct hsvc *
find_svc(const struct uvs_health *h, uint8_t proto, int af,
    const union uvs_inaddr *vip, uint16_t vport)
{
	struct uvs_hindex_key x = svc_ix_key(proto, af, vip, vport);

	return h ? uvs_hindex_get(&h->svc_ix, &x) : NULL;
}

static struct hdest *
find_dest(const struct uvs_health *h, const struct uvs_health_key *k)
{
	struct uvs_hindex_key x = dest_ix_key(k);

	return h ? uvs_hindex_get(&h->dest_ix, &x) : NULL;
}

/* Is k s's sorry dest? Sorry servers are IPv4 (checkconf.h). */
static int
sorry_is(const struct hsvc *s, const struct uvs_health_key *k)
{
	return s->sorry_dest && k->af == AF_INET && s->sorry_dest == k->rip.ip
	    && k->rport == s->vport;
}

/* s is to be settled on the next settle(). */
static void
mark_dirty(struct uvs_health *h, struct hsvc *s)
{
	h->dirty = 1;
	if (s->dirty_at || h->dirty_all)
		return;
	if (grow((void ***)&h->dirty_svcs, h->ndirty, &h->cdirty,
	    sizeof(*h->dirty_svcs)) < 0) {
		h->dirty_all = 1;	/* settle them all rather than lose it */
		return;
	}
	h->dirty_svcs[h->ndirty++] = s;
	s->dirty_at = h->ndirty;
}

static void
unmark_dirty(struct uvs_health *h, struct hsvc *s)
{
	struct hsvc *last;

	if (!s->dirty_at)
		return;
	last = h->dirty_svcs[--h->ndirty];
	h->dirty_svcs[s->dirty_at - 1] = last;
	last->dirty_at = s->dirty_at;
	s->dirty_at = 0;
}

/* Is k the sorry dest the engine added to its service? */
static int
is_sorry(const struct uvs_health *h, const struct uvs_health_key *k)
{
	const struct hsvc *s = find_svc(h, k->proto, k->af, &k->vip, k->vport);

	return s && sorry_is(s, k);
}

int
uvs_health_is_sorry(const struct uvs_health *h, const struct uvs_health_key *k)
{
	return h && is_sorry(h, k);
}

static struct hsvc *
svc_get(struct uvs_health *h, uint8_t proto, int af,
    const union uvs_inaddr *vip, uint16_t vport)
{
	struct uvs_hindex_key x = svc_ix_key(proto, af, vip, vport);
	struct hsvc *s = find_svc(h, proto, af, vip, vport);

	if (s)
		return s;
	if (grow((void ***)&h->svcs, h->nsvcs, &h->csvcs, sizeof(*h->svcs)) < 0
	    || !(s = calloc(1, sizeof(*s))))
		return NULL;
	if (uvs_hindex_put(&h->svc_ix, &x, s) < 0) {
		free(s);
		return NULL;
	}
	s->proto = proto;
	s->af = (uint8_t)af;
	s->vip = *vip;
	s->vport = vport;
	s->conf.quorum = UVS_QUORUM_DEFAULT;
	s->quorum = -1;
	s->at = h->nsvcs;
	h->svcs[h->nsvcs++] = s;
	return s;
}

int
uvs_health_svc_set(struct uvs_health *h, uint8_t proto, int af,
    const union uvs_inaddr *vip, uint16_t vport,
    const struct uvs_vs_health *v)
{
	struct hsvc *s;

	if (!h)
		return 0;
	if (!(s = svc_get(h, proto, af, vip, vport)))
		return -ENOMEM;
	if (v && memcmp(&s->conf, v, sizeof(*v)) != 0) {
		s->conf = *v;
		s->sorry_broken = 0;
	}
	mark_dirty(h, s);
	return 0;
}

/* Stops d's probe; a killed child is collected later. */
static void
stop_probe(struct uvs_health *h, struct hdest *d)
{
	pid_t pid = uvs_probe_abort(&d->probe);
	int i;

	for (i = 0; i < h->npolled; i++)
		if (h->polled[i] == d)
			h->polled[i] = NULL;
	if (pid > 0 && grow((void ***)&h->orphans, h->norphans, &h->corphans,
	    sizeof(*h->orphans)) == 0)
		h->orphans[h->norphans++] = pid;
}

/* Stops d's probe and frees it; the servers after it move into its place. */
static void
dest_free(struct uvs_health *h, struct hdest *d)
{
	struct uvs_hindex_key x = dest_ix_key(&d->k);
	struct hsvc *s = d->svc;

	stop_probe(h, d);
	uvs_hindex_del(&h->dest_ix, &x);
	h->dests[d->at] = h->dests[--h->ndests];
	h->dests[d->at]->at = d->at;
	s->dests[d->svc_at] = s->dests[--s->ndests];
	s->dests[d->svc_at]->svc_at = d->svc_at;
	free(d);
}

/* Frees s and its servers. */
static void
svc_free(struct uvs_health *h, struct hsvc *s)
{
	struct uvs_hindex_key x = svc_ix_key(s->proto, s->af, &s->vip,
	    s->vport);

	while (s->ndests)
		dest_free(h, s->dests[s->ndests - 1]);
	unmark_dirty(h, s);
	uvs_hindex_del(&h->svc_ix, &x);
	h->svcs[s->at] = h->svcs[--h->nsvcs];
	h->svcs[s->at]->at = s->at;
	free(s->dests);
	free(s);
}

void
uvs_health_svc_del(struct uvs_health *h, uint8_t proto, int af,
    const union uvs_inaddr *vip, uint16_t vport)
{
	struct hsvc *s = find_svc(h, proto, af, vip, vport);

	if (!s)
		return;
	svc_free(h, s);
	h->dirty = 1;
}

void
uvs_health_clear(struct uvs_health *h)
{
	if (!h)
		return;
	while (h->nsvcs)
		svc_free(h, h->svcs[h->nsvcs - 1]);
	h->dirty_all = 0;
	h->dirty = 1;
}

/* What d's weight should be now, with configured weight w. */
static int
weight_for(const struct hdest *d, int w)
{
	return d->down && d->chk.on_fail == UVS_ONFAIL_INHIBIT ? 0 : w;
}

int
uvs_health_weight_now(const struct uvs_health *h,
    const struct uvs_health_key *k, int weight)
{
	const struct hdest *d = find_dest(h, k);

	return d ? weight_for(d, weight) : weight;
}

/* A new or changed check on d: the state stays, the streak starts over. */
static void
set_check(struct uvs_health *h, struct hdest *d, const struct uvs_check_conf *c)
{
	if (memcmp(&d->chk, c, sizeof(*c)) == 0)
		return;
	stop_probe(h, d);
	d->chk = *c;
	d->streak = 0;
	d->seen_ok = 0;		/* a new checker, as keepalived's */
	/* alpha: DOWN until it succeeds (rise applies) */
	if (c->alpha && c->type != UVS_CHECK_NONE)
		d->down = 1;
	d->next_ms = 0;
	if (c->type == UVS_CHECK_NONE) {
		d->down = 0;
		d->last[0] = '\0';
		d->result = UVS_HEALTH_RESULT_NONE;
	}
}

/* A new server k of its service (made if need be), in both lists. */
static struct hdest *
dest_new(struct uvs_health *h, const struct uvs_health_key *k)
{
	struct uvs_hindex_key x = dest_ix_key(k);
	struct hdest *d;
	struct hsvc *s;

	if (!(s = svc_get(h, k->proto, k->af, &k->vip, k->vport)) ||
	    grow((void ***)&h->dests, h->ndests, &h->cdests,
	    sizeof(*h->dests)) < 0 || grow((void ***)&s->dests, s->ndests,
	    &s->cdests, sizeof(*s->dests)) < 0 || !(d = calloc(1, sizeof(*d))))
		return NULL;
	if (uvs_hindex_put(&h->dest_ix, &x, d) < 0) {
		free(d);
		return NULL;
	}
	d->k = *k;
	d->svc = s;
	uvs_probe_init(&d->probe);
	d->at = h->ndests;
	h->dests[h->ndests++] = d;
	d->svc_at = s->ndests;
	s->dests[s->ndests++] = d;
	return d;
}

int
uvs_health_dest_set(struct uvs_health *h, const struct uvs_health_key *k,
    int weight, const struct uvs_check_conf *c)
{
	struct hdest *d;

	if (!h || is_sorry(h, k))
		return 0;
	if (!(d = find_dest(h, k))) {
		if (!(d = dest_new(h, k)))
			return -ENOMEM;
		d->ap_weight = weight;	/* the director added it so */
	} else
		d->ap_weight = weight_for(d, weight);	/* ctl edited it so */
	d->weight = weight;
	if (c)
		set_check(h, d, c);
	mark_dirty(h, d->svc);
	return 0;
}

void
uvs_health_dest_del(struct uvs_health *h, const struct uvs_health_key *k)
{
	struct hsvc *s = find_svc(h, k->proto, k->af, &k->vip, k->vport);
	struct hdest *d = find_dest(h, k);

	if (!h)
		return;
	h->dirty = 1;
	if (!s)
		return;
	/* the sorry dest deleted by hand: settle adds it again */
	if (sorry_is(s, k))
		s->sorry_dest = 0;
	if (k->af == AF_INET && s->conf.sorry == k->rip.ip)
		s->sorry_broken = 0;
	if (d)
		dest_free(h, d);
	mark_dirty(h, s);
}

/* ---- the state machine ---- */

static const char *
consequence(const struct hdest *d)
{
	if (!d->down)
		return d->chk.on_fail == UVS_ONFAIL_INHIBIT ?
		    "weight %d again" : "back in scheduling, weight %d";
	return d->chk.on_fail == UVS_ONFAIL_INHIBIT ?
	    "weight 0 (inhibit)" : "out of scheduling (remove)";
}

static void
log_transition(struct uvs_health *h, const struct hdest *d, uint32_t count)
{
	char svc[SVC_STRLEN], rs[RS_STRLEN], then[64];

	snprintf(then, sizeof(then), consequence(d), d->weight);
	logf_(h, "check: rs %s of %s %s after %u %s (%s); %s",
	    rs_str(&d->k, rs, sizeof(rs)),
	    svc_str(d->k.proto, d->k.af, &d->k.vip, d->k.vport, svc,
	    sizeof(svc)),
	    d->down ? "DOWN" : "UP", count, d->down ?
	    (count == 1 ? "failure" : "failures") :
	    (count == 1 ? "success" : "successes"), d->last, then);
}

/* Failures in a row that take d down: one until it was seen alive. */
static uint32_t
fall_of(const struct hdest *d)
{
	return d->seen_ok ? d->chk.fall : 1;
}

/* One result for d: counts, streaks, maybe a transition. */
static void
record(struct uvs_health *h, struct hdest *d, int ok, const char *why,
    uint64_t now_ms)
{
	snprintf(d->last, sizeof(d->last), "%s", why);
	d->result = ok ? UVS_HEALTH_RESULT_OK : UVS_HEALTH_RESULT_FAILED;
	if (ok) {
		h->c.checks_ok++;
		d->n_ok++;
	} else {
		h->c.checks_failed++;
		d->n_fail++;
	}
	/* a result that agrees with the state breaks the streak */
	if (ok == !d->down)
		d->streak = 0;
	else if (++d->streak >= (d->down ? d->chk.rise : fall_of(d))) {
		d->down = !d->down;
		log_transition(h, d, d->streak);
		d->streak = 0;
		d->transitions++;
		h->c.state_changes++;
		mark_dirty(h, d->svc);
	}
	d->seen_ok |= ok;
	d->next_ms = now_ms + (!ok && !d->down ? uvs_check_retry(&d->chk) :
	    d->chk.interval_ms);
}

int
uvs_health_result(struct uvs_health *h, const struct uvs_health_key *k,
    int ok, const char *why, uint64_t now_ms)
{
	struct hdest *d = find_dest(h, k);

	if (!d || d->chk.type == UVS_CHECK_NONE)
		return -ENOENT;
	record(h, d, ok, why, now_ms);
	uvs_health_settle(h);
	return 0;
}

/* ---- bringing the director in line ---- */

static int
watched(const struct uvs_health *h, const struct hsvc *s)
{
	unsigned i;

	(void)h;
	if (!uvs_vs_health_is_default(&s->conf))
		return 1;
	for (i = 0; i < s->ndests; i++)
		if (s->dests[i]->chk.type != UVS_CHECK_NONE)
			return 1;
	return 0;
}

static uint64_t
up_weight(const struct uvs_health *h, const struct hsvc *s)
{
	uint64_t sum = 0;
	unsigned i;

	(void)h;
	for (i = 0; i < s->ndests; i++)
		if (!s->dests[i]->down)
			sum += (uint64_t)s->dests[i]->weight;
	return sum;
}

/* Runs the service's quorum_up or quorum_down; its pid is collected later. */
static void
quorum_script(struct uvs_health *h, const struct hsvc *s, int up)
{
	const char *cmd = up ? s->conf.quorum_up : s->conf.quorum_down;
	char svc[SVC_STRLEN];
	pid_t pid;

	if (!cmd[0])
		return;
	svc_str(s->proto, s->af, &s->vip, s->vport, svc, sizeof(svc));
	if ((pid = uvs_probe_script(cmd)) < 0) {
		logf_(h, "check: %s %s: cannot run '%s': %s", svc, up ?
		    "quorum_up" : "quorum_down", cmd, strerror((int)-pid));
		return;
	}
	logf_(h, "check: %s %s: running '%s' (pid %d)", svc, up ? "quorum_up" :
	    "quorum_down", cmd, (int)pid);
	if (grow((void ***)&h->orphans, h->norphans, &h->corphans,
	    sizeof(*h->orphans)) == 0)
		h->orphans[h->norphans++] = pid;
}

/* keepalived's update_quorum_state(): the new verdict, logged. */
static int
judge_quorum(struct uvs_health *h, struct hsvc *s)
{
	int64_t sum = (int64_t)up_weight(h, s);
	int64_t lo = (int64_t)s->conf.quorum - s->conf.hysteresis;
	int64_t hi = (int64_t)s->conf.quorum + s->conf.hysteresis;
	char svc[SVC_STRLEN], sorry[48] = "";
	int up;

	if (s->quorum <= 0)
		up = sum >= hi;
	else
		up = !(sum == 0 || sum < lo);
	/* judged for the first time: only a service that starts short says so */
	if (up == s->quorum || (s->quorum < 0 && up)) {
		s->quorum = up;
		return up;
	}
	if (s->conf.sorry)
		snprintf(sorry, sizeof(sorry), "%s", up ?
		    "; sorry server out, live real servers in" :
		    "; sorry server in, live real servers out");
	else if (!up)
		snprintf(sorry, sizeof(sorry), " (no sorry server: the live "
		    "servers serve on)");
	svc_str(s->proto, s->af, &s->vip, s->vport, svc, sizeof(svc));
	if (up)
		logf_(h, "check: %s gained quorum: up weight %lld >= %lld "
		    "(quorum %u + hysteresis %u)%s", svc, (long long)sum,
		    (long long)hi, s->conf.quorum, s->conf.hysteresis, sorry);
	else if (s->quorum < 0)
		logf_(h, "check: %s starts without quorum: up weight %lld < "
		    "%lld (quorum %u + hysteresis %u)%s", svc, (long long)sum,
		    (long long)hi, s->conf.quorum, s->conf.hysteresis, sorry);
	else
		logf_(h, "check: %s lost quorum: up weight %lld < %lld "
		    "(quorum %u - hysteresis %u)%s", svc,
		    (long long)sum, (long long)(lo > 1 ? lo : 1),
		    s->conf.quorum, s->conf.hysteresis, sorry);
	if (s->quorum >= 0)
		h->c.state_changes++;
	s->quorum = up;
	quorum_script(h, s, up);
	return up;
}

static void
sorry_key(const struct hsvc *s, uint32_t addr, struct uvs_health_key *k)
{
	*k = (struct uvs_health_key){ .proto = s->proto, .af = s->af,
	    .vip = s->vip, .vport = s->vport, .rip = uvs_inaddr4(addr),
	    .rport = s->vport };
}

/* The sorry dest: there when configured, in scheduling when serving. */
static int
settle_sorry(struct uvs_health *h, struct hsvc *s, int serve)
{
	struct uvs_health_key k;
	char svc[SVC_STRLEN], rs[RS_STRLEN];
	int rc;

	if (s->sorry_dest && s->sorry_dest != s->conf.sorry) {
		sorry_key(s, s->sorry_dest, &k);
		(void)h->ops.del_dest(h->ops.arg, &k);
		s->sorry_dest = 0;
	}
	if (!s->conf.sorry || s->sorry_broken)
		return 0;
	if (s->af != AF_INET) {
		/* IPVS takes no v4 real server in a v6 service */
		s->sorry_broken = 1;
		logf_(h, "check: sorry server of %s not added: it is IPv4",
		    svc_str(s->proto, s->af, &s->vip, s->vport, svc,
		    sizeof(svc)));
		return 0;
	}
	sorry_key(s, s->conf.sorry, &k);
	if (!s->sorry_dest) {
		if ((rc = h->ops.add_dest(h->ops.arg, &k, SORRY_WEIGHT,
		    !serve)) < 0) {
			s->sorry_broken = 1;
			logf_(h, "check: sorry server %s of %s not added: %s",
			    rs_str(&k, rs, sizeof(rs)),
			    svc_str(s->proto, s->af, &s->vip, s->vport, svc,
			    sizeof(svc)), rc == -EEXIST ? "it is a real "
			    "server of the service already" : strerror(-rc));
			return 0;
		}
		s->sorry_dest = s->conf.sorry;
		s->sorry_out = !serve;
	}
	if (s->sorry_out != !serve &&
	    h->ops.set_out(h->ops.arg, &k, !serve, 0) == 0)
		s->sorry_out = !serve;
	return serve;
}

static void
settle_dest(struct uvs_health *h, struct hdest *d, int sorry_on)
{
	int w = weight_for(d, d->weight);
	int out = (d->down && d->chk.on_fail == UVS_ONFAIL_REMOVE) ||
	    (sorry_on && !d->down);
	char rs[RS_STRLEN];
	int rc;

	if (w != d->ap_weight) {
		if ((rc = h->ops.set_weight(h->ops.arg, &d->k, w)) < 0)
			logf_(h, "check: weight %d for %s: %s", w,
			    rs_str(&d->k, rs, sizeof(rs)), strerror(-rc));
		d->ap_weight = w;
	}
	if (out != d->ap_out) {
		if ((rc = h->ops.set_out(h->ops.arg, &d->k, out,
		    out && d->down)) < 0)
			logf_(h, "check: %s %s: %s", out ? "taking out" :
			    "putting back", rs_str(&d->k, rs, sizeof(rs)),
			    strerror(-rc));
		d->ap_out = out;
	}
}

/* s's quorum, sorry server and servers as the checks want them. */
static void
settle_svc(struct uvs_health *h, struct hsvc *s)
{
	int up = 1, sorry_on;
	unsigned i;

	if (watched(h, s))
		up = judge_quorum(h, s);
	else
		s->quorum = -1;
	sorry_on = settle_sorry(h, s, !up);
	for (i = 0; i < s->ndests; i++)
		settle_dest(h, s->dests[i], sorry_on);
}

/* Did switching s's sorry server fail (settle_sorry tries it again)? */
static int
sorry_pending(const struct hsvc *s)
{
	return s->sorry_dest && s->sorry_out != (s->quorum != 0);
}

void
uvs_health_settle(struct uvs_health *h)
{
	unsigned i, kept = 0;

	if (!h)
		return;
	h->dirty = 0;
	if (h->dirty_all) {
		h->dirty_all = 0;
		for (i = 0; i < h->nsvcs; i++)
			mark_dirty(h, h->svcs[i]);
		h->dirty = 0;
	}
	/*
	 * Oldest first. A service whose sorry switch failed stays listed, so
	 * the next settle tries again, as a settle of every service did.
	 */
	for (i = 0; i < h->ndirty; i++) {
		struct hsvc *s = h->dirty_svcs[i];

		settle_svc(h, s);
		s->dirty_at = 0;
		if (sorry_pending(s)) {
			h->dirty_svcs[kept++] = s;
			s->dirty_at = kept;
		}
	}
	h->ndirty = kept;
}

/* ---- probes ---- */

/* Is a (of family af) some service's VIP? */
static int
is_vip(const struct uvs_health *h, int af, const union uvs_inaddr *a)
{
	unsigned k;

	for (k = 0; k < h->nsvcs; k++)
		if (h->svcs[k]->af == af && uvs_inaddr_eq(&h->svcs[k]->vip, a))
			return 1;
	return 0;
}

/*
 * The first address of family af on the interface that is not a VIP,
 * into *src: 0, or -1 when there is none. A v6 one must be global: a
 * link-local source needs a scope the probe's socket does not carry,
 * and a real server answers a global address by the same route.
 */
static int
lookup_source(const struct uvs_health *h, int af, union uvs_inaddr *src)
{
	struct ifaddrs *ifa, *i;
	union uvs_inaddr a;
	int rc = -1;

	if (getifaddrs(&ifa) < 0)
		return -1;
	for (i = ifa; i && rc < 0; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != af ||
		    strcmp(i->ifa_name, h->ifname) != 0)
			continue;
		memset(&a, 0, sizeof(a));
		if (af == AF_INET)
			a.in = ((struct sockaddr_in *)(void *)i->ifa_addr)->
			    sin_addr;
		else
			a.in6 = ((struct sockaddr_in6 *)(void *)i->ifa_addr)->
			    sin6_addr;
		if (af == AF_INET6 && (IN6_IS_ADDR_LINKLOCAL(&a.in6) ||
		    IN6_IS_ADDR_LOOPBACK(&a.in6)))
			continue;
		if (!is_vip(h, af, &a)) {
			*src = a;
			rc = 0;
		}
	}
	freeifaddrs(ifa);
	return rc;
}

/*
 * The director's own address of family af on the interface: not a VIP.
 * 0, or -1 when it has none. --check-source fixes it, per family.
 */
static int
source_addr(struct uvs_health *h, int af, uint64_t now_ms,
    union uvs_inaddr *src)
{
	static const union uvs_inaddr none;
	union uvs_inaddr *c = af == AF_INET6 ? &h->src6 : &h->src;
	uint64_t *at = af == AF_INET6 ? &h->src6_at : &h->src_at;
	const union uvs_inaddr *fixed = af == AF_INET6 ? &h->src_fixed.v6 :
	    &h->src_fixed.v4;

	if (!uvs_inaddr_eq(fixed, &none)) {
		*src = *fixed;
		return 0;
	}
	if (uvs_inaddr_eq(c, &none) || now_ms - *at >= SRC_REFRESH_MS) {
		*at = now_ms;
		if (lookup_source(h, af, c) < 0)
			*c = none;
	}
	*src = *c;
	return uvs_inaddr_eq(c, &none) ? -1 : 0;
}

static void
start_probe(struct uvs_health *h, struct hdest *d, uint64_t now_ms)
{
	struct uvs_probe_target t = {
		.af = d->k.af,
		.ifname = h->ifname[0] ? h->ifname : NULL,
		.rip = d->k.rip,
		.port = d->chk.port ? d->chk.port : ntohs(d->k.rport),
		.proto = d->k.proto, .vip = d->k.vip,
		.vport = ntohs(d->k.vport),
	};

	d->turn = h->turn;
	if (d->chk.type != UVS_CHECK_CMD &&
	    source_addr(h, d->k.af, now_ms, &t.src) < 0) {
		record(h, d, 0, d->k.af == AF_INET6 ? "no own global IPv6 "
		    "address to check from (only VIPs on the interface?)" :
		    "no own IPv4 address to check from (only VIPs on the "
		    "interface?)", now_ms);
		return;
	}
	if (uvs_probe_start(&d->probe, &d->chk, &t, now_ms))
		record(h, d, d->probe.ok, d->probe.why, now_ms);
}

static void
step_probe(struct uvs_health *h, struct hdest *d, short revents,
    uint64_t now_ms)
{
	d->turn = h->turn;
	if (uvs_probe_step(&d->probe, revents, now_ms))
		record(h, d, d->probe.ok, d->probe.why, now_ms);
}

int
uvs_health_pollfds(struct uvs_health *h, struct pollfd *pfd, int max)
{
	unsigned i;
	short ev;
	int n = 0;

	if (!h)
		return 0;
	if (max > UVS_HEALTH_FDS_MAX)
		max = UVS_HEALTH_FDS_MAX;
	for (i = 0; i < h->ndests && n < max; i++) {
		struct hdest *d = h->dests[i];

		if (!(ev = uvs_probe_events(&d->probe)))
			continue;
		pfd[n] = (struct pollfd){ .fd = d->probe.fd, .events = ev };
		h->polled[n++] = d;
	}
	h->npolled = n;
	return n;
}

static int
inflight(const struct uvs_health *h)
{
	unsigned i;
	int n = 0;

	for (i = 0; i < h->ndests; i++)
		n += uvs_probe_busy(&h->dests[i]->probe);
	return n;
}

int
uvs_health_timeout(const struct uvs_health *h, int cap_ms, uint64_t now_ms)
{
	uint64_t next = now_ms + (uint64_t)cap_ms;
	unsigned i;
	int full;

	if (!h)
		return cap_ms;
	if (h->dirty)
		return 0;
	if (h->norphans && next > now_ms + CHILD_POLL_MS)
		next = now_ms + CHILD_POLL_MS;
	/* every slot taken: only a probe ending can start the next one */
	full = inflight(h) >= UVS_HEALTH_FDS_MAX;
	for (i = 0; i < h->ndests; i++) {
		const struct hdest *d = h->dests[i];
		uint64_t at = d->next_ms;

		if (d->chk.type == UVS_CHECK_NONE ||
		    (full && !uvs_probe_busy(&d->probe)))
			continue;
		if (uvs_probe_busy(&d->probe))
			at = d->probe.state >= UVS_PROBE_RUNNING ?
			    now_ms + CHILD_POLL_MS : d->probe.deadline_ms;
		if (at < next)
			next = at;
	}
	return next <= now_ms ? 0 : (int)(next - now_ms);
}

static void
reap_orphans(struct uvs_health *h)
{
	unsigned i;

	for (i = h->norphans; i-- > 0;)
		if (waitpid(h->orphans[i], NULL, WNOHANG) != 0)
			h->orphans[i] = h->orphans[--h->norphans];
}

void
uvs_health_run(struct uvs_health *h, const struct pollfd *pfd, int n,
    uint64_t now_ms)
{
	unsigned i;
	int k, busy;

	if (!h)
		return;
	h->turn++;
	reap_orphans(h);
	for (k = 0; k < n && k < h->npolled; k++) {
		struct hdest *d = h->polled[k];

		if (d && d->probe.fd == pfd[k].fd)
			step_probe(h, d, pfd[k].revents, now_ms);
	}
	h->npolled = 0;
	/* deadlines, and children that exit without closing their output */
	for (i = 0; i < h->ndests; i++)
		if (h->dests[i]->turn != h->turn &&
		    uvs_probe_busy(&h->dests[i]->probe))
			step_probe(h, h->dests[i], 0, now_ms);
	busy = inflight(h);
	for (i = 0; i < h->ndests && busy < UVS_HEALTH_FDS_MAX; i++) {
		struct hdest *d = h->dests[i];

		if (d->chk.type == UVS_CHECK_NONE || d->next_ms > now_ms ||
		    uvs_probe_busy(&d->probe))
			continue;
		start_probe(h, d, now_ms);
		busy += uvs_probe_busy(&d->probe);
	}
	if (h->dirty)
		uvs_health_settle(h);
}

/* ---- listing ---- */

static const char *
state_name(const struct hdest *d, int is_out)
{
	if (d->down)
		return d->chk.on_fail == UVS_ONFAIL_INHIBIT ? "INHIBITED" :
		    "DOWN";
	return is_out ? "STANDBY" : "UP";
}

void
uvs_health_list_svc(const struct uvs_health *h, uint8_t proto, int af,
    const union uvs_inaddr *vip, uint16_t vport, FILE *out)
{
	const struct hsvc *s = find_svc(h, proto, af, vip, vport);
	char words[2048];

	if (!s || !watched(h, s))
		return;
	uvs_vs_health_words(&s->conf, words, sizeof(words));
	fprintf(out, "svchealth%s up=%d upweight=%llu sorry_on=%d\n", words,
	    s->quorum != 0, (unsigned long long)up_weight(h, s),
	    s->sorry_dest && !s->sorry_out);
}

void
uvs_health_list_dest(const struct uvs_health *h,
    const struct uvs_health_key *k, int is_out, FILE *out)
{
	const struct hsvc *s = find_svc(h, k->proto, k->af, &k->vip, k->vport);
	const struct hdest *d = find_dest(h, k);
	char words[1024], last[3 * UVS_PROBE_WHY_MAX];

	if (s && sorry_is(s, k)) {
		fprintf(out, "check check=sorry out=%d\n", is_out);
		return;
	}
	if (!d || (d->chk.type == UVS_CHECK_NONE && !is_out))
		return;
	uvs_check_words(&d->chk, words, sizeof(words));
	uvs_check_escape(d->last[0] ? d->last : "-", last, sizeof(last));
	fprintf(out, "check%s weight=%d state=%s out=%d streak=%u ok=%llu "
	    "failed=%llu transitions=%llu result=%s last=%s\n", words,
	    d->weight, state_name(d, is_out), is_out, d->streak,
	    (unsigned long long)d->n_ok, (unsigned long long)d->n_fail,
	    (unsigned long long)d->transitions,
	    uvs_health_result_name(d->result), last);
}

int
uvs_health_svc_info(const struct uvs_health *h, uint8_t proto, int af,
    const union uvs_inaddr *vip, uint16_t vport,
    struct uvs_health_svc_info *info)
{
	const struct hsvc *s = find_svc(h, proto, af, vip, vport);

	memset(info, 0, sizeof(*info));
	if (!s || !watched(h, s))
		return -ENOENT;
	info->quorum_up = s->quorum != 0;
	info->up_weight = up_weight(h, s);
	info->has_sorry = s->sorry_dest != 0;
	info->sorry_serving = s->sorry_dest && !s->sorry_out;
	return 0;
}

const char *
uvs_health_result_name(enum uvs_health_result r)
{
	switch (r) {
	case UVS_HEALTH_RESULT_OK:
		return "ok";
	case UVS_HEALTH_RESULT_FAILED:
		return "failed";
	default:
		return "none";
	}
}

int
uvs_health_dest_info(const struct uvs_health *h,
    const struct uvs_health_key *k, int is_out,
    struct uvs_health_dest_info *info)
{
	const struct hdest *d;

	memset(info, 0, sizeof(*info));
	if (is_sorry(h, k)) {
		info->sorry = 1;
		info->state = is_out ? "STANDBY" : "SERVING";
		return 0;
	}
	if (!(d = find_dest(h, k)) || d->chk.type == UVS_CHECK_NONE)
		return -ENOENT;
	info->state = state_name(d, is_out);
	info->down = d->down;
	info->ok = d->n_ok;
	info->failed = d->n_fail;
	info->transitions = d->transitions;
	info->result = d->result;
	return 0;
}

struct uvs_health_counters
uvs_health_counters(const struct uvs_health *h)
{
	struct uvs_health_counters c = { 0 };
	unsigned i;

	if (!h)
		return c;
	c = h->c;
	for (i = 0; i < h->ndests; i++)
		c.dests_down += h->dests[i]->down;
	return c;
}

void
uvs_health_free(struct uvs_health *h)
{
	unsigned i;

	if (!h)
		return;
	/* omega: a service that held quorum loses it with uvsd */
	for (i = 0; i < h->nsvcs; i++)
		if (h->svcs[i]->conf.omega && h->svcs[i]->quorum == 1)
			quorum_script(h, h->svcs[i], 0);
	uvs_health_clear(h);
	uvs_hindex_free(&h->svc_ix);
	uvs_hindex_free(&h->dest_ix);
	free(h->dirty_svcs);
	free(h->dests);
	free(h->svcs);
	free(h->orphans);
	free(h);
}
