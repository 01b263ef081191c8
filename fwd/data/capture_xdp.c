/*
 * The AF_XDP backend ("xdp"). An XDP program (bpf/xdp_redirect.c) on the
 * link sends IPv4 to a VIP and ARP requests for one to an AF_XDP socket,
 * one per receive queue, and passes everything else to the kernel; the
 * VIP map follows the service table (uvs_capture_set_vips). Frames land
 * in a UMEM we own, are handed to the packet loop where they lie, and a
 * forwarded frame is sent from that same place through the socket's
 * transmit ring: no copy in user space. Frames the loop built itself (ARP
 * replies, a tag put back) are copied into a free UMEM frame first.
 *
 * No vnet header comes with an AF_XDP frame, and the kernel hands it
 * over as the sender left it: on veth a TCP or UDP frame from a local
 * stack carries only its pseudo-header sum (CHECKSUM_PARTIAL). csum.c
 * recognises those and writes the vnet header a packet socket would
 * have given (NEEDS_CSUM), so the packet loop sees the same frames as
 * with the rings, and the checksum is finished in software on send,
 * where the vnet header asks for it. GSO frames never arrive (the
 * kernel turns GSO off on a veth whose peer runs XDP, and a UMEM frame
 * holds one MTU), and a frame that must leave by another link or as GSO
 * goes out through the packet socket, which carries vnet headers.
 *
 * The packet socket stays open: it sends what the AF_XDP socket cannot,
 * and reports the link's errors. The program is attached in native
 * (driver) mode where the driver has it; there every frame fits a UMEM
 * frame, the program alone keeps the kernel off VIP traffic, and the
 * packet socket's filter drops everything. Otherwise it runs in generic
 * (skb) mode, after GRO, where a VIP frame can be larger than a UMEM
 * frame (GRO, GSO from a local sender, jumbo frames): the program passes
 * those, the packet socket reads them with its usual filter and vnet
 * header, the burst takes from both, and uvsd keeps the nft guard
 * (uvs_capture_xdp_native). The sockets bind zero-copy where the
 * driver allows it, copying otherwise. On close the program is
 * detached, so the kernel sees VIP traffic again once uvsd is gone.
 */
#include <dirent.h>
#include <errno.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xdp/xsk.h>

#include "fwd/data/capture.h"
#include "fwd/data/capture_ops.h"
#include "fwd/data/csum.h"
#include "fwd/data/pktsock.h"
#include "fwd/data/xdp_prog.h"
#include "fwd/data/xframes.h"

#define XDP_QUEUES_MAX	64	/* the program's uvs_xsks map size */
#define XDP_FRAME_SIZE	XSK_UMEM__DEFAULT_FRAME_SIZE	/* 4 KiB */
/* 32 MiB of UMEM per queue: the fill ring's 4096 frames, as many again
   for frames in the transmit ring or held by the loop. Measured in the
   bench lab: with 2048 the sockets dropped 14 % of a 64-byte flood while
   uvsd waited for its core; with 4096, 6 % (the ring backend: 4 %) */
#define XDP_FRAMES	8192
#define XDP_RING	4096
/* where a frame we copy starts in its UMEM frame: the headroom the
   kernel leaves on receive (XDP_PACKET_HEADROOM), room for a vnet header */
#define XDP_TX_OFF	256
/* a kick sends at most 32 frames in copy mode (xsk.c's TX_BATCH_SIZE) */
#define XDP_KICK_BATCH	32

/* One receive queue: its socket and UMEM. */
struct xq {
	struct xsk_umem		*umem;
	struct xsk_socket	*xsk;
	struct xsk_ring_prod	 fq, tx;
	struct xsk_ring_cons	 cq, rx;
	uint8_t			*area;
	struct uvs_xframes	 frames;
	uint32_t		 tx_queued;	/* reserved, not yet kicked */
	uint64_t		 drops;		/* seen so far */
	int			 fd;
};

