/*
 * Packet socket backend. Frames from a veth or a virtio NIC often still
 * need their TCP/UDP checksum, or are GSO super-frames above the MTU;
 * written back as plain bytes, the receiver drops them. With
 * PACKET_VNET_HDR the kernel tells us that pending work on receive and
 * takes it back on send, so the rewritten frame leaves exactly as valid
 * as it came in. The socket is created with protocol 0 and a drop-all
 * filter before it is bound, so no frame slips in before the real filter.
 * Every frame in and out passes here, so this is where --trace sees them,
 * behind one NULL test.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "capture.h"
#include "trace.h"

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

ssize_t
uvs_capture_recv(struct uvs_capture *c, uint8_t *buf, size_t size,
    int *pkttype)
{
	struct sockaddr_ll sll;
	socklen_t slen = sizeof(sll);
	size_t skip = c->vnet ? 0 : UVS_VNET_HLEN;
	ssize_t n;

	if (size < UVS_VNET_HLEN)
		return -EINVAL;
	/* without the socket's header, the caller still gets an empty one */
	n = recvfrom(c->fd, buf + skip, size - skip, MSG_DONTWAIT | MSG_TRUNC,
	    (struct sockaddr *)&sll, &slen);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	if ((size_t)n > size - skip)
		return -EMSGSIZE;
	if (skip)
		memset(buf, 0, skip);
	n += (ssize_t)skip;
	*pkttype = sll.sll_pkttype;
	if (c->trace && (size_t)n >= UVS_VNET_HLEN)
		uvs_trace_frame(c->trace, buf + UVS_VNET_HLEN,
		    (size_t)n - UVS_VNET_HLEN);
	return n;
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
