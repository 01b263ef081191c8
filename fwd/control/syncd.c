/*
 * The connection sync daemons (syncd.h), IPVS's way. The master, once a
 * second, walks the connection table (the director's, or each worker's
 * through its ask: uvs_dir_conns) and multicasts, in messages of at most
 * maxlen bytes, every flow that saw a packet since the last walk in a
 * state IPVS syncs (TCP established or closing, UDP) and every
 * persistence template that did; a flow the backup side made (SYNCED,
 * no packet since) is never sent back, so two directors running both
 * daemons do not echo each other. IPVS syncs on packet counts and
 * flushes within 2 s; a 1 s walk gives the same bound without a hook on
 * the packet path. The backup validates each datagram whole
 * (syncmsg.c) and hands the entries to every worker through the workers'
 * log, each making them flows of its own table, since the kernel's
 * fanout, not uvsd, decides which worker a client's frames reach.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fwd/control/director.h"
#include "fwd/control/syncd.h"
#include "fwd/data/syncin.h"
#include "sched/conn.h"

#define SYNC_TTL_DEFAULT	1	/* IPVS's mcast_ttl default */
#define SYNC_PERIOD_S		1	/* the master's walk */

static const char *const role_names[UVS_SYNC_ROLES] = { "master", "backup" };

void
uvs_syncd_init(struct uvs_syncd *s)
{
	memset(s, 0, sizeof(*s));
	s->d[UVS_SYNC_MASTER].fd = -1;
	s->d[UVS_SYNC_BACKUP].fd = -1;
}

void
uvs_syncd_free(struct uvs_syncd *s)
{
	int r;

	for (r = 0; r < UVS_SYNC_ROLES; r++)
		if (s->d[r].fd >= 0)
			close(s->d[r].fd);
	free(s->buf);
	uvs_syncd_init(s);
}

int
uvs_syncd_backup_fd(const struct uvs_syncd *s)
{
	return s->d[UVS_SYNC_BACKUP].fd;
}

/* The first IPv4 address of ifname, or 0 (INADDR_ANY). */
static uint32_t
if_addr(const char *ifname)
{
	struct ifaddrs *all, *a;
	uint32_t addr = 0;

	if (getifaddrs(&all) < 0)
		return 0;
	for (a = all; a && !addr; a = a->ifa_next)
		if (a->ifa_addr && a->ifa_addr->sa_family == AF_INET &&
		    strcmp(a->ifa_name, ifname) == 0)
			addr = ((struct sockaddr_in *)a->ifa_addr)->sin_addr.s_addr;
	freeifaddrs(all);
	return addr;
}

