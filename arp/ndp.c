/*
 * Neighbor Advertisements for the director's IPv6 VIPs (RFC 4861 4.4,
 * 7.2.4). The source address is the VIP itself, as an ARP reply's
 * sender is: uvsd answers for it whether or not the kernel holds it.
 * The ICMPv6 checksum covers the pseudo-header (RFC 8200 8.1).
 */
#include <net/ethernet.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <string.h>

#include "arp/ndp.h"

#define IP6_OFF		ETH_HLEN
#define NA_OFF		(ETH_HLEN + 40)
#define NA_LEN		(24 + 8)
#define NDP_HOPLIMIT	255
#define NDP_OPT_TLLA	2	/* target link-layer address option */
#define ETH_P_IPV6_	0x86dd

static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
static const union uvs_inaddr all_nodes = { .b = { 0xff, 0x02, [15] = 1 } };

static uint16_t
sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

void
uvs_ndp_na_build(uint8_t out[UVS_NA_FRAME_LEN], const uint8_t mac[6],
    const union uvs_inaddr *target, const uint8_t dst_mac[6],
    const union uvs_inaddr *dst_ip, uint8_t flags)
{
	uint8_t *ip = out + IP6_OFF, *na = out + NA_OFF;
	uint16_t sum;

	memset(out, 0, UVS_NA_FRAME_LEN);
	memcpy(out, dst_mac, 6);
	memcpy(out + 6, mac, 6);
	out[12] = ETH_P_IPV6_ >> 8;
	out[13] = ETH_P_IPV6_ & 0xff;
	ip[0] = 0x60;
	ip[5] = NA_LEN;
	ip[6] = IPPROTO_ICMPV6;
	ip[7] = NDP_HOPLIMIT;
	memcpy(ip + 8, target->b, 16);
	memcpy(ip + 24, dst_ip->b, 16);
	na[0] = ND_NEIGHBOR_ADVERT;
	na[4] = flags;
	memcpy(na + 8, target->b, 16);
	na[24] = NDP_OPT_TLLA;
	na[25] = 1;		/* 8 bytes */
	memcpy(na + 26, mac, 6);
	/* pseudo-header: addresses, length, next header */
	sum = sum16(ip + 8, 32, NA_LEN + IPPROTO_ICMPV6);
	sum = (uint16_t)~sum16(na, NA_LEN, sum);
	na[2] = (uint8_t)(sum >> 8);
	na[3] = (uint8_t)sum;
}

void
uvs_ndp_na_answer(uint8_t out[UVS_NA_FRAME_LEN], const uint8_t mac[6],
    const union uvs_inaddr *target, const union uvs_inaddr *ns_src,
    const uint8_t ns_mac[6])
{
	static const union uvs_inaddr any;

	if (uvs_inaddr_eq(ns_src, &any))
		uvs_ndp_na_build(out, mac, target, all_nodes_mac, &all_nodes,
		    UVS_NA_F_OVERRIDE);
	else
		uvs_ndp_na_build(out, mac, target, ns_mac, ns_src,
		    UVS_NA_F_SOLICITED | UVS_NA_F_OVERRIDE);
}

void
uvs_ndp_na_unsolicited(uint8_t out[UVS_NA_FRAME_LEN], const uint8_t mac[6],
    const union uvs_inaddr *target)
{
	uvs_ndp_na_build(out, mac, target, all_nodes_mac, &all_nodes,
	    UVS_NA_F_OVERRIDE);
}

union uvs_inaddr
uvs_ndp_solicited_node(const union uvs_inaddr *a)
{
	union uvs_inaddr g = { .b = { 0xff, 0x02, [11] = 1, [12] = 0xff } };

	memcpy(g.b + 13, a->b + 13, 3);
	return g;
}
