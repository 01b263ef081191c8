/*
 * uvsd -j N: N worker threads, one per core, each with its own packet
 * socket (a TPACKET_V3 ring) joined to one PACKET_FANOUT group, and its
 * own forwarding state: services, dests and a slice of the connection
 * table. Nothing is shared on the per-packet path: no lock, no common
 * counter. The control thread keeps the master copy of the table; a
 * change is made there first, then handed to each worker in turn as a
 * call it runs between two bursts, so traffic never stops for more than
 * that call. Reading the table (counters, flows) is such a call too.
 */
#ifndef UVS_WORKERS_H
#define UVS_WORKERS_H

#include <pthread.h>
#include <stdint.h>

#include "fwd/data/capture.h"
#include "fwd/data/forward.h"
#include "fwd/data/pktloop.h"

#define UVS_WORKERS_MAX	64

/* Which worker a frame goes to. */
enum uvs_fanout {
	/* by client address: all of a client's flows, and its persistence
	   template, live in one worker (the default) */
	UVS_FANOUT_CLIENT,
	/* by the kernel's flow hash: spreads one busy client too, but a
	   persistent service's clients may be placed per worker */
	UVS_FANOUT_FLOW,
};

typedef void	(*uvs_worker_fn)(struct uvs_fwd *fw, void *arg);

struct uvs_worker {
	pthread_t		 thread;
	unsigned		 id;
	struct uvs_capture	 cap;
	struct uvs_fwd		 fw;
	struct uvs_pktloop	 loop;
	int			 wake;		/* eventfd: a call is posted */
	int			 done;		/* eventfd: the call ran */
	uvs_worker_fn		 fn;		/* the posted call */
	void			*arg;
	int			 stop;		/* atomic */
	int			 started;
};

struct uvs_workers {
	struct uvs_worker	*w;
	unsigned		 n;		/* 0: uvsd runs single-threaded */
};

/* What each worker starts with; the hooks run in the worker's thread. */
struct uvs_workers_conf {
	unsigned		 n;
	int			 ifindex;
	const uint8_t		*mac;		/* the director's */
	const uint8_t		*arp_reply;	/* reply template */
	uint32_t		 conn_max;	/* split between workers */
	enum uvs_fanout		 fanout;
	int			 ring_version;	/* TPACKET_V2 or V3 */
	size_t			 ring_block;
	unsigned		 ring_blocks;
	uvs_fwd_conn_hook	 on_new_conn;
	void			(*on_arp_reply)(void *, const struct uvs_fwd *);
	int			 sloppy_tcp;	/* --sloppy-tcp */
};

/*
 * Opens every worker's socket, ring and table and starts the threads.
 * 0, or -errno with err set and nothing left running.
 */
int	uvs_workers_start(struct uvs_workers *ws,
	    const struct uvs_workers_conf *c, uint32_t now, char *err,
	    size_t errlen);
/* Stops and joins the threads and frees every worker's state. */
void	uvs_workers_stop(struct uvs_workers *ws);

/*
 * Runs fn(worker's fw, arg) in each worker's thread, one worker after the
 * other, between bursts; returns when all have. 0, or -ETIMEDOUT if a
 * worker did not answer within a second (fn may still run later).
 */
int	uvs_workers_call(struct uvs_workers *ws, uvs_worker_fn fn, void *arg);

/* Sets every worker socket's filter. 0 or the first -errno. */
int	uvs_workers_set_filter(struct uvs_workers *ws,
	    const struct sock_fprog *prog);

#endif
