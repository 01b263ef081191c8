/*
 * ICMPv6 Packet Too Big from the director, IPVS's answer (ip_vs_dr_xmit_v6,
 * __mtu_check_toobig_v6) to a v6 packet larger than the route to its real
 * server carries: IPv6 routers never fragment, so the client must learn
 * the smaller MTU.
 */
#ifndef UVS_ICMP6_H
#define UVS_ICMP6_H

#include <stddef.h>
#include <stdint.h>

/* The smallest MTU an IPv6 link may have (RFC 8200 5). */
#define UVS_IPV6_MIN_MTU	1280

/*
 * Does the untagged IPv6 frame (len bytes) fit mtu (0: no limit)? A GSO
 * frame (gso set) always does: it leaves in segments the sender sized.
 */
int	uvs_icmp6_fits(const uint8_t *frame, size_t len, uint32_t mtu, int gso);

/*
 * Writes into out (room for max bytes, at least 14 + 48 + 8) the Packet
 * Too Big for frame: from the frame's destination (the VIP) back to its
 * source, naming mtu (at least UVS_IPV6_MIN_MTU), quoting as much of the
 * packet as fits. Returns the frame's length.
 */
size_t	uvs_icmp6_too_big(uint8_t *out, size_t max, const uint8_t *frame,
	    size_t len, uint32_t mtu);

#endif
