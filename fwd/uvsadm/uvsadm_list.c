/*
 * uvsadm's printers: uvsd's reply text in, ipvsadm 1.31's output out.
 * Every printf format and every quirk below comes from ipvsadm.c
 * (print_title, print_service_entry, print_largenum, list_all,
 * list_service, print_conn) and libipvs (the sort order), so a script
 * that reads `ipvsadm -L -n` reads `uvsadm -L -n` unchanged.
 *
 * A reply is first parsed whole into a table (strings point into one
 * private copy of the reply), checked and sorted; only then is anything
 * printed. A value a format prints must have been sent, never made up as
 * zero: a line without its identifying keys or with a bad number is
 * malformed (-EPROTO); a figure only some formats print (rates, say) is
 * reported missing (-ENODATA) when that format asks for it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "fwd/health/checkconf.h"
#include "fwd/lang/ctlmsg.h"
#include "fwd/uvsadm/uvsadm.h"

struct stats {
	uint64_t	conns, inpkts, outpkts, inbytes, outbytes;
	uint64_t	cps, inpps, outpps, inbps, outbps;
};

/* Forwarding methods as the wire names them, and as ipvsadm shows them. */
struct fwd {
	const char	*wire;
	const char	*name;		/* -L "Forward" column (fwd_name) */
	const char	*opt;		/* -S switch (fwd_switch) */
};

static const struct fwd fwds[] = {
	{ "route", "Route", "-g" },
	{ "local", "Local", "-g" },	/* ipvsadm saves LOCALNODE as -g */
	{ "masq", "Masq", "-m" },
	{ "tunnel", "Tunnel", "-i" },
};

/* -i's encapsulation, as ipvsadm names it (tunnel_types, tun_flags) */
static const char *const tun_types[] = { "ipip", "gue", "gre" };
static const char *const tun_csums[] = { "nocsum", "csum", "remcsum" };

/*
 * A dest's health (uvs extension), from the "check" line after it: its
 * check, the weight it was given (the listed one is 0 while inhibited),
 * whether checks took it out of scheduling (then ipvsadm's listings do
 * not show it, as keepalived would have deleted it, but -S saves it),
 * and whether it is the sorry server (listed, never saved: -A's
 * --sorry-server makes it).
 */
struct health {
	int			has;
	int			out, sorry;
	struct uvs_check_conf	chk;
	uint32_t		weight, streak;
	uint64_t		ok, failed;
	const char		*state;
	char			last[128];
	/* newer words: an older uvsd does not send them (JSON null) */
	int			has_transitions;
	uint64_t		transitions;
	const char		*result;	/* "ok" "failed" "none"; NULL */
};

/*
 * A dest's MAC (uvs extension): the address answered ARP or is silent,
 * for how long, how often uvsd asked; frames lost to an unknown MAC.
 * arp is NULL when uvsd did not say.
 */
struct arp {
	const char	*arp;		/* "answered", "silent" */
	const char	*hw;		/* MAC or "none" */
	uint32_t	 since;
	uint64_t	 requests, nomac_drops;
};

struct dest {
	int			af;	/* its rip's; the service's */
	union uvs_inaddr	addr;	/* network order */
	uint16_t		port;	/* host order */
	const struct fwd	*fwd;
	uint32_t		tun_type, tun_port, tun_flags;	/* -i */
	uint32_t		weight, active, inactive, persist, uthr, lthr;
	struct stats		st;
	struct health		h;
	struct arp		a;
};

struct svc {
	uint8_t		proto;
	int		af;		/* AF_INET, AF_INET6 */
	union uvs_inaddr addr;		/* network order */
	uint16_t	port;		/* host order */
	const char	*sched;
	/* netmask: v4, network order; v6, a prefix length */
	uint32_t	flags, timeout, netmask;
	struct stats	st;
	struct dest	*dests;
	size_t		ndests, cap;
	/* "svchealth" line (uvs extension): sorry server and quorum */
	int		has_health;
	struct uvs_vs_health vsh;
	uint32_t	up, sorry_on;
	uint64_t	upweight;
};

struct table {
	char		*buf;		/* private copy of the reply */
	int		 have_info;
	unsigned int	 ver[3];
	uint32_t	 size;
	struct svc	*svcs;
	size_t		 nsvcs, cap;
};

/*
 * How much a key is needed: a line is malformed without a KEY_ALWAYS key;
 * a KEY_FORMAT key is one only the chosen format prints, and its absence
 * means uvsd does not report that figure (-ENODATA). Any key that is
 * there must parse.
 */
enum { KEY_OPTIONAL, KEY_ALWAYS, KEY_FORMAT };

static int
key_result(int rc, int need)
{
	if (rc == -ENOENT)
		return need == KEY_ALWAYS ? -EPROTO :
		    need == KEY_FORMAT ? -ENODATA : 0;
	return rc < 0 ? -EPROTO : 0;
}

static int
get_u32(const struct uvs_ctl_msg *m, const char *key, uint32_t max,
    int need, uint32_t *out)
{
	*out = 0;
	return key_result(uvs_ctl_get_u32(m, key, max, out), need);
}

static int
get_u64(const struct uvs_ctl_msg *m, const char *key, int need,
    uint64_t *out)
{
	*out = 0;
	return key_result(uvs_ctl_get_u64(m, key, out), need);
}

/* The format's need for a key: KEY_FORMAT when fmt has bit, else none. */
static int
need_for(unsigned int fmt, unsigned int bit)
{
	return fmt & bit ? KEY_FORMAT : KEY_OPTIONAL;
}

static int
get_port(const struct uvs_ctl_msg *m, const char *key, uint16_t *out)
{
	uint32_t v;

	if (uvs_ctl_get_u32(m, key, 65535, &v) < 0)
		return -EPROTO;
	*out = (uint16_t)v;
	return 0;
}

static int
get_stats(const struct uvs_ctl_msg *m, unsigned int fmt, struct stats *st)
{
	int s = need_for(fmt, UVSADM_FMT_STATS);
	int r = need_for(fmt, UVSADM_FMT_RATE);
	int rc;

	/* DR: the director never sees replies, so out* may well be absent */
	if ((rc = get_u64(m, "conns", s, &st->conns)) < 0 ||
	    (rc = get_u64(m, "inpkts", s, &st->inpkts)) < 0 ||
	    (rc = get_u64(m, "outpkts", KEY_OPTIONAL, &st->outpkts)) < 0 ||
	    (rc = get_u64(m, "inbytes", s, &st->inbytes)) < 0 ||
	    (rc = get_u64(m, "outbytes", KEY_OPTIONAL, &st->outbytes)) < 0 ||
	    (rc = get_u64(m, "cps", r, &st->cps)) < 0 ||
	    (rc = get_u64(m, "inpps", r, &st->inpps)) < 0 ||
	    (rc = get_u64(m, "outpps", r, &st->outpps)) < 0 ||
	    (rc = get_u64(m, "inbps", r, &st->inbps)) < 0 ||
	    (rc = get_u64(m, "outbps", r, &st->outbps)) < 0)
		return rc;
	return 0;
}

