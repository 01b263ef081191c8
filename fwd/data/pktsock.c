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
	struct packet_mreq mr = { 0 };
	int fd, one = 1, bufsz = 4 << 20;
	uint8_t junk[64];

	if ((fd = socket(AF_PACKET, SOCK_RAW, 0)) < 0)
		return -errno;
	if (setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one,
	    sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
	    sizeof(one)) < 0 ||
	    /* a tag the kernel took off comes with each frame read */
	    setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one,
	    sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &none,
	    sizeof(none)) < 0)
		goto fail;
	/*
	 * A burst must not overflow the queue while we answer uvsadm, and
	 * the ring's GSO frames wait there too. SO_RCVBUF is silently
	 * capped at net.core.rmem_max (208 KiB by default: three 64 KiB
	 * frames); SO_RCVBUFFORCE, which uvsd's CAP_NET_ADMIN allows, is not.
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufsz,
	    sizeof(bufsz)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsz,
		    sizeof(bufsz));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		goto fail;
	/*
	 * A Neighbor Solicitation for a v6 VIP goes to its solicited-node
	 * group's MAC, which the NIC filters out unless someone joined it:
	 * the kernel did not (the VIP is not its address). All-multicast
	 * lets the group in; the capture filter still keeps out all but NS.
	 */
	mr.mr_ifindex = ifindex;
	mr.mr_type = PACKET_MR_ALLMULTI;
	if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
	    sizeof(mr)) < 0)
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

/*
 * The tag the kernel took off, from PACKET_AUXDATA (the ring backends
 * read it from the ring instead). An outer tag other than 802.1Q's
 * (802.1ad) gets VID 4095, which 802.1Q reserves and uvsd never serves.
 */
static void
aux_vlan(struct msghdr *mh, struct uvs_frame *f)
{
	struct cmsghdr *cm;

	f->vlan_valid = 0;
	f->vlan_tci = 0;
	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		struct tpacket_auxdata aux;

		if (cm->cmsg_level != SOL_PACKET ||
		    cm->cmsg_type != PACKET_AUXDATA ||
		    cm->cmsg_len < CMSG_LEN(sizeof(aux)))
			continue;
		memcpy(&aux, CMSG_DATA(cm), sizeof(aux));
		f->vlan_valid = !!(aux.tp_status & TP_STATUS_VLAN_VALID);
		f->vlan_tci = f->vlan_valid ? aux.tp_vlan_tci : 0;
		if (f->vlan_valid &&
		    (aux.tp_status & TP_STATUS_VLAN_TPID_VALID) &&
		    aux.tp_vlan_tpid != 0x8100)
			f->vlan_tci |= 0x0fff;
	}
}

int
uvs_pktsock_recv(struct uvs_capture *c, unsigned k, struct uvs_frame *f)
{
	struct sockaddr_ll sll;
	size_t skip = c->vnet ? 0 : UVS_VNET_HLEN;
	uint8_t *buf = uvs_pktsock_pool(c, k);
	union {
		struct cmsghdr	 h;
		uint8_t		 b[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	} ctl;
	struct iovec iov;
	struct msghdr mh = { .msg_name = &sll, .msg_namelen = sizeof(sll),
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b,
	    .msg_controllen = sizeof(ctl.b) };
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	/* without the socket's header, the caller still gets an empty one */
	iov = (struct iovec){ buf + skip, POOL_FRAME_SIZE - skip };
	n = recvmsg(c->fd, &mh, MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	if (skip)
		memset(buf, 0, skip);
	aux_vlan(&mh, f);
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
