/*
 * Health probes (probe.h). Each kind is a small state machine driven by
 * poll: tcp is CONNECTING until the socket is writable; http then sends
 * its GET (SENDING) and reads the answer (READING): the status line
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

#include "fwd/health/probe.h"

extern char **environ;

#define HTTP_USER_AGENT	"uvsd-check"

static void
finish(struct uvs_probe *p, int ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
close_fd(struct uvs_probe *p)
{
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

/* A non-blocking TCP socket from t->src on t->ifname, connecting. */
static int
tcp_open(struct uvs_probe *p, const struct uvs_probe_target *t)
{
	struct sockaddr_in src = { .sin_family = AF_INET,
	    .sin_addr.s_addr = t->src };
	struct sockaddr_in dst = { .sin_family = AF_INET,
	    .sin_addr.s_addr = t->rip, .sin_port = htons(t->port) };
	char a[INET_ADDRSTRLEN];
	int one = 1;

	if ((p->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) < 0) {
		finish(p, 0, "socket: %s", strerror(errno));
		return 1;
	}
	if (t->ifname && setsockopt(p->fd, SOL_SOCKET, SO_BINDTODEVICE,
	    t->ifname, (socklen_t)strlen(t->ifname) + 1) < 0) {
		finish(p, 0, "bind to %s: %s", t->ifname, strerror(errno));
		return 1;
	}
	/* the port is chosen at connect, by the whole 4-tuple */
	(void)setsockopt(p->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
	    sizeof(one));
	if (t->src && bind(p->fd, (struct sockaddr *)&src, sizeof(src)) < 0) {
		inet_ntop(AF_INET, &t->src, a, sizeof(a));
		finish(p, 0, "bind to %s: %s", a, strerror(errno));
		return 1;
	}
	p->state = UVS_PROBE_CONNECTING;
	if (connect(p->fd, (struct sockaddr *)&dst, sizeof(dst)) == 0 ||
	    errno == EINPROGRESS)
		return 0;
	finish(p, 0, "connect: %s", strerror(errno));
	return 1;
}

static void
http_request(struct uvs_probe *p, const struct uvs_probe_target *t)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &t->rip, a, sizeof(a));
	/* HTTP/1.0 as keepalived sends it: the server closes when done */
	p->req_len = (size_t)snprintf(p->req, sizeof(p->req),
	    "GET %s HTTP/1.0\r\nHost: %s:%u\r\nUser-Agent: "
	    HTTP_USER_AGENT "\r\nConnection: close\r\n\r\n", p->conf->path, a,
	    t->port);
	p->req_off = 0;
	p->content_length = -1;
	uvs_md5_init(&p->md5);
}

/* Environment of a command: uvsd's, and which server it checks. */
static char **
cmd_env(const struct uvs_probe_target *t, char vars[5][48])
{
	char a[INET_ADDRSTRLEN], v[INET_ADDRSTRLEN];
	size_t n = 0, i;
	char **env;

	while (environ && environ[n])
		n++;
	if (!(env = calloc(n + 6, sizeof(*env))))
		return NULL;
	for (i = 0; i < n; i++)
		env[i] = environ[i];
	inet_ntop(AF_INET, &t->rip, a, sizeof(a));
	inet_ntop(AF_INET, &t->vip, v, sizeof(v));
	snprintf(vars[0], 48, "UVS_RIP=%s", a);
	snprintf(vars[1], 48, "UVS_RPORT=%u", t->port);
	snprintf(vars[2], 48, "UVS_VIP=%s", v);
	snprintf(vars[3], 48, "UVS_VPORT=%u", t->vport);
	snprintf(vars[4], 48, "UVS_PROTO=%s", t->proto == IPPROTO_UDP ?
	    "udp" : "tcp");
	for (i = 0; i < 5; i++)
		env[n + i] = vars[i];
	return env;
}

/* The spawn's settings: own process group, default signals, fds. */
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
	posix_spawn_file_actions_adddup2(fa, wfd, 1);
	posix_spawn_file_actions_adddup2(fa, wfd, 2);
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
	char vars[5][48], **env;
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

int
uvs_probe_start(struct uvs_probe *p, const struct uvs_check_conf *c,
    const struct uvs_probe_target *t, uint64_t now_ms)
{
	uvs_probe_init(p);
	p->type = c->type;
	p->conf = c;
	p->timeout_ms = uvs_check_timeout(c);
	p->deadline_ms = now_ms + p->timeout_ms;
	switch (c->type) {
	case UVS_CHECK_TCP:
		return tcp_open(p, t);
	case UVS_CHECK_HTTP:
		http_request(p, t);
		return tcp_open(p, t);
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
	case UVS_PROBE_CONNECTING:
	case UVS_PROBE_SENDING:
		return POLLOUT;
	case UVS_PROBE_READING:
		return POLLIN;
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
	else
		p->state = UVS_PROBE_SENDING;
}

static void
send_request(struct uvs_probe *p)
{
	ssize_t n = send(p->fd, p->req + p->req_off, p->req_len - p->req_off,
	    MSG_NOSIGNAL);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		finish(p, 0, "send: %s", strerror(errno));
		return;
	}
	p->req_off += (size_t)n;
	if (p->req_off == p->req_len)
		p->state = UVS_PROBE_READING;
}

/* Does the body need reading at all? */
static int
wants_body(const struct uvs_probe *p)
{
	return p->conf->digest[0] || p->conf->expect[0];
}

/* Feeds body bytes to the digest and the text search. */
static void
body_bytes(struct uvs_probe *p, const char *data, size_t len)
{
	const char *want = p->conf->expect;
	size_t wlen = strlen(want), keep;
	char win[sizeof(p->tail) + 4096];

	p->body_len += len;
	if (p->conf->digest[0])
		uvs_md5_update(&p->md5, data, len);
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
	char got[33];

	if (p->conf->digest[0]) {
		uvs_md5_hex(&p->md5, got);
		if (strcasecmp(got, p->conf->digest) != 0) {
			finish(p, 0, "HTTP %d, body MD5 %.8s... is not %.8s...",
			    p->status, got, p->conf->digest);
			return;
		}
	}
	if (p->conf->expect[0] && !p->found) {
		finish(p, 0, "HTTP %d, body lacks '%.40s'", p->status,
		    p->conf->expect);
		return;
	}
	finish(p, 1, "HTTP %d", p->status);
}

static int
status_ok(const struct uvs_probe *p)
{
	if (p->conf->status)
		return p->status == p->conf->status;
	return p->status >= 200 && p->status <= 299;
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
		if (p->conf->status)
			finish(p, 0, "HTTP %d, not %u", p->status,
			    p->conf->status);
		else
			finish(p, 0, "HTTP %d, not 2xx", p->status);
		return;
	}
	if (!wants_body(p)) {
		finish(p, 1, "HTTP %d", p->status);
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
	char buf[4096];
	int in_body = p->status != 0;
	size_t end;
	ssize_t n;

	if (in_body)
		n = recv(p->fd, buf, sizeof(buf), 0);
	else
		n = recv(p->fd, p->head + p->head_len,
		    sizeof(p->head) - p->head_len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		finish(p, 0, "read: %s", strerror(errno));
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
	case UVS_PROBE_SENDING:
		if (revents)
			send_request(p);
		break;
	case UVS_PROBE_READING:
		if (revents)
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
