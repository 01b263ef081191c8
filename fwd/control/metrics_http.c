/*
 * The metrics endpoint's HTTP side (metrics_http.h). Each connection is
 * a slot that goes READING (request bytes until the blank line),
 * WRITING (the answer: a header, then the shared body), CLOSING (our
 * side shut, the peer's leftovers read and dropped, so closing does not
 * reset a connection whose answer is still in flight) and back to free.
 * Every state has a deadline; the loop's poll timeout includes them.
 *
 * A 200's body is rendered once and shared by every scraper that asks
 * within UVS_METRICS_RENDER_MS; a body is freed when the last slot
 * sending it is done (refs counts the server's hold and each slot's).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fwd/control/metrics_http.h"

#define ACCEPTS_PER_TURN	4	/* new connections taken per turn */
#define SEND_MAX		(64u << 10)	/* bytes per slot per turn */
#define LINGER_MS		1000	/* peer's leftovers read this long */
#define BUSY_MS			500	/* a 503 or error answer, to go out */

struct body {
	unsigned		 refs;
	uint64_t		 at_ms;		/* rendered then */
	struct uvs_metrics_buf	 b;
};

enum conn_state { FREE, READING, WRITING, CLOSING };

struct conn {
	int			 fd;
	enum conn_state		 state;
	uint64_t		 deadline;
	char			 req[UVS_METRICS_REQ_MAX];
	size_t			 rlen;
	char			 head[512];	/* status, headers, error text */
	size_t			 hlen;
	struct body		*body;		/* a 200's, shared */
	size_t			 off;		/* of head + body, sent */
	size_t			 total;
};

struct uvs_metrics_server {
	int			 fd;
	struct conn		 c[UVS_METRICS_CONNS_MAX];
	struct body		*cur;		/* the latest rendering */
	struct uvs_metrics_self	 self;
	uvs_metrics_render_fn	 render;
	void			*arg;
	/* what the last pollfds() handed out: slot per pfd, -1 listener */
	int			 polled[UVS_METRICS_FDS_MAX];
	int			 npolled;
};

static void
body_put(struct body *b)
{
	if (b && --b->refs == 0) {
		uvs_metrics_buf_free(&b->b);
		free(b);
	}
}

int
uvs_metrics_parse_addr(const char *s, struct sockaddr_in *sin)
{
	const char *colon = strrchr(s, ':');
	char addr[INET_ADDRSTRLEN];
	unsigned long port;
	char *end;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	if (!colon || (size_t)(colon - s) >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, s, (size_t)(colon - s));
	addr[colon - s] = '\0';
	if (addr[0] && inet_pton(AF_INET, addr, &sin->sin_addr) != 1)
		return -EINVAL;
	port = strtoul(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end || port == 0 ||
	    port > 65535)
		return -EINVAL;
	sin->sin_port = htons((uint16_t)port);
	return 0;
}

struct uvs_metrics_server *
uvs_metrics_open(const char *addrport, uvs_metrics_render_fn render,
    void *arg, char *err, size_t errlen)
{
	struct uvs_metrics_server *m;
	struct sockaddr_in sin;
	int one = 1, i, e;

	if (uvs_metrics_parse_addr(addrport, &sin) < 0) {
		snprintf(err, errlen, "--metrics: '%s' is not ADDR:PORT (an "
		    "IPv4 address, or none for all, and a port 1-65535)",
		    addrport);
		return NULL;
	}
	if (!(m = calloc(1, sizeof(*m)))) {
		snprintf(err, errlen, "--metrics: out of memory");
		return NULL;
	}
	m->render = render;
	m->arg = arg;
	for (i = 0; i < UVS_METRICS_CONNS_MAX; i++)
		m->c[i].fd = -1;
	if ((m->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) < 0 ||
	    setsockopt(m->fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) < 0 ||
	    bind(m->fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(m->fd, 16) < 0) {
		e = errno;
		snprintf(err, errlen, "--metrics %s: %s", addrport,
		    strerror(e));
		uvs_metrics_close(m);
		return NULL;
	}
	return m;
}

static void
conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	body_put(c->body);
	c->body = NULL;
	c->fd = -1;
	c->state = FREE;
}

void
uvs_metrics_close(struct uvs_metrics_server *m)
{
	int i;

	if (!m)
		return;
	for (i = 0; i < UVS_METRICS_CONNS_MAX; i++)
		conn_close(&m->c[i]);
	body_put(m->cur);
	if (m->fd >= 0)
		close(m->fd);
	free(m);
}

/* ---- the request ---- */