/* "1.2.1": three numbers up to 255, as NVERSION() unpacks them. */
static int
parse_version(const char *v, unsigned int ver[3])
{
	unsigned long n;
	char *end;
	int i;

	for (i = 0; i < 3; i++) {
		if (!v || *v < '0' || *v > '9')
			return -EPROTO;
		n = strtoul(v, &end, 10);
		if (n > 255 || *end != (i < 2 ? '.' : '\0'))
			return -EPROTO;
		ver[i] = (unsigned int)n;
		v = end + 1;
	}
	return 0;
}

/*
 * Makes room for element n of arr, an array of *cap elements of size
 * bytes. Returns the array, moved maybe, or NULL (arr left as it was).
 */
static void *
grow(void *arr, size_t n, size_t *cap, size_t size)
{
	size_t ncap = *cap ? *cap * 2 : 8;

	if (n < *cap)
		return arr;
	if ((arr = realloc(arr, ncap * size)))
		*cap = ncap;
	return arr;
}

static int
add_info(struct table *t, const struct uvs_ctl_msg *m)
{
	if (parse_version(uvs_ctl_get(m, "version"), t->ver) < 0 ||
	    get_u32(m, "size", INT32_MAX, KEY_ALWAYS, &t->size) < 0)
		return -EPROTO;
	t->have_info = 1;
	return 0;
}

static int
add_svc(struct table *t, const struct uvs_ctl_msg *m, unsigned int fmt)
{
	int rc;
	struct svc s = { 0 }, *n;

	if (uvs_ctl_get_proto(m, "proto", &s.proto) < 0 ||
	    uvs_ctl_get_inaddr(m, "vip", &s.af, &s.addr) < 0 ||
	    get_port(m, "vport", &s.port) < 0 ||
	    !(s.sched = uvs_ctl_get(m, "sched")) || !*s.sched ||
	    get_u32(m, "flags", UINT32_MAX, KEY_ALWAYS, &s.flags) < 0 ||
	    get_u32(m, "timeout", UINT32_MAX, KEY_ALWAYS, &s.timeout) < 0)
		return -EPROTO;
	/* -M: a v4 netmask, a v6 prefix length */
	if (s.af == AF_INET6 ?
	    get_u32(m, "netmask", 128, KEY_ALWAYS, &s.netmask) < 0 :
	    uvs_ctl_get_addr(m, "netmask", &s.netmask) < 0)
		return -EPROTO;
	if ((rc = get_stats(m, fmt, &s.st)) < 0)
		return rc;
	if (!(n = grow(t->svcs, t->nsvcs, &t->cap, sizeof(s))))
		return -ENOMEM;
	t->svcs = n;
	t->svcs[t->nsvcs++] = s;
	return 0;
}

static const struct fwd *
find_fwd(const char *wire)
{
	size_t i;

	for (i = 0; wire && i < sizeof(fwds) / sizeof(fwds[0]); i++)
		if (strcmp(fwds[i].wire, wire) == 0)
			return &fwds[i];
	return NULL;
}

/* The optional ARP keys; any that is there must parse. */
static int
get_arp(const struct uvs_ctl_msg *m, struct arp *a)
{
	a->hw = uvs_ctl_get(m, "hw");
	if (get_u64(m, "nomac_drops", KEY_OPTIONAL, &a->nomac_drops) < 0)
		return -EPROTO;
	if (!(a->arp = uvs_ctl_get(m, "arp")))
		return 0;
	if ((strcmp(a->arp, "answered") != 0 && strcmp(a->arp, "silent") != 0) ||
	    get_u32(m, "arp_since", UINT32_MAX, KEY_ALWAYS, &a->since) < 0 ||
	    get_u64(m, "arp_requests", KEY_ALWAYS, &a->requests) < 0)
		return -EPROTO;
	return 0;
}

static int
add_dest(struct table *t, const struct uvs_ctl_msg *m, unsigned int fmt)
{
	struct dest d = { 0 }, *n;
	struct svc *s;
	int rc;

	if (t->nsvcs == 0)		/* a dest line follows its svc line */
		return -EPROTO;
	s = &t->svcs[t->nsvcs - 1];
	if (uvs_ctl_get_inaddr(m, "rip", &d.af, &d.addr) < 0 ||
	    get_port(m, "rport", &d.port) < 0 ||
	    !(d.fwd = find_fwd(uvs_ctl_get(m, "fwd"))) ||
	    get_u32(m, "weight", INT32_MAX, KEY_ALWAYS, &d.weight) < 0 ||
	    get_u32(m, "active", UINT32_MAX, KEY_ALWAYS, &d.active) < 0 ||
	    get_u32(m, "inactive", UINT32_MAX, KEY_ALWAYS, &d.inactive) < 0)
		return -EPROTO;
	if ((rc = get_u32(m, "persist", UINT32_MAX,
	    need_for(fmt, UVSADM_FMT_PERSISTENTCONN), &d.persist)) < 0 ||
	    (rc = get_u32(m, "uthr", UINT32_MAX,
	    need_for(fmt, UVSADM_FMT_THRESHOLDS), &d.uthr)) < 0 ||
	    (rc = get_u32(m, "lthr", UINT32_MAX,
	    need_for(fmt, UVSADM_FMT_THRESHOLDS), &d.lthr)) < 0 ||
	    (rc = get_stats(m, fmt, &d.st)) < 0)
		return rc;
	if (get_arp(m, &d.a) < 0)
		return -EPROTO;
	if (!strcmp(d.fwd->wire, "tunnel") && (get_u32(m, "tun_type", 2,
	    KEY_ALWAYS, &d.tun_type) < 0 || get_u32(m, "tun_port", 65535,
	    KEY_ALWAYS, &d.tun_port) < 0 || get_u32(m, "tun_flags", 2,
	    KEY_ALWAYS, &d.tun_flags) < 0))
		return -EPROTO;
	if (!(n = grow(s->dests, s->ndests, &s->cap, sizeof(d))))
		return -ENOMEM;
	s->dests = n;
	s->dests[s->ndests++] = d;
	return 0;
}