/* The master's socket: from ifname's address, to group:port. */
static int
open_master(const struct uvs_sync_cfg *c, char *err, size_t errlen)
{
	struct sockaddr_in to = { .sin_family = AF_INET,
	    .sin_port = htons(c->port), .sin_addr.s_addr = c->group };
	struct sockaddr_in from = { .sin_family = AF_INET };
	struct ip_mreqn mr = { .imr_ifindex =
	    (int)if_nametoindex(c->ifname) };
	int fd, ttl = c->ttl, loop = 0;

	from.sin_addr.s_addr = if_addr(c->ifname);
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl,
	    sizeof(ttl)) < 0 ||
	    /* as IPVS: a director does not read its own messages */
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop,
	    sizeof(loop)) < 0 ||
	    bind(fd, (struct sockaddr *)&from, sizeof(from)) < 0 ||
	    connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0) {
		snprintf(err, errlen, "master sync daemon on %s: %s",
		    c->ifname, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* The backup's socket: bound to group:port, the group joined on ifname. */
static int
open_backup(const struct uvs_sync_cfg *c, char *err, size_t errlen)
{
	struct sockaddr_in at = { .sin_family = AF_INET,
	    .sin_port = htons(c->port), .sin_addr.s_addr = c->group };
	struct ip_mreqn mr = { .imr_multiaddr.s_addr = c->group,
	    .imr_ifindex = (int)if_nametoindex(c->ifname) };
	int fd, one = 1, zero = 0;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    /* only the group joined here, not every group of the host */
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_ALL, &zero,
	    sizeof(zero)) < 0 ||
	    bind(fd, (struct sockaddr *)&at, sizeof(at)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr,
	    sizeof(mr)) < 0) {
		snprintf(err, errlen, "backup sync daemon on %s: %s",
		    c->ifname, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int
parse_role(const struct uvs_ctl_msg *m, enum uvs_sync_role *r)
{
	const char *v = uvs_ctl_get(m, "state");

	if (v && strcmp(v, "master") == 0)
		*r = UVS_SYNC_MASTER;
	else if (v && strcmp(v, "backup") == 0)
		*r = UVS_SYNC_BACKUP;
	else
		return -EINVAL;
	return 0;
}

/* The settings of a start-daemon request, IPVS's defaults for the rest. */
static int
parse_cfg(const struct uvs_ctl_msg *m, struct uvs_sync_cfg *c, char *err,
    size_t errlen)
{
	const char *ifn = uvs_ctl_get(m, "ifn");
	uint32_t v;
	int rc;

	memset(c, 0, sizeof(*c));
	snprintf(c->ifname, sizeof(c->ifname), "%s", ifn ? ifn : "eth0");
	if (!if_nametoindex(c->ifname)) {
		snprintf(err, errlen, "no such interface: %s", c->ifname);
		return -ENODEV;
	}
	c->maxlen = UVS_SYNC_MAXLEN_DEFAULT;
	c->port = UVS_SYNC_PORT;
	c->ttl = SYNC_TTL_DEFAULT;
	inet_pton(AF_INET, UVS_SYNC_GROUP, &c->group);
	if ((rc = uvs_ctl_get_u32(m, "syncid", 255, &v)) == 0)
		c->syncid = (uint8_t)v;
	else if (rc != -ENOENT)
		goto bad;
	/* room for one entry of either family, or a v6 flow never goes */
	if ((rc = uvs_ctl_get_u32(m, "maxlen", UVS_SYNC_MAXLEN_MAX, &v)) == 0 &&
	    v < UVS_SYNC_HDR_LEN + UVS_SYNC_V6_LEN) {
		snprintf(err, errlen, "sync-maxlen %u holds no IPv6 entry: "
		    "at least %u", v, UVS_SYNC_HDR_LEN + UVS_SYNC_V6_LEN);
		return -EINVAL;
	}
	if (rc == 0)
		c->maxlen = (uint16_t)v;
	else if (rc != -ENOENT)
		goto bad;
	if ((rc = uvs_ctl_get_u32(m, "port", 65535, &v)) == 0 && v)
		c->port = (uint16_t)v;
	else if (rc != -ENOENT)
		goto bad;
	if ((rc = uvs_ctl_get_u32(m, "ttl", 255, &v)) == 0 && v)
		c->ttl = (uint8_t)v;
	else if (rc != -ENOENT)
		goto bad;
	if ((rc = uvs_ctl_get_addr(m, "group", &v)) == 0 &&
	    IN_MULTICAST(ntohl(v)))
		c->group = v;
	else if (rc != -ENOENT)
		goto bad;
	return 0;
bad:
	snprintf(err, errlen, "malformed start-daemon request");
	return -EINVAL;
}

int
uvs_syncd_request(struct uvs_director *d, const struct uvs_ctl_msg *m,
    char *err, size_t errlen)
{
	struct uvs_syncd *s = &d->syncd;
	struct uvs_sync_cfg c;
	enum uvs_sync_role r;
	int fd, rc;

	if (parse_role(m, &r) < 0) {
		snprintf(err, errlen, "malformed %s request", m->verb);
		return -EINVAL;
	}
	if (strcmp(m->verb, "stop-daemon") == 0) {
		/* as IPVS: stopping one that does not run is an error */
		if (s->d[r].fd < 0) {
			snprintf(err, errlen, "no %s sync daemon runs",
			    role_names[r]);
			return -ESRCH;
		}
		close(s->d[r].fd);
		s->d[r].fd = -1;
		return 0;
	}
	if (s->d[r].fd >= 0) {
		snprintf(err, errlen, "a %s sync daemon runs already",
		    role_names[r]);
		return -EEXIST;
	}
	if ((rc = parse_cfg(m, &c, err, errlen)) < 0)
		return rc;
	if (!s->buf && !(s->buf = malloc(UVS_SYNC_MAXLEN_MAX))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	fd = r == UVS_SYNC_MASTER ? open_master(&c, err, errlen) :
	    open_backup(&c, err, errlen);
	if (fd < 0)
		return -EIO;
	s->d[r].fd = fd;
	s->d[r].cfg = c;
	return 0;
}

void
uvs_syncd_list(const struct uvs_syncd *s, FILE *out)
{
	char g[INET_ADDRSTRLEN];
	int r;

	for (r = 0; r < UVS_SYNC_ROLES; r++) {
		const struct uvs_sync_cfg *c = &s->d[r].cfg;

		if (s->d[r].fd < 0)
			continue;
		inet_ntop(AF_INET, &c->group, g, sizeof(g));
		fprintf(out, "daemon state=%s ifn=%s syncid=%u maxlen=%u "
		    "group=%s port=%u ttl=%u\n", role_names[r], c->ifname,
		    c->syncid, c->maxlen, g, c->port, c->ttl);
	}
}

void
uvs_syncd_counters(const struct uvs_syncd *s,
    const struct uvs_fwd_stats *fs, FILE *out)
{
	const struct uvs_sync_stats *st = &s->st;
	const struct {
		const char	*name;
		uint64_t	 v;
	} c[] = {
		{ "sync_tx_msgs", st->tx_msgs },
		{ "sync_tx_conns", st->tx_conns },
		{ "sync_tx_errors", st->tx_errors },
		{ "sync_rx_msgs", st->rx_msgs },
		{ "sync_rx_conns", st->rx_conns },
		{ "sync_rx_no_dest", st->rx_no_dest },
		{ "sync_rx_queued", st->rx_queued },
		/* summed over the workers: each holds its own copy */
		{ "sync_rx_new", fs->sync_new },
		{ "sync_rx_updated", fs->sync_updated },
		{ "sync_rx_refused", fs->sync_refused },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		fprintf(out, "counter %s=%llu\n", c[i].name,
		    (unsigned long long)c[i].v);
	for (i = 1; i < UVS_SYNC_E_MAX; i++)
		fprintf(out, "counter sync_rx_bad_%s=%llu\n",
		    uvs_sync_err_name((enum uvs_sync_err)i),
		    (unsigned long long)st->rx_bad[i]);
}

/* --- master ---------------------------------------------------------- */

struct walk {
	struct uvs_director	*d;
	struct uvs_syncd	*s;
	int			 started;
};

static void
send_msg(struct walk *w)
{
	struct uvs_syncd *s = w->s;

	if (!w->started || !uvs_sync_count(s->buf))
		return;
	if (send(s->d[UVS_SYNC_MASTER].fd, s->buf, uvs_sync_end(s->buf),
	    MSG_DONTWAIT) < 0) {
		s->st.tx_errors++;
	} else {
		s->st.tx_msgs++;
		s->st.tx_conns += uvs_sync_count(s->buf);
	}
	w->started = 0;
}

/* IPVS syncs TCP only once established or closing (ip_vs_sync_conn_needed). */
static int
tcp_state_synced(uint8_t st)
{
	return st == UVS_TCP_ESTABLISHED || st == UVS_TCP_FIN_WAIT ||
	    st == UVS_TCP_CLOSE || st == UVS_TCP_CLOSE_WAIT ||
	    st == UVS_TCP_TIME_WAIT;
}

/* Is this flow's news worth sending now; its full timeout in *timeout. */
static int
wanted(const struct uvs_director *d, const struct uvs_wconn *c,
    uint32_t *timeout)
{
	const struct uvs_svc *svc;

	if (c->flags & UVS_CONN_F_SYNCED)
		return 0;
	if (c->flags & UVS_CONN_F_TEMPLATE) {
		svc = uvs_svc_find(&d->fw.svcs, c->proto, c->af, &c->vaddr,
		    c->vport);
		if (!svc)
			return 0;
		*timeout = svc->timeout;
	} else {
		if (c->proto == IPPROTO_TCP && !tcp_state_synced(c->state))
			return 0;
		*timeout = d->fw.conns.timeouts.t[c->state];
	}
	/* a packet re-armed it within the last walk (and a second's slack) */
	return c->left >= 0 && (uint32_t)c->left + SYNC_PERIOD_S + 1 >= *timeout;
}

static int
walk_conns(const struct uvs_wconn *c, unsigned n, void *arg)
{
	struct walk *w = arg;
	struct uvs_syncd *s = w->s;
	const struct uvs_sync_cfg *cfg = &s->d[UVS_SYNC_MASTER].cfg;
	struct uvs_sync_conn e;
	uint32_t timeout;
	unsigned i;

	for (i = 0; i < n; i++, c++) {
		if (!wanted(w->d, c, &timeout))
			continue;
		memset(&e, 0, sizeof(e));
		e.proto = c->proto;
		e.state = c->flags & UVS_CONN_F_TEMPLATE ? 0 :
		    c->proto == IPPROTO_TCP ? c->state : 0;
		e.flags = UVS_SYNC_F_DROUTE;
		if (c->flags & UVS_CONN_F_TEMPLATE)
			e.flags |= UVS_SYNC_F_TEMPLATE;
		else if (c->proto == IPPROTO_TCP &&
		    c->state != UVS_TCP_ESTABLISHED)
			e.flags |= UVS_SYNC_F_INACTIVE;
		e.cport = c->cport;
		e.vport = c->vport;
		e.dport = c->rport;
		e.timeout = timeout;
		e.af = c->af;
		e.caddr = c->caddr;
		e.vaddr = c->vaddr;
		e.daddr = c->raddr;
		if (!w->started) {
			uvs_sync_begin(s->buf, cfg->syncid);
			w->started = 1;
		}
		if (uvs_sync_add(s->buf, cfg->maxlen, &e) < 0) {
			send_msg(w);
			uvs_sync_begin(s->buf, cfg->syncid);
			w->started = 1;
			(void)uvs_sync_add(s->buf, cfg->maxlen, &e);
		}
	}
	return 0;
}

void
uvs_syncd_master_tick(struct uvs_director *d, uint32_t now)
{
	struct walk w = { .d = d, .s = &d->syncd };

	(void)now;
	if (d->syncd.d[UVS_SYNC_MASTER].fd < 0)
		return;
	(void)uvs_dir_conns(d, walk_conns, &w);
	send_msg(&w);
}

/* --- backup ---------------------------------------------------------- */

/* A batch of entries for every worker's table (workers.h's log). */
struct sync_entry {
	struct uvs_wlog		 e;
	uint32_t		 now;
	unsigned		 n;
	struct uvs_sync_conn	 c[UVS_SYNC_CONNS_MAX];
};

/*
 * In a worker, on its own table; what became of each entry is counted
 * in its stats, which --counters sums. Always 0: a flow refused is no
 * table diverging from the master's (uvs_workers_diverged).
 */
static int
sync_entry_apply(struct uvs_fwd *fw, const struct uvs_wlog *e)
{
	const struct sync_entry *s = (const struct sync_entry *)e;
	unsigned i;

	for (i = 0; i < s->n; i++) {
		switch (uvs_syncin_apply(fw, &s->c[i], s->now)) {
		case UVS_SYNCIN_NEW: fw->stats.sync_new++; break;
		case UVS_SYNCIN_UPDATED: fw->stats.sync_updated++; break;
		/* the master's table placed it: only a full slice refuses */
		case UVS_SYNCIN_NO_DEST:
		case UVS_SYNCIN_REFUSED: fw->stats.sync_refused++; break;
		}
	}	return 0;
}

static void
sync_entry_free(struct uvs_wlog *e)
{
	free(e);
}

struct rx {
	struct uvs_director	*d;
	struct sync_entry	*batch;		/* what the workers get */
	uint32_t		 now;
};

static void
rx_conn(void *arg, const struct uvs_sync_conn *c)
{
	struct rx *rx = arg;
	struct uvs_sync_stats *st = &rx->d->syncd.st;

	st->rx_conns++;
	/* what the control thread's table cannot place, no worker can */
	if (!uvs_syncin_dest(&rx->d->fw.svcs, c)) {
		st->rx_no_dest++;
		return;
	}
	rx->batch->c[rx->batch->n++] = *c;
}

void
uvs_syncd_backup_input(struct uvs_director *d, uint32_t now)
{
	struct uvs_syncd *s = &d->syncd;
	const struct uvs_sync_cfg *cfg = &s->d[UVS_SYNC_BACKUP].cfg;
	struct rx rx = { .d = d, .now = now };
	enum uvs_sync_err e;
	unsigned n;
	ssize_t len;
	int k;

	/* bounded: a flood cannot keep the control thread from its socket,
	   rtnetlink and health checks */
	for (k = 0; k < 64 && s->d[UVS_SYNC_BACKUP].fd >= 0; k++) {
		len = recv(s->d[UVS_SYNC_BACKUP].fd, s->buf,
		    UVS_SYNC_MAXLEN_MAX, MSG_DONTWAIT);
		if (len < 0)
			return;
		s->st.rx_msgs++;
		if (!(rx.batch = calloc(1, sizeof(*rx.batch))))
			return;
		if ((e = uvs_sync_parse(s->buf, (size_t)len, cfg->syncid,
		    rx_conn, &rx, &n)) != UVS_SYNC_OK)
			s->st.rx_bad[e]++;
		if (!rx.batch->n) {
			free(rx.batch);
		} else {
			rx.batch->now = now;
			rx.batch->e.apply = sync_entry_apply;
			rx.batch->e.free_fn = sync_entry_free;
			uvs_workers_publish(&d->workers, &rx.batch->e);
			s->st.rx_queued += rx.batch->n;
		}
		rx.batch = NULL;
	}
}
