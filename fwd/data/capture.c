/*
 * What every capture backend shares. Frames from a veth or a virtio NIC
 * often still need their TCP/UDP checksum, or are GSO super-frames above
 * the MTU; written back as plain bytes, the receiver drops them. With
 * PACKET_VNET_HDR the kernel tells us that pending work on receive and
 * takes it back on send, so the rewritten frame leaves exactly as valid
 * as it came in: its rules for sending (DATA_VALID cleared, the header
 * left out under --no-vnet, a put-back tag's moved checksum start) live
 * here, once, for every backend. Every frame in and out passes here,
 * so this is where --trace sees them, behind one NULL test: a received
 * frame when the loop takes it up (uvs_capture_seen), so each forwarded
 * frame follows its original in the trace.
 *
 * The packet loop works in bursts whatever the backend: frames come from
 * a TPACKET_V2 ring (the default), a V3 ring (capture_ring.c), an
 * AF_XDP socket's UMEM (capture_xdp.c) or are read one by one into a
 * small pool (capture_socket.c), are rewritten
 * where they lie, and leave in one call to the backend's xmit. The
 * registry below is the one list of backends.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fwd/data/capture.h"
#include "fwd/data/capture_ops.h"
#include "fwd/data/pktsock.h"
#include "fwd/data/trace.h"

static const struct uvs_capture_ops *const backends[] = {
	&uvs_capture_socket_ops,
	&uvs_capture_ring_v2_ops,
	&uvs_capture_ring_v3_ops,
	&uvs_capture_xdp_ops,
};

const struct uvs_capture_ops *
uvs_capture_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (strcmp(backends[i]->name, name) == 0)
			return backends[i];
	return NULL;
}

/*
 * What a send's message says whatever the frame: the address family and
 * where its name and pieces are. Set for every queue slot once, by
 * uvs_capture_init, so queueing a frame fills in only the link, the
 * type and the pieces.
 */
static void
msg_template(struct msghdr *m, struct sockaddr_ll *to, struct iovec *iov)
{
	memset(to, 0, sizeof(*to));
	to->sll_family = AF_PACKET;
	*m = (struct msghdr){ .msg_name = to, .msg_namelen = sizeof(*to),
	    .msg_iov = iov, .msg_iovlen = 1 };
}

void
uvs_capture_init(struct uvs_capture *c)
{
	struct uvs_txq *q = &c->txq;
	unsigned i;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->vnet = 1;
	c->ops = &uvs_capture_socket_ops;
	for (i = 0; i < UVS_BURST; i++)
		msg_template(&q->msg[i].msg_hdr, &q->to[i], &q->iov[2 * i]);
}

int
uvs_capture_open(struct uvs_capture *c, int ifindex)
{
	int fd;

	uvs_capture_init(c);
	c->ifindex = ifindex;
	if ((fd = uvs_pktsock_open(ifindex)) < 0)
		return fd;
	c->fd = fd;
	return 0;
}

void
uvs_capture_close(struct uvs_capture *c)
{
	if (c->ops && c->ops->close)
		c->ops->close(c);
	c->be = NULL;
	free(c->pool);
	c->pool = NULL;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->trace = NULL;	/* borrowed (capture.h) */
}

int
uvs_capture_no_vnet(struct uvs_capture *c)
{
	int zero = 0;

	if (setsockopt(c->fd, SOL_PACKET, PACKET_VNET_HDR, &zero,
	    sizeof(zero)) < 0)
		return -errno;
	c->vnet = 0;
	return 0;
}

int
uvs_capture_set_filter(struct uvs_capture *c, const struct sock_fprog *prog)
{
	if (c->ops->set_filter)
		return c->ops->set_filter(c, prog);
	if (setsockopt(c->fd, SOL_SOCKET, SO_ATTACH_FILTER, prog,
	    sizeof(*prog)) < 0)
		return -errno;
	return 0;
}

