/*
 * uvsd's packet path: N worker threads (-j N, 1 without -j), each with
 * its own packet socket on every link uvsd serves (a TPACKET_V2 ring by
 * default, a V3 ring, the plain socket or AF_XDP sockets by --backend),
 * each link's sockets joined to one PACKET_FANOUT group, and its own forwarding
 * state: services, dests, a slice of the connection table and of the
 * fragment table. Nothing is shared on the per-packet path: no lock, no
 * common counter (--trace, a debugging aid, is the one exception: one
 * file, written under its lock). The control thread never forwards.
 *
 * Changes reach the workers as a log, not as calls. The control thread
 * publishes each committed change as an immutable entry appended to a
 * singly linked list; every worker, between two bursts, applies the
 * entries after the last one it applied, in order, and then says how far
 * it got. An entry is freed once every worker is past it. The control
 * thread never waits for a change, never skips a worker, and nothing it
 * owns is ever touched by a worker.
 *
 * Reading goes the other way: the control thread asks (a generation
 * number and what to copy), each worker copies its figures or a chunk of
 * its flows into a buffer it owns, between two bursts, and says it did;
 * the control thread waits for that answer (no timeout: a worker always
 * comes back to the top of its loop within one poll period) and reads the
 * copy. No FILE, stack pointer or caller memory crosses threads.
 */
#ifndef UVS_WORKERS_H
#define UVS_WORKERS_H

#include <pthread.h>
#include <stdint.h>

#include "fwd/data/capture.h"
#include "fwd/data/forward.h"
#include "fwd/data/pktloop.h"

#define UVS_WORKERS_MAX		64
#define UVS_WORKERS_LINKS	8	/* -i links (UVS_DIR_LINKS_MAX) */
#define UVS_WORKERS_CHUNK	4096	/* flows copied out per request */

/* What the control thread asks a worker to copy out. */
enum uvs_wask { UVS_WASK_COUNTERS, UVS_WASK_CONNS };

/* Which worker a frame goes to. */
enum uvs_fanout {
	/* by client address: all of a client's flows, and its persistence
	   template, live in one worker (the default) */
	UVS_FANOUT_CLIENT,
	/* by the kernel's flow hash: spreads one busy client too, but a
	   persistent service's clients may be placed per worker */
	UVS_FANOUT_FLOW,
};

/*
 * One published change. The publisher fills gen-less fields and apply;
 * after uvs_workers_publish nobody writes it again until free_fn.
 */
struct uvs_wlog {
	uint64_t		 gen;		/* set by publish */
	struct uvs_wlog		*next;		/* atomic */
	/*
	 * makes the change on a worker's table, in that worker's thread:
	 * 0, or -errno when the worker's table could not take it (memory):
	 * the worker counts that (uvs_workers_diverged) and goes on
	 */
	int			(*apply)(struct uvs_fwd *fw,
				    const struct uvs_wlog *e);
	void			(*free_fn)(struct uvs_wlog *e);
};

/* A service's or dest's counters as one worker has them. */
struct uvs_wcount {
	uint8_t		 proto;
	uint8_t		 is_dest;
	uint16_t	 af;		/* the service's */
	uint16_t	 vport, rport;	/* network order */
	union uvs_inaddr vip, rip;	/* network order */
	uint32_t	 active, inactive, persist;
	uint64_t	 conns, inpkts, inbytes;
	uint64_t	 nomac_drops;
};

/* A flow or template, copied out (all addresses in network order). */
struct uvs_wconn {
	uint8_t		 proto, state;
	uint16_t	 flags;			/* UVS_CONN_F_* */
	uint16_t	 cport, vport, rport;
	uint16_t	 af;			/* AF_INET or AF_INET6 */
	union uvs_inaddr caddr, vaddr, raddr;
	int32_t		 left;			/* seconds to expiry */
};

/* What a worker copied for the control thread (uvs_workers_read). */
struct uvs_wpub {
	struct uvs_fwd_stats	 stats;
	uint32_t		 nconns, nbuckets, capacity;
	uint64_t		 reclaimed, reclaimed_udp;
	struct uvs_wcount	*count;		/* svcs and dests, table order */
	unsigned		 ncount, count_cap;
	struct uvs_wconn	*conns;		/* UVS_WORKERS_CHUNK */
	unsigned		 nflows;	/* filled in conns */
	uint32_t		 cursor;	/* next slot; capacity: done */
};

struct uvs_worker {
	pthread_t		 thread;
	unsigned		 id;
	/* one socket and loop per link, [0] the first -i */
	struct uvs_capture	 cap[UVS_WORKERS_LINKS];
	struct uvs_pktloop	 loop[UVS_WORKERS_LINKS];
	uint8_t			 mac[UVS_WORKERS_LINKS][6];	/* each link's */
	unsigned		 nlinks;
	struct uvs_fwd		 fw;
	int			 wake;		/* eventfd: log or ask */
	int			 done;		/* eventfd: an ask answered */
	const struct uvs_wlog	*last;		/* worker's: last applied */
	uint64_t		 seen;		/* atomic: last->gen */
	/* log entries this worker's table could not take (atomic), and
	   the gen of the latest: from then on it differs from the master */
	uint64_t		 failed;
	uint64_t		 failed_gen;
	/* an ask: kind and cursor set before ask_gen is bumped */
	uint64_t		 ask_gen;	/* atomic */
	int			 ask;		/* enum uvs_wask */
	uint32_t		 ask_cursor;
	uint64_t		 answered;	/* atomic: last ask done */
	struct uvs_wpub		 pub;		/* worker writes, on asks */
	int			 stop;		/* atomic */
	int			 started;
	int			 xdp_rc;	/* why --backend xdp was not had */
};

