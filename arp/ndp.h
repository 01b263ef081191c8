/*
 * Neighbor Advertisements the director sends for its IPv6 VIPs: NDP's
 * counterpart of arp.h's replies and gratuitous ARP. Built by hand (no
 * libnet): the frame is small and fixed, and an answer is built on the
 * packet path into the caller's buffer, so nothing allocates.
 */
#ifndef UVS_NDP_H
#define UVS_NDP_H

#include <stddef.h>
#include <stdint.h>

#include "sched/inaddr.h"

/* Ethernet + IPv6 + NA (24) + target link-layer address option (8) */
#define UVS_NA_FRAME_LEN	(14 + 40 + 24 + 8)
/* NA flags (RFC 4861 4.4), in the first byte after the checksum */
#define UVS_NA_F_ROUTER		0x80
#define UVS_NA_F_SOLICITED	0x40
#define UVS_NA_F_OVERRIDE	0x20

/*
 * Writes an NA into out: from mac (Ethernet source and the target
 * link-layer address option) and from the address target, which it
 * advertises, to dst_ip at dst_mac, with flags (UVS_NA_F_*). Hop limit
 * 255, ICMPv6 checksum filled in.
 */
void	uvs_ndp_na_build(uint8_t out[UVS_NA_FRAME_LEN], const uint8_t mac[6],
	    const union uvs_inaddr *target, const uint8_t dst_mac[6],
	    const union uvs_inaddr *dst_ip, uint8_t flags);

/*
 * The answer to a Neighbor Solicitation for target (a VIP) from ns_src,
 * whose link-layer address is ns_mac (its option, or the frame's
 * source): solicited and override, back to ns_src; to all-nodes
 * ff02::1 and not solicited when ns_src is :: (a DAD probe, RFC 4861
 * 7.2.4).
 */
void	uvs_ndp_na_answer(uint8_t out[UVS_NA_FRAME_LEN], const uint8_t mac[6],
	    const union uvs_inaddr *target, const union uvs_inaddr *ns_src,
	    const uint8_t ns_mac[6]);

/*
 * The unsolicited NA announcing target at mac to all nodes (override
 * set, solicited clear), as gratuitous ARP is sent for a v4 VIP.
 */
void	uvs_ndp_na_unsolicited(uint8_t out[UVS_NA_FRAME_LEN],
	    const uint8_t mac[6], const union uvs_inaddr *target);

/* The solicited-node group of a (ff02::1:ffXX:XXXX, RFC 4291 2.7.1). */
union uvs_inaddr uvs_ndp_solicited_node(const union uvs_inaddr *a);

#endif
