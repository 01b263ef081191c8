/*
 * The sync daemon's backup side on one forwarding state (fwd/data/
 * syncin.c): a connection the master synced becomes a flow (or a
 * persistence template) of this table, bound to the same real server,
 * so that after failover its packets find it. uvsd calls it in each
 * worker, on that worker's table, through the workers' log.
 */
#ifndef UVS_SYNCIN_H
#define UVS_SYNCIN_H

#include <stdint.h>

#include "fwd/data/forward.h"
#include "fwd/data/syncmsg.h"

/* What became of one synced connection. */
enum uvs_syncin_result {
	UVS_SYNCIN_NEW,		/* a flow or template made */
	UVS_SYNCIN_UPDATED,	/* one we had: state and expiry taken */
	UVS_SYNCIN_NO_DEST,	/* no such service or real server here */
	UVS_SYNCIN_REFUSED,	/* not TCP/UDP, a bad state, a forwarding
				   method uvs lacks, or the table is full */
};

/* The real server a synced entry names in t, or NULL. */
struct uvs_dest	*uvs_syncin_dest(const struct uvs_svc_table *t,
		    const struct uvs_sync_conn *c);
enum uvs_syncin_result uvs_syncin_apply(struct uvs_fwd *fw,
		    const struct uvs_sync_conn *c, uint32_t now);

#endif