/* "svchealth sorry= quorum= hysteresis= up= upweight= sorry_on=" */
static int
add_svchealth(struct table *t, const struct uvs_ctl_msg *m)
{
	struct svc *s;

	if (t->nsvcs == 0)
		return -EPROTO;
	s = &t->svcs[t->nsvcs - 1];
	if (uvs_vs_health_from_msg(m, &s->vsh) != 1 ||
	    get_u32(m, "up", 1, KEY_ALWAYS, &s->up) < 0 ||
	    get_u64(m, "upweight", KEY_ALWAYS, &s->upweight) < 0 ||
	    get_u32(m, "sorry_on", 1, KEY_ALWAYS, &s->sorry_on) < 0)
		return -EPROTO;
	s->has_health = 1;
	return 0;
}

/*
 * "check check=... weight= state= out= streak= ok= failed= transitions=
 * result= last=" (transitions and result optional)
 */
static int
add_check(struct table *t, const struct uvs_ctl_msg *m)
{
	struct health *h;
	struct svc *s;
	uint32_t out;

	if (t->nsvcs == 0 || t->svcs[t->nsvcs - 1].ndests == 0)
		return -EPROTO;
	s = &t->svcs[t->nsvcs - 1];
	h = &s->dests[s->ndests - 1].h;
	if (get_u32(m, "out", 1, KEY_ALWAYS, &out) < 0)
		return -EPROTO;
	h->out = (int)out;
	h->has = 1;
	if ((h->sorry = uvs_ctl_get(m, "check") &&
	    strcmp(uvs_ctl_get(m, "check"), "sorry") == 0))
		return 0;
	if (uvs_check_from_msg(m, &h->chk) != 1 ||
	    get_u32(m, "weight", 65535, KEY_ALWAYS, &h->weight) < 0 ||
	    get_u32(m, "streak", UINT32_MAX, KEY_ALWAYS, &h->streak) < 0 ||
	    get_u64(m, "ok", KEY_ALWAYS, &h->ok) < 0 ||
	    get_u64(m, "failed", KEY_ALWAYS, &h->failed) < 0 ||
	    !(h->state = uvs_ctl_get(m, "state")) || !uvs_ctl_get(m, "last") ||
	    uvs_check_unescape(uvs_ctl_get(m, "last"), h->last,
	    sizeof(h->last)) < 0)
		return -EPROTO;
	h->has_transitions = uvs_ctl_get(m, "transitions") != NULL;
	if (get_u64(m, "transitions", KEY_OPTIONAL, &h->transitions) < 0)
		return -EPROTO;
	if ((h->result = uvs_ctl_get(m, "result")) &&
	    strcmp(h->result, "ok") && strcmp(h->result, "failed") &&
	    strcmp(h->result, "none"))
		return -EPROTO;
	return 0;
}

static void
table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nsvcs; i++)
		free(t->svcs[i].dests);
	free(t->svcs);
	free(t->buf);
}

/* True for a line of nothing but blanks. */
static int
blank(const char *line)
{
	return line[strspn(line, " \r")] == '\0';
}

/* Unknown verbs are skipped so uvsd may add data lines later. */
static int
table_parse(struct table *t, const char *reply, unsigned int fmt)
{
	struct uvs_ctl_msg m;
	char *line, *save = NULL;
	int rc = 0;

	memset(t, 0, sizeof(*t));
	if (!(t->buf = strdup(reply)))
		return -ENOMEM;
	for (line = strtok_r(t->buf, "\n", &save); line && rc == 0;
	    line = strtok_r(NULL, "\n", &save)) {
		if (blank(line))
			continue;
		if (uvs_ctl_parse(line, &m) < 0)
			rc = -EPROTO;
		else if (strcmp(m.verb, "info") == 0)
			rc = add_info(t, &m);
		else if (strcmp(m.verb, "svc") == 0)
			rc = add_svc(t, &m, fmt);
		else if (strcmp(m.verb, "dest") == 0)
			rc = add_dest(t, &m, fmt);
		else if (strcmp(m.verb, "svchealth") == 0)
			rc = add_svchealth(t, &m);
		else if (strcmp(m.verb, "check") == 0)
			rc = add_check(t, &m);
	}
	if (rc < 0)
		table_free(t);
	return rc;
}

/*
 * libipvs's ipvs_cmp_services() and ipvs_cmp_dests(): the differences are
 * taken in int, so two addresses more than 2^31 apart compare backwards
 * (192.168.0.1 lists before 10.0.0.1). Kept on purpose: the order is part
 * of the output scripts compare. A v6 address compares word by word the
 * same way, and every v4 service lists before the v6 ones (the family
 * is compared first, AF_INET < AF_INET6).
 */
static int
cmp_addr(int af, const union uvs_inaddr *a, const union uvs_inaddr *b)
{
	int r = 0, i;

	if (af != AF_INET6)
		return (int)(ntohl(a->ip) - ntohl(b->ip));
	for (i = 0; !r && i < 4; i++)
		r = (int)(ntohl(a->ip6[i]) - ntohl(b->ip6[i]));
	return r;
}

static int
cmp_svc(const void *a, const void *b)
{
	const struct svc *s1 = a, *s2 = b;
	int r;

	if ((r = s1->af - s2->af) != 0)
		return r;
	if ((r = (int)s1->proto - (int)s2->proto) != 0)
		return r;
	if ((r = cmp_addr(s1->af, &s1->addr, &s2->addr)) != 0)
		return r;
	return (int)s1->port - (int)s2->port;
}

static int
cmp_dest(const void *a, const void *b)
{
	const struct dest *d1 = a, *d2 = b;
	int r;

	if ((r = cmp_addr(d1->af, &d1->addr, &d2->addr)) != 0)
		return r;
	return (int)d1->port - (int)d2->port;
}

void
uvsadm_trunc(char *s, size_t cols)
{
	if (strnlen(s, cols + 1) > cols)
		s[cols] = '\0';
}

static const char *
proto_wire(uint8_t proto)
{
	return proto == IPPROTO_TCP ? "tcp" : proto == IPPROTO_UDP ? "udp" :
	    NULL;
}

char *
uvsadm_addrport_name(char *buf, int af, const void *addr, uint16_t port,
    uint8_t proto, unsigned int fmt)
{
	char host[INET6_ADDRSTRLEN], serv[16];
	const char *hname = host, *sname = serv;
	const char *open = af == AF_INET6 ? "[" : "";
	const char *close = af == AF_INET6 ? "]" : "";
	char whole[NI_MAXHOST + 64];
	struct hostent *he;
	struct servent *se;
	size_t len;

	inet_ntop(af, addr, host, sizeof(host));
	snprintf(serv, sizeof(serv), "%u", port);
	if (!(fmt & UVSADM_FMT_NUMERIC)) {
		if ((he = gethostbyaddr(addr, af == AF_INET6 ? 16 : 4, af)))
			hname = he->h_name;
		if (proto_wire(proto) &&
		    (se = getservbyport(htons(port), proto_wire(proto))))
			sname = se->s_name;
	}
	/* ipvsadm brackets a v6 address, name or not, and cuts the whole
	   at its 60-byte buffer */
	snprintf(whole, sizeof(whole), "%s%s%s:%s", open, hname, close, sname);
	len = strnlen(whole, UVSADM_NAME_MAX - 1);
	memcpy(buf, whole, len);
	buf[len] = '\0';
	return buf;
}

