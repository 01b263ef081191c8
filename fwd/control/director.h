/*
 * The director: the forwarding state plus the sockets that feed it, and
 * the control operations that must touch several of them at once (a new
 * VIP changes the capture filter and is announced by ARP; a new dest's MAC
 * is asked of the kernel's neighbour table).
 */
#ifndef UVS_DIRECTOR_H
#define UVS_DIRECTOR_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "fwd/data/capture.h"
#include "fwd/data/forward.h"
#include "fwd/control/guard.h"
#include "fwd/control/rsmac.h"
#include "fwd/data/workers.h"

#define UVS_CONN_MAX_DEFAULT	1048576u
#define UVS_DIR_NO_GUARD	0x1	/* uvs_dir_init: leave the kernel unguarded */

struct uvs_health;

struct uvs_director {
	char			 ifname[IFNAMSIZ];
	int			 ifindex;
	struct uvs_fwd		 fw;
	struct uvs_capture	 cap;
	struct uvs_nl		*nl;
	struct uvs_guard	 guard;		/* keeps the kernel off VIPs */
	int			 no_guard;	/* asked for: UVS_DIR_NO_GUARD */
	char			 guard_why[160];	/* why the guard is off */
	struct uvs_rsmac	 rsmac;		/* real servers' MACs */
	/* a line for the log (uvsd's logger), e.g. a silent real server */
	void			(*log)(void *arg, const char *line);
	void			*log_arg;
	uint32_t		 last_est;	/* last rate estimation */
	struct uvs_health	*health;	/* checks (health.h); NULL: none */
	struct uvs_workers	 workers;	/* -j N; n == 0: none */
	struct {				/* uvs_dir_sync's sums */
		uint32_t	 conns;		/* flows and templates */
		uint32_t	 buckets;	/* hash size, as -L says */
		uint64_t	 capacity;	/* entries at most */
		uint64_t	 reclaimed;
		unsigned	 nworkers;	/* folded so far */
		uint64_t	 worker_rx[UVS_WORKERS_MAX];
	} sum;
};

typedef void	(*uvs_dir_conn_fn)(const struct uvs_conn_table *t, void *arg);

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
 * Control operations. Each returns 0 or -errno, and on error leaves the
 * table as it was and writes a one-line reason into err.
 */
int	uvs_dir_add_service(struct uvs_director *d,
	    const struct uvs_svc_conf *c, char *err, size_t errlen);
int	uvs_dir_edit_service(struct uvs_director *d,
	    const struct uvs_svc_conf *c, char *err, size_t errlen);
int	uvs_dir_del_service(struct uvs_director *d, uint8_t proto,
	    uint32_t addr, uint16_t port, char *err, size_t errlen);
int	uvs_dir_add_dest(struct uvs_director *d, struct uvs_svc *svc,
	    const struct uvs_dest_conf *c, char *err, size_t errlen);
int	uvs_dir_edit_dest(struct uvs_director *d, struct uvs_svc *svc,
	    const struct uvs_dest_conf *c, char *err, size_t errlen);
int	uvs_dir_del_dest(struct uvs_director *d, struct uvs_svc *svc,
	    uint32_t addr, uint16_t port, char *err, size_t errlen);
void	uvs_dir_clear(struct uvs_director *d);
/*
 * Health checks' switch: takes a dest out of scheduling (out = 1) or puts
 * it back, keeping its weight; with flush its flows end too, as when it
 * is deleted. 0, or -ENOENT with err set.
 */
int	uvs_dir_dest_out(struct uvs_director *d, struct uvs_svc *svc,
	    uint32_t addr, uint16_t port, int out, int flush, char *err,
	    size_t errlen);

/*
 * -j N: starts N workers (workers.h) that from now on receive and
 * forward; the director's own socket only sends. Call it before any
 * service exists. 0 or -errno with err set.
 */
int	uvs_dir_start_workers(struct uvs_director *d, unsigned n,
	    enum uvs_fanout fanout, uint32_t conn_max, int ring_version,
	    size_t ring_block, unsigned ring_blocks,
	    uvs_fwd_conn_hook on_new_conn,
	    void (*on_arp_reply)(void *, const struct uvs_fwd *), uint32_t now,
	    char *err, size_t errlen);
/*
 * Brings the master table's figures up to date: with workers, the dests'
 * and services' counters and fw.stats become the workers' sums; in any
 * case d->sum gets the flow count. Call before reading any of them.
 */
void	uvs_dir_sync(struct uvs_director *d);
/* --set tcp tcpfin udp, 0 keeping a value, for every table. */
void	uvs_dir_set_timeouts(struct uvs_director *d, const uint32_t t[3]);
/* -Z: one service's counters and rates, or all (svc NULL). */
void	uvs_dir_zero(struct uvs_director *d, const struct uvs_svc *svc);
/* Calls fn on each connection table in turn (one, or one per worker). */
void	uvs_dir_each_table(struct uvs_director *d, uvs_dir_conn_fn fn,
	    void *arg);

/* Reads neighbour news from the kernel; 0 or -errno. */
int	uvs_dir_neigh_input(struct uvs_director *d);
/*
 * Once a second: expire flows, ask the kernel about real servers' MACs
 * that are due (rsmac.h), log one that stays silent.
 */
void	uvs_dir_tick(struct uvs_director *d, uint32_t now);
/* How many dests still wait for their MAC. */
unsigned uvs_dir_unresolved(const struct uvs_director *d);

#endif