/* A frame of the current burst: its queue and UMEM address. */
struct held {
	uint32_t		 q;
	uint64_t		 addr;
};

struct xdp_be {
	struct xq		*q;
	unsigned		 nq;
	unsigned		 next;		/* queue read first next time */
	struct held		 held[UVS_BURST];
	unsigned		 nheld;
	struct uvs_xdp_prog	 prog;
	int			 zerocopy;
	int			 epfd;		/* several queues: one to poll */
	uint8_t			 mac[ETH_ALEN];
	char			 ifname[IF_NAMESIZE];
	char			 detail[64];
};

/* Receive queues of the link, from sysfs (1 if it cannot tell). */
static unsigned
rx_queues(const char *ifname)
{
	char path[64 + IF_NAMESIZE];
	struct dirent *e;
	unsigned n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/class/net/%s/queues", ifname);
	if (!(d = opendir(path)))
		return 1;
	while ((e = readdir(d)))
		n += strncmp(e->d_name, "rx-", 3) == 0;
	closedir(d);
	return n ? n : 1;
}

static int
link_mac(int fd, const char *ifname, uint8_t mac[ETH_ALEN])
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		return -errno;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	return 0;
}

/* Gives the kernel every free frame the fill ring has room for. */
static void
refill(struct xq *q)
{
	uint32_t n = q->frames.nfree, room, idx = 0, i;

	if (!n)
		return;
	/* reserve is all or nothing: ask for no more than there is room */
	if ((room = xsk_prod_nb_free(&q->fq, n)) < n)
		n = room;
	if (!n || xsk_ring_prod__reserve(&q->fq, n, &idx) != n)
		return;
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&q->fq, idx + i) =
		    uvs_xframes_take(&q->frames, UVS_XF_FILL);
	xsk_ring_prod__submit(&q->fq, n);
}

/* Frames the kernel has sent are ours again. */
static void
reap(struct xq *q)
{
	uint32_t idx = 0, n, i;	/* peek sets idx only when n > 0 */

	n = xsk_ring_cons__peek(&q->cq, XDP_RING, &idx);
	for (i = 0; i < n; i++)
		(void)uvs_xframes_move(&q->frames,
		    *xsk_ring_cons__comp_addr(&q->cq, idx + i), UVS_XF_TX,
		    UVS_XF_FREE);
	xsk_ring_cons__release(&q->cq, n);
}