static void
print_largenum(FILE *out, uint64_t i, unsigned int fmt)
{
	char tmp[32];
	int len;

	if (fmt & UVSADM_FMT_EXACT) {
		len = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)i);
		fprintf(out, "%*llu", len <= 8 ? 9 : len + 1,
		    (unsigned long long)i);
	} else if (i < 100000000ULL)
		fprintf(out, "%9llu", (unsigned long long)i);
	else if (i < 1000000000ULL)
		fprintf(out, "%8lluK", (unsigned long long)(i / 1000));
	else if (i < 100000000000ULL)
		fprintf(out, "%8lluM", (unsigned long long)(i / 1000000));
	else if (i < 100000000000000ULL)
		fprintf(out, "%8lluG", (unsigned long long)(i / 1000000000ULL));
	else
		fprintf(out, "%8lluT",
		    (unsigned long long)(i / 1000000000000ULL));
}

static void
print_five(FILE *out, uint64_t a, uint64_t b, uint64_t c, uint64_t d,
    uint64_t e, unsigned int fmt)
{
	print_largenum(out, a, fmt);
	print_largenum(out, b, fmt);
	print_largenum(out, c, fmt);
	print_largenum(out, d, fmt);
	print_largenum(out, e, fmt);
}

static void
print_checks_title(FILE *out)
{
	fprintf(out, "Prot LocalAddress:Port Scheduler Health\n"
	    "  -> %-28s %-5s %-9s %-6s %-6s %-8s %-8s %s\n",
	    "RemoteAddress:Port", "Check", "State", "Weight", "Streak", "OK",
	    "Failed", "Last result");
}

static void
print_title(FILE *out, unsigned int fmt)
{
	static const char *const cols = "%-33s %8s %8s %8s %8s %8s\n"
	    "  -> RemoteAddress:Port\n";

	if (fmt & UVSADM_FMT_STATS)
		fprintf(out, cols, "Prot LocalAddress:Port", "Conns",
		    "InPkts", "OutPkts", "InBytes", "OutBytes");
	else if (fmt & UVSADM_FMT_RATE)
		fprintf(out, cols, "Prot LocalAddress:Port", "CPS", "InPPS",
		    "OutPPS", "InBPS", "OutBPS");
	else if (fmt & UVSADM_FMT_THRESHOLDS)
		fprintf(out, "%-33s %-10s %-10s %-10s %-10s\n"
		    "  -> RemoteAddress:Port\n", "Prot LocalAddress:Port",
		    "Uthreshold", "Lthreshold", "ActiveConn", "InActConn");
	else if (fmt & UVSADM_FMT_PERSISTENTCONN)
		fprintf(out, "%-33s %-9s %-11s %-10s %-10s\n"
		    "  -> RemoteAddress:Port\n", "Prot LocalAddress:Port",
		    "Weight", "PersistConn", "ActiveConn", "InActConn");
	else if (fmt & UVSADM_FMT_TUN_INFO)
		fputs("Prot LocalAddress:Port Scheduler Flags\n"
		    "  -> RemoteAddress:Port           Forward TunnelInfo    "
		    "Weight ActiveConn InActConn\n", out);
	else if (fmt & UVSADM_FMT_CHECKS)
		print_checks_title(out);
	else if (!(fmt & UVSADM_FMT_RULE))
		fputs("Prot LocalAddress:Port Scheduler Flags\n"
		    "  -> RemoteAddress:Port           Forward Weight "
		    "ActiveConn InActConn\n", out);
}

/* print_sched_flags(): the names depend on the scheduler. */
static void
sched_flags(const struct svc *s, char *buf, size_t size)
{
	static const char *const sh[] = { "sh-fallback", "sh-port", NULL };
	static const char *const mh[] = { "mh-fallback", "mh-port", NULL };
	static const char *const any[] = { "flag-1", "flag-2", "flag-3" };
	const char *const *names = any;
	size_t len = 0;
	int i;

	if (strcmp(s->sched, "sh") == 0)
		names = sh;
	else if (strcmp(s->sched, "mh") == 0)
		names = mh;
	buf[0] = '\0';
	for (i = 0; i < 3; i++) {
		if (!names[i] || !(s->flags & (UVSADM_SVC_F_SCHED1 << i)))
			continue;
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
		    len ? "," : "", names[i]);
	}
}

static void
svc_name(char *buf, size_t size, const struct svc *s, unsigned int fmt)
{
	char vname[UVSADM_NAME_MAX];

	uvsadm_addrport_name(vname, s->af, &s->addr, s->port, s->proto, fmt);
	if (fmt & UVSADM_FMT_RULE) {
		snprintf(buf, size, "%s %s",
		    s->proto == IPPROTO_TCP ? "-t" : "-u", vname);
		return;
	}
	snprintf(buf, size, "%-4s %s", s->proto == IPPROTO_TCP ? "TCP" : "UDP",
	    vname);
	/* ipvsadm cuts a v4 service's name only */
	if (s->af != AF_INET6)
		uvsadm_trunc(buf, UVSADM_SVC_NAME_COLS);
}

/* uvs's options for a service's health, for -S. */
static void
print_vs_health_cli(FILE *out, const struct uvs_vs_health *v)
{
	char buf[128];

	uvs_vs_health_cli(v, buf, sizeof(buf));
	fputs(buf, out);
}

