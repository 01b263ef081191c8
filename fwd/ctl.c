/*
 * The control socket. Requests are handled one at a time in the packet
 * loop's thread, so a request never races the forwarding path; a slow
 * or silent client is cut off after a short timeout so forwarding does
 * not stall behind it. Every request is validated whole before anything
 * changes, so a bad request changes nothing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "ctl.h"
#include "ctlmsg.h"

#define CTL_TIMEOUT_MS	500

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

/* Reads the service key (proto vip vport) every request names. */
static int
get_svc_key(const struct uvs_ctl_msg *m, uint8_t *proto, uint32_t *addr,
    uint16_t *port)
{
	uint32_t p;

	if (uvs_ctl_get_proto(m, "proto", proto) < 0 ||
	    uvs_ctl_get_addr(m, "vip", addr) < 0 ||
	    uvs_ctl_get_u32(m, "vport", 65535, &p) < 0)
		return -EINVAL;
	*port = htons((uint16_t)p);
	return 0;
}

/* Optional u32: absent keeps *out as it is. */
static int
get_opt_u32(const struct uvs_ctl_msg *m, const char *key, uint32_t max,
    uint32_t *out)
{
	int rc = uvs_ctl_get_u32(m, key, max, out);

	return rc == -ENOENT ? 0 : rc;
}

static int
get_svc_conf(const struct uvs_ctl_msg *m, struct uvs_svc_conf *c)
{
	const char *sched = uvs_ctl_get(m, "sched");
	int rc;

	memset(c, 0, sizeof(*c));
	c->netmask = 0xffffffff;
	if (get_svc_key(m, &c->proto, &c->addr, &c->port) < 0)
		return -EINVAL;
	if (!sched || strlen(sched) >= sizeof(c->sched))
		return -EINVAL;
	strcpy(c->sched, sched);
	if (get_opt_u32(m, "flags", UINT32_MAX, &c->flags) < 0 ||
	    get_opt_u32(m, "timeout", 86400 * 31, &c->timeout) < 0)
		return -EINVAL;
	rc = uvs_ctl_get_addr(m, "netmask", &c->netmask);
	if (rc == -EINVAL)
		return rc;
	/* ipvsadm's -p without a value (IPVS_SVC_PERSISTENT_TIMEOUT) */
	if ((c->flags & UVS_SVC_F_PERSISTENT) && c->timeout == 0)
		c->timeout = 6 * 60;
	/* port 0 means "every port", which only a persistent service can */
	if (c->port == 0 && !(c->flags & UVS_SVC_F_PERSISTENT))
		return -EINVAL;
	return 0;
}

static int
get_dest_conf(const struct uvs_ctl_msg *m, struct uvs_dest_conf *c)
{
	uint32_t port, weight = 1;

	memset(c, 0, sizeof(*c));
	if (uvs_ctl_get_addr(m, "rip", &c->addr) < 0 ||
	    uvs_ctl_get_u32(m, "rport", 65535, &port) < 0 ||
	    get_opt_u32(m, "weight", 65535, &weight) < 0 ||
	    get_opt_u32(m, "uthr", INT32_MAX, &c->u_threshold) < 0 ||
	    get_opt_u32(m, "lthr", INT32_MAX, &c->l_threshold) < 0)
		return -EINVAL;
	c->port = htons((uint16_t)port);
	c->weight = (int)weight;
	return 0;
}

static int
do_service(struct uvs_director *d, const struct uvs_ctl_msg *m, char *err,
    size_t errlen)
{
	struct uvs_svc_conf c;

	if (strcmp(m->verb, "del-service") == 0) {
		if (get_svc_key(m, &c.proto, &c.addr, &c.port) < 0)
			goto bad;
		return uvs_dir_del_service(d, c.proto, c.addr, c.port, err,
		    errlen);
	}
	if (get_svc_conf(m, &c) < 0)
		goto bad;
	if (strcmp(m->verb, "add-service") == 0)
		return uvs_dir_add_service(d, &c, err, errlen);
	return uvs_dir_edit_service(d, &c, err, errlen);
bad:
	snprintf(err, errlen, "malformed %s request", m->verb);
	return -EINVAL;
}

static int
do_dest(struct uvs_director *d, const struct uvs_ctl_msg *m, char *err,
    size_t errlen)
{
	struct uvs_dest_conf c;
	struct uvs_svc *svc;
	uint8_t proto;
	uint32_t addr;
	uint16_t port;

	if (get_svc_key(m, &proto, &addr, &port) < 0 ||
	    get_dest_conf(m, &c) < 0) {
		snprintf(err, errlen, "malformed %s request", m->verb);
		return -EINVAL;
	}
	if (!(svc = uvs_svc_find(&d->fw.svcs, proto, addr, port))) {
		snprintf(err, errlen, "Service not defined");
		return -ESRCH;
	}
	if (strcmp(m->verb, "add-dest") == 0)
		return uvs_dir_add_dest(d, svc, &c, err, errlen);
	if (strcmp(m->verb, "edit-dest") == 0)
		return uvs_dir_edit_dest(d, svc, &c, err, errlen);
	return uvs_dir_del_dest(d, svc, c.addr, c.port, err, errlen);
}

