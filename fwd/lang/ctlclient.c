/*
 * Talking to uvsd's control socket. uvsd serves one request per
 * connection and closes it after the reply, so the client writes its line,
 * half-closes (a line-reading peer such as socat then sees EOF too) and
 * reads until EOF. The reply is kept whole in memory because uvsadm sorts
 * it before printing anything; a cap keeps a confused peer from making
 * that unbounded.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "fwd/lang/ctlclient.h"
#include "fwd/lang/ctlmsg.h"

int
uvs_ctl_connect(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { UVS_CTL_CLIENT_TIMEOUT_S, 0 };
	int fd, e;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		e = errno;
		close(fd);
		return -e;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

/* Writes all of buf, then half-closes: the request is complete. */
static int
send_all(int fd, const char *buf, size_t len)
{
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		n = send(fd, buf + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		off += (size_t)n;
	}
	(void)shutdown(fd, SHUT_WR);
	return 0;
}

/* A request line must be one line that uvsd reads whole. */
static int
line_ok(const char *req)
{
	if (strchr(req, '\n') || strchr(req, '\r'))
		return -EINVAL;
	/* uvsd reads at most UVS_CTL_LINE_MAX - 1 bytes, newline included */
	if (strlen(req) + 2 > UVS_CTL_LINE_MAX)
		return -EMSGSIZE;
	return 0;
}

static int
send_line(int fd, const char *req)
{
	char line[UVS_CTL_LINE_MAX];
	size_t len = strlen(req);
	int rc;

	if ((rc = line_ok(req)) < 0)
		return rc;
	memcpy(line, req, len);
	line[len++] = '\n';
	return send_all(fd, line, len);
}

