/*
 * Tunnel mode (-i), as IPVS's ip_vs_tunnel_xmit: the client's IPv4
 * packet goes to the real server inside a new IPv4 packet addressed to
 * it, plain (ipip), in UDP with a GUE header (gue), or in GRE (gre).
 * This file builds what is sent; it does no I/O and never allocates:
 * each packet is a head written into caller memory (Ethernet, outer
 * headers, and for a segment its own inner headers) and a body that
 * points into the received frame.
 *
 * Frames from veth may carry a partial checksum or be GSO frames (see
 * DESIGN.md "Wire facts"). A virtio_net_hdr cannot describe either once
 * wrapped in a tunnel, and a real server decapsulating in user space
 * would see the unfinished bytes, so the work is done here: a partial
 * checksum is completed, a TCP GSO frame is cut into its segments, each
 * with its own headers and checksum, as the kernel's GSO would.
 */
#ifndef UVS_TUNNEL_H
#define UVS_TUNNEL_H

#include <linux/virtio_net.h>
#include <stddef.h>
#include <stdint.h>

#include "sched/sched.h"

/* Ethernet, outer IPv4, UDP+GUE or GRE with checksum, inner IPv4 and TCP
   headers with options: the most a head holds */
#define UVS_TUN_HEAD_MAX	(14 + 20 + 12 + 60 + 60)
/* RFC 1812 4.3.2.3 / Linux's icmp_send: an ICMP error fits 576 bytes */
#define UVS_TUN_ICMP_MAX	(14 + 576)

/* One packet to send: head (built) then body (from the frame). */
struct uvs_tun_pkt {
	uint8_t		*head;
	size_t		 head_len;
	const uint8_t	*body;
	size_t		 body_len;
};

enum uvs_tun_fit {
	UVS_TUN_FITS,		/* send it */
	UVS_TUN_TOOBIG,		/* DF set and too big: ICMP frag-needed */
	UVS_TUN_NEEDS_FRAG,	/* no DF and too big, and the route's MTU
				   too small even for fragments to carry the
				   headers (else it FITS, fragmented) */
	UVS_TUN_BAD_GSO,	/* a GSO kind other than TCPv4 */
};

/* Bytes d's encapsulation adds: outer IPv4 plus UDP+GUE or GRE. */
unsigned	uvs_tun_overhead(const struct uvs_dest *d);

/*
 * Whether the IPv4 packet in frame (Ethernet first, len bytes, vh its
 * vnet header) fits d's route once encapsulated, as IPVS's
 * ensure_mtu_is_adequate asks; a GSO frame is judged by its segments,
 * as the kernel's forwarding does. *mtu gets the inner packet's limit
 * (the value an ICMP frag-needed announces).
 */
enum uvs_tun_fit uvs_tun_fit(const struct uvs_dest *d,
		    const struct virtio_net_hdr *vh, const uint8_t *frame,
		    size_t len, uint16_t *mtu);
/*
 * The same question for a Direct Routing dest, as IPVS asks it in
 * ip_vs_dr_xmit: only a packet with DF and not GSO can be too big (the
 * kernel segments GSO frames on the way out). UVS_TUN_FITS or
 * UVS_TUN_TOOBIG.
 */
enum uvs_tun_fit uvs_dr_fit(const struct uvs_dest *d,
		    const struct virtio_net_hdr *vh, const uint8_t *frame,
		    size_t len, uint16_t *mtu);

/* Completes a partial checksum (VIRTIO_NET_HDR_F_NEEDS_CSUM) in place. */
void		uvs_tun_csum_finish(uint8_t *frame, size_t len,
		    const struct virtio_net_hdr *vh);

/* How many packets the frame becomes: its segments if GSO, else 1. */
unsigned	uvs_tun_npkts(const struct virtio_net_hdr *vh,
		    const uint8_t *frame, size_t len);

/*
 * Builds packet k (< uvs_tun_npkts) of the frame for d into head
 * (UVS_TUN_HEAD_MAX bytes): the outer IPv4 packet gets IP id id, the
 * inner packet's TOS (ECN as INET_ECN_encapsulate), TTL and DF, d's
 * route source as source. The frame's checksum must be complete.
 */
void		uvs_tun_build(const struct uvs_dest *d,
		    const struct virtio_net_hdr *vh, const uint8_t *frame,
		    size_t len, unsigned k, uint16_t id, uint8_t *head,
		    struct uvs_tun_pkt *out);

/*
 * An ICMP "fragmentation needed" (type 3 code 4) answering frame, as the
 * director's kernel would send it for IPVS: from the VIP to the client,
 * back to the Ethernet source, quoting as much of the packet as fits 576
 * bytes. Returns the frame's length (at most UVS_TUN_ICMP_MAX).
 */
size_t		uvs_tun_frag_needed(uint8_t *out, const uint8_t *frame,
		    size_t len, uint16_t mtu);

/*
 * How many fragments the built packet p makes at d's MTU: 1 when it fits
 * whole. A packet without DF that does not fit is fragmented, as IPVS
 * lets the kernel do (ignore_df), its outer header copied into each.
 */
unsigned	uvs_tun_nfrags(const struct uvs_dest *d,
		    const struct uvs_tun_pkt *p);
/*
 * Fragment j of p: its head (Ethernet and outer IPv4 with offset and MF;
 * the first also the tunnel header) written into fhead
 * (UVS_TUN_HEAD_MAX bytes), its body a slice of p's.
 */
void		uvs_tun_fragment(const struct uvs_dest *d,
		    const struct uvs_tun_pkt *p, unsigned j, uint8_t *fhead,
		    struct uvs_tun_pkt *out);

/* The Internet checksum of len bytes (RFC 1071), folded, not inverted. */
uint16_t	uvs_tun_csum(const void *p, size_t len, uint32_t sum);

#endif