static void
mac_str(const uint8_t *m, char *buf, size_t size)
{
	snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
	    m[3], m[4], m[5]);
}

static void
list_dest(const struct uvs_dest *x, FILE *out)
{
	char a[INET_ADDRSTRLEN], hw[18];

	inet_ntop(AF_INET, &x->addr, a, sizeof(a));
	if (x->flags & UVS_DEST_F_NOHWADDR)
		snprintf(hw, sizeof(hw), "none");
	else
		mac_str(x->hwaddr, hw, sizeof(hw));
	fprintf(out, "dest rip=%s rport=%u fwd=route weight=%d active=%u "
	    "inactive=%u persist=%u uthr=%u lthr=%u conns=%llu inpkts=%llu "
	    "inbytes=%llu hw=%s\n", a, ntohs(x->port), x->weight,
	    x->activeconns, x->inactconns, x->persistconns, x->u_threshold,
	    x->l_threshold, (unsigned long long)x->conns,
	    (unsigned long long)x->inpkts, (unsigned long long)x->inbytes, hw);
}

static void
do_list(struct uvs_director *d, FILE *out)
{
	const struct uvs_svc_table *t = &d->fw.svcs;
	char a[INET_ADDRSTRLEN], mask[INET_ADDRSTRLEN];
	unsigned i, k;

	/* IPVS reports its connection hash size; ours is the bucket count */
	fprintf(out, "info version=1.2.1 size=%u conns=%u\n",
	    d->fw.conns.nbuckets, d->fw.conns.count);
	for (i = 0; i < t->nsvcs; i++) {
		const struct uvs_svc *s = t->svcs[i];

		inet_ntop(AF_INET, &s->addr, a, sizeof(a));
		inet_ntop(AF_INET, &s->netmask, mask, sizeof(mask));
		fprintf(out, "svc proto=%s vip=%s vport=%u sched=%s flags=%u "
		    "timeout=%u netmask=%s conns=%llu inpkts=%llu "
		    "inbytes=%llu\n", s->proto == IPPROTO_TCP ? "tcp" : "udp",
		    a, ntohs(s->port), s->sched->name, s->flags, s->timeout,
		    mask, (unsigned long long)s->conns,
		    (unsigned long long)s->inpkts,
		    (unsigned long long)s->inbytes);
		for (k = 0; k < s->ndests; k++)
			list_dest(s->dests[k], out);
	}
}

