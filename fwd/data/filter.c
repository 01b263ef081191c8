/*
 * The kernel filter of uvsd's packet sockets: which frames wake uvsd at
 * all. It is the same few instructions whatever the number of VIPs: ARP
 * requests, and IPv4 frames sent to the director's MAC. Which of those
 * are for a VIP is the service table's question (a hash lookup in
 * sched/svcindex.c), so 1 000 VIPs cost the kernel no more than one; a
 * filter that named every VIP grew with them and had a length limit.
 * The price: the director's own IPv4 traffic (health checks' replies, a
 * shell session) wakes uvsd too, and is counted as not_vip.
 * Frames too short to hold the fields the filter reads are dropped by the
 * kernel (a cBPF load past the end returns 0), except IPv4 frames to our
 * MAC, which pass whatever their length so uvsd counts them as malformed.
 */
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <stdlib.h>
#include <string.h>

#include "fwd/data/filter.h"

/* libpcap's MAXIMUM_SNAPLEN: keeps a whole 64 KiB GSO frame */
#define FILTER_SNAPLEN	262144u
#define ARP_OP_OFF	(ETH_HLEN + 6)	/* RFC 826: after hrd, pro, hln, pln */

static uint32_t
be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

int
uvs_filter_build(int any_vip, const uint8_t mac[6], struct sock_fprog *prog)
{
	const struct sock_filter accept_all = BPF_STMT(BPF_RET | BPF_K,
	    FILTER_SNAPLEN);
	/* jt/jf count the instructions to skip after this one */
	const struct sock_filter code[] = {
		/* 0 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
		/* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETHERTYPE_ARP, 0, 2),
		/* 2 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, ARP_OP_OFF),
		/* 3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARPOP_REQUEST, 5, 6),
		/* 4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETHERTYPE_IP, 0, 5),
		/* 5 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		/* 6 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, be32_at(mac), 0, 3),
		/* 7 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 4),
		/* 8 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
			    (uint32_t)mac[4] << 8 | mac[5], 0, 1),
		/* 9 */ accept_all,
		/* 10 */ BPF_STMT(BPF_RET | BPF_K, 0),
	};
	const struct sock_filter none[] = { BPF_STMT(BPF_RET | BPF_K, 0) };
	const struct sock_filter *src = any_vip ? code : none;
	size_t n = any_vip ? sizeof(code) / sizeof(code[0]) : 1;

	prog->len = (unsigned short)n;
	if (!(prog->filter = calloc(n, sizeof(*prog->filter))))
		return -1;
	memcpy(prog->filter, src, n * sizeof(*src));
	return 0;
}
