/*
 * Packet socket backend. Frames from a veth or a virtio NIC often still
 * need their TCP/UDP checksum, or are GSO super-frames above the MTU;
 * written back as plain bytes, the receiver drops them. With
 * PACKET_VNET_HDR the kernel tells us that pending work on receive and
 * takes it back on send, so the rewritten frame leaves exactly as valid
 * as it came in. The socket is created with protocol 0 and a drop-all
 * filter before it is bound, so no frame slips in before the real filter.
 * Every frame in and out passes here, so this is where --trace sees them,
 * behind one NULL test: a received frame when the loop takes it up
 * (uvs_capture_seen), so each forwarded frame follows its original in
 * the trace.
 *
 * The packet loop works in bursts whatever the backend: frames come from
 * a TPACKET_V3 ring (ring.c) or are read one by one into a small pool,
 * are rewritten where they lie, and leave in one sendmmsg.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <endian.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdlib.h>

#include "fwd/data/capture.h"
#include "fwd/data/ring.h"
#include "fwd/data/trace.h"

/* The socket backend reads this many frames per burst into its pool. */
#define POOL_FRAMES	16
#define POOL_FRAME_SIZE	(UVS_VNET_HLEN + 14 + 65536)

#ifndef PACKET_QDISC_BYPASS
#define PACKET_QDISC_BYPASS	20	/* Linux 3.14 */
#endif
#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING	23	/* Linux 4.20 */
#endif

static const struct sock_filter drop_all[] = {
	BPF_STMT(BPF_RET | BPF_K, 0),
};

