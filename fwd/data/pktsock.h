/*
 * The AF_PACKET socket under the socket and ring backends: open it
 * safely, read one frame from its queue, send a batch, read its drop
 * counter. Backends that are not packet sockets (AF_XDP) do not use it.
 */
#ifndef UVS_PKTSOCK_H
#define UVS_PKTSOCK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

struct uvs_capture;
struct uvs_frame;

/* The pool of frames read from the socket's queue, per burst. */
#define UVS_PKTSOCK_POOL_FRAMES	16

/*
 * Opens a socket on ifindex, inbound only (PACKET_IGNORE_OUTGOING, so
 * frames we send never come back), with PACKET_VNET_HDR, matching
 * nothing until a filter is set. Returns the descriptor or -errno.
 */
int	uvs_pktsock_open(int ifindex);

/*
 * Buffer k (< UVS_PKTSOCK_POOL_FRAMES) of c's pool, allocated on first
 * use and freed by uvs_capture_close; NULL when out of memory.
 */
uint8_t	*uvs_pktsock_pool(struct uvs_capture *c, unsigned k);

/*
 * Reads the next frame of the socket's queue into pool buffer k and
 * fills f (buf, len, pkttype, truncated, the VLAN tag the kernel took
 * off). Returns 1, 0 when none waits, or -errno.
 */
int	uvs_pktsock_recv(struct uvs_capture *c, unsigned k,
	    struct uvs_frame *f);

/* sendmmsg; the uvs_capture_ops xmit contract. */
int	uvs_pktsock_xmit(struct uvs_capture *c, struct mmsghdr *m,
	    unsigned n);

/*
 * PACKET_STATISTICS' drops since the last call; v3 says the socket has
 * a TPACKET_V3 ring, whose statistics are laid out larger.
 */
uint64_t uvs_pktsock_drops(struct uvs_capture *c, int v3);

#endif
