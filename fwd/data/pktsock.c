/*
 * The packet socket's own reads and writes. The socket is created with
 * protocol 0 and a drop-all filter before it is bound, so no frame slips
 * in before the real filter. Frames read from its queue land in a small
 * pool of 64 KiB buffers (a GSO frame fits whole); without the socket's
 * vnet header (uvsd --no-vnet) a zeroed one is put in front, so callers
 * always see the same layout.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fwd/data/capture.h"
#include "fwd/data/pktsock.h"

#define POOL_FRAME_SIZE	(UVS_VNET_HLEN + 14 + 65536)

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING	23	/* Linux 4.20 */
#endif

static const struct sock_filter drop_all[] = {
	BPF_STMT(BPF_RET | BPF_K, 0),
};

int
uvs_pktsock_open(int ifindex)
{
	struct sock_fprog none = { 1, (struct sock_filter *)drop_all };
	struct sockaddr_ll sll = { 0 };
	int fd, one = 1, bufsz = 4 << 20;
	uint8_t junk[64];

	if ((fd = socket(AF_PACKET, SOCK_RAW, 0)) < 0)
		return -errno;
	if (setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one,
	    sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
	    sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &none,
	    sizeof(none)) < 0)
		goto fail;
	/* a burst must not overflow the queue while we answer uvsadm */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		goto fail;
	/* what came in between socket() and the drop-all filter */
	while (recv(fd, junk, sizeof(junk), MSG_DONTWAIT) > 0)
		;
	return fd;
fail:
	one = -errno;
	close(fd);
	return one;
}

uint8_t *
uvs_pktsock_pool(struct uvs_capture *c, unsigned k)
{
	if (k >= UVS_PKTSOCK_POOL_FRAMES)
		return NULL;
	if (!c->pool &&
	    !(c->pool = malloc(UVS_PKTSOCK_POOL_FRAMES * POOL_FRAME_SIZE)))
		return NULL;
	return c->pool + (size_t)k * POOL_FRAME_SIZE;
}

int
uvs_pktsock_recv(struct uvs_capture *c, unsigned k, struct uvs_frame *f)
{
	struct sockaddr_ll sll;
	socklen_t slen = sizeof(sll);
	size_t skip = c->vnet ? 0 : UVS_VNET_HLEN;
	uint8_t *buf = uvs_pktsock_pool(c, k);
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	/* without the socket's header, the caller still gets an empty one */
	n = recvfrom(c->fd, buf + skip, POOL_FRAME_SIZE - skip,
	    MSG_DONTWAIT | MSG_TRUNC, (struct sockaddr *)&sll, &slen);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	if (skip)
		memset(buf, 0, skip);
	f->buf = buf;
	f->pkttype = sll.sll_pkttype;
	f->copied = 0;
	f->truncated = (size_t)n > POOL_FRAME_SIZE - skip;
	f->len = f->truncated ? 0 : (uint32_t)((size_t)n + skip);
	return 1;
}

int
uvs_pktsock_xmit(struct uvs_capture *c, struct mmsghdr *m, unsigned n)
{
	int rc;

	while ((rc = sendmmsg(c->fd, m, n, 0)) < 0 && errno == EINTR)
		;
	if (rc < 0)
		return -errno;
	return rc;
}

uint64_t
uvs_pktsock_drops(struct uvs_capture *c, int v3)
{
	/* tp_drops is the second word of both the v1 and the v3 layout */
	struct tpacket_stats_v3 st = { 0 };
	socklen_t len = v3 ? sizeof(st) : sizeof(struct tpacket_stats);

	if (getsockopt(c->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) < 0)
		return 0;
	return st.tp_drops;
}
