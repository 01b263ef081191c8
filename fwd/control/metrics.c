/*
 * The exposition writer (metrics.h): a snapshot in, Prometheus text out.
 *
 * The format asks that every sample of a metric family follows its one
 * HELP and TYPE pair, so each family walks the whole snapshot once: a
 * per-server family is written for every server of every service before
 * the next family starts. Label values here are addresses, ports and
 * fixed words, none of which needs escaping.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwd/control/metrics.h"
#include "fwd/data/drop.h"

int
uvs_metrics_buf_printf(struct uvs_metrics_buf *b, const char *fmt, ...)
{
	va_list ap;
	size_t ncap;
	char *np;
	int n;

	for (;;) {
		if (b->oom)
			return -ENOMEM;
		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL,
		    b->p ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = 1;
			return -ENOMEM;
		}
		if (b->p && (size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return 0;
		}
		ncap = b->cap ? b->cap : 4096;
		while (ncap - b->len <= (size_t)n)
			ncap *= 2;
		if (!(np = realloc(b->p, ncap))) {
			b->oom = 1;
			return -ENOMEM;
		}
		b->p = np;
		b->cap = ncap;
	}
}

void
uvs_metrics_buf_free(struct uvs_metrics_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

const char *
uvs_metrics_answer_status(enum uvs_metrics_answer a)
{
	static const char *const status[UVS_METRICS_ANSWERS] = {
		[UVS_METRICS_OK] = "200 OK",
		[UVS_METRICS_BAD_REQUEST] = "400 Bad Request",
		[UVS_METRICS_NOT_FOUND] = "404 Not Found",
		[UVS_METRICS_BAD_METHOD] = "405 Method Not Allowed",
		[UVS_METRICS_TIMEOUT] = "408 Request Timeout",
		[UVS_METRICS_TOO_LARGE] =
		    "431 Request Header Fields Too Large",
		[UVS_METRICS_BUSY] = "503 Service Unavailable",
		[UVS_METRICS_FAILED] = "500 Internal Server Error",
	};

	return (unsigned)a < UVS_METRICS_ANSWERS ? status[a] :
	    "500 Internal Server Error";
}

static void
family(struct uvs_metrics_buf *b, const char *name, const char *type,
    const char *help)
{
	uvs_metrics_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help,
	    name, type);
}

static const char *
proto_name(uint8_t proto)
{
	return proto == IPPROTO_UDP ? "UDP" : "TCP";
}

/* node_exporter's service labels, without the closing brace. */
static void
svc_labels(struct uvs_metrics_buf *b, const char *name,
    const struct uvs_metrics_svc *s)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(s->af, &s->vip, a, sizeof(a));
	uvs_metrics_buf_printf(b, "%s{local_address=\"%s\",local_port=\"%u\","
	    "proto=\"%s\"", name, a, s->vport, proto_name(s->proto));
}

/* node_exporter's backend labels, without the closing brace. */
static void
dest_labels(struct uvs_metrics_buf *b, const char *name,
    const struct uvs_metrics_svc *s, const struct uvs_metrics_dest *x)
{
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN];

	inet_ntop(s->af, &s->vip, l, sizeof(l));
	inet_ntop(s->af, &x->rip, r, sizeof(r));
	uvs_metrics_buf_printf(b, "%s{local_address=\"%s\",local_port=\"%u\","
	    "remote_address=\"%s\",remote_port=\"%u\",proto=\"%s\"", name, l,
	    s->vport, r, x->rport, proto_name(s->proto));
}

static uint64_t
field(const void *base, size_t off)
{
	uint64_t v;

	memcpy(&v, (const char *)base + off, sizeof(v));
	return v;
}

struct fam {
	const char	*name;
	const char	*type;
	const char	*help;
	size_t		 off;		/* of a uint64_t in the entry */
};

#define D(f)	offsetof(struct uvs_metrics_dest, f)
#define S(f)	offsetof(struct uvs_metrics_svc, f)

