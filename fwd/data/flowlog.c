/*
 * The line uvsd -v writes for each new flow: who asked for which service,
 * the real server chosen and why, and the one change DR makes to the
 * frame, its destination MAC. The "why" is rebuilt here from what the
 * schedulers read (IPVS's overhead active * 256 + inactive, weights, list
 * order, hash buckets), so sched/ keeps no logging code and costs nothing
 * when -v is off. The flow is already counted on its dest when we are
 * called: that one count is taken off again to show what the scheduler
 * compared.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fwd/data/flowlog.h"
#include "sched/hash.h"

#define WHY_MAX_DESTS	8	/* a longer list ends in "..." */
#define HASH_BITS	8	/* IP_VS_SH_TAB_BITS, IP_VS_DH_TAB_BITS */
#define HASH_BUCKETS	(1u << HASH_BITS)

/* A bounded appender: writes what fits, always NUL-terminated. */
struct out {
	char	*buf;
	size_t	 len, used;
};

static void
put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->used + 1 >= o->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->used += (size_t)n < o->len - o->used ? (size_t)n :
		    o->len - o->used - 1;
}

/* addr (af's, network order) as text in buf, INET6_ADDRSTRLEN long. */
static const char *
ip(int af, const void *addr, char *buf)
{
	return inet_ntop(af, addr, buf, INET6_ADDRSTRLEN);
}

/* af addr:port as ipvsadm writes it: [v6]:port, v4:port. */
static void
put_addr(struct out *o, int af, const union uvs_inaddr *a, uint16_t port)
{
	char s[INET6_ADDRSTRLEN];

	if (!inet_ntop(af, a->b, s, sizeof(s)))
		s[0] = '\0';
	put(o, af == AF_INET6 ? "[%s]:%u" : "%s:%u", s, ntohs(port));
}

static void
put_mac(struct out *o, const uint8_t *m)
{
	put(o, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
	    m[5]);
}

/* A dest's counts as the scheduler saw them, before c was bound to it. */
static void
counts_before(const struct uvs_dest *d, const struct uvs_conn *c,
    uint32_t *active, uint32_t *inact)
{
	*active = d->activeconns;
	*inact = d->inactconns;
	if (d != c->dest)
		return;
	if (c->flags & UVS_CONN_F_INACTIVE)
		*inact -= *inact > 0;
	else
		*active -= *active > 0;
}

enum figure {
	FIG_LC,		/* active*256+inactive */
	FIG_WLC,	/* (active*256+inactive)/weight */
	FIG_SED,	/* (active+1)/weight */
};

/* "ip=figure" for each usable dest, as the scheduler compared them. */
static void
put_figures(struct out *o, const struct uvs_conn *c, enum figure fig)
{
	const struct uvs_svc *svc = c->dest->svc;
	char a[INET6_ADDRSTRLEN];
	unsigned i, shown = 0;
	uint32_t act, inact;

	for (i = 0; i < svc->ndests; i++) {
		const struct uvs_dest *d = svc->dests[i];

		if (!uvs_dest_usable(d))
			continue;
		if (shown++ == WHY_MAX_DESTS) {
			put(o, " ...");
			break;
		}
		counts_before(d, c, &act, &inact);
		put(o, " %s=", ip(svc->af, &d->addr, a));
		if (fig == FIG_SED)
			put(o, "%u/%d", act + 1, d->weight);
		else
			put(o, "%u", (act << 8) + inact);
		if (fig == FIG_WLC)
			put(o, "/%d", d->weight);
	}
}

static unsigned
list_pos(const struct uvs_dest *d)
{
	unsigned i;

	for (i = 0; i < d->svc->ndests && d->svc->dests[i] != d; i++)
		;
	return i + 1;
}

/* The scheduler's reason, as far as it can be told from outside it. */
static void
put_why(struct out *o, const struct uvs_conn *c)
{
	const struct uvs_dest *d = c->dest;
	const struct uvs_svc *svc = d->svc;
	const char *s = svc->sched->name;
	uint32_t act, inact;
	unsigned size;

	if (svc->flags & UVS_SVC_F_PERSISTENT)
		put(o, "persistent service (-p %u): the client's template, "
		    "first placed by %s; ", svc->timeout, s);
	if (!strcmp(s, "rr")) {
		put(o, "rr: next in list order, position %u of %u",
		    list_pos(d), svc->ndests);
	} else if (!strcmp(s, "wrr")) {
		put(o, "wrr: weight %d, position %u of %u", d->weight,
		    list_pos(d), svc->ndests);
	} else if (!strcmp(s, "lc")) {
		put(o, "lc: least active*256+inactive:");
		put_figures(o, c, FIG_LC);
	} else if (!strcmp(s, "wlc")) {
		put(o, "wlc: least (active*256+inactive)/weight:");
		put_figures(o, c, FIG_WLC);
	} else if (!strcmp(s, "sed")) {
		put(o, "sed: least (active+1)/weight:");
		put_figures(o, c, FIG_SED);
	} else if (!strcmp(s, "nq")) {
		counts_before(d, c, &act, &inact);
		if (act == 0)
			put(o, "nq: first idle server (no active conns) in "
			    "list order, position %u", list_pos(d));
		else {
			put(o, "nq: none idle, least (active+1)/weight:");
			put_figures(o, c, FIG_SED);
		}
	} else if (!strcmp(s, "sh")) {
		uint16_t port = svc->flags & UVS_SVC_F_SH_PORT ? c->cport : 0;

		put(o, "sh: hash_32 of the client address%s -> bucket %u of %u",
		    port ? " + port" : "", uvs_hash_32(ntohs(port) +
		    ntohl(c->caddr), HASH_BITS), HASH_BUCKETS);
	} else if (!strcmp(s, "dh")) {
		put(o, "dh: hash_32 of the destination address -> bucket %u "
		    "of %u", uvs_hash_32(ntohl(c->vaddr), HASH_BITS), HASH_BUCKETS);
	} else if (!strcmp(s, "mh")) {
		(void)uvs_sched_mh_table(svc, &size);
		put(o, "mh: Maglev hash of the client address%s over %u slots",
		    svc->flags & UVS_SVC_F_MH_PORT ? " + port" : "", size);
	} else {
		counts_before(d, c, &act, &inact);
		put(o, "%s: weight %d, %u active, %u inactive", s, d->weight,
		    act, inact);
	}
}

const char *
uvs_flowlog_line(const struct uvs_conn *c, const struct uvs_flow *f,
    const uint8_t *old_dst, char *buf, size_t len)
{
	struct out o = { .buf = buf, .len = len };

	if (len)
		buf[0] = '\0';
	put(&o, "new %s ", c->proto == IPPROTO_TCP ? "TCP" : "UDP");
	put_addr(&o, f->af, &f->caddr, c->cport);
	put(&o, " -> ");
	put_addr(&o, f->af, &f->vaddr, c->vport);
	put(&o, ": real server ");
	put_addr(&o, f->af, &c->dest->addr, c->dest->port);
	put(&o, " (");
	put_why(&o, c);
	put(&o, "), dst MAC ");
	put_mac(&o, old_dst);
	put(&o, " -> ");
	put_mac(&o, c->dest->hwaddr);
	if (c->dest->oif) {	/* the link the route to it names */
		put(&o, ", src MAC ");
		put_mac(&o, c->dest->srcmac);
		put(&o, " on ifindex %d", c->dest->oif);
	}
	return buf;
}
