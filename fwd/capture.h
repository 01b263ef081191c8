/*
 * The director's packet socket: receive and send whole frames on one
 * interface, each preceded by a struct virtio_net_hdr (PACKET_VNET_HDR)
 * that carries pending checksum and segmentation work across user space.
 * The packet loop sees only this interface, so a ring or AF_XDP backend
 * can replace it without touching the loop.
 */
#ifndef UVS_CAPTURE_H
#define UVS_CAPTURE_H

#include <linux/filter.h>
#include <linux/virtio_net.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define UVS_VNET_HLEN	sizeof(struct virtio_net_hdr)

struct uvs_trace;

struct uvs_capture {
	int			 fd;
	int			 ifindex;
	int			 vnet;	/* the socket has PACKET_VNET_HDR */
	struct uvs_trace	*trace;	/* --trace: every frame in and out;
					   uvs_capture_close closes it */
};

/*
 * Opens the socket on ifindex, inbound only (PACKET_IGNORE_OUTGOING, so
 * frames we send never come back), matching nothing until a filter is
 * set. Returns 0 or -errno.
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

/*
 * Reads one waiting frame (vnet header first) into buf. Returns its
 * length, 0 when nothing is waiting, -EMSGSIZE when it did not fit (it is
 * consumed), or -errno. *pkttype gets the PACKET_* type.
 */
ssize_t	uvs_capture_recv(struct uvs_capture *c, uint8_t *buf, size_t size,
	    int *pkttype);

/* Sends one frame (vnet header first). 0 or -errno. */
int	uvs_capture_send(struct uvs_capture *c, uint8_t *buf, size_t len);

#endif
