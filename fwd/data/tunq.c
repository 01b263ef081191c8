/*
 * Tunnel mode's sends (tunq.h). The vnet header in front of each head is
 * all zero: every checksum is complete and every packet is no larger
 * than the route's MTU, so the kernel has nothing left to do.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "fwd/data/capture_ops.h"
#include "fwd/data/tunq.h"

unsigned
uvs_tunq_flush(struct uvs_tunq *q, struct uvs_capture *c)
{
	unsigned off = 0, lost = 0;
	int n;

	while (off < q->n) {
		/* the capture's backend sends, as for its own queue */
		n = c->ops->xmit(c, q->msg + off, q->n - off);
		if (n <= 0) {	/* the device queue is full: drop this one */
			lost++;
			off++;
			continue;
		}
		off += (unsigned)n;
	}
	q->n = 0;
	return lost;
}

static void
queue_one(struct uvs_tunq *q, const struct uvs_capture *c,
    const struct uvs_dest *d, const struct uvs_tun_pkt *p)
{
	size_t skip = c->vnet ? 0 : UVS_VNET_HLEN;
	struct sockaddr_ll *to = &q->to[q->n];

	memset(q->head[q->n], 0, UVS_VNET_HLEN);
	to->sll_family = AF_PACKET;
	to->sll_ifindex = d->oif ? d->oif : c->ifindex;
	to->sll_protocol = htons(ETH_P_IP);
	q->iov[q->n][0] = (struct iovec){ q->head[q->n] + skip,
	    UVS_VNET_HLEN - skip + p->head_len };
	q->iov[q->n][1] = (struct iovec){ (void *)p->body, p->body_len };
	q->msg[q->n].msg_hdr = (struct msghdr){ .msg_name = to,
	    .msg_namelen = sizeof(*to), .msg_iov = q->iov[q->n],
	    .msg_iovlen = 2 };
	q->n++;
}

unsigned
uvs_tunq_frame(struct uvs_tunq *q, struct uvs_capture *c,
    const struct uvs_dest *d, uint8_t *buf, size_t len)
{
	const struct virtio_net_hdr *vh = (const struct virtio_net_hdr *)buf;
	uint8_t *frame = buf + UVS_VNET_HLEN;
	size_t flen = len - UVS_VNET_HLEN;
	unsigned k, j, n, nf, lost = 0;
	uint8_t head[UVS_TUN_HEAD_MAX];
	struct uvs_tun_pkt p, fp;

	uvs_tun_csum_finish(frame, flen, vh);
	n = uvs_tun_npkts(vh, frame, flen);
	for (k = 0; k < n; k++) {
		uvs_tun_build(d, vh, frame, flen, k, q->ip_id++, head, &p);
		nf = uvs_tun_nfrags(d, &p);
		for (j = 0; j < nf; j++) {
			if (q->n == UVS_TUNQ_MAX)
				lost += uvs_tunq_flush(q, c);
			uvs_tun_fragment(d, &p, j, q->head[q->n] +
			    UVS_VNET_HLEN, &fp);
			queue_one(q, c, d, &fp);
		}
	}
	return lost;
}
