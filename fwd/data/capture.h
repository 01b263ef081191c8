/*
 * The director's link: receive and send whole frames on one interface,
 * each preceded by a struct virtio_net_hdr (PACKET_VNET_HDR) that
 * carries pending checksum and segmentation work across user space.
 * The packet loop sees only this interface; which backend moves the
 * frames (a packet socket read frame by frame, a TPACKET_V2 or V3 ring,
 * an AF_XDP socket) is an ops struct behind it (capture_ops.h), chosen by name.
 */
#ifndef UVS_CAPTURE_H
#define UVS_CAPTURE_H

#include <linux/filter.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define UVS_VNET_HLEN	sizeof(struct virtio_net_hdr)

/* Frames taken, and sent, per burst. */
#define UVS_BURST	64

struct uvs_trace;
struct uvs_capture_ops;
struct uvs_capture_conf;

/* A received frame: buf starts at its vnet header, len counts it too. */
struct uvs_frame {
	uint8_t		*buf;
	uint32_t	 len;
	uint8_t		 pkttype;	/* PACKET_HOST, PACKET_OTHERHOST ... */
	uint8_t		 truncated;	/* did not fit: drop it */
	uint8_t		 copied;	/* ring stub of a frame queued whole
					   (read by uvs_capture_burst) */
	uint8_t		 vlan_valid;	/* the kernel took an 802.1Q tag off */
	uint16_t	 vlan_tci;	/* ... this one (TP_STATUS_VLAN_VALID,
					   PACKET_AUXDATA) */
};

/* An 802.1Q tag in a frame: TPID and TCI. */
#define UVS_VLAN_HLEN	4

/*
 * Frames queued for one send: each one msghdr, of one iovec or two (a
 * tag put back), for the backend's xmit.
 */
struct uvs_txq {
	struct mmsghdr		 msg[UVS_BURST];
	struct iovec		 iov[2 * UVS_BURST];
	/* a tagged frame's first part: vnet header, MACs, the tag */
	uint8_t			 head[UVS_BURST][UVS_VNET_HLEN + 12 +
				    UVS_VLAN_HLEN];
	struct sockaddr_ll	 to[UVS_BURST];
	unsigned		 n;
};

struct uvs_capture {
	int			 fd;	/* the packet socket */
	int			 ifindex;
	int			 vnet;	/* the socket has PACKET_VNET_HDR */
	struct uvs_trace	*trace;	/* --trace: every frame in and out;
					   borrowed: its opener closes it
					   after every capture using it */
	const struct uvs_capture_ops *ops;	/* the backend */
	void			*be;	/* its state, freed by ops->close */
	uint8_t			*pool;	/* frames read from the socket's
					   queue (pktsock.h) */
	uint64_t		 sw_csum;	/* checksums the backend
						   finished in software */
	struct uvs_txq		 txq;
};

/*
 * A closed capture with the socket backend, its send queue's message
 * templates set (they point into c: a capture is not moved once made).
 * uvs_capture_open starts with it; a test's capture without a socket
 * needs it too.
 */
void	uvs_capture_init(struct uvs_capture *c);

/*
 * Opens the socket on ifindex, inbound only (PACKET_IGNORE_OUTGOING, so
 * frames we send never come back), matching nothing until a filter is
 * set, with the socket backend (frames read one by one). Returns 0 or
 * -errno.
 */
int	uvs_capture_open(struct uvs_capture *c, int ifindex);
void	uvs_capture_close(struct uvs_capture *c);

/*
 * Turns PACKET_VNET_HDR off (uvsd --no-vnet, a debugging aid that shows
 * what a forwarder ignoring checksum offload breaks). Callers still see
 * a vnet header before each frame, all zero on receive, dropped on send.
 * 0 or -errno.
 */
int	uvs_capture_no_vnet(struct uvs_capture *c);

/* Replaces the kernel filter atomically. 0 or -errno. */
int	uvs_capture_set_filter(struct uvs_capture *c,
	    const struct sock_fprog *prog);