static const struct fam dest_fams[] = {
	{ "uvs_ipvs_backend_connections_active", "gauge",
	    "Active connections (IPVS ActiveConn) by service and real server.",
	    D(active) },
	{ "uvs_ipvs_backend_connections_inactive", "gauge",
	    "Inactive connections (IPVS InActConn) by service and real "
	    "server.", D(inactive) },
	{ "uvs_ipvs_backend_weight", "gauge",
	    "Weight in effect (0 while a health check inhibits the server).",
	    D(weight) },
	{ "uvs_ipvs_backend_persistent_connections", "gauge",
	    "Persistence templates (IPVS PersistConn) by real server.",
	    D(persist) },
	{ "uvs_ipvs_backend_connections_total", "counter",
	    "Connections scheduled to the real server.", D(conns) },
	{ "uvs_ipvs_backend_incoming_packets_total", "counter",
	    "Packets forwarded to the real server.", D(inpkts) },
	{ "uvs_ipvs_backend_incoming_bytes_total", "counter",
	    "Bytes (IP packets) forwarded to the real server.", D(inbytes) },
};

static const struct fam svc_fams[] = {
	{ "uvs_ipvs_service_connections_total", "counter",
	    "Connections scheduled by the virtual service.", S(conns) },
	{ "uvs_ipvs_service_incoming_packets_total", "counter",
	    "Packets the virtual service received.", S(inpkts) },
	{ "uvs_ipvs_service_incoming_bytes_total", "counter",
	    "Bytes (IP packets) the virtual service received.", S(inbytes) },
};

/* node_exporter's five totals: the services' sums, out* 0 in DR. */
static void
write_totals(struct uvs_metrics_buf *b, const struct uvs_metrics_snap *s)
{
	static const struct { const char *name, *help; int which; } t[] = {
		{ "uvs_ipvs_connections_total",
		    "Connections scheduled, all services.", 0 },
		{ "uvs_ipvs_incoming_packets_total",
		    "Packets received, all services.", 1 },
		{ "uvs_ipvs_outgoing_packets_total",
		    "Packets out (0: in DR replies never cross the director).",
		    -1 },
		{ "uvs_ipvs_incoming_bytes_total",
		    "Bytes received, all services.", 2 },
		{ "uvs_ipvs_outgoing_bytes_total",
		    "Bytes out (0: in DR replies never cross the director).",
		    -1 },
	};
	uint64_t sum[3] = { 0, 0, 0 };
	unsigned i;

	for (i = 0; i < s->nsvcs; i++) {
		sum[0] += s->svcs[i].conns;
		sum[1] += s->svcs[i].inpkts;
		sum[2] += s->svcs[i].inbytes;
	}
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		family(b, t[i].name, "counter", t[i].help);
		uvs_metrics_buf_printf(b, "%s %llu\n", t[i].name,
		    t[i].which < 0 ? 0ULL :
		    (unsigned long long)sum[t[i].which]);
	}
}

static void
write_svc_fams(struct uvs_metrics_buf *b, const struct uvs_metrics_snap *s)
{
	unsigned f, i;

	for (f = 0; f < sizeof(svc_fams) / sizeof(svc_fams[0]); f++) {
		family(b, svc_fams[f].name, svc_fams[f].type,
		    svc_fams[f].help);
		for (i = 0; i < s->nsvcs; i++) {
			svc_labels(b, svc_fams[f].name, &s->svcs[i]);
			uvs_metrics_buf_printf(b, "} %llu\n", (unsigned long long)
			    field(&s->svcs[i], svc_fams[f].off));
		}
	}
}

/* Walks every server of every service, with its service. */
struct dest_it {
	unsigned	i, k, at;
};

static int
next_dest(const struct uvs_metrics_snap *s, struct dest_it *it,
    const struct uvs_metrics_svc **sv, const struct uvs_metrics_dest **x)
{
	while (it->i < s->nsvcs && it->k >= s->svcs[it->i].ndests) {
		it->i++;
		it->k = 0;
	}
	if (it->i >= s->nsvcs || it->at >= s->ndests)
		return 0;
	*sv = &s->svcs[it->i];
	*x = &s->dests[it->at];
	it->k++;
	it->at++;
	return 1;
}