static int
queue_open(struct xdp_be *be, struct xq *q, unsigned qid)
{
	struct xsk_umem_config uc = { .fill_size = XDP_RING,
	    .comp_size = XDP_RING, .frame_size = XDP_FRAME_SIZE };
	struct xsk_socket_config sc = { .rx_size = XDP_RING,
	    .tx_size = XDP_RING,
	    .libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
	    .xdp_flags = be->prog.mode,
	    .bind_flags = XDP_USE_NEED_WAKEUP | XDP_ZEROCOPY };
	size_t size = (size_t)XDP_FRAMES * XDP_FRAME_SIZE;
	int rc;

	q->fd = -1;
	q->area = mmap(NULL, size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (q->area == MAP_FAILED) {
		q->area = NULL;
		return -errno;
	}
	if ((rc = uvs_xframes_init(&q->frames, XDP_FRAMES,
	    XDP_FRAME_SIZE)) < 0)
		return rc;
	if ((rc = xsk_umem__create(&q->umem, q->area, size, &q->fq, &q->cq,
	    &uc)) < 0)
		return rc;
	/* zero-copy where the driver allows it, else copy mode */
	if ((rc = xsk_socket__create(&q->xsk, be->ifname, qid, q->umem,
	    &q->rx, &q->tx, &sc)) < 0) {
		sc.bind_flags = XDP_USE_NEED_WAKEUP | XDP_COPY;
		if ((rc = xsk_socket__create(&q->xsk, be->ifname, qid,
		    q->umem, &q->rx, &q->tx, &sc)) < 0)
			return rc;
	} else if (qid == 0) {
		be->zerocopy = 1;
	}
	q->fd = xsk_socket__fd(q->xsk);
	if ((rc = uvs_xdp_prog_add_socket(&be->prog, qid, q->fd)) < 0)
		return rc;
	refill(q);
	return 0;
}

static void
queue_close(struct xq *q)
{
	if (q->xsk)
		xsk_socket__delete(q->xsk);
	if (q->umem)
		(void)xsk_umem__delete(q->umem);
	if (q->area)
		munmap(q->area, (size_t)XDP_FRAMES * XDP_FRAME_SIZE);
	uvs_xframes_free(&q->frames);
	memset(q, 0, sizeof(*q));
}

static int
generic(const struct xdp_be *be)
{
	return uvs_xdp_prog_generic(&be->prog);
}

/*
 * One descriptor to poll when there are several: the queues' sockets,
 * and in generic mode the packet socket.
 */
static int
poll_set(const struct uvs_capture *c, struct xdp_be *be)
{
	struct epoll_event ev = { .events = EPOLLIN };
	unsigned i;

	be->epfd = -1;
	if (be->nq == 1 && !generic(be))
		return 0;
	if ((be->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
		return -errno;
	for (i = 0; i < be->nq; i++) {
		ev.data.u32 = i;
		if (epoll_ctl(be->epfd, EPOLL_CTL_ADD, be->q[i].fd, &ev) < 0)
			return -errno;
	}
	ev.data.u32 = be->nq;
	if (generic(be) &&
	    epoll_ctl(be->epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0)
		return -errno;
	return 0;
}

static void
xdp_close(struct uvs_capture *c)
{
	struct xdp_be *be = c->be;
	unsigned i;

	if (!be)
		return;
	uvs_xdp_prog_detach(&be->prog);
	for (i = 0; be->q && i < be->nq; i++)
		queue_close(&be->q[i]);
	free(be->q);
	if (be->epfd >= 0)
		close(be->epfd);
	free(be);
	c->be = NULL;
}

static int
xdp_open_be(struct uvs_capture *c, struct xdp_be *be)
{
	static const struct sock_filter drop_all[] = {
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog none = { 1, (struct sock_filter *)drop_all };
	unsigned i;
	int rc;

	if (!if_indextoname((unsigned)c->ifindex, be->ifname))
		return -errno;
	if ((rc = link_mac(c->fd, be->ifname, be->mac)) < 0)
		return rc;
	if ((be->nq = rx_queues(be->ifname)) > XDP_QUEUES_MAX)
		return -E2BIG;
	if (!(be->q = calloc(be->nq, sizeof(*be->q))))
		return -ENOMEM;
	/* the program first: where the link cannot take it, no UMEM is made */
	if ((rc = uvs_xdp_prog_attach(&be->prog, c->ifindex, be->mac)) < 0)
		return rc;
	for (i = 0; i < be->nq; i++)
		if ((rc = queue_open(be, &be->q[i], i)) < 0)
			return rc;
	if ((rc = poll_set(c, be)) < 0)
		return rc;
	/* natively, the packet socket only sends from now on */
	if (!generic(be) && setsockopt(c->fd, SOL_SOCKET, SO_ATTACH_FILTER,
	    &none, sizeof(none)) < 0)
		return -errno;
	snprintf(be->detail, sizeof(be->detail), "%s mode, %s, %u queue%s",
	    generic(be) ? "generic" : "native",
	    be->zerocopy ? "zero-copy" : "copy", be->nq, be->nq > 1 ? "s" :
	    "");
	return 0;
}

static int
xdp_open(struct uvs_capture *c, const struct uvs_capture_conf *conf)
{
	struct xdp_be *be;
	int rc;

	(void)conf;
	if (!(be = calloc(1, sizeof(*be))))
		return -ENOMEM;
	be->epfd = -1;
	c->be = be;
	if ((rc = xdp_open_be(c, be)) < 0) {
		xdp_close(c);
		return rc;
	}
	return 0;
}

/* What the link's type of delivery would have been (PACKET_HOST ...). */
static uint8_t
pkttype(const struct xdp_be *be, const uint8_t *eth)
{
	if (memcmp(eth, be->mac, ETH_ALEN) == 0)
		return PACKET_HOST;
	if (eth[0] & 1)
		return memcmp(eth, "\xff\xff\xff\xff\xff\xff", ETH_ALEN) == 0 ?
		    PACKET_BROADCAST : PACKET_MULTICAST;
	return PACKET_OTHERHOST;
}

/* Descriptor addr/len of queue qi as the loop's frame f. */
static void
take_frame(struct uvs_capture *c, struct xdp_be *be, unsigned qi,
    uint64_t addr, uint32_t len, struct uvs_frame *f)
{
	struct xq *q = &be->q[qi];
	uint8_t *eth = q->area + addr;
	struct virtio_net_hdr *vh = (struct virtio_net_hdr *)(eth -
	    UVS_VNET_HLEN);

	memset(f, 0, sizeof(*f));
	be->held[be->nheld++] = (struct held){ qi, addr };
	(void)uvs_xframes_move(&q->frames, addr, UVS_XF_FILL, UVS_XF_LOOP);
	/* the kernel leaves XDP_PACKET_HEADROOM in front: room for vh */
	if (addr % XDP_FRAME_SIZE < UVS_VNET_HLEN || len < ETH_HLEN) {
		f->truncated = 1;
		return;
	}
	memset(vh, 0, sizeof(*vh));
	if (c->vnet)
		(void)uvs_csum_partial(eth, len, vh);
	f->buf = (uint8_t *)vh;
	f->len = len + UVS_VNET_HLEN;
	f->pkttype = pkttype(be, eth);
}

static int
xdp_burst(struct uvs_capture *c, struct uvs_frame *f, int max)
{
	struct xdp_be *be = c->be;
	const struct xdp_desc *d;
	unsigned k, qi;
	uint32_t idx = 0, got, i;
	int n = 0;

	/* frames held since the last release count against the burst */
	if (max > (int)(UVS_BURST - be->nheld))
		max = (int)(UVS_BURST - be->nheld);
	for (k = 0; k < be->nq && n < max; k++) {
		qi = (be->next + k) % be->nq;
		reap(&be->q[qi]);
		got = xsk_ring_cons__peek(&be->q[qi].rx, (uint32_t)(max - n),
		    &idx);
		for (i = 0; i < got; i++) {
			d = xsk_ring_cons__rx_desc(&be->q[qi].rx, idx + i);
			take_frame(c, be, qi, d->addr, d->len, &f[n++]);
		}
		xsk_ring_cons__release(&be->q[qi].rx, got);
	}
	/* the next burst starts at the next queue: none starves */
	be->next = (be->next + 1) % be->nq;
	/* generic mode: the frames too long for a UMEM frame */
	for (k = 0; generic(be) && n < max && k < UVS_PKTSOCK_POOL_FRAMES &&
	    uvs_pktsock_recv(c, k, &f[n]) == 1; k++)
		n++;
	return n;
}

static void
xdp_release(struct uvs_capture *c)
{
	struct xdp_be *be = c->be;
	unsigned i;

	/* a frame sent in place is the kernel's until its completion */
	for (i = 0; i < be->nheld; i++)
		(void)uvs_xframes_move(&be->q[be->held[i].q].frames,
		    be->held[i].addr, UVS_XF_LOOP, UVS_XF_FREE);
	be->nheld = 0;
	for (i = 0; i < be->nq; i++)
		refill(&be->q[i]);
}

/* The queue whose UMEM holds p, or -1. */
static int
umem_of(const struct xdp_be *be, const uint8_t *p)
{
	unsigned i;

	for (i = 0; i < be->nq; i++)
		if (p >= be->q[i].area && p < be->q[i].area +
		    (size_t)XDP_FRAMES * XDP_FRAME_SIZE)
			return (int)i;
	return -1;
}

/* Tells the kernel to send what the transmit rings hold. */
static void
kick(struct xdp_be *be)
{
	unsigned i, k;

	for (i = 0; i < be->nq; i++) {
		struct xq *q = &be->q[i];

		xsk_ring_prod__submit(&q->tx, q->tx_queued);
		/* copy mode sends a batch per call and says EAGAIN if more */
		for (k = 0; q->tx_queued && k <= q->tx_queued / XDP_KICK_BATCH;
		    k++)
			if (!xsk_ring_prod__needs_wakeup(&q->tx) ||
			    (sendto(q->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0))
				break;
		q->tx_queued = 0;
	}
}

/*
 * The vnet header of message h (in front of its first piece): what it
 * asks for on send. 0, or -1 when it asks for more than a checksum
 * (GSO) or the frame must leave by another link: the packet socket then.
 */
static int
fits_xsk(const struct uvs_capture *c, const struct msghdr *h,
    struct virtio_net_hdr *vh)
{
	const struct sockaddr_ll *to = h->msg_name;

	memset(vh, 0, sizeof(*vh));
	if (to && to->sll_ifindex && to->sll_ifindex != c->ifindex)
		return -1;
	if (!c->vnet)
		return 0;
	if (h->msg_iovlen < 1 || h->msg_iov[0].iov_len < UVS_VNET_HLEN)
		return -1;
	memcpy(vh, h->msg_iov[0].iov_base, sizeof(*vh));
	return vh->gso_type == VIRTIO_NET_HDR_GSO_NONE ? 0 : -1;
}

/*
 * Frame bytes of h (after its vnet header) copied into a free frame of
 * queue 0: its address and *len, or UINT64_MAX (no frame free, or too
 * big for one).
 */
static uint64_t
copy_in(struct xdp_be *be, const struct uvs_capture *c,
    const struct msghdr *h, uint32_t *len)
{
	struct xq *q = &be->q[0];
	size_t skip = c->vnet ? UVS_VNET_HLEN : 0, off = 0, k, n;
	uint64_t addr;
	uint8_t *dst;

	for (k = 0, n = 0; k < h->msg_iovlen; k++)
		n += h->msg_iov[k].iov_len;
	if (n < skip || n - skip > XDP_FRAME_SIZE - XDP_TX_OFF)
		return UINT64_MAX;
	if ((addr = uvs_xframes_take(&q->frames, UVS_XF_TX)) == UINT64_MAX) {
		reap(q);
		if ((addr = uvs_xframes_take(&q->frames, UVS_XF_TX)) ==
		    UINT64_MAX)
			return UINT64_MAX;
	}
	addr += XDP_TX_OFF;
	dst = q->area + addr;
	for (k = 0; k < h->msg_iovlen; k++) {
		const uint8_t *p = h->msg_iov[k].iov_base;
		size_t l = h->msg_iov[k].iov_len, cut = 0;

		if (off < skip)		/* the vnet header stays behind */
			cut = skip - off < l ? skip - off : l;
		memcpy(dst + (off + cut - skip), p + cut, l - cut);
		off += l;
	}
	*len = (uint32_t)(n - skip);
	return addr;
}

/*
 * Message h as a descriptor on a transmit ring: in place when it is one
 * piece lying in a UMEM frame the loop holds, copied otherwise. Its
 * checksum is finished first when its vnet header asks. 0, or -ENOBUFS
 * (ring or frames exhausted).
 */
static int
post(struct uvs_capture *c, struct xdp_be *be, const struct msghdr *h,
    const struct virtio_net_hdr *vh)
{
	size_t skip = c->vnet ? UVS_VNET_HLEN : 0;
	uint8_t *p = h->msg_iov[0].iov_base;
	int qi = h->msg_iovlen == 1 ? umem_of(be, p) : -1;
	struct xdp_desc *d;
	struct xq *q;
	uint64_t addr;
	uint32_t len, idx = 0;

	if (qi >= 0 && uvs_xframes_move(&be->q[qi].frames,
	    (uint64_t)(p - be->q[qi].area), UVS_XF_LOOP, UVS_XF_TX) == 0) {
		q = &be->q[qi];
		addr = (uint64_t)(p + skip - q->area);
		len = (uint32_t)(h->msg_iov[0].iov_len - skip);
	} else {
		q = &be->q[0];
		if ((addr = copy_in(be, c, h, &len)) == UINT64_MAX)
			return -ENOBUFS;
	}
	if (xsk_ring_prod__reserve(&q->tx, 1, &idx) != 1) {
		(void)uvs_xframes_move(&q->frames, addr, UVS_XF_TX,
		    UVS_XF_FREE);
		return -ENOBUFS;
	}
	if (vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
		(void)uvs_csum_finish(q->area + addr, len, vh);
	c->sw_csum += !!(vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM);
	d = xsk_ring_prod__tx_desc(&q->tx, idx);
	d->addr = addr;
	d->len = len;
	q->tx_queued++;
	return 0;
}

static int
xdp_xmit(struct uvs_capture *c, struct mmsghdr *m, unsigned n)
{
	struct xdp_be *be = c->be;
	struct virtio_net_hdr vh;
	unsigned i;
	int rc = 0;

	for (i = 0; i < n; i++) {
		if (fits_xsk(c, &m[i].msg_hdr, &vh) < 0) {
			/* the packet socket takes it, alone */
			if (i == 0)
				rc = uvs_pktsock_xmit(c, m, 1);
			break;
		}
		if ((rc = post(c, be, &m[i].msg_hdr, &vh)) < 0)
			break;
	}
	kick(be);
	if (i == 0)
		return rc;
	return (int)i;
}

static uint64_t
xdp_drops(struct uvs_capture *c)
{
	struct xdp_be *be = c->be;
	struct xdp_statistics st;
	socklen_t len;
	uint64_t all, sum = 0;
	unsigned i;

	for (i = 0; i < be->nq; i++) {
		len = sizeof(st);
		if (getsockopt(be->q[i].fd, SOL_XDP, XDP_STATISTICS, &st,
		    &len) < 0)
			continue;
		/* no fill frame to receive into, or the receive ring full */
		all = st.rx_dropped + st.rx_ring_full;
		sum += all - be->q[i].drops;
		be->q[i].drops = all;
	}
	return sum;
}

static int
xdp_pollfd(const struct uvs_capture *c)
{
	const struct xdp_be *be = c->be;

	return be->epfd >= 0 ? be->epfd : be->q[0].fd;
}

static int
xdp_set_vips(struct uvs_capture *c, const uint32_t *vip, size_t n)
{
	return uvs_xdp_prog_set_vips(&((struct xdp_be *)c->be)->prog, vip, n);
}

/*
 * Natively the VIP map decides what reaches us and the packet socket
 * stays shut; in generic mode it reads the frames the program passes.
 */
static int
xdp_set_filter(struct uvs_capture *c, const struct sock_fprog *prog)
{
	if (!generic(c->be))
		return 0;
	if (setsockopt(c->fd, SOL_SOCKET, SO_ATTACH_FILTER, prog,
	    sizeof(*prog)) < 0)
		return -errno;
	return 0;
}

int
uvs_capture_xdp_native(const struct uvs_capture *c)
{
	return c->ops == &uvs_capture_xdp_ops && !generic(c->be);
}

static const char *
xdp_detail(const struct uvs_capture *c)
{
	return ((const struct xdp_be *)c->be)->detail;
}

const struct uvs_capture_ops uvs_capture_xdp_ops = {
	.name = "xdp",
	.open = xdp_open,
	.close = xdp_close,
	.burst = xdp_burst,
	.release = xdp_release,
	.xmit = xdp_xmit,
	.drops = xdp_drops,
	.pollfd = xdp_pollfd,
	.set_vips = xdp_set_vips,
	.set_filter = xdp_set_filter,
	.detail = xdp_detail,
};