static void
print_svc_line(FILE *out, const struct svc *s, const char *name,
    unsigned int fmt)
{
	int persistent = s->flags & UVSADM_SVC_F_PERSISTENT;
	int masked = persistent && s->netmask !=
	    (s->af == AF_INET6 ? 128 : 0xffffffff);
	char flags[64], mask[INET_ADDRSTRLEN];

	sched_flags(s, flags, sizeof(flags));
	/* ipvsadm: a dotted netmask for v4, a prefix length for v6 */
	if (s->af == AF_INET6)
		snprintf(mask, sizeof(mask), "%u", s->netmask);
	else
		inet_ntop(AF_INET, &s->netmask, mask, sizeof(mask));
	if (fmt & UVSADM_FMT_RULE) {
		fprintf(out, "-A %s -s %s", name, s->sched);
		if (persistent)
			fprintf(out, " -p %u", s->timeout);
		if (masked)
			fprintf(out, " -M %s", mask);
		if (s->flags & UVSADM_SVC_F_ONEPACKET)
			fputs(" -o", out);
		if (s->flags & UVSADM_SVC_F_SCHED_ALL)
			fprintf(out, " -b %s", flags);
		if (s->has_health)
			print_vs_health_cli(out, &s->vsh);
	} else if (fmt & UVSADM_FMT_STATS) {
		fprintf(out, "%-33s", name);
		print_five(out, s->st.conns, s->st.inpkts, s->st.outpkts,
		    s->st.inbytes, s->st.outbytes, fmt);
	} else if (fmt & UVSADM_FMT_RATE) {
		fprintf(out, "%-33s", name);
		print_five(out, s->st.cps, s->st.inpps, s->st.outpps,
		    s->st.inbps, s->st.outbps, fmt);
	} else {
		fprintf(out, "%s %s", name, s->sched);
		if (s->flags & UVSADM_SVC_F_SCHED_ALL)
			fprintf(out, " (%s)", flags);
		if (persistent)
			fprintf(out, " persistent %u", s->timeout);
		if (masked)
			fprintf(out, " mask %s", mask);
		if (s->flags & UVSADM_SVC_F_ONEPACKET)
			fputs(" ops", out);
	}
	fputc('\n', out);
}

/* -S's words for a tunnelled dest's encapsulation; "" for the rest. */
static const char *
tun_words(const struct dest *d, char *buf, size_t size)
{
	buf[0] = '\0';
	if (strcmp(d->fwd->wire, "tunnel") || d->tun_type == 0)
		return buf;
	if (d->tun_type == 1)
		snprintf(buf, size, " --tun-type gue --tun-port %u --tun-%s",
		    d->tun_port, tun_csums[d->tun_flags]);
	else
		snprintf(buf, size, " --tun-type gre --tun-%s",
		    tun_csums[d->tun_flags]);
	return buf;
}

/* --tun-info's column: ipip, gue:PORT:CSUM, gre:CSUM; n/a when not -i. */
static const char *
tun_info(const struct dest *d, char *buf, size_t size)
{
	if (strcmp(d->fwd->wire, "tunnel"))
		snprintf(buf, size, "n/a");
	else if (d->tun_type == 1)
		snprintf(buf, size, "gue:%u:%s", d->tun_port,
		    tun_csums[d->tun_flags]);
	else if (d->tun_type == 2)
		snprintf(buf, size, "gre:%s", tun_csums[d->tun_flags]);
	else
		snprintf(buf, size, "%s", tun_types[0]);
	return buf;
}

/* -S: a checked dest is saved with the weight it was given, and its check. */
static void
print_dest_rule(FILE *out, const struct dest *d, const char *sname,
    const char *dname)
{
	char chk[2048] = "", tun[96];
	int w = (int)d->weight;

	if (d->h.has && !d->h.sorry) {
		w = (int)d->h.weight;
		if (d->h.chk.type != UVS_CHECK_NONE)
			uvs_check_cli(&d->h.chk, chk, sizeof(chk));
	}
	fprintf(out, "-a %s -r %s %s -w %d%s%s\n", sname, dname, d->fwd->opt,
	    w, tun_words(d, tun, sizeof(tun)), chk);
}

/*
 * ipvsadm's listings show what IPVS would hold: not a dest checks took
 * out (keepalived would have deleted it). -S saves every configured
 * dest but never the sorry server, which -A's --sorry-server makes.
 */
static int
dest_hidden(const struct dest *d, unsigned int fmt)
{
	if (fmt & (UVSADM_FMT_CHECKS | UVSADM_FMT_JSON))
		return 0;
	if (fmt & UVSADM_FMT_RULE)
		return d->h.sorry;
	return d->h.out;
}

static void
print_dest_line(FILE *out, const struct dest *d, const char *sname,
    const char *dname, unsigned int fmt)
{
	char tun[32];
	int w = (int)d->weight;

	if (fmt & UVSADM_FMT_RULE)
		print_dest_rule(out, d, sname, dname);
	else if (fmt & UVSADM_FMT_STATS) {
		fprintf(out, "  -> %-28s", dname);
		print_five(out, d->st.conns, d->st.inpkts, d->st.outpkts,
		    d->st.inbytes, d->st.outbytes, fmt);
		fputc('\n', out);
	} else if (fmt & UVSADM_FMT_RATE) {
		fprintf(out, "  -> %-28s %8llu %8llu %8llu", dname,
		    (unsigned long long)d->st.cps,
		    (unsigned long long)d->st.inpps,
		    (unsigned long long)d->st.outpps);
		print_largenum(out, d->st.inbps, fmt);
		print_largenum(out, d->st.outbps, fmt);
		fputc('\n', out);
	} else if (fmt & UVSADM_FMT_THRESHOLDS)
		fprintf(out, "  -> %-28s %-10u %-10u %-10u %-10u\n", dname,
		    d->uthr, d->lthr, d->active, d->inactive);
	else if (fmt & UVSADM_FMT_PERSISTENTCONN)
		fprintf(out, "  -> %-28s %-9u %-11u %-10u %-10u\n", dname, w,
		    d->persist, d->active, d->inactive);
	else if (fmt & UVSADM_FMT_TUN_INFO)	/* n/a unless tunnelled */
		fprintf(out, "  -> %-28s %-7s %-13s %-6d %-10u %-10u\n", dname,
		    d->fwd->name, tun_info(d, tun, sizeof(tun)), w, d->active,
		    d->inactive);
	else
		fprintf(out, "  -> %-28s %-7s %-6d %-10u %-10u\n", dname,
		    d->fwd->name, w, d->active, d->inactive);
}

/*
 * --checks (uvs extension): per service its quorum and sorry server,
 * per dest its check, state, weight (given/set while inhibited), the
 * streak toward a change (failures of --fall while UP, successes of
 * --rise while DOWN), result counts and the last result.
 */
static void
print_svc_checks(FILE *out, const struct svc *s, const char *name,
    unsigned int fmt)
{
	char sorry[UVSADM_NAME_MAX];

	fprintf(out, "%s %s", name, s->sched);
	if (s->has_health) {
		fprintf(out, " quorum %u hysteresis %u %s (up weight %llu)",
		    s->vsh.quorum, s->vsh.hysteresis, s->up ? "held" : "lost",
		    (unsigned long long)s->upweight);
		if (s->vsh.sorry)
			fprintf(out, " sorry %s %s", uvsadm_addrport_name(sorry,
			    AF_INET, &s->vsh.sorry, s->port, s->proto, fmt),
			    s->sorry_on ? "serving" : "standby");
	}
	fputc('\n', out);
}