static int
read_all(int fd, char **reply)
{
	size_t len = 0, cap = 4096;
	char *buf, *nbuf;
	ssize_t n;

	if (!(buf = malloc(cap)))
		return -ENOMEM;
	for (;;) {
		if (cap - len < 2) {
			if (cap >= UVS_CTL_REPLY_MAX) {
				free(buf);
				return -EMSGSIZE;
			}
			if (!(nbuf = realloc(buf, cap * 2))) {
				free(buf);
				return -ENOMEM;
			}
			buf = nbuf;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		/*
		 * A peer that answers without reading our line (uvsd refusing
		 * a non-root client) resets the socket as it closes: what it
		 * sent before still counts as the whole reply.
		 */
		if (n < 0 && errno == ECONNRESET && len > 0)
			break;
		if (n < 0) {
			n = errno == EAGAIN ? ETIMEDOUT : errno;
			free(buf);
			return -(int)n;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*reply = buf;
	return 0;
}

/* Sends what send() was given, then reads the reply; closes fd. */
static int
transact(int fd, int sent, char **reply)
{
	int rc = sent;

	*reply = NULL;
	/* a peer that refuses us may close before our line is out */
	if (rc == 0 || rc == -EPIPE || rc == -ECONNRESET) {
		rc = read_all(fd, reply);
		if (rc == 0 && sent < 0 && !**reply) {
			free(*reply);
			*reply = NULL;
			rc = sent;
		}
	}
	close(fd);
	return rc;
}

/*
 * The streaming reader's state: buf holds what came and is not handed
 * out yet; held is the last whole line, kept back until the next one
 * shows it was not the status line.
 */
struct lines {
	char	 buf[2 * UVS_CTL_LINE_MAX];
	size_t	 len;
	char	 held[UVS_CTL_LINE_MAX];
	int	 has_held;
};

/* Hands out the whole lines in l->buf; 0, fn's < 0 or -EMSGSIZE. */
static int
take_lines(struct lines *l, int (*fn)(void *, char *), void *arg)
{
	char *p = l->buf, *nl;
	size_t n;
	int rc = 0;

	while (rc == 0 && (nl = memchr(p, '\n', l->len - (size_t)(p - l->buf)))) {
		n = (size_t)(nl - p);
		if (n >= sizeof(l->held))
			return -EMSGSIZE;
		if (l->has_held)
			rc = fn(arg, l->held);
		memcpy(l->held, p, n);
		l->held[n] = '\0';
		l->has_held = 1;
		p = nl + 1;
	}
	l->len -= (size_t)(p - l->buf);
	memmove(l->buf, p, l->len);
	return rc < 0 ? rc : l->len >= sizeof(l->buf) ? -EMSGSIZE : 0;
}

int
uvs_ctl_transact_lines(int fd, const char *req, int (*fn)(void *, char *),
    void *arg, int *err, char *msg, size_t msgsize)
{
	struct lines *l = calloc(1, sizeof(*l));
	int rc = send_line(fd, req);
	ssize_t n;

	/* a peer that refuses us may close before our line is out */
	if (rc == -EPIPE || rc == -ECONNRESET)
		rc = 0;
	if (!l)
		rc = -ENOMEM;
	while (rc == 0) {
		n = read(fd, l->buf + l->len, sizeof(l->buf) - l->len);
		if (n < 0 && errno == EINTR)
			continue;
		/* what came before a reset still counts (read_all) */
		if (n < 0 && errno == ECONNRESET && (l->has_held || l->len))
			break;
		if (n < 0) {
			rc = errno == EAGAIN ? -ETIMEDOUT : -errno;
			break;
		}
		if (n == 0)
			break;
		l->len += (size_t)n;
		rc = take_lines(l, fn, arg);
	}
	if (rc == 0 && (l->len || !l->has_held))
		rc = -EPROTO;	/* cut short: no status line */
	if (rc == 0)
		rc = uvs_ctl_reply_status(l->held, err, msg, msgsize);
	free(l);
	close(fd);
	return rc;
}

int
uvs_ctl_transact(int fd, const char *req, char **reply)
{
	return transact(fd, send_line(fd, req), reply);
}

int
uvs_ctl_transact_batch(int fd, const char *const *reqs, size_t n,
    char **reply)
{
	size_t i, len, size = 32, off;
	struct timeval tv = { 0, 0 };
	char *buf;
	int rc;

	*reply = NULL;
	for (i = 0; i < n; i++) {
		if ((rc = line_ok(reqs[i])) < 0) {
			close(fd);
			return rc;
		}
		size += strlen(reqs[i]) + 1;
	}
	if (size > UVS_CTL_BATCH_MAX) {
		close(fd);
		return -EMSGSIZE;
	}
	if (!(buf = malloc(size))) {
		close(fd);
		return -ENOMEM;
	}
	off = (size_t)snprintf(buf, size, "batch n=%zu\n", n);
	for (i = 0; i < n; i++) {
		len = strlen(reqs[i]);
		memcpy(buf + off, reqs[i], len);
		off += len;
		buf[off++] = '\n';
	}
	rc = send_all(fd, buf, off);
	free(buf);
	/* uvsd answers once the whole batch is applied: wait in proportion */
	tv.tv_sec = UVS_CTL_CLIENT_TIMEOUT_S +
	    (time_t)(n / 1000 * UVS_CTL_BATCH_S_PER_1000);
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return transact(fd, rc, reply);
}

int
uvs_ctl_batch_error(char *msg, unsigned *at)
{
	unsigned long v;
	char *end;

	if (strncmp(msg, "at=", 3) != 0)
		return -EPROTO;
	v = strtoul(msg + 3, &end, 10);
	if (end == msg + 3 || (*end != ' ' && *end != '\0') || v > UINT32_MAX)
		return -EPROTO;
	*at = (unsigned)v;
	end += *end == ' ';
	memmove(msg, end, strlen(end) + 1);
	return 0;
}

int
uvs_ctl_request(const char *path, const char *req, char **reply)
{
	int fd = uvs_ctl_connect(path);

	*reply = NULL;
	return fd < 0 ? fd : uvs_ctl_transact(fd, req, reply);
}

/* The last non-empty line of text, as a pointer and length. */
static const char *
last_line(const char *text, size_t *len)
{
	size_t end = strlen(text), start;

	while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r'))
		end--;
	start = end;
	while (start > 0 && text[start - 1] != '\n')
		start--;
	*len = end - start;
	return text + start;
}

int
uvs_ctl_reply_status(const char *reply, int *err, char *msg, size_t msgsize)
{
	const char *line, *p;
	size_t len, mlen;
	long e = 0;

	if (msgsize)
		msg[0] = '\0';
	line = last_line(reply, &len);
	if (len == 2 && memcmp(line, "ok", 2) == 0) {
		*err = 0;
		return 0;
	}
	if (len < 7 || memcmp(line, "error ", 6) != 0)
		return -EPROTO;
	for (p = line + 6; p < line + len && *p >= '0' && *p <= '9'; p++) {
		e = e * 10 + (*p - '0');
		if (e > 4095)	/* errno values stop at MAX_ERRNO */
			return -EPROTO;
	}
	if (p == line + 6 || e == 0 || (p < line + len && *p != ' '))
		return -EPROTO;
	if (p < line + len)
		p++;
	mlen = (size_t)(line + len - p);
	if (msgsize) {
		if (mlen >= msgsize)
			mlen = msgsize - 1;
		memcpy(msg, p, mlen);
		msg[mlen] = '\0';
	}
	*err = (int)e;
	return 0;
}
