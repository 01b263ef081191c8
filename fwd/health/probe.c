/*
 * Health probes (probe.h). Each kind is a small state machine driven by
 * poll: tcp is CONNECTING until the socket is writable; http then sends
 * its GET (SENDING) and reads the answer (READING); ssl does the same
 * after a TLS handshake (HANDSHAKE), every read and write going through
 * OpenSSL, which says which of POLLIN or POLLOUT it waits for. The
 * server's certificate is not verified: keepalived's SSL_GET checks that
 * the service answers, not who it is. smtp reads the greeting (220),
 * sends HELO, reads its 250 and sends QUIT (SENDING and READING in
 * turn). udp sends its datagram at once and passes unless an ICMP error
 * comes back before the timeout (or, with reply, unless an answer
 * does); ping sends one ICMP echo on a raw socket and waits for its
 * reply. For http, the status line
 * first, then, only if a digest or a text is expected, the body, fed to
 * MD5 and searched as it comes (the last bytes of each read are kept so
 * the text is found across reads); cmd watches the child's output pipe
 * and collects the child with waitpid(WNOHANG) on every step. Every
 * probe has a deadline; a child past it is killed with its process group.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/icmp6.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "fwd/health/probe.h"
#include "sched/inaddr_str.h"

extern char **environ;

#define HTTP_USER_AGENT	"uvsd-check"

static void
finish(struct uvs_probe *p, int ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void	tls_start(struct uvs_probe *p);
static void	handshake(struct uvs_probe *p);

/* Frees the TLS session and the digest, if any. */
static void
tls_free(struct uvs_probe *p)
{
	SSL_free(p->tls);
	SSL_CTX_free(p->tls_ctx);
	p->tls = p->tls_ctx = NULL;
	uvs_digest_free(&p->md5);
}

