/*
 * Frame parser: Ethernet (optionally with one 802.1Q tag in the frame) +
 * ARP, or + IPv4 (options allowed) or IPv6 (extension headers walked,
 * parse6.c) + TCP/UDP, a fragment of such a datagram, an ICMP or ICMPv6
 * error about a TCP/UDP flow, or an IPv6 Neighbor Solicitation. Reads
 * only, never writes; checks every length before it reads a field.
 */
#ifndef UVS_PARSE_H
#define UVS_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "fwd/data/drop.h"
#include "sched/inaddr.h"
#include "sched/sched.h"

enum uvs_pkt_kind {
	UVS_PKT_IP,		/* TCP/UDP with its ports: a whole datagram
				   or the first fragment of one */
	UVS_PKT_FRAG,		/* a later fragment: no ports, see ip_id */
	UVS_PKT_ICMP_ERR,	/* ICMP error whose quoted packet is a reply
				   VIP:vport -> client:cport; flow is that
				   flow's key, seen from the client */
	UVS_PKT_ARP,
	UVS_PKT_NS,		/* IPv6 Neighbor Solicitation (RFC 4861
				   7.1.1 checks passed): see ns_* */
};

/*
 * Extension headers walked before the upper-layer header, at most: a
 * longer chain is dropped (RFC 8504 lets a node cap it; real traffic
 * carries one or two).
 */
#define UVS_PARSE6_MAX_EXT	8

/* The 802.1Q tag in a frame (TPID 0x8100) and its VLAN ID mask. */
#define UVS_ETH_P_8021Q	0x8100
#define UVS_VLAN_VID	0x0fff

struct uvs_pkt {
	/* What every frame needs comes first: these and the flow key take
	   60 bytes, so a TCP/UDP frame's parse and decision stay in them;
	   the rarer kinds' fields follow, ARP's and NS's sharing space. */
	uint8_t		 kind;		/* enum uvs_pkt_kind */
	uint8_t		 af;		/* AF_INET or AF_INET6, whatever the
					   kind (flow.af: IP kinds and NS) */
	uint8_t		 vlan_inline;	/* the frame carries that tag */
	uint8_t		 tcp_flags;
	uint8_t		 frag;		/* a fragment (first or later) */
	uint8_t		 frag_more;	/* MF: more fragments follow */
	uint8_t		 icmp_type;	/* UVS_PKT_ICMP_ERR */
	uint8_t		 icmp_code;
	uint16_t	 l3_off;	/* IP or ARP header's offset in the frame:
					   14, or 18 after a tag in the frame */
	uint16_t	 vlan_tci;	/* tag in the frame, host order */
	uint32_t	 ip_len;	/* IPv4 total length; IPv6: 40 +
					   payload length */
	struct uvs_flow	 flow;		/* addresses/ports network order */
	/* fragments */
	uint16_t	 ip_id;		/* network order */
	uint16_t	 frag_len;	/* payload bytes in this fragment */
	uint32_t	 ip6_id;	/* IPv6 fragment id, network order */
	uint32_t	 frag_off;	/* payload offset in the datagram, bytes */
	/* one kind's fields at a time: ARP, or NS (the solicitation's
	   target, its source being flow.caddr, and its source link-layer
	   address option when it has one, ns_has_sll) */
	union {
		struct {
			uint16_t arp_op;	/* host order */
			uint8_t	 arp_sha[6];
			uint32_t arp_spa;	/* network order */
			uint32_t arp_tpa;	/* network order */
		};
		struct {
			union uvs_inaddr ns_target;
			uint8_t	 ns_sll[6];
			uint8_t	 ns_has_sll;
		};
	};
};

/*
 * Parses the frame f of len bytes into pkt. Returns UVS_DROP_NONE when
 * pkt is filled in, or the reason the frame cannot be forwarded.
 */
enum uvs_drop	uvs_parse_frame(const uint8_t *f, size_t len,
		    struct uvs_pkt *pkt);

/* The IPv6 half (parse6.c): ip is the IPv6 header, len bytes to the
   frame's end. */
enum uvs_drop	uvs_parse_ipv6(const uint8_t *ip, size_t len,
		    struct uvs_pkt *pkt);

#endif