/* -L -c: flows and templates, seconds left by the table's clock. */
static void
do_conns(struct uvs_director *d, FILE *out)
{
	const struct uvs_conn_table *t = &d->fw.conns;
	char ca[INET_ADDRSTRLEN], va[INET_ADDRSTRLEN], ra[INET_ADDRSTRLEN];
	uint32_t i;

	for (i = 0; i < t->capacity; i++) {
		const struct uvs_conn *c = &t->conns[i];
		int32_t left;

		if (!uvs_conn_live(t, i))
			continue;
		left = (int32_t)(c->expires - t->clock);
		inet_ntop(AF_INET, &c->caddr, ca, sizeof(ca));
		inet_ntop(AF_INET, &c->vaddr, va, sizeof(va));
		inet_ntop(AF_INET, &c->dest->addr, ra, sizeof(ra));
		fprintf(out, "conn proto=%s cip=%s cport=%u vip=%s vport=%u "
		    "rip=%s rport=%u state=%s expires=%d\n",
		    c->proto == IPPROTO_TCP ? "tcp" : "udp", ca,
		    ntohs(c->cport), va, ntohs(c->vport), ra,
		    (c->flags & UVS_CONN_F_TEMPLATE) ? 0 :
		    ntohs(c->dest->port),
		    uvs_conn_state_name(c->proto, c->state),
		    left > 0 ? left : 0);
	}
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

/* --set tcp tcpfin udp; 0 keeps a value (ip_vs_set_timeout). */
static int
do_set_timeout(struct uvs_director *d, const struct uvs_ctl_msg *m,
    char *err, size_t errlen)
{
	struct uvs_timeouts *to = &d->fw.conns.timeouts;
	uint32_t tcp, fin, udp;
	const uint32_t max = 86400 * 31;

	if (uvs_ctl_get_u32(m, "tcp", max, &tcp) < 0 ||
	    uvs_ctl_get_u32(m, "tcpfin", max, &fin) < 0 ||
	    uvs_ctl_get_u32(m, "udp", max, &udp) < 0) {
		snprintf(err, errlen, "malformed set-timeout request");
		return -EINVAL;
	}
	if (tcp)
		to->t[UVS_TCP_ESTABLISHED] = tcp;
	if (fin)
		to->t[UVS_TCP_FIN_WAIT] = fin;
	if (udp)
		to->t[UVS_UDP_NORMAL] = udp;
	return 0;
}

static void
zero_svc(struct uvs_svc *s)
{
	unsigned k;

	s->conns = s->inpkts = s->inbytes = 0;
	for (k = 0; k < s->ndests; k++)
		s->dests[k]->conns = s->dests[k]->inpkts =
		    s->dests[k]->inbytes = 0;
}

/* -Z [service]: zero the packet and connection counters. */
static int
do_zero(struct uvs_director *d, const struct uvs_ctl_msg *m, char *err,
    size_t errlen)
{
	struct uvs_svc_table *t = &d->fw.svcs;
	struct uvs_svc *svc;
	uint8_t proto;
	uint32_t addr;
	uint16_t port;
	unsigned i;

	if (!uvs_ctl_get(m, "proto")) {
		for (i = 0; i < t->nsvcs; i++)
			zero_svc(t->svcs[i]);
		return 0;
	}
	if (get_svc_key(m, &proto, &addr, &port) < 0) {
		snprintf(err, errlen, "malformed zero request");
		return -EINVAL;
	}
	if (!(svc = uvs_svc_find(t, proto, addr, port))) {
		snprintf(err, errlen, "No such service");
		return -ESRCH;
	}
	zero_svc(svc);
	return 0;
}

static void
do_counters(struct uvs_director *d, FILE *out)
{
	const struct uvs_fwd_stats *st = &d->fw.stats;
	const struct {
		const char	*name;
		uint64_t	 value;
	} c[] = {
		{ "rx_frames", st->rx_frames },
		{ "fwd_frames", st->fwd_frames },
		{ "fwd_bytes", st->fwd_bytes },
		{ "arp_replies", st->arp_replies },
		{ "arp_ignored", st->arp_ignored },
		{ "conns_new", st->conns_new },
		{ "conns_reused", st->conns_reused },
		{ "conns_reclaimed", d->fw.conns.reclaimed },
		{ "conns", d->fw.conns.count },
		{ "dests_unresolved", uvs_dir_unresolved(d) },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		fprintf(out, "counter %s=%llu\n", c[i].name,
		    (unsigned long long)c[i].value);
	for (i = 1; i < UVS_DROP_MAX; i++)
		fprintf(out, "counter drop_%s=%llu\n",
		    uvs_drop_name((enum uvs_drop)i),
		    (unsigned long long)st->drops[i]);
}

void
uvs_ctl_handle(struct uvs_director *d, char *line, FILE *out)
{
	struct uvs_ctl_msg m;
	char err[256] = "";
	int rc = 0;

	if (uvs_ctl_parse(line, &m) < 0) {
		reply_error(out, -EINVAL, "malformed request");
		return;
	}
	if (strcmp(m.verb, "add-service") == 0 ||
	    strcmp(m.verb, "edit-service") == 0 ||
	    strcmp(m.verb, "del-service") == 0)
		rc = do_service(d, &m, err, sizeof(err));
	else if (strcmp(m.verb, "add-dest") == 0 ||
	    strcmp(m.verb, "edit-dest") == 0 ||
	    strcmp(m.verb, "del-dest") == 0)
		rc = do_dest(d, &m, err, sizeof(err));
	else if (strcmp(m.verb, "clear") == 0)
		uvs_dir_clear(d);
	else if (strcmp(m.verb, "list") == 0)
		do_list(d, out);
	else if (strcmp(m.verb, "counters") == 0)
		do_counters(d, out);
	else if (strcmp(m.verb, "conns") == 0)
		do_conns(d, out);
	else if (strcmp(m.verb, "timeout") == 0)
		do_timeout(d, out);
	else if (strcmp(m.verb, "set-timeout") == 0)
		rc = do_set_timeout(d, &m, err, sizeof(err));
	else if (strcmp(m.verb, "zero") == 0)
		rc = do_zero(d, &m, err, sizeof(err));
	else {
		rc = -EOPNOTSUPP;
		snprintf(err, sizeof(err), "unknown request '%s'", m.verb);
	}
	if (rc < 0)
		reply_error(out, rc, err);
	else
		fputs("ok\n", out);
}

/* Reads one line from a client within the timeout; 0 or -1. */
static int
read_request(int fd, char *buf, size_t size)
{
	size_t off = 0;
	ssize_t n;

	while (off + 1 < size) {
		n = read(fd, buf + off, size - 1 - off);
		if (n <= 0)
			break;
		off += (size_t)n;
		if (memchr(buf, '\n', off))
			break;
	}
	buf[off] = '\0';
	return off > 0 && memchr(buf, '\n', off) ? 0 : -1;
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
	char line[UVS_CTL_LINE_MAX];
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
	if (read_request(fd, line, sizeof(line)) < 0)
		reply_error(out, -EINVAL, "request line missing or too long");
	else if (!peer_is_root(fd))
		reply_error(out, -EPERM, "Permission denied (you must be root)");
	else
		uvs_ctl_handle(d, line, out);
	fclose(out);
}