/*
 * Shared flow totals, one per (service, dest) key, so -x/-y count every
 * worker's flows (sched.h, total_shared). Keys are only ever added, by
 * the control thread, before the change that needs them is published;
 * workers only look them up. A key's counter returns to 0 when its
 * flows are gone, so a dest deleted and added again starts from 0.
 */
#define UVS_WSHARES	65536		/* keys; past it, per-worker totals */

struct uvs_wshare_key {
	uint8_t		 proto;
	uint16_t	 af;
	uint16_t	 vport, rport;	/* network order */
	union uvs_inaddr vip, rip;	/* network order */
};

struct uvs_workers {
	struct uvs_worker	*w;
	struct uvs_wshare_key	*share_key;
	uint8_t			*share_used;	/* atomic: key is set */
	uint32_t		*share_total;	/* atomic */
	unsigned		 n;		/* 0: not started */
	struct uvs_wlog		 origin;	/* gen 0, never freed */
	struct uvs_wlog		*oldest, *newest;
	uint64_t		 gen;
};

/* A link the workers serve: frames taken there, ARP answered with mac. */
struct uvs_wlink {
	int			 ifindex;
	uint8_t			 mac[6];
};

struct uvs_trace;

/* What each worker starts with; the hooks run in the worker's thread. */
struct uvs_workers_conf {
	unsigned		 n;
	struct uvs_wlink	 link[UVS_WORKERS_LINKS];	/* [0]: first */
	unsigned		 nlinks;
	const uint8_t		*arp_reply;	/* reply template */
	/*
	 * Split between workers: worker i gets conn_max / n, one more when
	 * i < conn_max % n; the slices add up to conn_max. The same for
	 * frag_max and frag_hold, each slice at least 1 when they are set.
	 */
	uint32_t		 conn_max;
	enum uvs_fanout		 fanout;
	/* TPACKET_V2 or V3 (a ring that cannot be had falls back to the
	   socket backend); -1: the socket backend */
	int			 ring_version;
	size_t			 ring_block;
	unsigned		 ring_blocks;
	int			 no_vnet;	/* --no-vnet (socket backend) */
	/* --backend xdp, one worker on one link (capture_xdp.c: one XDP
	   program per link); where it cannot be had, the ring above */
	int			 xdp;
	/* --trace: every worker writes to it (trace.c locks); the
	   caller closes it after uvs_workers_stop */
	struct uvs_trace	*trace;
	uvs_fwd_conn_hook	 on_new_conn;
	void			(*on_arp_reply)(void *, const struct uvs_fwd *);
	int			 sloppy_tcp;	/* --sloppy-tcp */
	uint32_t		 frag_max;	/* --frag-max */
	uint32_t		 frag_hold;	/* early fragments held */
	const struct uvs_fwd	*vlans;		/* --vlan: vlan_list, vlan_ok */
};

/*
 * Opens every worker's socket, ring and table and starts the threads.
 * 0, or -errno with err set and nothing left running.
 */
int	uvs_workers_start(struct uvs_workers *ws,
	    const struct uvs_workers_conf *c, uint32_t now, char *err,
	    size_t errlen);
/* Stops and joins the threads and frees every worker's state and log. */
void	uvs_workers_stop(struct uvs_workers *ws);

/*
 * Appends e to the log (ws takes ownership: e->free_fn frees it once
 * every worker applied it) and wakes the workers. Never waits.
 */
void	uvs_workers_publish(struct uvs_workers *ws, struct uvs_wlog *e);
/* Frees the entries every worker is past; publish and tick call it. */
void	uvs_workers_reclaim(struct uvs_workers *ws);

/*
 * Has every worker copy its counters into its pub and waits until all
 * did; then ws->w[i].pub may be read until the next ask. 0 or -errno.
 */
int	uvs_workers_read_counters(struct uvs_workers *ws);
/*
 * Has worker i copy up to UVS_WORKERS_CHUNK flows from slot cursor on
 * into its pub.conns and waits for it; pub.nflows and pub.cursor say
 * what came. 0 or -errno.
 */
int	uvs_workers_read_conns(struct uvs_workers *ws, unsigned i,
	    uint32_t cursor);

/*
 * The shared total for k, or NULL when the table is full. With add = 1
 * (control thread only) a missing key is added; with 0 (any thread) it
 * is only looked up.
 */
uint32_t *uvs_workers_share(struct uvs_workers *ws,
	    const struct uvs_wshare_key *k, int add);

/*
 * Sets every worker socket's filter (filter.h): families (UVS_FILTER_V4,
 * _V6, or 0 for nothing) say what passes, for its link's MAC. 0 or the
 * first -errno; -EAFNOSUPPORT for IPv6 on the xdp backend, whose
 * program hands IPv6 to the kernel.
 */
int	uvs_workers_set_filter(struct uvs_workers *ws, int families);

/*
 * Tells every worker socket whose backend picks frames by VIP (xdp: the
 * program's VIP map, a kernel map written by fd while the worker reads
 * its sockets) the VIPs, network order; the others ignore it. 0 or the
 * first -errno.
 */
int	uvs_workers_set_vips(struct uvs_workers *ws, const uint32_t *vip,
	    size_t n);

/*
 * Log entries some worker could not apply (memory), in all, and in
 * *worker and *gen the latest such worker and entry; 0: every worker's
 * table is the master's. Any thread.
 */
uint64_t uvs_workers_diverged(const struct uvs_workers *ws,
	    unsigned *worker, uint64_t *gen);

/*
 * Copies up to max flows of t from slot *cursor on into out; *cursor is
 * left at the next slot to look at (t->capacity: all seen). The count.
 */
unsigned uvs_workers_copy_conns(const struct uvs_conn_table *t,
	    uint32_t *cursor, struct uvs_wconn *out, unsigned max);

#endif