static void
close_fd(struct uvs_probe *p)
{
	tls_free(p);
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

/* Records the result and frees the socket or pipe. */
static void
finish(struct uvs_probe *p, int ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
	p->ok = ok;
	close_fd(p);
	p->state = UVS_PROBE_IDLE;
}

void
uvs_probe_init(struct uvs_probe *p)
{
	memset(p, 0, sizeof(*p));
	p->fd = -1;
}

/* t's family: AF_INET6, or AF_INET for anything else (probe.h). */
static int
fam(const struct uvs_probe_target *t)
{
	return t->af == AF_INET6 ? AF_INET6 : AF_INET;
}

/*
 * A non-blocking socket of type (SOCK_STREAM, SOCK_DGRAM, SOCK_RAW) and
 * protocol from t->src on t->ifname, connecting to t. 0, or 1 when the
 * probe is done (a local error).
 */
static int
sock_open(struct uvs_probe *p, const struct uvs_probe_target *t, int type,
    int proto)
{
	static const union uvs_inaddr any;
	int v6 = fam(t) == AF_INET6, one = 1;
	union {
		struct sockaddr		 sa;
		struct sockaddr_in	 in;
		struct sockaddr_in6	 in6;
	} src = { 0 }, dst = { 0 };
	socklen_t len = v6 ? sizeof(src.in6) : sizeof(src.in);
	char a[UVS_INADDR_STRLEN];

	if (v6) {
		src.in6 = (struct sockaddr_in6){ .sin6_family = AF_INET6,
		    .sin6_addr = t->src.in6 };
		dst.in6 = (struct sockaddr_in6){ .sin6_family = AF_INET6,
		    .sin6_addr = t->rip.in6, .sin6_port = htons(t->port) };
	} else {
		src.in = (struct sockaddr_in){ .sin_family = AF_INET,
		    .sin_addr = t->src.in };
		dst.in = (struct sockaddr_in){ .sin_family = AF_INET,
		    .sin_addr = t->rip.in, .sin_port = htons(t->port) };
	}
	if ((p->fd = socket(v6 ? AF_INET6 : AF_INET, type | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, proto)) < 0) {
		finish(p, 0, "socket: %s", strerror(errno));
		return 1;
	}
	/* udp: an ICMP error comes back as the socket's error */
	if (type == SOCK_DGRAM)
		(void)setsockopt(p->fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
		    v6 ? IPV6_RECVERR : IP_RECVERR, &one, sizeof(one));
	if (t->ifname && setsockopt(p->fd, SOL_SOCKET, SO_BINDTODEVICE,
	    t->ifname, (socklen_t)strlen(t->ifname) + 1) < 0) {
		finish(p, 0, "bind to %s: %s", t->ifname, strerror(errno));
		return 1;
	}
	/* the port is chosen at connect, by the whole 4-tuple (an IP-level
	   option that v6 sockets take too) */
	(void)setsockopt(p->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
	    sizeof(one));
	if (!uvs_inaddr_eq(&t->src, &any) && bind(p->fd, &src.sa, len) < 0) {
		finish(p, 0, "bind to %s: %s", uvs_inaddr_str(fam(t), &t->src,
		    a, sizeof(a)), strerror(errno));
		return 1;
	}
	p->state = UVS_PROBE_CONNECTING;
	if (connect(p->fd, &dst.sa, len) == 0 || errno == EINPROGRESS)
		return 0;
	finish(p, 0, "connect: %s", strerror(errno));
	return 1;
}

static int
tcp_open(struct uvs_probe *p, const struct uvs_probe_target *t)
{
	return sock_open(p, t, SOCK_STREAM, 0);
}

/* Hex digits (checked by checkconf) into bytes; their count. */
static size_t
unhex(const char *hex, uint8_t *out, size_t size)
{
	size_t n = 0;
	unsigned v;

	for (; hex[0] && hex[1] && n < size; hex += 2) {
		if (sscanf(hex, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
	}
	return n;
}

/* udp: the datagram goes at once; then an answer or an error is awaited. */
static int
udp_start(struct uvs_probe *p, const struct uvs_check_conf *c,
    const struct uvs_probe_target *t)
{
	uint8_t buf[UVS_CHECK_PAYLOAD_MAX / 2] = { 0 };
	size_t len = c->payload[0] ? unhex(c->payload, buf, sizeof(buf)) :
	    UVS_CHECK_UDP_DEFAULT_LEN;

	if (sock_open(p, t, SOCK_DGRAM, IPPROTO_UDP))
		return 1;
	if (send(p->fd, buf, len, 0) < 0) {
		finish(p, 0, "send: %s", strerror(errno));
		return 1;
	}
	p->state = UVS_PROBE_READING;
	return 0;
}

/* The Internet checksum (RFC 1071) of an ICMP message. */
static uint16_t
inet_csum(const void *data, size_t len)
{
	const uint8_t *b = data;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)(b[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/*
 * ping: one echo request on a raw socket bound like every probe. An
 * ICMPv6 one goes without a checksum: the kernel fills it in for every
 * raw ICMPv6 socket (RFC 3542, 3.1), as it needs the addresses.
 */
static int
ping_start(struct uvs_probe *p, const struct uvs_probe_target *t)
{
	struct icmphdr echo = { .type = ICMP_ECHO };
	struct icmp6_hdr echo6 = { .icmp6_type = ICMP6_ECHO_REQUEST };
	struct uvs_probe_target raw = *t;
	int v6 = fam(t) == AF_INET6;
	ssize_t n;

	raw.port = 0;
	if (sock_open(p, &raw, SOCK_RAW, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP))
		return 1;
	/* the probe's address tells concurrent pings apart */
	p->echo_id = (uint16_t)(getpid() ^ ((uintptr_t)p >> 4));
	p->echo_seq = (uint16_t)(p->deadline_ms & 0xffff);
	p->echo_v6 = v6;
	if (v6) {
		echo6.icmp6_id = htons(p->echo_id);
		echo6.icmp6_seq = htons(p->echo_seq);
		n = send(p->fd, &echo6, sizeof(echo6), 0);
	} else {
		echo.un.echo.id = htons(p->echo_id);
		echo.un.echo.sequence = htons(p->echo_seq);
		echo.checksum = inet_csum(&echo, sizeof(echo));
		n = send(p->fd, &echo, sizeof(echo), 0);
	}
	if (n < 0) {
		finish(p, 0, "send: %s", strerror(errno));
		return 1;
	}
	p->state = UVS_PROBE_READING;
	return 0;
}

/* The current url's path, digest and status list. */
static const char *
url_path(const struct uvs_probe *p)
{
	return p->url ? p->conf->more[p->url - 1].path : p->conf->path;
}

static const char *
url_digest(const struct uvs_probe *p)
{
	return p->url ? p->conf->more[p->url - 1].digest : p->conf->digest;
}

static const char *
url_status(const struct uvs_probe *p)
{
	return p->url ? p->conf->more[p->url - 1].status : p->conf->status;
}

/* The expected text is the first url's only. */
static const char *
url_expect(const struct uvs_probe *p)
{
	return p->url ? "" : p->conf->expect;
}

static int
http_request(struct uvs_probe *p, const struct uvs_probe_target *t)
{
	char a[UVS_INADDR_PORT_STRLEN];

	/* Host: [v6]:port, the way a URL writes it (RFC 3986, 3.2.2) */
	uvs_inaddr_port_str(fam(t), &t->rip, t->port, a, sizeof(a));
	/* HTTP/1.0 as keepalived sends it: the server closes when done */
	p->req_len = (size_t)snprintf(p->req, sizeof(p->req),
	    "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: "
	    HTTP_USER_AGENT "\r\nConnection: close\r\n\r\n", url_path(p),
	    p->conf->host[0] ? p->conf->host : a);
	p->req_off = 0;
	p->content_length = -1;
	p->status = 0;
	p->head_len = 0;
	p->body_len = 0;
	p->found = 0;
	p->tail_len = 0;
	if (url_digest(p)[0] && uvs_digest_start(&p->md5) < 0) {
		finish(p, 0, "cannot start the digest: out of memory");
		return 1;
	}
	return 0;
}

/* Environment of a command: uvsd's, and which server it checks. */
static char **
cmd_env(const struct uvs_probe_target *t, char vars[5][UVS_PROBE_VAR_MAX])
{
	char a[UVS_INADDR_STRLEN], v[UVS_INADDR_STRLEN];
	size_t n = 0, i;
	char **env;

	while (environ && environ[n])
		n++;
	if (!(env = calloc(n + 6, sizeof(*env))))
		return NULL;
	for (i = 0; i < n; i++)
		env[i] = environ[i];
	uvs_inaddr_str(fam(t), &t->rip, a, sizeof(a));
	uvs_inaddr_str(fam(t), &t->vip, v, sizeof(v));
	snprintf(vars[0], UVS_PROBE_VAR_MAX, "UVS_RIP=%s", a);
	snprintf(vars[1], UVS_PROBE_VAR_MAX, "UVS_RPORT=%u", t->port);
	snprintf(vars[2], UVS_PROBE_VAR_MAX, "UVS_VIP=%s", v);
	snprintf(vars[3], UVS_PROBE_VAR_MAX, "UVS_VPORT=%u", t->vport);
	snprintf(vars[4], UVS_PROBE_VAR_MAX, "UVS_PROTO=%s", t->proto == IPPROTO_UDP ?
	    "udp" : "tcp");
	for (i = 0; i < 5; i++)
		env[n + i] = vars[i];
	return env;
}

/* The spawn's settings: own process group, default signals, fds (wfd:
   where its output goes; -1: uvsd's own). */
static int
cmd_attrs(posix_spawnattr_t *at, posix_spawn_file_actions_t *fa, int wfd)
{
	sigset_t none, dfl;

	sigemptyset(&none);
	sigemptyset(&dfl);
	/* uvsd ignores SIGPIPE, and an ignored signal survives exec */
	sigaddset(&dfl, SIGPIPE);
	if (posix_spawnattr_init(at) != 0)
		return -1;
	if (posix_spawn_file_actions_init(fa) != 0) {
		posix_spawnattr_destroy(at);
		return -1;
	}
	posix_spawnattr_setflags(at, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setpgroup(at, 0);
	posix_spawnattr_setsigmask(at, &none);
	posix_spawnattr_setsigdefault(at, &dfl);
	posix_spawn_file_actions_addopen(fa, 0, "/dev/null", O_RDONLY, 0);
	if (wfd >= 0) {
		posix_spawn_file_actions_adddup2(fa, wfd, 1);
		posix_spawn_file_actions_adddup2(fa, wfd, 2);
	}
#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 34)
	posix_spawn_file_actions_addclosefrom_np(fa, 3);
#endif
	return 0;
}

static int
cmd_start(struct uvs_probe *p, const struct uvs_check_conf *c,
    const struct uvs_probe_target *t)
{
	char *argv[] = { "sh", "-c", (char *)c->cmd, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	char vars[5][UVS_PROBE_VAR_MAX], **env;
	int pfd[2], rc;

	if (pipe2(pfd, O_CLOEXEC | O_NONBLOCK) < 0) {
		finish(p, 0, "pipe: %s", strerror(errno));
		return 1;
	}
	if (!(env = cmd_env(t, vars)) || cmd_attrs(&at, &fa, pfd[1]) < 0) {
		free(env);
		close(pfd[0]);
		close(pfd[1]);
		finish(p, 0, "cannot run the command: out of memory");
		return 1;
	}
	rc = posix_spawn(&p->pid, "/bin/sh", &fa, &at, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	free(env);
	close(pfd[1]);
	p->fd = pfd[0];
	if (rc != 0) {
		p->pid = 0;
		finish(p, 0, "cannot run /bin/sh: %s", strerror(rc));
		return 1;
	}
	p->out_len = 0;
	p->state = UVS_PROBE_RUNNING;
	return 0;
}

pid_t
uvs_probe_script(const char *cmd)
{
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	pid_t pid;
	int rc;

	if (cmd_attrs(&at, &fa, -1) < 0)
		return -ENOMEM;
	rc = posix_spawn(&pid, "/bin/sh", &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return rc ? -rc : pid;
}

int
uvs_probe_start(struct uvs_probe *p, const struct uvs_check_conf *c,
    const struct uvs_probe_target *t, uint64_t now_ms)
{
	uvs_probe_init(p);
	p->type = c->type;
	p->conf = c;
	p->timeout_ms = uvs_check_timeout(c);
	p->now_ms = now_ms;
	p->deadline_ms = now_ms + p->timeout_ms;
	switch (c->type) {
	case UVS_CHECK_TCP:
		return tcp_open(p, t);
	case UVS_CHECK_HTTP:
	case UVS_CHECK_SSL:
		p->target = *t;
		return http_request(p, t) || tcp_open(p, t);
	case UVS_CHECK_SMTP:
		p->head_len = 0;
		return tcp_open(p, t);
	case UVS_CHECK_UDP:
		return udp_start(p, c, t);
	case UVS_CHECK_PING:
		return ping_start(p, t);
	case UVS_CHECK_CMD:
		return cmd_start(p, c, t);
	}
	finish(p, 1, "no check");
	return 1;
}

short
uvs_probe_events(const struct uvs_probe *p)
{
	switch (p->state) {
	case UVS_PROBE_HANDSHAKE:
		return p->tls_want;
	case UVS_PROBE_CONNECTING:
		return POLLOUT;
	case UVS_PROBE_SENDING:
		return p->tls ? p->tls_want : POLLOUT;
	case UVS_PROBE_READING:
		return p->tls ? p->tls_want : POLLIN;
	case UVS_PROBE_RUNNING:
		return p->fd >= 0 ? POLLIN : 0;
	}
	return 0;
}

int
uvs_probe_busy(const struct uvs_probe *p)
{
	return p->state != UVS_PROBE_IDLE;
}

/* The socket is writable: connected, or refused. */
static void
connected(struct uvs_probe *p)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err)
		finish(p, 0, "connect: %s", strerror(err));
	else if (p->type == UVS_CHECK_TCP)
		finish(p, 1, "connected");
	else if (p->type == UVS_CHECK_SSL)
		tls_start(p);
	else if (p->type == UVS_CHECK_SMTP)
		p->state = UVS_PROBE_READING;	/* the greeting first */
	else
		p->state = UVS_PROBE_SENDING;
}

/*
 * What an OpenSSL call that returned rc left to do: -1 with errno
 * EAGAIN (tls_want set) when it waits for the socket, 0 at the end of
 * the stream, else -1 with p->why's text in buf.
 */
static ssize_t
tls_result(struct uvs_probe *p, int rc, char *buf, size_t size)
{
	int e = SSL_get_error(p->tls, rc);
	unsigned long q;

	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		p->tls_want = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		errno = EAGAIN;
		return -1;
	}
	if (e == SSL_ERROR_ZERO_RETURN)
		return 0;
	if (e == SSL_ERROR_SYSCALL && errno)
		snprintf(buf, size, "%s", strerror(errno));
	else if ((q = ERR_get_error()))
		snprintf(buf, size, "TLS: %s", ERR_reason_error_string(q) ?
		    ERR_reason_error_string(q) : "error");
	else
		snprintf(buf, size, "TLS: connection closed");
	ERR_clear_error();
	errno = EPROTO;
	return -1;
}

/* Connected: a TLS client on the socket, its handshake begun. */
static void
tls_start(struct uvs_probe *p)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	p->tls_ctx = ctx;
	if (!ctx || !(p->tls = SSL_new(ctx)) || SSL_set_fd(p->tls, p->fd) != 1) {
		ERR_clear_error();
		finish(p, 0, "TLS: cannot set up a session");
		return;
	}
	/* a server that closes without close_notify still ends the body */
	SSL_set_options(p->tls, SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_set_verify(p->tls, SSL_VERIFY_NONE, NULL);
	/* a virtualhost is the name the server is asked for (SNI) too */
	if (p->conf->host[0])
		(void)SSL_set_tlsext_host_name(p->tls, p->conf->host);
	p->state = UVS_PROBE_HANDSHAKE;
	p->tls_want = POLLOUT;
	handshake(p);
}

static void
handshake(struct uvs_probe *p)
{
	char why[UVS_PROBE_WHY_MAX];
	int rc = SSL_connect(p->tls);

	if (rc == 1) {
		p->state = UVS_PROBE_SENDING;
		p->tls_want = POLLOUT;
		return;
	}
	if (tls_result(p, rc, why, sizeof(why)) < 0 && errno == EAGAIN)
		return;
	finish(p, 0, "TLS handshake: %s", errno == EPROTO ? why :
	    "closed by the server");
}

/* send() or SSL_write(): bytes sent, or -1 with errno (EAGAIN: wait). */
static ssize_t
xsend(struct uvs_probe *p, const char *buf, size_t len, char *why,
    size_t whylen)
{
	int rc;

	if (!p->tls)
		return send(p->fd, buf, len, MSG_NOSIGNAL);
	if ((rc = SSL_write(p->tls, buf, (int)len)) > 0)
		return rc;
	if (tls_result(p, rc, why, whylen) == 0)
		errno = EPIPE;
	return -1;
}

/* recv() or SSL_read(): bytes, 0 at the end, -1 with errno. */
static ssize_t
xrecv(struct uvs_probe *p, char *buf, size_t len, char *why, size_t whylen)
{
	int rc;

	if (!p->tls)
		return recv(p->fd, buf, len, 0);
	if ((rc = SSL_read(p->tls, buf, (int)len)) > 0)
		return rc;
	return tls_result(p, rc, why, whylen);
}

static void
send_request(struct uvs_probe *p)
{
	char why[UVS_PROBE_WHY_MAX] = "";
	ssize_t n = xsend(p, p->req + p->req_off, p->req_len - p->req_off,
	    why, sizeof(why));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		finish(p, 0, "send: %s", why[0] ? why : strerror(errno));
		return;
	}
	p->req_off += (size_t)n;
	if (p->req_off < p->req_len)
		return;
	if (p->type == UVS_CHECK_SMTP && p->smtp_replies == 2)
		finish(p, 1, "SMTP 250 to HELO");	/* QUIT is sent */
	else {
		p->state = UVS_PROBE_READING;
		p->tls_want = POLLIN;
	}
}

/* A url failed: the check did. With several, the result names it. */
static void __attribute__((format(printf, 2, 3)))
url_fail(struct uvs_probe *p, const char *fmt, ...)
{
	char why[UVS_PROBE_WHY_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (p->conf->nmore)
		finish(p, 0, "%.40s: %s", url_path(p), why);
	else
		finish(p, 0, "%s", why);
}

/*
 * A url passed: the next one gets its own connection, with a full
 * timeout of its own as keepalived gives each; after the last, the
 * check passed.
 */
static void
url_passed(struct uvs_probe *p)
{
	int status = p->status;

	if (p->url >= p->conf->nmore) {
		if (p->conf->nmore)
			finish(p, 1, "HTTP %d on %u urls", status,
			    p->conf->nmore + 1);
		else
			finish(p, 1, "HTTP %d", status);
		return;
	}
	close_fd(p);
	p->url++;
	p->deadline_ms = p->now_ms + p->timeout_ms;
	if (http_request(p, &p->target) == 0)
		(void)tcp_open(p, &p->target);
}

/* Does the body need reading at all? */
static int
wants_body(const struct uvs_probe *p)
{
	return url_digest(p)[0] || url_expect(p)[0];
}

/* Feeds body bytes to the digest and the text search. */
static void
body_bytes(struct uvs_probe *p, const char *data, size_t len)
{
	const char *want = url_expect(p);
	size_t wlen = strlen(want), keep;
	char win[sizeof(p->tail) + 4096];

	p->body_len += len;
	if (url_digest(p)[0])
		uvs_digest_update(&p->md5, data, len);
	if (!wlen || p->found)
		return;
	while (len) {		/* the window: the kept tail, then new bytes */
		size_t take = len < 4096 ? len : 4096;

		memcpy(win, p->tail, p->tail_len);
		memcpy(win + p->tail_len, data, take);
		if (memmem(win, p->tail_len + take, want, wlen)) {
			p->found = 1;
			return;
		}
		keep = p->tail_len + take < wlen - 1 ? p->tail_len + take :
		    wlen - 1;
		memmove(p->tail, win + p->tail_len + take - keep, keep);
		p->tail_len = keep;
		data += take;
		len -= take;
	}
}

/* The whole body is in: does it match? */
static void
body_done(struct uvs_probe *p)
{
	char got[UVS_DIGEST_HEX];

	if (url_digest(p)[0]) {
		uvs_digest_hex(&p->md5, got);
		if (strcasecmp(got, url_digest(p)) != 0) {
			url_fail(p, "HTTP %d, body MD5 %.8s... is not %.8s...",
			    p->status, got, url_digest(p));
			return;
		}
	}
	if (url_expect(p)[0] && !p->found) {
		finish(p, 0, "HTTP %d, body lacks '%.40s'", p->status,
		    url_expect(p));
		return;
	}
	url_passed(p);
}

static int
status_ok(const struct uvs_probe *p)
{
	return uvs_check_status_match(url_status(p), p->status);
}

/* The header is complete in head[0..end): status, length, then body. */
static void
head_done(struct uvs_probe *p, size_t end)
{
	const char *cl;
	char *line;

	p->head[end - 1] = '\0';
	if (sscanf(p->head, "HTTP/%*u.%*u %d", &p->status) != 1) {
		finish(p, 0, "not an HTTP response");
		return;
	}
	if (!status_ok(p)) {
		if (url_status(p)[0])
			url_fail(p, "HTTP %d, not %.24s", p->status,
			    url_status(p));
		else
			url_fail(p, "HTTP %d, not 2xx", p->status);
		return;
	}
	if (!wants_body(p)) {
		url_passed(p);
		return;
	}
	for (line = strchr(p->head, '\n'); line; line = strchr(line, '\n')) {
		line++;
		if (strncasecmp(line, "Content-Length:", 15) == 0) {
			cl = line + 15;
			p->content_length = strtoll(cl, NULL, 10);
		}
	}
	body_bytes(p, p->head + end, p->head_len - end);
	p->head_len = end;	/* from now on head[] only marks "done" */
}

/* Where the header ends (after its blank line) in head[], or 0. */
static size_t
head_end(const struct uvs_probe *p)
{
	const char *e = memmem(p->head, p->head_len, "\r\n\r\n", 4);

	if (e)
		return (size_t)(e - p->head) + 4;
	e = memmem(p->head, p->head_len, "\n\n", 2);
	return e ? (size_t)(e - p->head) + 2 : 0;
}

static int
body_complete(const struct uvs_probe *p)
{
	return p->content_length >= 0 &&
	    p->body_len >= (uint64_t)p->content_length;
}

static void
read_response(struct uvs_probe *p)
{
	char buf[4096], why[UVS_PROBE_WHY_MAX] = "";
	int in_body = p->status != 0;
	size_t end;
	ssize_t n;

	if (in_body)
		n = xrecv(p, buf, sizeof(buf), why, sizeof(why));
	else
		n = xrecv(p, p->head + p->head_len,
		    sizeof(p->head) - p->head_len, why, sizeof(why));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		finish(p, 0, "read: %s", why[0] ? why : strerror(errno));
		return;
	}
	if (n == 0) {
		if (in_body)
			body_done(p);
		else
			finish(p, 0, "closed before a whole response header");
		return;
	}
	if (in_body) {
		body_bytes(p, buf, (size_t)n);
		if (p->body_len > UVS_PROBE_BODY_MAX)
			finish(p, 0, "HTTP %d, body over %u bytes", p->status,
			    UVS_PROBE_BODY_MAX);
		else if (body_complete(p))
			body_done(p);
		return;
	}
	p->head_len += (size_t)n;
	if ((end = head_end(p)))
		head_done(p, end);
	else if (p->head_len == sizeof(p->head))
		finish(p, 0, "response header over %zu bytes",
		    sizeof(p->head));
	if (p->state == UVS_PROBE_READING && body_complete(p))
		body_done(p);
}

/*
 * smtp: a whole reply is in head[] once a line has a space after its
 * code ("250 ok"; "250-..." lines continue it). Its code, or 0.
 */
static int
smtp_reply_code(const struct uvs_probe *p)
{
	const char *line = p->head, *end = p->head + p->head_len, *nl;

	while ((nl = memchr(line, '\n', (size_t)(end - line)))) {
		if (nl - line >= 4 && line[3] == ' ')
			return atoi(line);
		if (nl - line < 4 || line[3] != '-')
			return -1;
		line = nl + 1;
	}
	return 0;
}

/* The next command after a good reply: HELO, then QUIT. */
static void
smtp_send(struct uvs_probe *p, const char *fmt, const char *arg)
{
	p->req_len = (size_t)snprintf(p->req, sizeof(p->req), fmt, arg);
	p->req_off = 0;
	p->head_len = 0;
	p->state = UVS_PROBE_SENDING;
}

static void
smtp_read(struct uvs_probe *p)
{
	ssize_t n = recv(p->fd, p->head + p->head_len,
	    sizeof(p->head) - 1 - p->head_len, 0);
	int code, want;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		finish(p, 0, "SMTP: %s", n < 0 ? strerror(errno) :
		    "closed before a whole reply");
		return;
	}
	p->head_len += (size_t)n;
	p->head[p->head_len] = '\0';
	if (!(code = smtp_reply_code(p))) {
		if (p->head_len == sizeof(p->head) - 1)
			finish(p, 0, "SMTP: reply over %zu bytes",
			    sizeof(p->head) - 1);
		return;
	}
	want = p->smtp_replies == 0 ? 220 : 250;
	if (code != want) {
		finish(p, 0, "SMTP %d to %s, not %d", code, p->smtp_replies ?
		    "HELO" : "the connection", want);
		return;
	}
	if (++p->smtp_replies == 1)
		smtp_send(p, "HELO %s\r\n", p->conf->helo[0] ? p->conf->helo :
		    UVS_CHECK_HELO_DEFAULT);
	else
		smtp_send(p, "QUIT\r\n%s", "");
}

/* udp: an answer, or the ICMP error the kernel queued as the socket's. */
static void
udp_read(struct uvs_probe *p)
{
	char buf[512];
	ssize_t n = recv(p->fd, buf, sizeof(buf), 0);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n >= 0)
		finish(p, 1, "UDP answer of %zd bytes", n);
	else if (errno == ECONNREFUSED)
		finish(p, 0, "ICMP port unreachable");
	else
		finish(p, 0, "ICMP error: %s", strerror(errno));
}

/*
 * One ICMP message read on the ping socket: 1 when it is our echo's
 * reply, -1 when it says the server is unreachable, else 0. A raw v4
 * socket gives the IP header first; a v6 one gives the ICMPv6 message
 * alone (RFC 3542, 3).
 */
static int
ping_answer(const struct uvs_probe *p, const uint8_t *buf, size_t n)
{
	const struct icmp6_hdr *ic6 = (const void *)buf;
	const struct icmphdr *ic;
	size_t ihl;

	if (p->echo_v6) {
		if (n < sizeof(*ic6))
			return 0;
		if (ic6->icmp6_type == ICMP6_DST_UNREACH)
			return -1;
		return ic6->icmp6_type == ICMP6_ECHO_REPLY &&
		    ntohs(ic6->icmp6_id) == p->echo_id &&
		    ntohs(ic6->icmp6_seq) == p->echo_seq;
	}
	ihl = n ? (size_t)(buf[0] & 0x0f) * 4 : 0;
	if (n < sizeof(struct iphdr) || ihl < sizeof(struct iphdr) ||
	    n < ihl + sizeof(*ic))
		return 0;
	ic = (const struct icmphdr *)(buf + ihl);
	if (ic->type == ICMP_DEST_UNREACH)
		return -1;
	return ic->type == ICMP_ECHOREPLY &&
	    ntohs(ic->un.echo.id) == p->echo_id &&
	    ntohs(ic->un.echo.sequence) == p->echo_seq;
}

/* ping: only our echo's reply counts. */
static void
ping_read(struct uvs_probe *p)
{
	uint8_t buf[1500];
	ssize_t n;
	int r;

	while ((n = recv(p->fd, buf, sizeof(buf), 0)) > 0) {
		if ((r = ping_answer(p, buf, (size_t)n)) > 0) {
			finish(p, 1, "echo reply");
			return;
		}
		if (r < 0) {
			finish(p, 0, "ICMP destination unreachable");
			return;
		}
	}
	if (n < 0 && errno != EAGAIN && errno != EINTR)
		finish(p, 0, "recv: %s", strerror(errno));
}

/* Keeps the first line the command printed, for the result. */
static void
read_output(struct uvs_probe *p)
{
	char buf[512];
	ssize_t n;
	size_t i;

	while ((n = read(p->fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < (size_t)n; i++) {
			if (buf[i] == '\n' || p->out_len == sizeof(p->out) - 1)
				p->out_len = sizeof(p->out) - 1;
			else if (buf[i] >= ' ')
				p->out[p->out_len++] = buf[i];
		}
	if (n == 0)	/* the child (and all it started) closed it */
		close_fd(p);
}

/* The child is collected: its status is the result. */
static void
cmd_exited(struct uvs_probe *p, int status)
{
	char out[sizeof(p->out)];

	p->pid = 0;
	memcpy(out, p->out, sizeof(out));
	out[p->out_len < sizeof(out) ? p->out_len : sizeof(out) - 1] = '\0';
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		finish(p, 1, "exit 0");
	else if (WIFEXITED(status))
		finish(p, 0, "exit %d%s%s", WEXITSTATUS(status),
		    out[0] ? ": " : "", out);
	else
		finish(p, 0, "killed by signal %d", WTERMSIG(status));
}

static void
cmd_step(struct uvs_probe *p, short revents)
{
	int status;
	pid_t r;

	if (p->fd >= 0 && (revents & (POLLIN | POLLHUP | POLLERR)))
		read_output(p);
	r = waitpid(p->pid, &status, WNOHANG);
	if (r == p->pid)
		cmd_exited(p, status);
	else if (r < 0 && errno == ECHILD)
		finish(p, 0, "the command vanished (not our child)");
}

static const char *
phase(const struct uvs_probe *p)
{
	switch (p->state) {
	case UVS_PROBE_CONNECTING:
		return "connecting";
	case UVS_PROBE_HANDSHAKE:
		return "in the TLS handshake";
	case UVS_PROBE_SENDING:
		return "sending the request";
	case UVS_PROBE_READING:
		return p->status ? "reading the body" : "waiting for the response";
	}
	return "running";
}

static void
timed_out(struct uvs_probe *p)
{
	char t[24], what[32];

	uvs_check_secs_fmt(p->timeout_ms, t, sizeof(t));
	snprintf(what, sizeof(what), "%s", phase(p));
	/* keepalived's UDP_CHECK: silence is a pass unless a reply is due */
	if (p->type == UVS_CHECK_UDP && !p->conf->reply) {
		finish(p, 1, "no ICMP error in %s s", t);
		return;
	}
	if (p->type == UVS_CHECK_PING || p->type == UVS_CHECK_UDP) {
		finish(p, 0, "no %s in %s s", p->type == UVS_CHECK_PING ?
		    "echo reply" : "UDP answer", t);
		return;
	}
	if (p->state == UVS_PROBE_RUNNING) {
		(void)kill(-p->pid, SIGKILL);
		finish(p, 0, "timeout after %s s (killed)", t);
		p->state = UVS_PROBE_REAPING;
		return;
	}
	finish(p, 0, "timeout after %s s (%s)", t, what);
}

int
uvs_probe_step(struct uvs_probe *p, short revents, uint64_t now_ms)
{
	p->now_ms = now_ms;
	switch (p->state) {
	case UVS_PROBE_IDLE:
		return 0;
	case UVS_PROBE_REAPING:
		if (waitpid(p->pid, NULL, WNOHANG) != 0) {
			p->pid = 0;
			p->state = UVS_PROBE_IDLE;
		}
		return 0;
	case UVS_PROBE_CONNECTING:
		if (revents)
			connected(p);
		break;
	case UVS_PROBE_HANDSHAKE:
		if (revents)
			handshake(p);
		break;
	case UVS_PROBE_SENDING:
		if (revents)
			send_request(p);
		break;
	case UVS_PROBE_READING:
		if (revents && p->type == UVS_CHECK_SMTP)
			smtp_read(p);
		else if (revents && p->type == UVS_CHECK_UDP)
			udp_read(p);
		else if (revents && p->type == UVS_CHECK_PING)
			ping_read(p);
		else if (revents)
			read_response(p);
		/* bytes OpenSSL holds already decrypted wake no poll */
		while (p->state == UVS_PROBE_READING && p->tls &&
		    SSL_pending(p->tls) > 0)
			read_response(p);
		break;
	case UVS_PROBE_RUNNING:
		cmd_step(p, revents);
		break;
	}
	if (p->state != UVS_PROBE_IDLE && now_ms >= p->deadline_ms)
		timed_out(p);
	return p->state == UVS_PROBE_IDLE || p->state == UVS_PROBE_REAPING;
}

pid_t
uvs_probe_abort(struct uvs_probe *p)
{
	pid_t pid = 0;

	if ((p->state == UVS_PROBE_RUNNING || p->state == UVS_PROBE_REAPING) &&
	    p->pid > 0) {
		(void)kill(-p->pid, SIGKILL);
		pid = p->pid;
	}
	close_fd(p);
	p->pid = 0;
	p->state = UVS_PROBE_IDLE;
	return pid;
}