int
uvs_capture_use(struct uvs_capture *c, const char *name,
    const struct uvs_capture_conf *conf)
{
	const struct uvs_capture_ops *ops = uvs_capture_lookup(name);
	int rc;

	if (!ops)
		return -ENOENT;
	if (ops == c->ops)
		return 0;
	if (c->ops != &uvs_capture_socket_ops)
		return -EBUSY;
	if (ops->open && (rc = ops->open(c, conf)) < 0)
		return rc;
	c->ops = ops;
	return 0;
}

int
uvs_capture_use_ring(struct uvs_capture *c, int version, size_t block_size,
    unsigned nblocks)
{
	struct uvs_capture_conf conf = { block_size, nblocks };

	if (version != TPACKET_V2 && version != TPACKET_V3)
		return -EINVAL;
	return uvs_capture_use(c, version == TPACKET_V3 ? "ring-v3" : "ring",
	    &conf);
}

const char *
uvs_capture_backend(const struct uvs_capture *c)
{
	return c->ops->name;
}

const char *
uvs_capture_detail(const struct uvs_capture *c)
{
	return c->ops->detail ? c->ops->detail(c) : NULL;
}

int
uvs_capture_set_vips(struct uvs_capture *c, const uint32_t *vip, size_t n)
{
	return c->ops->set_vips ? c->ops->set_vips(c, vip, n) : 0;
}

uint64_t
uvs_capture_sw_csum(struct uvs_capture *c)
{
	uint64_t n = c->sw_csum;

	c->sw_csum = 0;
	return n;
}

int
uvs_capture_pollfd(const struct uvs_capture *c)
{
	return c->ops->pollfd ? c->ops->pollfd(c) : c->fd;
}

/* The parts of a frame's vnet header that are ours to fix before send. */
static void
vnet_for_send(uint8_t *buf)
{
	struct virtio_net_hdr *vh = (struct virtio_net_hdr *)buf;

	/* DATA_VALID describes what the receive side checked, not a request */
	vh->flags &= ~VIRTIO_NET_HDR_F_DATA_VALID;
}

/*
 * A tagged frame's first piece: its vnet header, whose checksum start
 * moves with the 4 bytes put in front of it, the MACs and the tag.
 */
