/*
 * The packet path of the director, one function per stage in the order a
 * frame travels: parse, answer ARP for a VIP, find or create the flow,
 * check the dest can be reached, rewrite the MACs. Sending is the
 * caller's: this file decides, it does no I/O.
 */
#ifndef UVS_FORWARD_H
#define UVS_FORWARD_H

#include <stdint.h>

#include "arp/arp.h"
#include "fwd/data/drop.h"
#include "fwd/data/parse.h"
#include "sched/conn.h"
#include "sched/sched.h"

struct uvs_fwd_stats {
	uint64_t	 rx_frames;
	uint64_t	 fwd_frames;
	uint64_t	 fwd_bytes;
	uint64_t	 arp_replies;
	uint64_t	 arp_ignored;	/* ARP not asking for a VIP */
	uint64_t	 conns_new;
	uint64_t	 conns_reused;	/* SYN on a closing flow: rescheduled */
	uint64_t	 rx_kernel_drops;	/* no room in ring or queue */
	uint64_t	 drops[UVS_DROP_MAX];
};

/*
 * Called for each new flow, e.g. for a -v log line, right after the flow
 * is bound to its dest (so c->dest counts it already) and before the
 * frame is rewritten: old_dst is the frame's destination MAC as it came,
 * c->dest->hwaddr the one it is given. May be NULL.
 */
typedef void (*uvs_fwd_conn_hook)(void *arg, const struct uvs_conn *c,
		    const uint8_t *old_dst);

struct uvs_fwd {
	struct uvs_svc_table	 svcs;
	struct uvs_conn_table	 conns;
	uint8_t			 mac[6];	/* the director's */
	uint8_t			 arp_reply[UVS_ARP_FRAME_LEN];	/* template */
	struct uvs_fwd_stats	 stats;
	uvs_fwd_conn_hook	 on_new_conn;
	void			*hook_arg;
	/*
	 * IPVS's sloppy_tcp (off by default, as there): any TCP packet but
	 * an RST may start a flow, not only a SYN. A connection met in
	 * mid-stream, e.g. after a restart lost the table, is scheduled
	 * again; mh and sh send it back to the server that holds it.
	 */
	int			 sloppy_tcp;
};

enum uvs_verdict {
	UVS_DROP,	/* counted in stats.drops */
	UVS_FORWARD,	/* frame rewritten in place: send it */
	UVS_REPLY,	/* fw->arp_reply holds an answer: send that */
	UVS_IGNORE,	/* nothing to do (e.g. ARP not for us) */
};

/*
 * Decides one received frame. frame/len exclude the vnet header. now is
 * the table clock in seconds.
 */
enum uvs_verdict uvs_fwd_frame(struct uvs_fwd *fw, uint8_t *frame,
		    size_t len, uint32_t now);

#endif