static void
print_dest_checks(FILE *out, const struct dest *d, const char *dname)
{
	const struct health *h = &d->h;
	char w[24], streak[24], ok[24], failed[24], noarp[128];
	const char *type = "none", *state = "UP", *last = "-";

	snprintf(w, sizeof(w), "%u", d->weight);
	snprintf(streak, sizeof(streak), "-");
	snprintf(ok, sizeof(ok), "-");
	snprintf(failed, sizeof(failed), "-");
	if (h->sorry) {
		type = "sorry";
		state = h->out ? "STANDBY" : "SERVING";
	} else if (h->has) {
		type = uvs_check_type_name(h->chk.type);
		state = h->state;
		if (h->weight != d->weight)
			snprintf(w, sizeof(w), "%u/%u", d->weight, h->weight);
		if (h->chk.type != UVS_CHECK_NONE) {
			int down = strcmp(h->state, "DOWN") == 0 ||
			    strcmp(h->state, "INHIBITED") == 0;

			snprintf(streak, sizeof(streak), "%u/%u", h->streak,
			    down ? h->chk.rise : h->chk.fall);
			snprintf(ok, sizeof(ok), "%llu",
			    (unsigned long long)h->ok);
			snprintf(failed, sizeof(failed), "%llu",
			    (unsigned long long)h->failed);
			last = h->last;
		}
	}
	/*
	 * A silent address is never used, whatever its check says. A v6
	 * one is asked by Neighbor Discovery, not ARP: the words say so.
	 */
	if (d->a.arp && strcmp(d->a.arp, "silent") == 0) {
		int v6 = d->af == AF_INET6;

		state = v6 ? "NO-NDP" : "NO-ARP";
		snprintf(noarp, sizeof(noarp), "no %s answer for %us (%llu "
		    "requests), %llu frames without MAC", v6 ? "NDP" : "ARP",
		    d->a.since,
		    (unsigned long long)d->a.requests,
		    (unsigned long long)d->a.nomac_drops);
		last = noarp;
	}
	fprintf(out, "  -> %-28s %-5s %-9s %-6s %-6s %-8s %-8s %s\n", dname,
	    type, state, w, streak, ok, failed, last);
}

static void
print_svc(FILE *out, struct svc *s, unsigned int fmt)
{
	char name[128], dname[UVSADM_NAME_MAX];
	size_t i;

	svc_name(name, sizeof(name), s, fmt);
	if (fmt & UVSADM_FMT_CHECKS)
		print_svc_checks(out, s, name, fmt);
	else
		print_svc_line(out, s, name, fmt);
	if (!(fmt & UVSADM_FMT_NOSORT) && s->ndests > 1)
		qsort(s->dests, s->ndests, sizeof(s->dests[0]), cmp_dest);
	for (i = 0; i < s->ndests; i++) {
		if (dest_hidden(&s->dests[i], fmt))
			continue;
		uvsadm_addrport_name(dname, s->dests[i].af, &s->dests[i].addr,
		    s->dests[i].port, s->proto, fmt);
		/* ipvsadm cuts a dest's name in a v4 service only */
		if (!(fmt & UVSADM_FMT_RULE) && s->af != AF_INET6)
			uvsadm_trunc(dname, UVSADM_DEST_NAME_COLS);
		if (fmt & UVSADM_FMT_CHECKS)
			print_dest_checks(out, &s->dests[i], dname);
		else
			print_dest_line(out, &s->dests[i], name, dname, fmt);
	}
}

static struct svc *
find_svc(struct table *t, const struct uvsadm_svc_key *k)
{
	size_t i;

	for (i = 0; i < t->nsvcs; i++)
		if (t->svcs[i].proto == k->proto && t->svcs[i].af == k->af &&
		    uvs_inaddr_eq(&t->svcs[i].addr, &k->addr) &&
		    t->svcs[i].port == k->port)
			return &t->svcs[i];
	return NULL;
}

/*
 * --json: one object a key, numbers as numbers, nothing resolved. Every
 * real server is listed, also one the checks took out of scheduling:
 * its "health" says so.
 */

/* A JSON string: quotes, backslashes and control bytes escaped. */
static void
json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

static const char *
json_bool(int v)
{
	return v ? "true" : "false";
}

/* A dest's "health": what --checks shows, or null without a check. */
static void
json_dest_health(FILE *out, const struct dest *d)
{
	const struct health *h = &d->h;

	fputs("\"health\":", out);
	if (!h->has) {
		fputs("null", out);
		return;
	}
	if (h->sorry) {
		fprintf(out, "{\"check\":\"sorry\",\"state\":\"%s\","
		    "\"out\":%s}", h->out ? "STANDBY" : "SERVING",
		    json_bool(h->out));
		return;
	}
	fprintf(out, "{\"check\":\"%s\",\"state\":", uvs_check_type_name(
	    h->chk.type));
	json_str(out, h->state);
	fprintf(out, ",\"out\":%s,\"weight\":%u,\"rise\":%u,\"fall\":%u,"
	    "\"streak\":%u,\"ok\":%llu,\"failed\":%llu,\"transitions\":",
	    json_bool(h->out), h->weight, h->chk.rise, h->chk.fall, h->streak,
	    (unsigned long long)h->ok, (unsigned long long)h->failed);
	if (h->has_transitions)
		fprintf(out, "%llu", (unsigned long long)h->transitions);
	else
		fputs("null", out);
	fputs(",\"last_result\":", out);
	if (h->result && strcmp(h->result, "none"))
		fprintf(out, "\"%s\"", h->result);
	else
		fputs("null", out);
	fputs(",\"last\":", out);
	if (h->result && strcmp(h->result, "none") == 0)
		fputs("null", out);
	else
		json_str(out, h->last);
	fputc('}', out);
}

/* A service's "health": its quorum and sorry server, or null. */
static void
json_svc_health(FILE *out, const struct svc *s)
{
	struct in_addr a = { .s_addr = s->vsh.sorry };

	fputs("\"health\":", out);
	if (!s->has_health) {
		fputs("null", out);
		return;
	}
	fprintf(out, "{\"quorum\":%u,\"hysteresis\":%u,\"quorum_up\":%s,"
	    "\"up_weight\":%llu,\"sorry_server\":", s->vsh.quorum,
	    s->vsh.hysteresis, json_bool(s->up),
	    (unsigned long long)s->upweight);
	if (s->vsh.sorry)
		fprintf(out, "\"%s\"", inet_ntoa(a));
	else
		fputs("null", out);
	fprintf(out, ",\"sorry_serving\":%s}", json_bool(s->sorry_on));
}

