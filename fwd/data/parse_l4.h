/*
 * What the IPv4 (parse.c) and IPv6 (parse6.c) parsers share: reading a
 * 16-bit field, and the TCP and UDP headers, the same above either IP.
 * Inline, as both run on every frame.
 */
#ifndef UVS_PARSE_L4_H
#define UVS_PARSE_L4_H

#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fwd/data/parse.h"

static inline uint16_t
uvs_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * TCP header. In a first fragment the header must be whole (RFC 1858:
 * a tiny first fragment hides the flags from filters).
 */
static inline enum uvs_drop
uvs_parse_tcp(const uint8_t *l4, size_t len, struct uvs_pkt *pkt)
{
	size_t doff;

	if (len < sizeof(struct tcphdr))
		return pkt->frag ? UVS_DROP_IP_FRAG : UVS_DROP_L4_SHORT;
	doff = (size_t)(l4[12] >> 4) * 4;
	if (doff < sizeof(struct tcphdr) || doff > len)
		return UVS_DROP_TCP_DOFF;
	memcpy(&pkt->flow.cport, l4, 2);
	memcpy(&pkt->flow.vport, l4 + 2, 2);
	pkt->tcp_flags = l4[13];
	return UVS_DROP_NONE;
}

/* UDP header; a first fragment's length names the whole datagram. */
static inline enum uvs_drop
uvs_parse_udp(const uint8_t *l4, size_t len, struct uvs_pkt *pkt)
{
	size_t ulen;

	if (len < sizeof(struct udphdr))
		return pkt->frag ? UVS_DROP_IP_FRAG : UVS_DROP_L4_SHORT;
	ulen = uvs_rd16(l4 + 4);
	if (ulen < sizeof(struct udphdr) || (ulen > len && !pkt->frag))
		return UVS_DROP_UDP_LEN;
	memcpy(&pkt->flow.cport, l4, 2);
	memcpy(&pkt->flow.vport, l4 + 2, 2);
	pkt->tcp_flags = 0;
	return UVS_DROP_NONE;
}

#endif
