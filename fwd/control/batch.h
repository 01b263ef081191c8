/*
 * The one table model's one way to change: apply(table, requests[]).
 * Every change to services and dests, whether one uvsadm request, a
 * whole rules file, a neighbour's MAC or a health check's verdict, is a
 * list of requests (ctlmsg.h words) run through uvs_batch_apply. The
 * director runs it first on a copy of its table (uvs_batch_copy) to learn
 * whether the whole list is accepted and what the table becomes, then on
 * the live table and, through the workers' log, on each worker's table:
 * the same function on the same start gives the same result everywhere.
 *
 * What only a live table has (flows that must end with their dest,
 * timeouts kept in the flow table) is reached through uvs_batch_ops; a
 * copy being checked passes none.
 */
#ifndef UVS_BATCH_H
#define UVS_BATCH_H

#include <stddef.h>

#include "fwd/lang/ctlmsg.h"
#include "sched/sched.h"

struct uvs_batch_ops {
	void	*arg;
	/* x's flows end: it is deleted, or taken out with flush */
	void	(*dest_flush)(void *arg, const struct uvs_dest *x);
	/* every flow ends: the table is cleared */
	void	(*flush_all)(void *arg);
	/* --set tcp tcpfin udp, 0 keeping a value */
	void	(*timeouts)(void *arg, const uint32_t t[3]);
	/* x was added, or is about to be freed (the director's MAC book) */
	void	(*dest_added)(void *arg, const struct uvs_dest *x);
	void	(*dest_deleted)(void *arg, const struct uvs_dest *x);
};

/*
 * Makes dst (initialised, empty) a copy of src's configuration: services
 * and dests in the same order, with their MACs and flags, no counters.
 * 0, or -ENOMEM with dst holding what was copied (free it).
 */
int	uvs_batch_copy(struct uvs_svc_table *dst,
	    const struct uvs_svc_table *src);

/*
 * Applies msgs[0..n) to t in order. ops may be NULL. Returns 0 when all
 * were applied; otherwise -errno with *at the index of the refused
 * request, err saying why, and t holding the requests before it (the
 * caller that needs all or nothing runs it on a copy first).
 */
int	uvs_batch_apply(struct uvs_svc_table *t,
	    const struct uvs_ctl_msg *msgs, unsigned n,
	    const struct uvs_batch_ops *ops, unsigned *at, char *err,
	    size_t errlen);

/*
 * uvs_batch_apply on a copy of t, freed again: would msgs be accepted?
 * 0, or -errno with *at and err as above. t is not changed.
 */
int	uvs_batch_check(const struct uvs_svc_table *t,
	    const struct uvs_ctl_msg *msgs, unsigned n, unsigned *at,
	    char *err, size_t errlen);

/* Is verb one of the requests uvs_batch_apply takes? */
int	uvs_batch_is_change(const char *verb);

#endif
