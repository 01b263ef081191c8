/*
 * The frame parser. The frame comes from the wire and may be anything:
 * each stage checks the length it is about to read, and a frame is
 * accepted only if forwarding it unchanged is safe and meaningful. Frames
 * handed over with checksum offload still pending (PACKET_VNET_HDR) carry
 * a partial TCP/UDP checksum, so only the IP header checksum is checked.
 * A GSO frame may be longer than the MTU; its IP total length still
 * matches its size, so the same checks hold.
 *
 * What IPVS serves, this parser accepts: packets with IP options (the
 * options are walked, and source routes refused as Linux refuses them
 * with accept_source_route=0), fragments (the first one carries the
 * ports; later ones only the IP id that ties them to it), and the ICMP
 * errors ip_vs_in_icmp handles (unreachable, source quench, time
 * exceeded) whose quoted packet is TCP or UDP.
 */
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <string.h>

#include "fwd/data/parse.h"
#include "fwd/data/parse_l4.h"

#define ARP_ETH_IP_LEN	28	/* ARP header + Ethernet/IPv4 addresses */
#define VLAN_HLEN	4	/* TPID + TCI */
#define IP_MAXPACKET_LEN 65535	/* a datagram reassembled can be no longer */
#define ICMP_HLEN	8	/* type, code, checksum, 4 bytes of rest */
#define QUOTED_L4	4	/* the quoted packet's ports, at least */
/* Options Linux refuses by default (ip_options_compile, accept_source_route) */
#define IPOPT_LSRR_	131
#define IPOPT_SSRR_	137

/* Four bytes as they stand: an address, kept in network order. */
static uint32_t
ld32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static enum uvs_drop
parse_arp(const uint8_t *a, size_t len, struct uvs_pkt *pkt)
{
	if (len < ARP_ETH_IP_LEN)
		return UVS_DROP_ARP_BAD;
	if (uvs_rd16(a) != ARPHRD_ETHER || uvs_rd16(a + 2) != ETHERTYPE_IP ||
	    a[4] != ETH_ALEN || a[5] != 4)
		return UVS_DROP_ARP_BAD;
	pkt->kind = UVS_PKT_ARP;
	pkt->arp_op = uvs_rd16(a + 6);
	memcpy(pkt->arp_sha, a + 8, ETH_ALEN);
	memcpy(&pkt->arp_spa, a + 14, 4);
	memcpy(&pkt->arp_tpa, a + 24, 4);
	return UVS_DROP_NONE;
}