/* Sends one frame (vnet header first). 0 or -errno. */
int	uvs_capture_send(struct uvs_capture *c, uint8_t *buf, size_t len);

/*
 * Switches an open capture from the socket backend to the backend called
 * name ("socket", "ring", "ring-v3", "xdp"), sized by conf. 0, -ENOENT
 * for an unknown name, -EBUSY if another backend than "socket" is in use, or
 * the backend's -errno (the capture then stays as it was).
 */
int	uvs_capture_use(struct uvs_capture *c, const char *name,
	    const struct uvs_capture_conf *conf);
/*
 * The same for a ring (ring.h) of version TPACKET_V2 or TPACKET_V3,
 * nblocks blocks of block_size bytes; -EINVAL for another version.
 */
int	uvs_capture_use_ring(struct uvs_capture *c, int version,
	    size_t block_size, unsigned nblocks);
/* The backend's name, as uvs_capture_use takes it. */
const char *uvs_capture_backend(const struct uvs_capture *c);
/* The descriptor to poll for frames (and the link's errors). */
int	uvs_capture_pollfd(const struct uvs_capture *c);
/* How the backend runs ("native mode, copy, 1 queue"), or NULL. */
const char *uvs_capture_detail(const struct uvs_capture *c);
/*
 * Tells a backend that picks frames by VIP (xdp) the VIPs, network
 * order; the others take every frame the filter lets through and
 * ignore it. 0 or -errno.
 */
int	uvs_capture_set_vips(struct uvs_capture *c, const uint32_t *vip,
	    size_t n);
/*
 * 1 when c runs the xdp backend in native mode: its XDP program alone
 * keeps the kernel off VIP traffic (capture_xdp.c); 0 otherwise.
 */
int	uvs_capture_xdp_native(const struct uvs_capture *c);
/*
 * Frames whose TCP/UDP checksum the backend finished in software (xdp:
 * the partial ones) since the last call.
 */
uint64_t uvs_capture_sw_csum(struct uvs_capture *c);

/*
 * The burst interface the packet loop uses, the same for every backend:
 * take up to max frames (UVS_BURST at most), rewrite them in place, queue
 * those to send, flush, then release. Frames stay valid until release.
 */
/* Frames taken (0 when none wait), or -errno. */
int	uvs_capture_burst(struct uvs_capture *c, struct uvs_frame *f, int max);
/* The loop takes up frame f: --trace records it now. */
void	uvs_capture_seen(struct uvs_capture *c, const struct uvs_frame *f);
/* Queues a frame of the current burst to be sent by the next flush. */
void	uvs_capture_queue(struct uvs_capture *c, uint8_t *buf, size_t len);
/*
 * The same, putting back an 802.1Q tag (tci) after the MAC addresses when
 * tagged: the frame is sent from two pieces, nothing is copied but its
 * first bytes.
 */
void	uvs_capture_queue_vlan(struct uvs_capture *c, uint8_t *buf,
	    size_t len, int tagged, uint16_t tci);
/*
 * The same, sent out of link ifindex (0: the socket's own): a packet
 * socket may send on any link of its namespace.
 */
void	uvs_capture_queue_on(struct uvs_capture *c, uint8_t *buf, size_t len,
	    int ifindex, int tagged, uint16_t tci);
/* Sends what is queued in one call; how many could not be sent. */
unsigned uvs_capture_flush(struct uvs_capture *c);
/* Sends msg[0..n) through the backend, dropping a message the device
   queue refuses; how many were dropped (the tunnel queue uses it too). */
unsigned uvs_capture_xmit_all(struct uvs_capture *c, struct mmsghdr *msg,
	    unsigned n);
/*
 * Frames the kernel dropped for want of room (ring or receive queue
 * full) since the last call: PACKET_STATISTICS, which resets as it reads.
 */
uint64_t uvs_capture_drops(struct uvs_capture *c);
/* The current burst's frames are done with. */
void	uvs_capture_release(struct uvs_capture *c);

#endif
