/*
 * The director: the forwarding state plus the sockets that feed it. Its
 * table changes only by one transaction (uvs_dir_apply, reconcile.c),
 * which also makes what a change needs beside the table, once: the
 * capture filter and kernel guard, a new VIP announced by ARP, a new
 * dest's MAC asked of the kernel's neighbour table, the workers' log.
 */
#ifndef UVS_DIRECTOR_H
#define UVS_DIRECTOR_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "fwd/data/capture.h"
#include "fwd/lang/ctlmsg.h"
#include "fwd/data/forward.h"
#include "fwd/control/guard.h"
#include "fwd/control/rsmac.h"
#include "fwd/control/syncd.h"
#include "fwd/data/workers.h"
#include "arp/arp.h"

#define UVS_CONN_MAX_DEFAULT	1048576u
#define UVS_DIR_NO_GUARD	0x1	/* uvs_dir_init: leave the kernel unguarded */

struct uvs_health;

/* uvsd -i given more than once: as many links, the first one d->ifname */
#define UVS_DIR_LINKS_MAX	UVS_NL_LINKS_MAX
_Static_assert(UVS_DIR_LINKS_MAX <= UVS_WORKERS_LINKS,
    "every link needs a socket in each worker");

/* A link after the first: where frames are taken, and may leave by. */
struct uvs_dir_link {
	char			 name[IFNAMSIZ];
	int			 ifindex;
	uint8_t			 mac[6];
	struct uvs_capture	 cap;
};

struct uvs_director {
	char			 ifname[IFNAMSIZ];
	int			 ifindex;
	struct uvs_fwd		 fw;
	struct uvs_capture	 cap;
	struct uvs_nl		*nl;
	struct uvs_guard	 guard;		/* keeps the kernel off VIPs */
	int			 no_guard;	/* asked for: UVS_DIR_NO_GUARD */
	/* the worker's XDP program keeps the kernel off VIP traffic, so
	   the guard is closed (--backend xdp, native mode) */
	int			 xdp_guard;
	char			 guard_why[160];	/* why the guard is off */
	struct uvs_rsmac	 rsmac;		/* real servers' MACs */
	/* a line for the log (uvsd's logger), e.g. a silent real server */
	void			(*log)(void *arg, const char *line);
	void			*log_arg;
	uint32_t		 last_est;	/* last rate estimation */
	struct uvs_health	*health;	/* checks (health.h); NULL: none */
	struct uvs_workers	 workers;	/* -j N (1 without -j) */
	uint64_t		 apply_failures;	/* reported so far */
	struct uvs_syncd	 syncd;		/* --start-daemon (syncd.h) */
	struct uvs_dir_link	 links[UVS_DIR_LINKS_MAX - 1];	/* egress.c */
	unsigned		 nlinks;	/* in links[] */
	int			 routes_stale;	/* look dests' routes up again */
	int			 addrs_stale;	/* --follow-vip: read the
						   kernel's addresses again */
	struct {				/* uvs_dir_sync's sums */
		uint32_t	 conns;		/* flows and templates */
		uint32_t	 buckets;	/* hash size, as -L says */
		uint64_t	 capacity;	/* entries at most */
		uint64_t	 reclaimed;
		uint64_t	 reclaimed_udp;	/* ... from UDP flows */
		unsigned	 nworkers;	/* folded so far */
		uint64_t	 worker_rx[UVS_WORKERS_MAX];
	} sum;
	struct {				/* what transactions did */
		uint64_t	 transactions;	/* committed */
		uint64_t	 filter_builds;	/* capture filter set */
		uint64_t	 guard_builds;	/* kernel guard set */
	} counts;
};

typedef int	(*uvs_dir_conn_fn)(const struct uvs_wconn *c, unsigned n,
		    void *arg);

/*
 * Opens everything on ifname with a table of conn_max flows. Returns 0,
 * or -errno with err describing what failed. The kernel guard is opened
 * too unless flags has UVS_DIR_NO_GUARD; a guard that cannot be opened is
 * not fatal: guard.on stays 0, guard_why says why, and a VIP on a kernel
 * interface is refused instead.
 */
int	uvs_dir_init(struct uvs_director *d, const char *ifname,
	    uint32_t conn_max, uint32_t now, unsigned flags, char *err,
	    size_t errlen);
void	uvs_dir_free(struct uvs_director *d);

/*
 * The one way to change the table: applies msgs[0..n) (batch.h words)
 * as one transaction. They are applied to a copy first; then the side
 * effects the new table needs (kernel guard, capture filter, the VIP
 * check when unguarded) are made once; only if all of that worked is the
 * live table changed, the workers' log fed, new VIPs announced and new
 * dests' MACs asked for. 0, or -errno with *at the index of the request
 * at fault and err the reason; then nothing was changed (except when
 * memory runs out in the live step: err then says the requests before
 * *at were applied).
 */
int	uvs_dir_apply(struct uvs_director *d, const struct uvs_ctl_msg *msgs,
	    unsigned n, unsigned *at, char *err, size_t errlen);