static void
json_stats(FILE *out, const struct stats *st)
{
	fprintf(out, "\"stats\":{\"conns\":%llu,\"inpkts\":%llu,"
	    "\"outpkts\":%llu,\"inbytes\":%llu,\"outbytes\":%llu},"
	    "\"rate\":{\"cps\":%llu,\"inpps\":%llu,\"outpps\":%llu,"
	    "\"inbps\":%llu,\"outbps\":%llu}",
	    (unsigned long long)st->conns, (unsigned long long)st->inpkts,
	    (unsigned long long)st->outpkts, (unsigned long long)st->inbytes,
	    (unsigned long long)st->outbytes, (unsigned long long)st->cps,
	    (unsigned long long)st->inpps, (unsigned long long)st->outpps,
	    (unsigned long long)st->inbps, (unsigned long long)st->outbps);
}

/* "aa:bb:cc:dd:ee:ff" as uvsd writes it; anything else prints null. */
static int
valid_mac(const char *s)
{
	size_t i;

	if (!s || strlen(s) != 17)
		return 0;
	for (i = 0; i < 17; i++)
		if (i % 3 == 2 ? s[i] != ':' : !strchr("0123456789abcdef", s[i]))
			return 0;
	return 1;
}

static void
json_dest(FILE *out, const struct dest *d)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(d->af, &d->addr, a, sizeof(a));
	fprintf(out, "{\"address\":\"%s\",\"port\":%u,\"forward\":\"%s\","
	    "\"weight\":%u,\"activeconns\":%u,\"inactconns\":%u,"
	    "\"persistconns\":%u,\"u_threshold\":%u,\"l_threshold\":%u,",
	    a, d->port, d->fwd->name, d->weight, d->active,
	    d->inactive, d->persist, d->uthr, d->lthr);
	if (d->a.arp)
		fprintf(out, "\"arp\":{\"answered\":%s,\"mac\":%s%s%s,"
		    "\"seconds\":%u,\"requests\":%llu,\"nomac_drops\":%llu},",
		    strcmp(d->a.arp, "answered") == 0 ? "true" : "false",
		    valid_mac(d->a.hw) ? "\"" : "", valid_mac(d->a.hw) ?
		    d->a.hw : "null", valid_mac(d->a.hw) ? "\"" : "",
		    d->a.since, (unsigned long long)d->a.requests,
		    (unsigned long long)d->a.nomac_drops);
	json_stats(out, &d->st);
	fputc(',', out);
	json_dest_health(out, d);
	fputc('}', out);
}

static void
json_svc(FILE *out, const struct svc *s)
{
	char a[INET6_ADDRSTRLEN], flags[64], mask[INET_ADDRSTRLEN];
	size_t i, k;

	sched_flags(s, flags, sizeof(flags));
	inet_ntop(s->af, &s->addr, a, sizeof(a));
	inet_ntop(AF_INET, &s->netmask, mask, sizeof(mask));
	fprintf(out, "{\"protocol\":\"%s\",\"address\":\"%s\",\"port\":%u,"
	    "\"scheduler\":\"%s\",\"sched_flags\":\"%s\",",
	    s->proto == IPPROTO_TCP ? "TCP" : "UDP", a, s->port, s->sched,
	    flags);
	/* -M: a dotted netmask (v4), a prefix length as a number (v6) */
	if ((s->flags & UVSADM_SVC_F_PERSISTENT) && s->af == AF_INET6)
		fprintf(out, "\"persistent\":%u,\"netmask\":%u,",
		    s->timeout, s->netmask);
	else if (s->flags & UVSADM_SVC_F_PERSISTENT)
		fprintf(out, "\"persistent\":%u,\"netmask\":\"%s\",",
		    s->timeout, mask);
	else
		fputs("\"persistent\":null,\"netmask\":null,", out);
	fprintf(out, "\"ops\":%s,", s->flags & UVSADM_SVC_F_ONEPACKET ?
	    "true" : "false");
	json_stats(out, &s->st);
	fputc(',', out);
	json_svc_health(out, s);
	fputs(",\"dests\":[", out);
	for (i = 0, k = 0; i < s->ndests; i++) {
		if (dest_hidden(&s->dests[i], UVSADM_FMT_JSON))
			continue;
		fputs(k++ ? "," : "", out);
		json_dest(out, &s->dests[i]);
	}
	fputs("]}", out);
}

static void
json_table(FILE *out, struct table *t, const struct svc *only,
    unsigned int fmt)
{
	size_t i, k;

	fprintf(out, "{\"version\":\"%u.%u.%u\",\"size\":%u,\"services\":[",
	    t->ver[0], t->ver[1], t->ver[2], t->size);
	for (i = 0, k = 0; i < t->nsvcs; i++) {
		struct svc *s = &t->svcs[i];

		if (only && s != only)
			continue;
		if (!(fmt & UVSADM_FMT_NOSORT) && s->ndests > 1)
			qsort(s->dests, s->ndests, sizeof(s->dests[0]),
			    cmp_dest);
		fputs(k++ ? "," : "", out);
		json_svc(out, s);
	}
	fputs("]}\n", out);
}

int
uvsadm_list_print(FILE *out, const char *reply, unsigned int fmt,
    const struct uvsadm_svc_key *only)
{
	struct table t;
	struct svc *s;
	size_t i;
	int rc;

	if (fmt & UVSADM_FMT_JSON)	/* every figure, so ask for all */
		fmt |= UVSADM_FMT_STATS | UVSADM_FMT_RATE;
	if ((rc = table_parse(&t, reply, fmt)) < 0)
		return rc;
	if (fmt & UVSADM_FMT_JSON) {
		if (!(fmt & UVSADM_FMT_NOSORT) && t.nsvcs > 1)
			qsort(t.svcs, t.nsvcs, sizeof(t.svcs[0]), cmp_svc);
		s = only ? find_svc(&t, only) : NULL;
		if (only && !s)
			rc = -ESRCH;
		else if (!t.have_info)
			rc = -EPROTO;
		else
			json_table(out, &t, s, fmt);
		table_free(&t);
		return rc;
	}
	if (only) {			/* list_service() */
		if (!(s = find_svc(&t, only)))
			rc = -ESRCH;
		else {
			print_title(out, fmt);
			print_svc(out, s, fmt);
		}
		table_free(&t);
		return rc;
	}
	if (!(fmt & UVSADM_FMT_RULE) && !t.have_info) {
		table_free(&t);
		return -EPROTO;
	}
	if (!(fmt & UVSADM_FMT_NOSORT) && t.nsvcs > 1)
		qsort(t.svcs, t.nsvcs, sizeof(t.svcs[0]), cmp_svc);
	if (!(fmt & UVSADM_FMT_RULE))
		fprintf(out, "IP Virtual Server version %u.%u.%u (size=%d)\n",
		    t.ver[0], t.ver[1], t.ver[2], (int)t.size);
	print_title(out, fmt);
	for (i = 0; i < t.nsvcs; i++)
		print_svc(out, &t.svcs[i], fmt);
	table_free(&t);
	return 0;
}

