/*
 * The send queue of tunnel mode: each packet is two pieces, its head
 * (built here by tunnel.c) and its body (a slice of a received frame),
 * sent without copying the body by one sendmmsg per queue-full.
 */
#ifndef UVS_TUNQ_H
#define UVS_TUNQ_H

#include <linux/if_packet.h>
#include <sys/socket.h>

#include "fwd/data/capture.h"
#include "fwd/data/tunnel.h"

#define UVS_TUNQ_MAX	64	/* packets per sendmmsg */

struct uvs_tunq {
	uint8_t			 head[UVS_TUNQ_MAX][UVS_VNET_HLEN +
				    UVS_TUN_HEAD_MAX];
	struct iovec		 iov[UVS_TUNQ_MAX][2];
	struct mmsghdr		 msg[UVS_TUNQ_MAX];
	struct sockaddr_ll	 to[UVS_TUNQ_MAX];
	unsigned		 n;
	uint16_t		 ip_id;		/* the outer packets' IP id */
};

/*
 * Wraps the frame in buf (vnet header first, len bytes in all) for d and
 * queues every packet it becomes on c's socket, out of d's link; sends
 * when the queue fills. The frame must stay until uvs_tunq_flush. Returns
 * how many packets the kernel refused.
 */
unsigned	uvs_tunq_frame(struct uvs_tunq *q, struct uvs_capture *c,
		    const struct uvs_dest *d, uint8_t *buf, size_t len);
/* Sends what is queued; how many packets the kernel refused. */
unsigned	uvs_tunq_flush(struct uvs_tunq *q, struct uvs_capture *c);

#endif