/* uvs_dir_apply of the one request fmt makes. */
int	uvs_dir_applyf(struct uvs_director *d, char *err, size_t errlen,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/*
 * Applies msgs to one forwarding state (its table, flows, timeouts): the
 * step every copy of the table takes, master and workers alike.
 */
int	uvs_dir_apply_fw(struct uvs_fwd *fw, const struct uvs_ctl_msg *msgs,
	    unsigned n, unsigned *at, char *err, size_t errlen);

/*
 * Health checks' operations (dirhealth.c), each one uvs_dir_apply of the
 * request an operator would type: a dest's weight (-e), a new dest (-a,
 * out = 1 for a sorry server's stand-by), -d, and taking a dest out of
 * scheduling (out = 1) or back, keeping its weight; with flush its flows
 * end too, as when it is deleted. 0 or -errno with err set.
 */
int	uvs_dir_edit_dest(struct uvs_director *d, struct uvs_svc *svc,
	    const struct uvs_dest_conf *c, char *err, size_t errlen);
int	uvs_dir_add_dest(struct uvs_director *d, struct uvs_svc *svc,
	    const struct uvs_dest_conf *c, char *err, size_t errlen);
int	uvs_dir_del_dest(struct uvs_director *d, struct uvs_svc *svc,
	    const union uvs_inaddr *addr, uint16_t port, char *err,
	    size_t errlen);
int	uvs_dir_dest_out(struct uvs_director *d, struct uvs_svc *svc,
	    const union uvs_inaddr *addr, uint16_t port, int out, int flush,
	    char *err, size_t errlen);

/*
 * Starts the workers (workers.h), uvsd's only packet path: from now on
 * they receive and forward on every link; the director's own sockets
 * only send (gratuitous ARP) and watch their links. c says how many
 * and how (n, fanout, conn_max, backend, no_vnet, trace, hooks); this
 * fills in the links, MACs, ARP template, sloppy_tcp, frag_max,
 * frag_hold and VLANs from d. Call it after the links, before any
 * service. 0 or -errno with err set.
 */
int	uvs_dir_start_workers(struct uvs_director *d,
	    struct uvs_workers_conf *c, uint32_t now, char *err,
	    size_t errlen);
/*
 * Brings the master table's figures up to date: the dests' and
 * services' counters and fw.stats become the workers' sums, d->sum
 * their flow counts. Call before reading any of them.
 */
void	uvs_dir_sync(struct uvs_director *d);
/*
 * -L -c: hands every flow and template, copied out of the table that
 * holds it (the director's, or each worker's in turn), to fn in chunks
 * of at most UVS_WORKERS_CHUNK. fn returning < 0 stops the walk and is
 * returned; otherwise 0.
 */
int	uvs_dir_conns(struct uvs_director *d, uvs_dir_conn_fn fn, void *arg);

/* Reads neighbour news from the kernel; 0 or -errno. */
int	uvs_dir_neigh_input(struct uvs_director *d);
/*
 * Once a second: expire flows, ask the kernel about real servers' MACs
 * that are due (rsmac.h), log one that stays silent.
 */
void	uvs_dir_tick(struct uvs_director *d, uint32_t now);
/* How many dests still wait for their MAC. */
unsigned uvs_dir_unresolved(const struct uvs_director *d);

/*
 * egress.c. Adds link ifname to the director's (a second or further -i):
 * frames to the VIPs are taken there too, and dests whose route names it
 * are sent out of it. Call before any service exists, without workers.
 * 0 or -errno with err set.
 */
int	uvs_dir_add_link(struct uvs_director *d, const char *ifname, char *err,
	    size_t errlen);
/* The director's MAC on link ifindex, or NULL when it is not one of ours. */
const uint8_t *uvs_dir_link_mac(const struct uvs_director *d, int ifindex);
/*
 * The "egress" requests (batch.c) that point t's dests where the kernel's
 * routes now send them: for the dests not routed yet (oif 0: new, or
 * switched between -g and -i), or for all (the routing table changed);
 * one per address and kind, none for a dest whose route did not move. A
 * dest whose route leaves by a link that is not ours gets no next hop and
 * stays unresolved. 0 or -ENOMEM; out owns its text and messages.
 */
struct uvs_dir_egress {
	char			*text;
	struct uvs_ctl_msg	*msgs;
	unsigned		 n;
};
int	uvs_dir_egress_reqs(const struct uvs_director *d,
	    const struct uvs_svc_table *t, int all, struct uvs_dir_egress *out);
void	uvs_dir_egress_free(struct uvs_dir_egress *e);
/* Routes every dest again, as one transaction of "egress" requests. */
void	uvs_dir_reroute(struct uvs_director *d);
/*
 * Asks the kernel to resolve the next hop of the dest at addr (family
 * af) on the link of its route: ARP for IPv4, an NS for IPv6.
 */
void	uvs_dir_resolve_addr(struct uvs_director *d, int af,
	    const union uvs_inaddr *addr);
/* Is addr, on link ifindex, the gateway some dest is reached through? */
int	uvs_dir_is_gateway(const struct uvs_director *d, int ifindex, int af,
	    const union uvs_inaddr *addr);

#endif
