/*
 * The kernel filter of uvsd's packet sockets: which frames wake uvsd at
 * all. It is the same few instructions whatever the number of VIPs: ARP
 * requests and IPv4 frames sent to the director's MAC when a v4 VIP is
 * served; IPv6 frames sent to that MAC and Neighbor Solicitations to a
 * solicited-node group when a v6 one is. Which of those
 * are for a VIP is the service table's question (a hash lookup in
 * sched/svcindex.c), so 1 000 VIPs cost the kernel no more than one; a
 * filter that named every VIP grew with them and had a length limit.
 * The price: the director's own IP traffic (health checks' replies, a
 * shell session) wakes uvsd too, and is counted as not_vip; so does an NS
 * for another address whose group shares a VIP's (parse6.c and the
 * service table tell). An NS behind an extension header is not seen.
 * Frames too short to hold the fields the filter reads are dropped by the
 * kernel (a cBPF load past the end returns 0), except IPv4 frames to our
 * MAC, which pass whatever their length so uvsd counts them as malformed.
 * An IPv6 frame to a multicast MAC other than a solicited-node one
 * (MLD, router advertisements, all-nodes) never wakes uvsd.
 */
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <stdlib.h>
#include <string.h>

#include "fwd/data/filter.h"

/* libpcap's MAXIMUM_SNAPLEN: keeps a whole 64 KiB GSO frame */
#define FILTER_SNAPLEN	262144u
#define ARP_OP_OFF	(ETH_HLEN + 6)	/* RFC 826: after hrd, pro, hln, pln */
#define IP6_NH_OFF	(ETH_HLEN + 6)	/* RFC 8200: the next header byte */
#define ICMP6_TYPE_OFF	(ETH_HLEN + 40)	/* ICMPv6 right after the header */
#define MCAST6_MAC	0x3333u		/* RFC 2464 7: 33:33 + low 32 bits */
#define SOLNODE_BYTE	0xffu		/* ff02::1:ffXX:XXXX's ff */

static uint32_t
be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

int
uvs_filter_build(int families, const uint8_t mac[6], struct sock_fprog *prog)
{
	/* a 16-bit load never equals this: how a family is switched off */
	const uint32_t never = 0x10000;
	const uint32_t arp = families & UVS_FILTER_V4 ? ETHERTYPE_ARP : never;
	const uint32_t ip4 = families & UVS_FILTER_V4 ? ETHERTYPE_IP : never;
	const uint32_t ip6 = families & UVS_FILTER_V6 ? ETHERTYPE_IPV6 : never;
	/* jt/jf count the instructions to skip after this one */
	const struct sock_filter code[] = {
		/* 0 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
		/* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arp, 0, 2),
		/* 2 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, ARP_OP_OFF),
		/* 3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARPOP_REQUEST, 14, 15),
		/* 4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ip4, 9, 0),
		/* 5 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ip6, 0, 13),
		/* 6: IPv6 to a multicast MAC: only NS to a solicited-node
		   group (33:33:ff:xx:xx:xx), ICMPv6 right after the header */
		/* 6 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 0),
		/* 7 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, MCAST6_MAC, 0, 6),
		/* 8 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 2),
		/* 9 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SOLNODE_BYTE, 0, 9),
		/* 10 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, IP6_NH_OFF),
		/* 11 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ICMPV6, 0, 7),
		/* 12 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, ICMP6_TYPE_OFF),
		/* 13 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ND_NEIGHBOR_SOLICIT,
			    4, 5),
		/* 14: IPv4 or IPv6 sent to our MAC */
		/* 14 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		/* 15 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, be32_at(mac), 0, 3),
		/* 16 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 4),
		/* 17 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
			    (uint32_t)mac[4] << 8 | mac[5], 0, 1),
		/* 18 */ BPF_STMT(BPF_RET | BPF_K, FILTER_SNAPLEN),
		/* 19 */ BPF_STMT(BPF_RET | BPF_K, 0),
	};
	const struct sock_filter none[] = { BPF_STMT(BPF_RET | BPF_K, 0) };
	const struct sock_filter *src = families ? code : none;
	size_t n = families ? sizeof(code) / sizeof(code[0]) : 1;

	prog->len = (unsigned short)n;
	if (!(prog->filter = calloc(n, sizeof(*prog->filter))))
		return -1;
	memcpy(prog->filter, src, n * sizeof(*src));
	return 0;
}