int
uvs_capture_open(struct uvs_capture *c, int ifindex)
{
	struct sock_fprog none = { 1, (struct sock_filter *)drop_all };
	struct sockaddr_ll sll = { 0 };
	int one = 1, bufsz = 4 << 20;
	uint8_t junk[64];

	c->ifindex = ifindex;
	c->vnet = 1;
	if ((c->fd = socket(AF_PACKET, SOCK_RAW, 0)) < 0)
		return -errno;
	if (setsockopt(c->fd, SOL_PACKET, PACKET_VNET_HDR, &one,
	    sizeof(one)) < 0 ||
	    setsockopt(c->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
	    sizeof(one)) < 0 ||
	    /* a tag the kernel took off comes with each frame read */
	    setsockopt(c->fd, SOL_PACKET, PACKET_AUXDATA, &one,
	    sizeof(one)) < 0 ||
	    setsockopt(c->fd, SOL_SOCKET, SO_ATTACH_FILTER, &none,
	    sizeof(none)) < 0)
		goto fail;
	/* a burst must not overflow the queue while we answer uvsadm */
	(void)setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = ifindex;
	if (bind(c->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		goto fail;
	while (recv(c->fd, junk, sizeof(junk), MSG_DONTWAIT) > 0)
		;
	return 0;
fail:
	one = -errno;
	close(c->fd);
	c->fd = -1;
	return one;
}

void
uvs_capture_close(struct uvs_capture *c)
{
	if (c->ring) {
		uvs_ring_close(c->ring);
		free(c->ring);
		c->ring = NULL;
	}
	free(c->pool);
	c->pool = NULL;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	uvs_trace_close(c->trace);
	c->trace = NULL;
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
	if (setsockopt(c->fd, SOL_SOCKET, SO_ATTACH_FILTER, prog,
	    sizeof(*prog)) < 0)
		return -errno;
	return 0;
}

int
uvs_capture_send(struct uvs_capture *c, uint8_t *buf, size_t len)
{
	struct virtio_net_hdr *vh = (struct virtio_net_hdr *)buf;
	struct sockaddr_ll sll = { 0 };
	size_t skip = c->vnet ? 0 : UVS_VNET_HLEN;

	if (len < UVS_VNET_HLEN + ETH_HLEN)
		return -EINVAL;
	/* DATA_VALID describes what the receive side checked, not a request */
	vh->flags &= ~VIRTIO_NET_HDR_F_DATA_VALID;
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = c->ifindex;
	memcpy(&sll.sll_protocol, buf + UVS_VNET_HLEN + 12, 2);
	if (sendto(c->fd, buf + skip, len - skip, 0, (struct sockaddr *)&sll,
	    sizeof(sll)) < 0)
		return -errno;
	if (c->trace)
		uvs_trace_frame(c->trace, buf + UVS_VNET_HLEN,
		    len - UVS_VNET_HLEN);
	return 0;
}

int
uvs_capture_use_ring(struct uvs_capture *c, int version, size_t block_size,
    unsigned nblocks)
{
	struct uvs_ring *r;
	int one = 1, rc;

	if (!(r = calloc(1, sizeof(*r))))
		return -ENOMEM;
	if ((rc = uvs_ring_open(r, c->fd, version, block_size, nblocks,
	    c->vnet)) < 0) {
		free(r);
		return rc;
	}
	c->ring = r;
	/* frames we send skip the qdisc: DR has no traffic shaping to do */
	(void)setsockopt(c->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one,
	    sizeof(one));
	return 0;
}

/*
 * One frame from the socket's queue. The tag the kernel took off comes
 * as PACKET_AUXDATA (the ring backends read it from the ring instead).
 */
static ssize_t
sock_recv(struct uvs_capture *c, uint8_t *buf, size_t size,
    struct uvs_frame *f)
{
	struct sockaddr_ll sll;
	size_t skip = c->vnet ? 0 : UVS_VNET_HLEN;
	union {
		struct cmsghdr	 h;
		uint8_t		 b[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	} ctl;
	struct iovec iov;
	struct msghdr mh = { .msg_name = &sll, .msg_namelen = sizeof(sll),
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b,
	    .msg_controllen = sizeof(ctl.b) };
	struct cmsghdr *cm;
	ssize_t n;

	if (size < UVS_VNET_HLEN)
		return -EINVAL;
	/* without the socket's header, the caller still gets an empty one */
	iov = (struct iovec){ buf + skip, size - skip };
	n = recvmsg(c->fd, &mh, MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	f->pkttype = sll.sll_pkttype;
	f->vlan_valid = 0;
	f->vlan_tci = 0;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		struct tpacket_auxdata aux;

		if (cm->cmsg_level != SOL_PACKET ||
		    cm->cmsg_type != PACKET_AUXDATA ||
		    cm->cmsg_len < CMSG_LEN(sizeof(aux)))
			continue;
		memcpy(&aux, CMSG_DATA(cm), sizeof(aux));
		f->vlan_valid = !!(aux.tp_status & TP_STATUS_VLAN_VALID);
		f->vlan_tci = f->vlan_valid ? aux.tp_vlan_tci : 0;
		/* 802.1ad: VID 4095, reserved, never served */
		if (f->vlan_valid &&
		    (aux.tp_status & TP_STATUS_VLAN_TPID_VALID) &&
		    aux.tp_vlan_tpid != 0x8100)
			f->vlan_tci |= 0x0fff;
	}
	if ((size_t)n > size - skip)
		return -EMSGSIZE;
	if (skip)
		memset(buf, 0, skip);
	n += (ssize_t)skip;
	return n;
}

/* Socket backend: read what waits, one recv a frame, into the pool. */
static int
pool_burst(struct uvs_capture *c, struct uvs_frame *f, int max)
{
	int n = 0;
	ssize_t len;

	if (!c->pool && !(c->pool = malloc(POOL_FRAMES * POOL_FRAME_SIZE)))
		return -ENOMEM;
	if (max > POOL_FRAMES)
		max = POOL_FRAMES;
	while (n < max) {
		uint8_t *buf = c->pool + (size_t)n * POOL_FRAME_SIZE;

		len = sock_recv(c, buf, POOL_FRAME_SIZE, &f[n]);
		if (len == 0)
			break;
		if (len < 0 && len != -EMSGSIZE)
			return n ? n : (int)len;
		f[n].buf = buf;
		f[n].len = len < 0 ? 0 : (uint32_t)len;
		f[n].truncated = len < 0;
		f[n].copied = 0;
		n++;
	}
	return n;
}

/*
 * A V2 ring frame too big for its slot (a GSO frame) left only a stub;
 * the frame itself waits, in order, in the socket's queue.
 */
static void
fetch_copied(struct uvs_capture *c, struct uvs_frame *f, unsigned k)
{
	uint8_t *buf = c->pool + (size_t)k * POOL_FRAME_SIZE;
	ssize_t len = sock_recv(c, buf, POOL_FRAME_SIZE, f);

	f->buf = buf;
	f->len = len > 0 ? (uint32_t)len : 0;
	f->truncated = len <= 0;
}

int
uvs_capture_burst(struct uvs_capture *c, struct uvs_frame *f, int max)
{
	int i, n;
	unsigned k = 0;

	if (!c->ring)
		return pool_burst(c, f, max);
	n = uvs_ring_burst(c->ring, f, max, POOL_FRAMES);
	for (i = 0; i < n; i++) {
		if (!f[i].copied)
			continue;
		if (!c->pool &&
		    !(c->pool = malloc(POOL_FRAMES * POOL_FRAME_SIZE))) {
			f[i].truncated = 1;	/* counted, and dropped */
			continue;
		}
		fetch_copied(c, &f[i], k++);
	}
	return n;
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

void
uvs_capture_queue_vlan(struct uvs_capture *c, uint8_t *buf, size_t len,
    int tagged, uint16_t tci)
{
	struct uvs_txq *q = &c->txq;
	struct virtio_net_hdr *vh = (struct virtio_net_hdr *)buf;
	size_t skip = c->vnet ? 0 : UVS_VNET_HLEN, cut;
	struct iovec *iov;
	struct sockaddr_ll *to;

	if (q->n == UVS_BURST)
		(void)uvs_capture_flush(c);
	to = &q->to[q->n];
	iov = &q->iov[2 * q->n];
	/* DATA_VALID describes what the receive side checked, not a request */
	vh->flags &= ~VIRTIO_NET_HDR_F_DATA_VALID;
	to->sll_family = AF_PACKET;
	to->sll_ifindex = c->ifindex;
	memcpy(&to->sll_protocol, buf + UVS_VNET_HLEN + 12, 2);
	if (tagged && len >= UVS_VNET_HLEN + ETH_HLEN) {
		/* the kernel reads the frame's type from here */
		to->sll_protocol = htons(0x8100);
		cut = tag_head(q->head[q->n], buf, tci);
		iov[0] = (struct iovec){ q->head[q->n] + skip, cut - skip };
		iov[1] = (struct iovec){ buf + UVS_VNET_HLEN + 12,
		    len - UVS_VNET_HLEN - 12 };
	} else {
		iov[0] = (struct iovec){ buf + skip, len - skip };
		tagged = 0;
	}
	q->msg[q->n].msg_hdr = (struct msghdr){ .msg_name = to,
	    .msg_namelen = sizeof(*to), .msg_iov = iov,
	    .msg_iovlen = tagged ? 2 : 1 };
	q->n++;
	/* traced as received: without the tag, which --trace never shows */
	if (c->trace)
		uvs_trace_frame(c->trace, buf + UVS_VNET_HLEN,
		    len - UVS_VNET_HLEN);
}

unsigned
uvs_capture_flush(struct uvs_capture *c)
{
	struct uvs_txq *q = &c->txq;
	unsigned off = 0, lost = 0;
	int n;

	while (off < q->n) {
		n = sendmmsg(c->fd, q->msg + off, q->n - off, 0);
		if (n < 0 && errno == EINTR)
			continue;
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

uint64_t
uvs_capture_drops(struct uvs_capture *c)
{
	/* tp_drops is the second word of both the v1 and the v3 layout */
	struct tpacket_stats_v3 st = { 0 };
	socklen_t len = c->ring ? sizeof(st) : sizeof(struct tpacket_stats);

	if (getsockopt(c->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) < 0)
		return 0;
	return st.tp_drops;
}

void
uvs_capture_release(struct uvs_capture *c)
{
	if (c->ring)
		uvs_ring_release(c->ring);
}