static void
write_dest_fams(struct uvs_metrics_buf *b, const struct uvs_metrics_snap *s)
{
	const struct uvs_metrics_svc *sv;
	const struct uvs_metrics_dest *x;
	struct dest_it it;
	unsigned f;

	for (f = 0; f < sizeof(dest_fams) / sizeof(dest_fams[0]); f++) {
		family(b, dest_fams[f].name, dest_fams[f].type,
		    dest_fams[f].help);
		for (it = (struct dest_it){ 0 }; next_dest(s, &it, &sv, &x);) {
			dest_labels(b, dest_fams[f].name, sv, x);
			uvs_metrics_buf_printf(b, "} %llu\n", (unsigned long long)
			    field(x, dest_fams[f].off));
		}
	}
}

/* Every state a server's check can report, as a state set. */
static const char *const check_states[] = {
	"UP", "DOWN", "INHIBITED", "STANDBY",
};
static const char *const sorry_states[] = { "SERVING", "STANDBY" };

static void
write_dest_state(struct uvs_metrics_buf *b, const struct uvs_metrics_svc *sv,
    const struct uvs_metrics_dest *x)
{
	const char *const *st = x->h.sorry ? sorry_states : check_states;
	size_t n = x->h.sorry ? 2 : 4, i;

	for (i = 0; i < n; i++) {
		dest_labels(b, "uvs_health_backend_state", sv, x);
		uvs_metrics_buf_printf(b, ",state=\"%s\"} %d\n", st[i],
		    strcmp(x->h.state, st[i]) == 0);
	}
}

/* A checked server's figure: UP or not, or its transitions. */
static void
write_dest_check_value(struct uvs_metrics_buf *b,
    const struct uvs_metrics_snap *s, const char *name, int transitions)
{
	const struct uvs_metrics_svc *sv;
	const struct uvs_metrics_dest *x;
	struct dest_it it = { 0 };

	while (next_dest(s, &it, &sv, &x)) {
		if (!x->has_health || x->h.sorry)
			continue;
		dest_labels(b, name, sv, x);
		uvs_metrics_buf_printf(b, "} %llu\n", transitions ?
		    (unsigned long long)x->h.transitions :
		    (unsigned long long)!x->h.down);
	}
}

/* How many servers have health to report; checked: not the sorry one. */
static unsigned
count_health(const struct uvs_metrics_snap *s, int checked)
{
	const struct uvs_metrics_svc *sv;
	const struct uvs_metrics_dest *x;
	struct dest_it it = { 0 };
	unsigned n = 0;

	while (next_dest(s, &it, &sv, &x))
		n += x->has_health && !(checked && x->h.sorry);
	return n;
}

/*
 * What the checks say of each checked server (and the sorry server).
 * A family without a server to report is left out, as client
 * libraries leave out metrics without samples.
 */
static void
write_dest_health(struct uvs_metrics_buf *b, const struct uvs_metrics_snap *s)
{
	const struct uvs_metrics_svc *sv;
	const struct uvs_metrics_dest *x;
	struct dest_it it;

	if (count_health(s, 1)) {
		family(b, "uvs_health_backend_up", "gauge", "1 while the "
		    "server's health check says UP, 0 while DOWN.");
		write_dest_check_value(b, s, "uvs_health_backend_up", 0);
	}
	if (count_health(s, 0)) {
		family(b, "uvs_health_backend_state", "gauge", "1 for the "
		    "state the server is in (the sorry server: SERVING or "
		    "STANDBY).");
		for (it = (struct dest_it){ 0 }; next_dest(s, &it, &sv, &x);)
			if (x->has_health)
				write_dest_state(b, sv, x);
	}
	if (!count_health(s, 1))
		return;
	family(b, "uvs_health_backend_transitions_total", "counter",
	    "Changes from UP to DOWN and back.");
	write_dest_check_value(b, s, "uvs_health_backend_transitions_total", 1);
	family(b, "uvs_health_backend_checks_total", "counter",
	    "Health check results by outcome.");
	for (it = (struct dest_it){ 0 }; next_dest(s, &it, &sv, &x);) {
		if (!x->has_health || x->h.sorry)
			continue;
		dest_labels(b, "uvs_health_backend_checks_total", sv, x);
		uvs_metrics_buf_printf(b, ",result=\"ok\"} %llu\n",
		    (unsigned long long)x->h.ok);
		dest_labels(b, "uvs_health_backend_checks_total", sv, x);
		uvs_metrics_buf_printf(b, ",result=\"failed\"} %llu\n",
		    (unsigned long long)x->h.failed);
	}
}