static int
is_tchar(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
	    (ch >= '0' && ch <= '9') || (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

/* The request line "METHOD SP TARGET SP HTTP/1.x": an answer. */
static int
judge_line(const char *p, size_t len, int *head)
{
	const char *sp1, *sp2, *end = p + len, *q;
	size_t mlen, tlen;

	if (len && p[len - 1] == '\r')
		end--;
	if (!(sp1 = memchr(p, ' ', (size_t)(end - p))) || sp1 == p ||
	    !(sp2 = memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1))))
		return UVS_METRICS_BAD_REQUEST;
	for (q = p; q < sp1; q++)
		if (!is_tchar(*q))
			return UVS_METRICS_BAD_REQUEST;
	for (q = sp1 + 1; q < sp2; q++)
		if ((unsigned char)*q <= ' ' || *q == 0x7f)
			return UVS_METRICS_BAD_REQUEST;
	if (end - sp2 - 1 != 8 || memcmp(sp2 + 1, "HTTP/1.", 7) != 0 ||
	    (sp2[8] != '0' && sp2[8] != '1') || sp1[1] != '/')
		return UVS_METRICS_BAD_REQUEST;
	mlen = (size_t)(sp1 - p);
	tlen = (size_t)(sp2 - sp1 - 1);
	*head = mlen == 4 && memcmp(p, "HEAD", 4) == 0;
	if (!*head && !(mlen == 3 && memcmp(p, "GET", 3) == 0))
		return UVS_METRICS_BAD_METHOD;
	/* a query string is allowed and ignored, as exporters do */
	if (tlen < 8 || memcmp(sp1 + 1, "/metrics", 8) != 0 ||
	    (tlen > 8 && sp1[9] != '?'))
		return UVS_METRICS_NOT_FOUND;
	return UVS_METRICS_OK;
}

int
uvs_metrics_http_parse(const char *buf, size_t len, int *head)
{
	const char *nl;
	int a;

	*head = 0;
	if (memchr(buf, '\0', len))
		return UVS_METRICS_BAD_REQUEST;
	if (!(nl = memchr(buf, '\n', len)))
		return len >= UVS_METRICS_REQ_MAX ? UVS_METRICS_BAD_REQUEST :
		    -EAGAIN;
	/* a bad request line is answered at once, headers or not */
	if ((a = judge_line(buf, (size_t)(nl - buf), head)) !=
	    UVS_METRICS_OK && a != UVS_METRICS_NOT_FOUND &&
	    a != UVS_METRICS_BAD_METHOD)
		return a;
	/* the headers end with an empty line (CRLF, or a bare LF) */
	for (; nl; nl = memchr(nl + 1, '\n', len - (size_t)(nl + 1 - buf)))
		if ((nl + 1 < buf + len && nl[1] == '\n') ||
		    (nl + 2 < buf + len && nl[1] == '\r' && nl[2] == '\n'))
			return a;
	return len >= UVS_METRICS_REQ_MAX ? UVS_METRICS_TOO_LARGE : -EAGAIN;
}

/* ---- the answer ---- */

/* The latest body, rendered anew when older than RENDER_MS; or NULL. */
static struct body *
body_get(struct uvs_metrics_server *m, uint64_t now_ms)
{
	struct body *b;

	if (m->cur && now_ms - m->cur->at_ms < UVS_METRICS_RENDER_MS) {
		m->cur->refs++;
		return m->cur;
	}
	if (!(b = calloc(1, sizeof(*b))))
		return NULL;
	b->refs = 1;
	b->at_ms = now_ms;
	if (m->render(m->arg, &b->b, &m->self) < 0 || b->b.oom) {
		body_put(b);
		return NULL;
	}
	body_put(m->cur);
	m->cur = b;
	b->refs++;
	return b;
}

/* Sets c up to send answer a; a 200 takes the body (HEAD: its size). */
static void
answer(struct uvs_metrics_server *m, struct conn *c, int a, int head,
    uint64_t now_ms)
{
	const char *status;
	size_t blen = 0;
	int n;

	if (a == UVS_METRICS_OK && !(c->body = body_get(m, now_ms)))
		a = UVS_METRICS_FAILED;
	m->self.answers[a]++;
	status = uvs_metrics_answer_status(a);
	if (a == UVS_METRICS_OK) {
		blen = c->body->b.len;
		n = snprintf(c->head, sizeof(c->head), "HTTP/1.1 %s\r\n"
		    "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
		    "Content-Length: %zu\r\nConnection: close\r\n\r\n",
		    status, blen);
		if (head) {
			body_put(c->body);
			c->body = NULL;
			blen = 0;
		}
	} else
		n = snprintf(c->head, sizeof(c->head), "HTTP/1.1 %s\r\n"
		    "Content-Type: text/plain; charset=utf-8\r\n%s"
		    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s\n",
		    status, a == UVS_METRICS_BAD_METHOD ?
		    "Allow: GET, HEAD\r\n" : "", strlen(status) + 1, status);
	c->hlen = (size_t)n;
	c->off = 0;
	c->total = c->hlen + blen;
	c->state = WRITING;
	c->deadline = now_ms + (a == UVS_METRICS_OK ? UVS_METRICS_ANSWER_MS :
	    BUSY_MS);
}

/* Our side is done: shut it and read what the peer still sends. */
static void
linger(struct conn *c, uint64_t now_ms)
{
	(void)shutdown(c->fd, SHUT_WR);
	body_put(c->body);
	c->body = NULL;
	c->state = CLOSING;
	c->deadline = now_ms + LINGER_MS;
}