/*
 * The simple replies (conns, timeout, counters) are walked twice: once
 * with out == NULL to check every line, then again to print.
 */
typedef int	(*line_fn)(FILE *out, const struct uvs_ctl_msg *m,
		    unsigned int fmt, int *count);

static int
each_line(FILE *out, const char *reply, const char *verb, line_fn fn,
    unsigned int fmt, int *count)
{
	struct uvs_ctl_msg m;
	char *buf, *line, *save = NULL;
	int rc = 0;

	if (!(buf = strdup(reply)))
		return -ENOMEM;
	*count = 0;
	for (line = strtok_r(buf, "\n", &save); line && rc == 0;
	    line = strtok_r(NULL, "\n", &save)) {
		if (blank(line))
			continue;
		if (uvs_ctl_parse(line, &m) < 0)
			rc = -EPROTO;
		else if (strcmp(m.verb, verb) == 0)
			rc = fn(out, &m, fmt, count);
	}
	free(buf);
	return rc;
}

static int
walk_twice(FILE *out, const char *reply, const char *verb, line_fn fn,
    unsigned int fmt, int *count)
{
	int rc = each_line(NULL, reply, verb, fn, fmt, count);

	return rc < 0 ? rc : each_line(out, reply, verb, fn, fmt, count);
}

static int
conn_line(FILE *out, const struct uvs_ctl_msg *m, unsigned int fmt,
    int *count)
{
	char cname[UVSADM_NAME_MAX], vname[UVSADM_NAME_MAX];
	char dname[UVSADM_NAME_MAX], expire[24];
	union uvs_inaddr caddr, vaddr, daddr;
	uint32_t expires;
	uint16_t cport, vport, dport;
	const char *state = uvs_ctl_get(m, "state");
	uint8_t proto;
	int caf, vaf, daf;

	if (uvs_ctl_get_proto(m, "proto", &proto) < 0 ||
	    uvs_ctl_get_inaddr(m, "cip", &caf, &caddr) < 0 ||
	    get_port(m, "cport", &cport) < 0 ||
	    uvs_ctl_get_inaddr(m, "vip", &vaf, &vaddr) < 0 ||
	    get_port(m, "vport", &vport) < 0 ||
	    uvs_ctl_get_inaddr(m, "rip", &daf, &daddr) < 0 ||
	    get_port(m, "rport", &dport) < 0 || !state || !*state ||
	    get_u32(m, "expires", UINT32_MAX, KEY_ALWAYS, &expires) < 0)
		return -EPROTO;
	(*count)++;
	if (!out)
		return 0;
	snprintf(expire, sizeof(expire), "%02u:%02u", expires / 60,
	    expires % 60);
	fprintf(out, "%-3s %-6s %-11s %-18s %-18s %s\n",
	    proto == IPPROTO_TCP ? "TCP" : "UDP", expire, state,
	    uvsadm_addrport_name(cname, caf, &caddr, cport, proto, fmt),
	    uvsadm_addrport_name(vname, vaf, &vaddr, vport, proto, fmt),
	    uvsadm_addrport_name(dname, daf, &daddr, dport, proto, fmt));
	return 0;
}

void
uvsadm_conns_header(FILE *out, unsigned int fmt)
{
	fputs("IPVS connection entries\n", out);
	if (fmt & UVSADM_FMT_PERSISTENTCONN)
		fprintf(out, "pro expire %-11s %-18s %-18s %-18s %-16s %s\n",
		    "state", "source", "virtual", "destination", "pe name",
		    "pe_data");
	else
		fprintf(out, "pro expire %-11s %-18s %-18s %s\n", "state",
		    "source", "virtual", "destination");
}

int
uvsadm_conns_line(FILE *out, char *line, unsigned int fmt)
{
	struct uvs_ctl_msg m;
	int count = 0;

	if (blank(line))
		return 0;
	if (uvs_ctl_parse(line, &m) < 0)
		return -EPROTO;
	return strcmp(m.verb, "conn") ? 0 : conn_line(out, &m, fmt, &count);
}

int
uvsadm_conns_print(FILE *out, const char *reply, unsigned int fmt)
{
	int count, rc = each_line(NULL, reply, "conn", conn_line, fmt, &count);

	if (rc < 0)
		return rc;
	uvsadm_conns_header(out, fmt);
	return each_line(out, reply, "conn", conn_line, fmt, &count);
}

static int
timeout_line(FILE *out, const struct uvs_ctl_msg *m, unsigned int fmt,
    int *count)
{
	uint32_t tcp, fin, udp;

	(void)fmt;
	if (get_u32(m, "tcp", INT32_MAX, KEY_ALWAYS, &tcp) < 0 ||
	    get_u32(m, "tcpfin", INT32_MAX, KEY_ALWAYS, &fin) < 0 ||
	    get_u32(m, "udp", INT32_MAX, KEY_ALWAYS, &udp) < 0 ||
	    ++*count > 1)
		return -EPROTO;
	if (out)
		fprintf(out, "Timeout (tcp tcpfin udp): %d %d %d\n", (int)tcp,
		    (int)fin, (int)udp);
	return 0;
}

int
uvsadm_timeout_print(FILE *out, const char *reply)
{
	int count, rc;

	rc = each_line(NULL, reply, "timeout", timeout_line, 0, &count);
	if (rc == 0 && count != 1)
		rc = -EPROTO;
	return rc < 0 ? rc : each_line(out, reply, "timeout", timeout_line, 0,
	    &count);
}

static int
counter_line(FILE *out, const struct uvs_ctl_msg *m, unsigned int fmt,
    int *count)
{
	uint64_t v;

	(void)fmt;
	if (m->nkv != 1 || uvs_ctl_get_u64(m, m->kv[0].key, &v) < 0)
		return -EPROTO;
	(*count)++;
	if (out)
		fprintf(out, "%s %llu\n", m->kv[0].key, (unsigned long long)v);
	return 0;
}

int
uvsadm_counters_print(FILE *out, const char *reply)
{
	int count;

	return walk_twice(out, reply, "counter", counter_line, 0, &count);
}