/* Each watched service's quorum, and its sorry server if it has one. */
static void
write_svc_health(struct uvs_metrics_buf *b, const struct uvs_metrics_snap *s)
{
	static const char *const name[2] = { "uvs_health_service_quorum_up",
	    "uvs_health_service_sorry_serving" };
	static const char *const help[2] = {
	    "1 while the service's UP servers hold its quorum.",
	    "1 while the sorry server serves alone." };
	unsigned pass, i, n;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0, n = 0; i < s->nsvcs; i++) {
			const struct uvs_metrics_svc *sv = &s->svcs[i];

			if (!sv->has_health || (pass == 1 && !sv->h.has_sorry))
				continue;
			if (n++ == 0)
				family(b, name[pass], "gauge", help[pass]);
			svc_labels(b, name[pass], sv);
			uvs_metrics_buf_printf(b, "} %d\n", pass == 0 ?
			    sv->h.quorum_up : sv->h.sorry_serving);
		}
	}
}

static void
write_health_totals(struct uvs_metrics_buf *b,
    const struct uvs_metrics_snap *s)
{
	family(b, "uvs_health_checks_total", "counter",
	    "Health check results, all servers, by outcome.");
	uvs_metrics_buf_printf(b, "uvs_health_checks_total{result=\"ok\"} %llu\n"
	    "uvs_health_checks_total{result=\"failed\"} %llu\n",
	    (unsigned long long)s->hc.checks_ok,
	    (unsigned long long)s->hc.checks_failed);
	family(b, "uvs_health_transitions_total", "counter",
	    "State changes of servers and of services' quorums.");
	uvs_metrics_buf_printf(b, "uvs_health_transitions_total %llu\n",
	    (unsigned long long)s->hc.state_changes);
	family(b, "uvs_health_backends_down", "gauge",
	    "Servers the health checks hold DOWN now.");
	uvs_metrics_buf_printf(b, "uvs_health_backends_down %llu\n",
	    (unsigned long long)s->hc.dests_down);
}

static void
one(struct uvs_metrics_buf *b, const char *name, const char *type,
    const char *help, uint64_t v)
{
	family(b, name, type, help);
	uvs_metrics_buf_printf(b, "%s %llu\n", name, (unsigned long long)v);
}

/* The packet path's counters and the connection table. */
static void
write_datapath(struct uvs_metrics_buf *b, const struct uvs_metrics_snap *s)
{
	const struct uvs_fwd_stats *st = &s->st;
	unsigned i;

	one(b, "uvs_frames_received_total", "counter",
	    "Frames uvsd read from its packet sockets.", st->rx_frames);
	one(b, "uvs_frames_forwarded_total", "counter",
	    "Frames sent on to a real server.", st->fwd_frames);
	one(b, "uvs_forwarded_bytes_total", "counter",
	    "Bytes of the frames sent on.", st->fwd_bytes);
	one(b, "uvs_arp_replies_total", "counter",
	    "ARP requests for a VIP uvsd answered.", st->arp_replies);
	one(b, "uvs_arp_ignored_total", "counter",
	    "ARP frames not asking for a VIP.", st->arp_ignored);
	one(b, "uvs_arp_standby_total", "counter",
	    "ARP requests for a VIP left unanswered: --follow-vip, not held.",
	    st->arp_standby);
	family(b, "uvs_frames_dropped_total", "counter",
	    "Frames not forwarded, by reason (uvsadm --counters drop_*).");
	for (i = 1; i < UVS_DROP_MAX; i++)
		uvs_metrics_buf_printf(b, "uvs_frames_dropped_total{reason="
		    "\"%s\"} %llu\n", uvs_drop_name((enum uvs_drop)i),
		    (unsigned long long)st->drops[i]);
	one(b, "uvs_kernel_drops_total", "counter", "Frames the kernel dropped "
	    "before uvsd could read them (ring or socket full).",
	    st->rx_kernel_drops);
	one(b, "uvs_frames_copied_total", "counter", "Frames too big for a "
	    "ring slot, read from the socket's queue by copy.",
	    st->rx_copied);
	if (s->nworkers) {
		family(b, "uvs_worker_frames_received_total", "counter",
		    "Frames each worker read (how the fanout shares them).");
		for (i = 0; i < s->nworkers; i++)
			uvs_metrics_buf_printf(b, "uvs_worker_frames_received_"
			    "total{worker=\"%u\"} %llu\n", i,
			    (unsigned long long)s->worker_rx[i]);
	}
	one(b, "uvs_conns_created_total", "counter",
	    "Connection table entries made for new flows.", st->conns_new);
	one(b, "uvs_conns_reused_total", "counter",
	    "Closing flows whose entry a new SYN took over.", st->conns_reused);
	one(b, "uvs_one_packet_scheduled_total", "counter", "Datagrams of -o "
	    "services scheduled alone, with no flow kept.", st->ops_sched);
	one(b, "uvs_icmp_errors_forwarded_total", "counter", "ICMP errors "
	    "sent to the real server owning the flow they quote.",
	    st->icmp_fwd);
	one(b, "uvs_fragments_forwarded_total", "counter", "IP fragments sent "
	    "where their datagram's first fragment went.", st->frags_fwd);
	one(b, "uvs_fragments_held_total", "counter", "Fragments that came "
	    "before their first and waited for it.", st->frags_held);
	one(b, "uvs_conns_reclaimed_total", "counter", "Entries a full table "
	    "took from half-open or closing TCP flows or quiet UDP flows.",
	    s->reclaimed);
	one(b, "uvs_conns_reclaimed_udp_total", "counter", "Of those, the "
	    "entries taken from quiet UDP flows.", s->reclaimed_udp);
	one(b, "uvs_conn_table_entries", "gauge",
	    "Flows and persistence templates in the table now.", s->conns);
	one(b, "uvs_conn_table_capacity", "gauge",
	    "Entries the table holds at most (--conn-max).", s->capacity);
	one(b, "uvs_backends_unresolved", "gauge",
	    "Real servers whose MAC address is not known yet.", s->unresolved);
}