static void
conn_read(struct uvs_metrics_server *m, struct conn *c, uint64_t now_ms)
{
	char sink[1024];
	ssize_t n;
	int a, head;

	if (c->state == CLOSING) {
		n = recv(c->fd, sink, sizeof(sink), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			conn_close(c);
		return;
	}
	n = recv(c->fd, c->req + c->rlen, sizeof(c->req) - c->rlen,
	    MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		m->self.dropped++;	/* gone before asking anything whole */
		conn_close(c);
		return;
	}
	if (n < 0)
		return;
	c->rlen += (size_t)n;
	if ((a = uvs_metrics_http_parse(c->req, c->rlen, &head)) >= 0)
		answer(m, c, a, head, now_ms);
}

static void
conn_write(struct uvs_metrics_server *m, struct conn *c, uint64_t now_ms)
{
	const char *p;
	size_t left;
	ssize_t n;

	if (c->off < c->hlen) {
		p = c->head + c->off;
		left = c->hlen - c->off;
	} else {
		p = c->body->b.p + (c->off - c->hlen);
		left = c->total - c->off;
	}
	n = send(c->fd, p, left < SEND_MAX ? left : SEND_MAX,
	    MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		m->self.dropped++;
		conn_close(c);
		return;
	}
	if ((c->off += (size_t)n) == c->total)
		linger(c, now_ms);
}

/* ---- the loop ---- */

static struct conn *
free_slot(struct uvs_metrics_server *m)
{
	int i;

	for (i = 0; i < UVS_METRICS_CONNS_MAX; i++)
		if (m->c[i].state == FREE)
			return &m->c[i];
	return NULL;
}

/* Every slot taken: a short 503, best effort, and the door shut. */
static void
refuse(struct uvs_metrics_server *m, int fd)
{
	char msg[256];
	const char *status = uvs_metrics_answer_status(UVS_METRICS_BUSY);
	int n;

	m->self.answers[UVS_METRICS_BUSY]++;
	n = snprintf(msg, sizeof(msg), "HTTP/1.1 %s\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n%s\n", status, strlen(status) + 1,
	    status);
	(void)!send(fd, msg, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
	close(fd);
}

static void
accept_some(struct uvs_metrics_server *m, uint64_t now_ms)
{
	struct conn *c;
	int i, fd;

	for (i = 0; i < ACCEPTS_PER_TURN; i++) {
		if ((fd = accept4(m->fd, NULL, NULL, SOCK_NONBLOCK |
		    SOCK_CLOEXEC)) < 0)
			return;
		if (!(c = free_slot(m))) {
			refuse(m, fd);
			continue;
		}
		c->fd = fd;
		c->state = READING;
		c->rlen = 0;
		c->deadline = now_ms + UVS_METRICS_REQUEST_MS;
	}
}

/* A slot past its deadline: a late request gets 408, the rest end. */
static void
expire(struct uvs_metrics_server *m, struct conn *c, uint64_t now_ms)
{
	if (c->state == READING)
		answer(m, c, UVS_METRICS_TIMEOUT, 0, now_ms);
	else {
		if (c->state == WRITING)
			m->self.dropped++;
		conn_close(c);
	}
}

int
uvs_metrics_pollfds(struct uvs_metrics_server *m, struct pollfd *pfd, int max)
{
	int i, n = 0;

	if (!m || max < 1)
		return 0;
	pfd[n] = (struct pollfd){ .fd = m->fd, .events = POLLIN };
	m->polled[n++] = -1;
	for (i = 0; i < UVS_METRICS_CONNS_MAX && n < max; i++) {
		if (m->c[i].state == FREE)
			continue;
		pfd[n] = (struct pollfd){ .fd = m->c[i].fd,
		    .events = m->c[i].state == WRITING ? POLLOUT : POLLIN };
		m->polled[n++] = i;
	}
	m->npolled = n;
	return n;
}

int
uvs_metrics_timeout(const struct uvs_metrics_server *m, int cap_ms,
    uint64_t now_ms)
{
	int i, t = cap_ms;

	for (i = 0; m && i < UVS_METRICS_CONNS_MAX; i++) {
		if (m->c[i].state == FREE)
			continue;
		if (m->c[i].deadline <= now_ms)
			return 0;
		if (m->c[i].deadline - now_ms < (uint64_t)t)
			t = (int)(m->c[i].deadline - now_ms);
	}
	return t;
}

void
uvs_metrics_run(struct uvs_metrics_server *m, const struct pollfd *pfd, int n,
    uint64_t now_ms)
{
	struct conn *c;
	int i;

	if (!m)
		return;
	for (i = 0; i < n && i < m->npolled; i++) {
		if (!pfd[i].revents)
			continue;
		if (m->polled[i] < 0) {
			accept_some(m, now_ms);
			continue;
		}
		c = &m->c[m->polled[i]];
		if (c->state == WRITING)
			conn_write(m, c, now_ms);
		else if (c->state != FREE)
			conn_read(m, c, now_ms);
	}
	for (i = 0; i < UVS_METRICS_CONNS_MAX; i++)
		if (m->c[i].state != FREE && m->c[i].deadline <= now_ms)
			expire(m, &m->c[i], now_ms);
	m->npolled = 0;
}
