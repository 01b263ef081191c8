/*
 * uvsd --metrics ADDR:PORT: a small HTTP/1.1 server for GET /metrics,
 * run inside uvsd's poll loop like the control socket and the health
 * checks, so it reads the director in the thread that owns it.
 *
 * It never blocks and never waits on a scraper: every socket is
 * non-blocking, each turn reads or writes at most one buffer per
 * connection and accepts a few new ones, at most UVS_METRICS_CONNS_MAX
 * scrapers are served at once (the next ones get a 503), each has a
 * deadline for its request and one for taking its answer, and the body
 * is rendered at most once per UVS_METRICS_RENDER_MS however many
 * scrapers ask. So a slow, silent or hostile client costs a slot and a
 * little memory, never forwarding time.
 */
#ifndef UVS_METRICS_HTTP_H
#define UVS_METRICS_HTTP_H

#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "fwd/control/metrics.h"

#define UVS_METRICS_CONNS_MAX	8	/* scrapers served at once */
#define UVS_METRICS_FDS_MAX	(1 + UVS_METRICS_CONNS_MAX)
#define UVS_METRICS_REQ_MAX	4096	/* request line and headers */
/* A scraper sends its request at once; this is room for a busy link. */
#define UVS_METRICS_REQUEST_MS	2000
/* Prometheus' default scrape_timeout is 10 s: a reader slower gives up. */
#define UVS_METRICS_ANSWER_MS	10000
/* Scrapes closer together than this share one rendering. */
#define UVS_METRICS_RENDER_MS	250

/*
 * Writes the exposition text into b (empty), with self as the server's
 * own figures. 0 or -errno.
 */
typedef int	(*uvs_metrics_render_fn)(void *arg, struct uvs_metrics_buf *b,
		    const struct uvs_metrics_self *self);

struct uvs_metrics_server;

/*
 * "ADDR:PORT" (IPv4) or ":PORT" (every address) into sin: 0, or -EINVAL
 * when it is neither.
 */
int		 uvs_metrics_parse_addr(const char *s, struct sockaddr_in *sin);
/*
 * Listens on addrport: "ADDR:PORT" (IPv4) or ":PORT" (every address).
 * NULL with err set when it is malformed or cannot be bound.
 */
struct uvs_metrics_server *uvs_metrics_open(const char *addrport,
		    uvs_metrics_render_fn render, void *arg, char *err,
		    size_t errlen);
/* Closes the listener and every connection. NULL is fine. */
void		 uvs_metrics_close(struct uvs_metrics_server *m);

/* The poll loop: fds to wait on, how long at most, and one turn. */
int		 uvs_metrics_pollfds(struct uvs_metrics_server *m,
		    struct pollfd *pfd, int max);
int		 uvs_metrics_timeout(const struct uvs_metrics_server *m,
		    int cap_ms, uint64_t now_ms);
void		 uvs_metrics_run(struct uvs_metrics_server *m,
		    const struct pollfd *pfd, int n, uint64_t now_ms);

/*
 * Judges the request in buf[0..len) (not NUL-terminated): -EAGAIN while
 * it is incomplete and may still fit, else the answer it gets; *head is
 * set for a HEAD request. Pure, for tests.
 */
int		 uvs_metrics_http_parse(const char *buf, size_t len,
		    int *head);

#endif