static size_t
tag_head(uint8_t *h, const uint8_t *buf, uint16_t tci)
{
	struct virtio_net_hdr vh;

	memcpy(&vh, buf, sizeof(vh));
	if (vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
		vh.csum_start = htole16((uint16_t)(le16toh(vh.csum_start) +
		    UVS_VLAN_HLEN));
	memcpy(h, &vh, sizeof(vh));
	memcpy(h + UVS_VNET_HLEN, buf + UVS_VNET_HLEN, 12);
	h[UVS_VNET_HLEN + 12] = 0x81;
	h[UVS_VNET_HLEN + 13] = 0x00;
	h[UVS_VNET_HLEN + 14] = (uint8_t)(tci >> 8);
	h[UVS_VNET_HLEN + 15] = (uint8_t)tci;
	return UVS_VNET_HLEN + 12 + UVS_VLAN_HLEN;
}

/*
 * Fills in one message (made by msg_template) for the frame at buf: the
 * link, the type, the bytes. With head (room for a tagged frame's first
 * piece), the 802.1Q tag tci goes back after the MACs: the message's
 * iov must have room for two pieces.
 */
static void
frame_msg(struct uvs_capture *c, struct msghdr *m, uint8_t *buf, size_t len,
    uint8_t *head, uint16_t tci)
{
	struct sockaddr_ll *to = m->msg_name;
	struct iovec *iov = m->msg_iov;
	size_t skip = c->vnet ? 0 : UVS_VNET_HLEN, cut;

	vnet_for_send(buf);
	to->sll_ifindex = c->ifindex;
	memcpy(&to->sll_protocol, buf + UVS_VNET_HLEN + 12, 2);
	m->msg_iovlen = 1;
	if (!head) {
		iov[0] = (struct iovec){ buf + skip, len - skip };
		return;
	}
	/* the kernel reads the frame's type from here */
	to->sll_protocol = htons(0x8100);
	cut = tag_head(head, buf, tci);
	iov[0] = (struct iovec){ head + skip, cut - skip };
	iov[1] = (struct iovec){ buf + UVS_VNET_HLEN + 12,
	    len - UVS_VNET_HLEN - 12 };
	m->msg_iovlen = 2;
}

static void
trace_out(struct uvs_capture *c, const uint8_t *buf, size_t len)
{
	if (c->trace)
		uvs_trace_frame(c->trace, buf + UVS_VNET_HLEN,
		    len - UVS_VNET_HLEN);
}

int
uvs_capture_send(struct uvs_capture *c, uint8_t *buf, size_t len)
{
	struct mmsghdr m = { 0 };
	struct sockaddr_ll to;
	struct iovec iov;
	int rc;

	if (len < UVS_VNET_HLEN + ETH_HLEN)
		return -EINVAL;
	msg_template(&m.msg_hdr, &to, &iov);
	frame_msg(c, &m.msg_hdr, buf, len, NULL, 0);
	if ((rc = c->ops->xmit(c, &m, 1)) < 0)
		return rc;
	if (rc == 0)
		return -EAGAIN;
	trace_out(c, buf, len);
	return 0;
}

int
uvs_capture_burst(struct uvs_capture *c, struct uvs_frame *f, int max)
{
	return c->ops->burst(c, f, max);
}

void
uvs_capture_seen(struct uvs_capture *c, const struct uvs_frame *f)
{
	if (c->trace && f->len > UVS_VNET_HLEN)
		uvs_trace_frame(c->trace, f->buf + UVS_VNET_HLEN,
		    f->len - UVS_VNET_HLEN);
}

void
uvs_capture_queue(struct uvs_capture *c, uint8_t *buf, size_t len)
{
	uvs_capture_queue_vlan(c, buf, len, 0, 0);
}

void
uvs_capture_queue_vlan(struct uvs_capture *c, uint8_t *buf, size_t len,
    int tagged, uint16_t tci)
{
	uvs_capture_queue_on(c, buf, len, 0, tagged, tci);
}

void
uvs_capture_queue_on(struct uvs_capture *c, uint8_t *buf, size_t len,
    int ifindex, int tagged, uint16_t tci)
{
	struct uvs_txq *q = &c->txq;

	if (q->n == UVS_BURST)
		(void)uvs_capture_flush(c);
	frame_msg(c, &q->msg[q->n].msg_hdr, buf, len,
	    tagged && len >= UVS_VNET_HLEN + ETH_HLEN ? q->head[q->n] : NULL,
	    tci);
	/* a packet socket may send on any link of its namespace */
	if (ifindex)
		q->to[q->n].sll_ifindex = ifindex;
	q->n++;
	/* traced as received: without the tag, which --trace never shows */
	trace_out(c, buf, len);
}

unsigned
uvs_capture_xmit_all(struct uvs_capture *c, struct mmsghdr *msg, unsigned n)
{
	unsigned off = 0, lost = 0;
	int sent;

	while (off < n) {
		sent = c->ops->xmit(c, msg + off, n - off);
		if (sent <= 0) {	/* the device queue is full: drop this one */
			lost++;
			off++;
			continue;
		}
		off += (unsigned)sent;
	}
	return lost;
}

unsigned
uvs_capture_flush(struct uvs_capture *c)
{
	struct uvs_txq *q = &c->txq;
	unsigned lost = uvs_capture_xmit_all(c, q->msg, q->n);

	q->n = 0;
	return lost;
}

uint64_t
uvs_capture_drops(struct uvs_capture *c)
{
	return c->ops->drops ? c->ops->drops(c) : 0;
}

void
uvs_capture_release(struct uvs_capture *c)
{
	if (c->ops->release)
		c->ops->release(c);
}