/* RFC 1071 sum over len bytes; 0 when the stored checksum is right. */
static uint16_t
inet_sum(const uint8_t *h, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += uvs_rd16(h + i);
	if (len & 1)
		sum += (uint32_t)h[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * Options are type-length-value, but for EOL and NOP. A length that does
 * not fit, or a source route, makes the packet one Linux would not take.
 */
static enum uvs_drop
check_options(const uint8_t *o, size_t len)
{
	size_t i = 0, olen;

	while (i < len) {
		if (o[i] == IPOPT_EOL)
			return UVS_DROP_NONE;
		if (o[i] == IPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			return UVS_DROP_IP_OPTIONS;
		olen = o[i + 1];
		if (olen < 2 || olen > len - i)
			return UVS_DROP_IP_OPTIONS;
		if (o[i] == IPOPT_LSRR_ || o[i] == IPOPT_SSRR_)
			return UVS_DROP_IP_OPTIONS;
		i += olen;
	}
	return UVS_DROP_NONE;
}

/*
 * An ICMP error about a packet the real server sent for one of our flows:
 * the quoted header reads VIP:vport -> client:cport, so the flow's key is
 * its reverse (as ip_vs_in_icmp looks it up). IPVS ignores any other ICMP
 * type and drops a message whose checksum is wrong.
 */
static enum uvs_drop
parse_icmp(const uint8_t *ic, size_t len, struct uvs_pkt *pkt)
{
	const uint8_t *q, *ql4;
	size_t qihl;

	if (pkt->frag)
		return UVS_DROP_IP_FRAG;
	if (len < ICMP_HLEN)
		return UVS_DROP_L4_SHORT;
	if (ic[0] != ICMP_DEST_UNREACH && ic[0] != ICMP_SOURCE_QUENCH &&
	    ic[0] != ICMP_TIME_EXCEEDED)
		return UVS_DROP_ICMP_TYPE;
	q = ic + ICMP_HLEN;
	if (len - ICMP_HLEN < sizeof(struct iphdr) || q[0] >> 4 != 4)
		return UVS_DROP_ICMP_QUOTE;
	qihl = (size_t)(q[0] & 0x0f) * 4;
	if (qihl < sizeof(struct iphdr) ||
	    len - ICMP_HLEN < qihl + QUOTED_L4 ||
	    (q[9] != IPPROTO_TCP && q[9] != IPPROTO_UDP) ||
	    (uvs_rd16(q + 6) & IP_OFFMASK))
		return UVS_DROP_ICMP_QUOTE;
	if (inet_sum(ic, len) != 0)
		return UVS_DROP_ICMP_CSUM;
	ql4 = q + qihl;
	pkt->kind = UVS_PKT_ICMP_ERR;
	pkt->icmp_type = ic[0];
	pkt->icmp_code = ic[1];
	pkt->flow.proto = q[9];
	pkt->flow.af = AF_INET;
	pkt->flow.vaddr = uvs_inaddr4(ld32(q + 12));
	pkt->flow.caddr = uvs_inaddr4(ld32(q + 16));
	memcpy(&pkt->flow.vport, ql4, 2);
	memcpy(&pkt->flow.cport, ql4 + 2, 2);
	pkt->tcp_flags = 0;
	return UVS_DROP_NONE;
}

/*
 * Fragment fields. A later fragment's only key is the IP id; it must not
 * reach past the largest datagram (the ping of death), and a TCP one must
 * not overlap the TCP flags (RFC 1858's offset 1).
 */
static enum uvs_drop
parse_frag(const uint8_t *ip, size_t ihl, size_t tot, struct uvs_pkt *pkt)
{
	uint16_t fo = uvs_rd16(ip + 6);

	memcpy(&pkt->ip_id, ip + 4, 2);
	pkt->frag_more = !!(fo & IP_MF);
	pkt->frag_off = (uint32_t)(fo & IP_OFFMASK) * 8;
	pkt->frag_len = (uint16_t)(tot - ihl);
	pkt->frag = pkt->frag_more || pkt->frag_off;
	if (!pkt->frag)
		return UVS_DROP_NONE;
	if (pkt->frag_off + pkt->frag_len > IP_MAXPACKET_LEN - ihl)
		return UVS_DROP_IP_FRAG;
	if (pkt->frag_more && pkt->frag_len == 0)
		return UVS_DROP_IP_FRAG;
	if (ip[9] == IPPROTO_TCP && pkt->frag_off == 8)
		return UVS_DROP_IP_FRAG;
	return UVS_DROP_NONE;
}

static enum uvs_drop
parse_ipv4(const uint8_t *ip, size_t len, struct uvs_pkt *pkt)
{
	size_t ihl, tot;
	enum uvs_drop why;

	if (len < sizeof(struct iphdr))
		return UVS_DROP_IP_SHORT;
	if (ip[0] >> 4 != 4)
		return UVS_DROP_IP_VERSION;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	if (ihl < sizeof(struct iphdr))
		return UVS_DROP_IP_IHL;
	tot = uvs_rd16(ip + 2);
	if (tot < ihl || tot > len)
		return UVS_DROP_IP_LEN;
	if (inet_sum(ip, ihl) != 0)
		return UVS_DROP_IP_CSUM;
	if ((why = check_options(ip + sizeof(struct iphdr),
	    ihl - sizeof(struct iphdr))) != UVS_DROP_NONE)
		return why;
	if ((why = parse_frag(ip, ihl, tot, pkt)) != UVS_DROP_NONE)
		return why;

	pkt->kind = UVS_PKT_IP;
	pkt->ip_len = (uint32_t)tot;
	pkt->flow.proto = ip[9];
	pkt->flow.af = AF_INET;
	pkt->flow.caddr = uvs_inaddr4(ld32(ip + 12));
	pkt->flow.vaddr = uvs_inaddr4(ld32(ip + 16));
	if (pkt->frag_off) {
		if (ip[9] != IPPROTO_TCP && ip[9] != IPPROTO_UDP)
			return UVS_DROP_IP_PROTO;
		pkt->kind = UVS_PKT_FRAG;
		pkt->tcp_flags = 0;
		return UVS_DROP_NONE;
	}
	switch (ip[9]) {
	case IPPROTO_TCP:
		return uvs_parse_tcp(ip + ihl, tot - ihl, pkt);
	case IPPROTO_UDP:
		return uvs_parse_udp(ip + ihl, tot - ihl, pkt);
	case IPPROTO_ICMP:
		return parse_icmp(ip + ihl, tot - ihl, pkt);
	default:
		return UVS_DROP_IP_PROTO;
	}
}

enum uvs_drop
uvs_parse_frame(const uint8_t *f, size_t len, struct uvs_pkt *pkt)
{
	size_t off = ETH_HLEN;
	uint16_t type;

	pkt->vlan_tci = 0;
	pkt->vlan_inline = 0;
	pkt->af = AF_INET;
	if (len < ETH_HLEN)
		return UVS_DROP_RUNT;
	type = uvs_rd16(f + 12);
	/* a tag the kernel left in the frame (one it did not strip) */
	if (type == UVS_ETH_P_8021Q) {
		if (len < ETH_HLEN + VLAN_HLEN)
			return UVS_DROP_RUNT;
		pkt->vlan_tci = uvs_rd16(f + 14);
		pkt->vlan_inline = 1;
		type = uvs_rd16(f + 16);
		off += VLAN_HLEN;
	}
	pkt->l3_off = (uint16_t)off;
	switch (type) {
	case ETHERTYPE_IP:
		return parse_ipv4(f + off, len - off, pkt);
	case ETHERTYPE_ARP:
		return parse_arp(f + off, len - off, pkt);
	case ETHERTYPE_IPV6:
		pkt->af = AF_INET6;
		return uvs_parse_ipv6(f + off, len - off, pkt);
	default:
		return UVS_DROP_ETHERTYPE;
	}
}