static void
write_self(struct uvs_metrics_buf *b, const struct uvs_metrics_self *self)
{
	unsigned i;

	family(b, "uvs_metrics_answers_total", "counter",
	    "Answers of this endpoint, by HTTP status code.");
	for (i = 0; i < UVS_METRICS_ANSWERS; i++)
		uvs_metrics_buf_printf(b, "uvs_metrics_answers_total{code=\"%.3s\"}"
		    " %llu\n", uvs_metrics_answer_status(i),
		    (unsigned long long)self->answers[i]);
	one(b, "uvs_metrics_dropped_total", "counter", "Scrapers cut off before "
	    "their answer was out (too slow, or gone).", self->dropped);
}

int
uvs_metrics_write(struct uvs_metrics_buf *b, const struct uvs_metrics_snap *s,
    const struct uvs_metrics_self *self)
{
	write_totals(b, s);
	write_svc_fams(b, s);
	write_dest_fams(b, s);
	if (s->has_health) {
		write_dest_health(b, s);
		write_svc_health(b, s);
		write_health_totals(b, s);
	}
	write_datapath(b, s);
	write_self(b, self);
	return b->oom ? -ENOMEM : 0;
}

/* One more zeroed element at the end of *arr (n used, cap room), or NULL. */
static void *
append(void **arr, unsigned *n, unsigned *cap, size_t size)
{
	unsigned ncap = *cap ? *cap * 2 : 16;
	char *p;

	if (*n >= *cap) {
		if (!(p = realloc(*arr, (size_t)ncap * size)))
			return NULL;
		*arr = p;
		*cap = ncap;
	}
	p = (char *)*arr + (size_t)*n * size;
	memset(p, 0, size);
	(*n)++;
	return p;
}

struct uvs_metrics_svc *
uvs_metrics_snap_svc(struct uvs_metrics_snap *s)
{
	return append((void **)&s->svcs, &s->nsvcs, &s->csvcs,
	    sizeof(*s->svcs));
}

struct uvs_metrics_dest *
uvs_metrics_snap_dest(struct uvs_metrics_snap *s)
{
	return append((void **)&s->dests, &s->ndests, &s->cdests,
	    sizeof(*s->dests));
}

void
uvs_metrics_snap_free(struct uvs_metrics_snap *s)
{
	free(s->svcs);
	free(s->dests);
	memset(s, 0, sizeof(*s));
}
