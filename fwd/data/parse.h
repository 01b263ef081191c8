/*
 * Frame parser: Ethernet + ARP, or Ethernet + IPv4 + TCP/UDP. Reads only,
 * never writes; checks every length before it reads a field.
 */
#ifndef UVS_PARSE_H
#define UVS_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "fwd/data/drop.h"
#include "sched/sched.h"

enum uvs_pkt_kind {
	UVS_PKT_IP,
	UVS_PKT_ARP,
};

struct uvs_pkt {
	enum uvs_pkt_kind kind;
	/* IP */
	struct uvs_flow	 flow;		/* addresses/ports network order */
	uint8_t		 tcp_flags;
	uint16_t	 ip_len;	/* IPv4 total length */
	/* ARP */
	uint16_t	 arp_op;	/* host order */
	uint8_t		 arp_sha[6];
	uint32_t	 arp_spa;	/* network order */
	uint32_t	 arp_tpa;	/* network order */
};

/*
 * Parses the frame f of len bytes into pkt. Returns UVS_DROP_NONE when
 * pkt is filled in, or the reason the frame cannot be forwarded.
 */
enum uvs_drop	uvs_parse_frame(const uint8_t *f, size_t len,
		    struct uvs_pkt *pkt);

#endif
