/*
 * uvsd --metrics: the figures a Prometheus server scrapes, in its text
 * exposition format (version 0.0.4).
 *
 * Two halves with a plain struct between them: uvs_metrics_collect()
 * copies what the director counts into a snapshot (the one place that
 * knows where counters live, so it can be pointed elsewhere when they
 * move), and uvs_metrics_write() turns a snapshot into text without
 * touching anything else, so tests feed it snapshots of their own. The
 * HTTP side is metrics_http.h.
 *
 * Names: uvs_ipvs_* carry node_exporter's ipvs collector names, types
 * and labels (local_address, local_port, remote_address, remote_port,
 * proto) under uvsd's own prefix, plus the per-service and per-server
 * counters node_exporter does not have; uvs_* are uvsd's own figures.
 */
#ifndef UVS_METRICS_H
#define UVS_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "fwd/data/forward.h"
#include "fwd/data/workers.h"
#include "fwd/health/health.h"

struct uvs_director;

/* A real server of a service; every figure as the director has it. */
struct uvs_metrics_dest {
	union uvs_inaddr		rip;		/* network order,
							   the service's
							   family */
	uint16_t			rport;		/* host order */
	uint64_t			weight;		/* in effect */
	uint64_t			active, inactive, persist;
	uint64_t			conns, inpkts, inbytes;
	int				has_health;	/* h is valid */
	struct uvs_health_dest_info	h;
};

/* A service; its ndests servers follow the previous services' ones. */
struct uvs_metrics_svc {
	uint8_t				proto;		/* IPPROTO_TCP/UDP */
	uint16_t			af;		/* AF_INET/AF_INET6 */
	union uvs_inaddr		vip;		/* network order */
	uint16_t			vport;		/* host order */
	uint64_t			conns, inpkts, inbytes;
	int				has_health;	/* h is valid */
	struct uvs_health_svc_info	h;
	unsigned			ndests;
};

/* One scrape's worth of the director. Arrays grow; the owner frees. */
struct uvs_metrics_snap {
	struct uvs_fwd_stats		st;		/* frames, drops */
	uint64_t			reclaimed;	/* table entries taken */
	uint64_t			reclaimed_udp;	/* ... from UDP flows */
	uint64_t			conns;		/* table entries now */
	uint64_t			capacity;	/* --conn-max */
	uint64_t			unresolved;	/* dests without MAC */
	unsigned			nworkers;	/* -j N (1 without) */
	uint64_t			worker_rx[UVS_WORKERS_MAX];
	int				has_health;	/* hc is valid */
	struct uvs_health_counters	hc;
	struct uvs_metrics_svc		*svcs;
	unsigned			nsvcs, csvcs;
	struct uvs_metrics_dest		*dests;
	unsigned			ndests, cdests;
};

/* The metrics server's own answers, by HTTP status. */
enum uvs_metrics_answer {
	UVS_METRICS_OK,			/* 200 */
	UVS_METRICS_BAD_REQUEST,	/* 400: not an HTTP request */
	UVS_METRICS_NOT_FOUND,		/* 404: a path other than /metrics */
	UVS_METRICS_BAD_METHOD,		/* 405: neither GET nor HEAD */
	UVS_METRICS_TIMEOUT,		/* 408: the request came too slowly */
	UVS_METRICS_TOO_LARGE,		/* 431: header over the buffer */
	UVS_METRICS_BUSY,		/* 503: every connection slot taken */
	UVS_METRICS_FAILED,		/* 500: rendering ran out of memory */
	UVS_METRICS_ANSWERS
};

struct uvs_metrics_self {
	uint64_t	answers[UVS_METRICS_ANSWERS];
	uint64_t	dropped;	/* closed before the answer was out */
};

/* A growing text buffer; oom sticks once a write failed. */
struct uvs_metrics_buf {
	char		*p;
	size_t		 len, cap;
	int		 oom;
};

/*
 * Fills s from d: brings the director's sums up to date (uvs_dir_sync)
 * and copies them, with the health engine's view of every server. 0 or
 * -ENOMEM (s then holds what fit).
 */
int	uvs_metrics_collect(struct uvs_director *d, struct uvs_metrics_snap *s);
void	uvs_metrics_snap_free(struct uvs_metrics_snap *s);
/* Room for one more service / dest in s: the new entry zeroed, or NULL. */
struct uvs_metrics_svc	*uvs_metrics_snap_svc(struct uvs_metrics_snap *s);
struct uvs_metrics_dest	*uvs_metrics_snap_dest(struct uvs_metrics_snap *s);

/*
 * Appends s and self to b in the exposition format, every family with
 * its HELP and TYPE lines. 0, or -ENOMEM (b->oom set).
 */
int	uvs_metrics_write(struct uvs_metrics_buf *b,
	    const struct uvs_metrics_snap *s, const struct uvs_metrics_self *self);

/* printf onto the end of b; grows it. 0 or -ENOMEM. */
int	uvs_metrics_buf_printf(struct uvs_metrics_buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	uvs_metrics_buf_free(struct uvs_metrics_buf *b);

/* The status line's code and words of an answer ("404 Not Found"). */
const char	*uvs_metrics_answer_status(enum uvs_metrics_answer a);

#endif
