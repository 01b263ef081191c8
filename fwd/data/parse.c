/*
 * The frame parser. The frame comes from the wire and may be anything:
 * each stage checks the length it is about to read, and a frame is
 * accepted only if forwarding it unchanged is safe and meaningful. Frames
 * handed over with checksum offload still pending (PACKET_VNET_HDR) carry
 * a partial TCP/UDP checksum, so only the IP header checksum is checked.
 * A GSO frame may be longer than the MTU; its IP total length still
 * matches its size, so the same checks hold.
 */
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <string.h>

#include "fwd/data/parse.h"

#define ARP_ETH_IP_LEN	28	/* ARP header + Ethernet/IPv4 addresses */

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static enum uvs_drop
parse_arp(const uint8_t *a, size_t len, struct uvs_pkt *pkt)
{
	if (len < ARP_ETH_IP_LEN)
		return UVS_DROP_ARP_BAD;
	if (rd16(a) != ARPHRD_ETHER || rd16(a + 2) != ETHERTYPE_IP ||
	    a[4] != ETH_ALEN || a[5] != 4)
		return UVS_DROP_ARP_BAD;
	pkt->kind = UVS_PKT_ARP;
	pkt->arp_op = rd16(a + 6);
	memcpy(pkt->arp_sha, a + 8, ETH_ALEN);
	memcpy(&pkt->arp_spa, a + 14, 4);
	memcpy(&pkt->arp_tpa, a + 24, 4);
	return UVS_DROP_NONE;
}

/* RFC 1071 sum over the header; 0 when the stored checksum is right. */
static uint16_t
ip_header_sum(const uint8_t *h, size_t hlen)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < hlen; i += 2)
		sum += rd16(h + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static enum uvs_drop
parse_tcp(const uint8_t *l4, size_t len, struct uvs_pkt *pkt)
{
	size_t doff;

	if (len < sizeof(struct tcphdr))
		return UVS_DROP_L4_SHORT;
	doff = (size_t)(l4[12] >> 4) * 4;
	if (doff < sizeof(struct tcphdr) || doff > len)
		return UVS_DROP_TCP_DOFF;
	memcpy(&pkt->flow.cport, l4, 2);
	memcpy(&pkt->flow.vport, l4 + 2, 2);
	pkt->tcp_flags = l4[13];
	return UVS_DROP_NONE;
}

static enum uvs_drop
parse_udp(const uint8_t *l4, size_t len, struct uvs_pkt *pkt)
{
	size_t ulen;

	if (len < sizeof(struct udphdr))
		return UVS_DROP_L4_SHORT;
	ulen = rd16(l4 + 4);
	if (ulen < sizeof(struct udphdr) || ulen > len)
		return UVS_DROP_UDP_LEN;
	memcpy(&pkt->flow.cport, l4, 2);
	memcpy(&pkt->flow.vport, l4 + 2, 2);
	pkt->tcp_flags = 0;
	return UVS_DROP_NONE;
}

static enum uvs_drop
parse_ipv4(const uint8_t *ip, size_t len, struct uvs_pkt *pkt)
{
	size_t ihl, tot;

	if (len < sizeof(struct iphdr))
		return UVS_DROP_IP_SHORT;
	if (ip[0] >> 4 != 4)
		return UVS_DROP_IP_VERSION;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	if (ihl < sizeof(struct iphdr))
		return UVS_DROP_IP_IHL;
	tot = rd16(ip + 2);
	if (tot < ihl || tot > len)
		return UVS_DROP_IP_LEN;
	if (ihl > sizeof(struct iphdr))
		return UVS_DROP_IP_OPTIONS;
	if (ip_header_sum(ip, ihl) != 0)
		return UVS_DROP_IP_CSUM;
	if (rd16(ip + 6) & (IP_MF | IP_OFFMASK))
		return UVS_DROP_IP_FRAG;

	pkt->kind = UVS_PKT_IP;
	pkt->ip_len = (uint16_t)tot;
	pkt->flow.proto = ip[9];
	memcpy(&pkt->flow.caddr, ip + 12, 4);
	memcpy(&pkt->flow.vaddr, ip + 16, 4);
	switch (ip[9]) {
	case IPPROTO_TCP:
		return parse_tcp(ip + ihl, tot - ihl, pkt);
	case IPPROTO_UDP:
		return parse_udp(ip + ihl, tot - ihl, pkt);
	default:
		return UVS_DROP_IP_PROTO;
	}
}

enum uvs_drop
uvs_parse_frame(const uint8_t *f, size_t len, struct uvs_pkt *pkt)
{
	if (len < ETH_HLEN)
		return UVS_DROP_RUNT;
	switch (rd16(f + 12)) {
	case ETHERTYPE_IP:
		return parse_ipv4(f + ETH_HLEN, len - ETH_HLEN, pkt);
	case ETHERTYPE_ARP:
		return parse_arp(f + ETH_HLEN, len - ETH_HLEN, pkt);
	default:
		return UVS_DROP_ETHERTYPE;
	}
}
